"""Lineage read from one paper: from the proposed method's name and from cue phrases about it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extraction.lineage import _sentences, find_lineage, load_cues, may_state_relation, required_texts
from kg.extraction.records import LINEAGE_RELATIONS, Alias, Entity, Evidence, Extraction
from kg.papers import Paper
from kg.resources import sample_paths
from kg.sources import read_papers


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
        "Methods like EAGLE perform autoregression at the feature level. In this paper, we introduce "
        "EAGLE-3, which uses direct token prediction. EAGLE-3 achieves a speedup ratio up to 6.5x, "
        "with about 1.4x improvement over EAGLE-2.",
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
        # the vocabulary's label names a known method, whatever the case the text writes it in
        ("We present Foo, an efficient model based on transformer architecture.", "Transformer", "based_on"),
        ("Our model consists of a deep LSTM network with 8 layers.", "LSTM", "based_on"),
        ("Foo refines each feature by employing a SENet-like network.", "SENet", "based_on"),
        ("Foo improves pretrained models such as BART and Longformer.", "Longformer", "improves_on"),
        ("Foo improves pretrained models such as BART and Longformer.", "BART", "improves_on"),
        ("Experiments show that Foo outperforms RoBERTa on all tasks.", "RoBERTa", "improves_on"),
        ("Foo is a lightweight variant of RoBERTa for phones.", "RoBERTa", "variant_of"),
        ("In Foo we extend the popular LSTM with gates.", "LSTM", "extends"),
        ("Foo uses a frozen SENet as backbone.", "SENet", "based_on"),
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
    assert all(
        named.casefold() in sentence.casefold() for _, named, _ in found
    )  # nothing from the sentences around it


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
        "We find that Medusa outperforms BERT on long inputs.",  # Medusa is what beats BERT
        "Foo reaches 80.1% accuracy, higher than BERT based on our tests.",  # "based on" is no ancestry here
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


def test_a_model_for_another_language_is_a_variant_and_beats_what_it_says_it_beats():
    paper, extraction = make(
        "Bertinho: Galician BERT Representations",
        "This paper presents a monolingual BERT model for Galician. We follow the recent trend that shows "
        "that it is feasible to build robust monolingual BERT models. Our models outperform the results of "
        "mBERT in most tasks.",
        ["Bertinho"],
        ["BERT", "mBERT"],
    )
    assert pairs(paper, extraction) == {
        ("Bertinho", "BERT", "variant_of"),
        ("Bertinho", "mBERT", "improves_on"),
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "We follow the recent trend of training monolingual BERT models.",
        "Foo scores higher than the Chinese BERT on all tasks.",
    ],
)
def test_a_language_model_named_in_passing_is_no_variant(sentence):
    paper, extraction = make("Foo: a model", f"We propose Foo. {sentence}", ["Foo"], ["BERT"])
    assert find_lineage(paper, extraction) == []


WORDS = st.sampled_from(
    [
        "We",
        "propose",
        "Foo-2",
        "Foo",
        "BERT",
        "based",
        "on",
        "extends",
        "outperforms",
        "our",
        "model",
        "-based",
        "the",
        "a",
        "Galician",
        "previous",
        ",",
        ".",
        ":",
        "(",
        ")",
        "built",
        "top",
        "of",
        "LLMs",
        "variant",
    ]
)


@settings(max_examples=60, deadline=None)
@given(title=st.lists(WORDS, max_size=8).map(" ".join), abstract=st.lists(WORDS, max_size=40).map(" ".join))
def test_any_text_gives_well_formed_edges(title, abstract):
    paper, extraction = make(
        title, abstract, ["Foo-2"] if "Foo-2" in title + abstract else [], ["BERT", "Foo"]
    )
    fields = {"title": paper.title, "abstract": paper.abstract}
    for edge in find_lineage(paper, extraction):
        assert edge.child == "Foo-2" and edge.parent in ("BERT", "Foo") and edge.relation in LINEAGE_RELATIONS
        text = fields[edge.evidence.field]
        assert 0 <= edge.evidence.start < edge.evidence.end <= len(text)
        assert text[edge.evidence.start : edge.evidence.end] in edge.evidence.sentence


def test_a_known_method_spelt_out_is_reported_by_its_vocabulary_label():
    long = "Bidirectional Encoder Representations from Transformers"
    paper, extraction = make(
        "AD-BERT: predicting progression",
        f"We develop a framework based on the pre-trained {long} (BERT) model.",
        ["AD-BERT"],
        [long],
        aliases=[("BERT", long)],
    )
    assert {(c, p) for c, p, _ in pairs(paper, extraction)} == {("AD-BERT", "BERT")}


def test_required_texts_of_a_cue_are_in_every_match():
    assert required_texts("an? (?:extended|improved) version of") == {" version of"}
    assert required_texts("an? (?:small|large) (?:version|variant) of") == {"version", "variant"}
    assert required_texts("(?:is |are )?based on") == {"based on"}
    assert required_texts("generali[sz]es") == {"generali"}
    assert required_texts("Fine-?tun(?:es|ed)") == {"fine"}
    assert required_texts("ab|cd") is None  # no text common to both alternatives
    assert required_texts("an?") is None  # nothing telling


def test_the_cheap_gate_never_hides_a_cue_that_matches():
    """On every sentence of the sample: a sentence any relation cue matches always passes the gate."""
    cues = load_cues()
    assert cues.relation_literals
    sentences = [
        sentence.text
        for paper in read_papers(sample_paths())[0]
        for sentence in _sentences({"title": paper.title, "abstract": paper.abstract})
    ]
    matched = [text for text in sentences if any(pattern.search(text) for _, pattern, *_ in cues.relations)]
    assert len(matched) > 50
    assert all(may_state_relation(text, cues) for text in matched)
    assert not all(may_state_relation(text, cues) for text in sentences)  # and it does rule some out
