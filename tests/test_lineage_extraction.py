"""Lineage read from one paper: from the proposed method's name and from cue phrases about it."""

from __future__ import annotations

import pytest

from kg.extraction.lineage import find_lineage
from kg.extraction.records import LINEAGE_RELATIONS, Alias, Entity, Evidence, Extraction
from kg.papers import Paper


def make(
    title: str,
    abstract: str,
    proposed: list[str],
    methods: list[str] = (),
    techniques: list[str] = (),
    aliases: list[tuple[str, str]] = (),
) -> tuple[Paper, Extraction]:
    """A paper and the extraction the entity stage would give it (each name found in the text)."""
    paper = Paper(title=title, abstract=abstract)

    def entity(name: str, kind: str) -> Entity:
        field, text = ("title", title) if name in title else ("abstract", abstract)
        start = text.find(name)
        return Entity(name, kind, name, 0.9, Evidence(field, text, start, start + len(name)))

    ev = Evidence("abstract", abstract, 0, 0)
    extraction = Extraction(
        paper.id,
        methods=[entity(n, "method") for n in [*proposed, *methods]],
        techniques=[entity(n, "technique") for n in techniques],
        proposed=[entity(n, "method") for n in proposed],
        aliases=[Alias(short, long, ev) for short, long in aliases],
    )
    return paper, extraction


def pairs(paper: Paper, extraction: Extraction) -> set[tuple[str, str, str]]:
    return {(e.child, e.parent, e.relation) for e in find_lineage(paper, extraction)}


def test_a_version_extends_its_series_and_improves_on_the_version_it_beats():
    paper, extraction = make(
        "EAGLE-3: Scaling up Inference Acceleration of Large Language Models",
        "Methods like EAGLE perform autoregression at the feature level. In this paper, we introduce EAGLE-3, "
        "which uses direct token prediction. EAGLE-3 achieves a speedup ratio up to 6.5x, with about 1.4x "
        "improvement over EAGLE-2.",
        ["EAGLE-3"],
        ["EAGLE", "EAGLE-2"],
    )
    assert pairs(paper, extraction) == {
        ("EAGLE-3", "EAGLE", "extends"),
        ("EAGLE-3", "EAGLE-2", "improves_on"),
    }


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        ("DeFTAN-II", "DeFTAN"),
        ("MossFormer2", "MossFormer"),
        ("wav2vec 2.0", "wav2vec"),
        ("DyGIE++", "DyGIE"),
    ],
)
def test_a_version_extends_its_series_even_when_the_text_does_not_name_it(child, parent):
    paper, extraction = make(
        f"{child}: Efficient Speech Enhancement", f"We present {child}, a fast model.", [child]
    )
    assert pairs(paper, extraction) == {(child, parent, "extends")}


def test_a_year_is_not_a_version():
    paper, extraction = make(
        "TM-TREK 2024: Boundary Detection", "We present TM-TREK 2024, a detector.", ["TM-TREK 2024"]
    )
    assert pairs(paper, extraction) == set()


@pytest.mark.parametrize(
    ("child", "relation"),
    [
        ("BERTurk", "variant_of"),
        ("AD-BERT", "variant_of"),
        ("DomURLs_BERT", "variant_of"),
        ("WhiteningBERT", "variant_of"),
    ],
)
def test_a_name_built_on_a_known_pretrained_model_is_its_variant(child, relation):
    paper, extraction = make(f"{child}: a model", f"We release {child}, pre-trained on our corpus.", [child])
    assert pairs(paper, extraction) == {(child, "BERT", relation)}


def test_a_known_name_inside_an_unrelated_acronym_is_not_an_ancestor():
    paper, extraction = make("FGCNN: feature generation", "We propose FGCNN for click prediction.", ["FGCNN"])
    assert pairs(paper, extraction) == set()  # GCN / CNN are not named in the text


def test_the_long_form_of_an_acronym_can_name_its_backbone():
    paper, extraction = make(
        "Augmented Representations",
        "We present ReCAT, a recursive composition augmented Transformer for raw texts.",
        ["ReCAT"],
        ["Transformer"],
        aliases=[("ReCAT", "recursive composition augmented Transformer")],
    )
    assert pairs(paper, extraction) == {("ReCAT", "Transformer", "based_on")}


@pytest.mark.parametrize(
    ("sentence", "parent", "relation"),
    [
        ("Our model is built on top of the state-of-the-art Emu text-to-image model.", "Emu", "based_on"),
        ("We present Foo, an efficient model based on transformer architecture.", "transformer", "based_on"),
        ("Our model consists of a deep LSTM network with 8 layers.", "LSTM", "based_on"),
        ("Foo refines each feature by employing a SENet-like network.", "SENet", "based_on"),
        ("Foo improves pretrained models such as BART and Longformer.", "Longformer", "improves_on"),
        ("Foo improves pretrained models such as BART and Longformer.", "BART", "improves_on"),
        ("Experiments show that Foo outperforms RoBERTa on all tasks.", "RoBERTa", "improves_on"),
    ],
)
def test_cue_phrases_about_the_paper_s_method(sentence, parent, relation):
    paper, extraction = make(
        "Foo: a model",
        f"Models are slow. {sentence} It is fast.",
        ["Foo"],
        ["Emu", "transformer", "LSTM", "SENet", "BART", "Longformer", "RoBERTa"],
    )
    found = pairs(paper, extraction)
    assert ("Foo", parent, relation) in found
    assert len(found) == len(
        set(sentence.split()) & {"Emu", "transformer", "LSTM", "SENet-like", "BART", "Longformer.", "RoBERTa"}
    )


def test_a_technique_is_a_parent_only_when_extended():
    paper, extraction = make(
        "Invariant Representations",
        "We propose a novel architecture that extends the predictive coding approach: PreludeNet. "
        "PreludeNet is based on self-supervised learning.",
        ["PreludeNet"],
        techniques=["predictive coding", "self-supervised learning"],
    )
    assert pairs(paper, extraction) == {("PreludeNet", "predictive coding", "extends")}


@pytest.mark.parametrize(
    "sentence",
    [
        "Previous methods such as Medusa are based on BERT.",  # about prior work, not the paper's method
        "Recent studies showed that BERT-based models reach high accuracy.",
        "Existing BERT-based detectors are slow, so we propose Foo.",
        "Unlike approaches that are not based on BERT, we use none.",
        "This paper builds on these properties of BERT embeddings.",  # BERT only modifies what is built on
        "We evaluate on BERT-tokenised text and compare with LLM-based baselines.",
    ],
)
def test_no_ancestry_from_sentences_about_others(sentence):
    paper, extraction = make(
        "Foo: a detector", f"We propose Foo. {sentence}", ["Foo"], ["Medusa", "BERT", "LLM"]
    )
    assert ("Foo", "BERT") not in {(c, p) for c, p, _ in pairs(paper, extraction)}
    assert ("Foo", "LLM") not in {(c, p) for c, p, _ in pairs(paper, extraction)}


def test_no_lineage_without_a_proposed_method():
    paper, extraction = make(
        "On shortcut learning", "We show that our model is built on top of BERT.", [], ["BERT"]
    )
    assert find_lineage(paper, extraction) == []


def test_generic_families_are_never_parents():
    paper, extraction = make(
        "Foo: LLM-Based Detection", "We propose Foo, built on top of LLMs.", ["Foo"], ["LLMs", "LLM"]
    )
    assert find_lineage(paper, extraction) == []


def test_edges_carry_valid_evidence_and_one_relation_per_pair():
    paper, extraction = make(
        "EAGLE-3: faster decoding",
        "We introduce EAGLE-3, which is built upon EAGLE. EAGLE-3 gives a 1.4x improvement over EAGLE-2 "
        "and outperforms EAGLE.",
        ["EAGLE-3"],
        ["EAGLE", "EAGLE-2"],
    )
    edges = find_lineage(paper, extraction)
    assert len({(e.child, e.parent) for e in edges}) == len(edges) == 2
    fields = {"title": paper.title, "abstract": paper.abstract}
    for edge in edges:
        assert edge.relation in LINEAGE_RELATIONS and 0.5 <= edge.confidence <= 1.0
        text = fields[edge.evidence.field]
        assert text[edge.evidence.start : edge.evidence.end] in (edge.parent, edge.child)
        assert text[edge.evidence.start : edge.evidence.end] in edge.evidence.sentence
    assert {(e.parent, e.relation) for e in edges} == {("EAGLE", "extends"), ("EAGLE-2", "improves_on")}
