"""Lineage read from one paper by the rules (the learned model's candidate generator and fallback): from the
proposed method's name and from cue phrases about it. The model itself: ``test_lineage_model.py``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.papers import Paper
from kg.core.resources import sample_paths
from kg.extraction import build_pipeline
from kg.extraction.assemble import sentence_offsets
from kg.extraction.lineage import Fields, load_cues, may_state_relation, required_texts, rule_lineage
from kg.extraction.records import LINEAGE_RELATIONS, Alias, Entity, Evidence, Extraction
from kg.extraction.text import make_doc
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
    return {(e.child, e.parent, e.relation) for e in rule_lineage(paper, extraction)}


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


def test_a_technique_is_a_parent_only_when_extended_or_built_on():
    """GUIDELINES: the parent may be a technique when the text says the method extends or builds on it;
    a method that merely uses one ("uses self-supervised learning") is not built on it."""
    paper, extraction = make(
        "Invariant Representations",
        "We propose a novel architecture that extends the predictive coding approach: PreludeNet. "
        "PreludeNet is based on knowledge distillation. PreludeNet uses self-supervised learning.",
        ["PreludeNet"],
        techniques=["predictive coding", "knowledge distillation", "self-supervised learning"],
    )
    assert pairs(paper, extraction) == {
        ("PreludeNet", "predictive coding", "extends"),
        ("PreludeNet", "knowledge distillation", "based_on"),
    }


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
        "Foo reaches 80.1% accuracy, close to BERT based on our tests.",  # "based on" is no ancestry here
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
    assert rule_lineage(paper, extraction) == []


def test_generic_families_are_never_parents():
    paper, extraction = make(
        "Foo: LLM-Based Detection", "We propose Foo, built on top of LLMs.", ["Foo"], ["LLMs", "LLM"]
    )
    assert rule_lineage(paper, extraction) == []


def test_edges_carry_valid_evidence_and_one_relation_per_pair():
    paper, extraction = make(
        "EAGLE-3: faster decoding",
        "We introduce EAGLE-3, which is built upon EAGLE. EAGLE-3 gives a 1.4x improvement over EAGLE-2 "
        "and outperforms EAGLE.",
        ["EAGLE-3"],
        ["EAGLE", "EAGLE-2"],
    )
    edges = rule_lineage(paper, extraction)
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
    """(Scoring higher than BERT is improving on it, GUIDELINES' improves_on; it is no variant of it.)"""
    paper, extraction = make("Foo: a model", f"We propose Foo. {sentence}", ["Foo"], ["BERT"])
    assert [edge for edge in rule_lineage(paper, extraction) if edge.relation != "improves_on"] == []


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
    for edge in rule_lineage(paper, extraction):
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
    nlp = build_pipeline()
    sentences = [
        sentence.text
        for paper in read_papers(sample_paths())[0]
        for sentence in Fields(paper, sentence_offsets(nlp(make_doc(nlp, paper.text)))).sentences
    ]
    matched = [text for text in sentences if any(pattern.search(text) for _, pattern, *_ in cues.relations)]
    assert len(matched) > 50
    assert all(may_state_relation(text, cues) for text in matched)
    assert not all(may_state_relation(text, cues) for text in sentences)  # and it does rule some out


# --- plain cases from papers the rules never saw (issue 14) -----------------------------------------------


@pytest.mark.parametrize(
    ("title", "abstract", "proposed", "methods", "expected"),
    [
        (
            "PrFlashAttention: Exact Attention with Priorities",
            "We present PrFlashAttention, an attention kernel for long prompts. FlashAttention is fast.",
            ["PrFlashAttention"],
            ["FlashAttention"],
            ("PrFlashAttention", "FlashAttention"),
        ),
        (
            "DeciMamba: Length Extrapolation of Mamba",
            "Mamba is a selective state-space model. We introduce DeciMamba, a context-extension method.",
            ["DeciMamba"],
            ["Mamba"],
            ("DeciMamba", "Mamba"),
        ),
        (
            "JEN-1 DreamStyler: Customized Musical Concept Learning",
            "We propose JEN-1 DreamStyler, a method for customized music generation. JEN-1 is a music model.",
            ["JEN-1 DreamStyler"],
            ["JEN-1"],
            ("JEN-1 DreamStyler", "JEN-1"),
        ),
        (
            "BridgeTower: Building Bridges Between Encoders",
            "We propose BridgeTower. BridgeTower improves on METER by 1.1% accuracy on VQAv2.",
            ["BridgeTower"],
            ["METER"],
            ("BridgeTower", "METER"),
        ),
        (
            "FooNet: Combining Transformer and Mamba for Speech",
            "We present FooNet for speech separation.",
            ["FooNet"],
            ["Transformer", "Mamba"],
            ("FooNet", "Transformer"),
        ),
        (
            "Foo: Domain Encoders",
            "Our models outperform general-purpose encoders (RoBERTa) and domain-specific encoders (SciBERT).",
            ["Foo"],
            ["RoBERTa", "SciBERT"],
            ("Foo", "SciBERT"),
        ),
    ],
)
def test_plain_cases_by_name_title_and_cue(title, abstract, proposed, methods, expected):
    assert expected in {
        (child, parent) for child, parent, _ in pairs(*make(title, abstract, proposed, methods))
    }


def test_coordinated_children_share_the_cue():
    paper, extraction = make(
        "Progressive Knowledge Distillation of Stable Diffusion XL",
        "We introduce SSD-1B and Segmind-Vega, two smaller variants of SDXL with fewer parameters.",
        ["SSD-1B", "Segmind-Vega"],
        ["SDXL"],
    )
    assert pairs(paper, extraction) == {
        ("SSD-1B", "SDXL", "variant_of"),
        ("Segmind-Vega", "SDXL", "variant_of"),
    }


@pytest.mark.parametrize(
    ("title", "abstract", "proposed", "methods"),
    [
        # a capitalised common word inside a name is no parent unless the text names it on its own
        ("ShapeFormer: Shapelets", "We propose ShapeFormer for time series.", ["ShapeFormer"], []),
        # "RNN-Free" says the method does without an RNN
        ("FooNet: Combining Attention and RNN-Free Recurrence", "We present FooNet.", ["FooNet"], ["RNN"]),
        # a parameter count after an acronym the text never names is no version of a known method
        ("SSD-1B: A Smaller Diffusion Model", "We introduce SSD-1B for image generation.", ["SSD-1B"], []),
    ],
)
def test_names_and_titles_that_state_no_ancestry(title, abstract, proposed, methods):
    assert pairs(*make(title, abstract, proposed, methods)) == set()


# -- what a paper names beside its own method: variants, components, coined names --------------------------


def test_the_paper_s_own_variants_are_children_of_its_method():
    """A method the text names as the proposed one plus a version, a size or a part (``LadleNet+``,
    ``iFormer-S``, ``AlexNet-PCN16``) is the paper's too: a child of that method, with its own cues."""
    paper, extraction = make(
        "LadleNet: Translating Thermal Images",
        "In this paper, we introduce LadleNet. Consequently, we propose LadleNet+, which replaces the "
        "module of LadleNet with the pre-trained DeepLabv3+ network. Our LadleNet-S hits 83.4% accuracy, "
        "much higher than DeiT-S by 3.6%. AlexNet-LadleNet, our LadleNet equivalent to AlexNet, is small.",
        ["LadleNet"],
        ["LadleNet+", "DeepLabv3+", "LadleNet-S", "DeiT-S", "AlexNet-LadleNet", "AlexNet"],
    )
    found = pairs(paper, extraction)
    assert {
        ("LadleNet+", "LadleNet", "extends"),
        ("LadleNet-S", "LadleNet", "variant_of"),
        ("LadleNet-S", "DeiT-S", "improves_on"),  # "Our LadleNet-S", not the proposed LadleNet, beats it
        ("AlexNet-LadleNet", "LadleNet", "based_on"),
    } < found
    assert {(c, p) for c, p, _ in found} == {
        ("LadleNet+", "LadleNet"),
        ("LadleNet-S", "LadleNet"),
        ("LadleNet-S", "DeiT-S"),
        ("AlexNet-LadleNet", "LadleNet"),
        ("AlexNet-LadleNet", "AlexNet"),
    }


def test_a_name_merely_sharing_letters_with_the_method_is_no_variant_of_it():
    paper, extraction = make(
        "HyperZ: fast interaction",
        "We propose HyperZ. The HyperZcdotZcdotW operator of prior work is slow.",
        ["HyperZ"],
        ["HyperZcdotZcdotW"],
    )
    assert ("HyperZcdotZcdotW", "HyperZ") not in {(c, p) for c, p, _ in pairs(paper, extraction)}


def test_a_component_the_paper_introduces_does_not_hide_what_it_is_built_on():
    paper, extraction = make(
        "MossFormer2: Speech Separation",
        "We propose MossFormer2. Instead of applying RNNs, we present a recurrent module based on a "
        "feedforward sequential memory network (FSMN), which is considered RNN-free.",
        ["MossFormer2"],
        ["feedforward sequential memory network", "RNNs"],
        techniques=["recurrent module"],
        aliases=[("FSMN", "feedforward sequential memory network")],
    )
    assert ("MossFormer2", "feedforward sequential memory network", "based_on") in pairs(paper, extraction)


def test_a_named_method_using_another_is_built_on_it_and_its_version_is_kept():
    paper, extraction = make(
        "WavThruVec: Speech Synthesis",
        "Here, we propose WavThruVec - a two-stage architecture that resolves the bottleneck by using "
        "high-dimensional Wav2Vec 2.0 embeddings as intermediate speech representation.",
        ["WavThruVec"],
        ["Wav2Vec 2.0"],
    )
    assert pairs(paper, extraction) == {("WavThruVec", "Wav2Vec 2.0", "based_on")}


def test_a_coined_name_defined_as_prior_work_is_the_parent_a_child_s_name_is_built_on():
    paper, extraction = make(
        "RECOMBINER: Robust and Enhanced Compression",
        "COMpression with Bayesian Implicit NEural Representations (COMBINER) is a recent data compression "
        "method. Our proposed method, Robust and Enhanced COMBINER (RECOMBINER), addresses its issues.",
        ["RECOMBINER"],
    )
    first, second = paper.abstract.split(". ", 1)
    extraction.aliases = [  # each defined in its own sentence, as the entity stage reports them
        Alias(
            "COMBINER",
            "COMpression with Bayesian Implicit NEural Representations",
            Evidence("abstract", first, 0, 0),
        ),
        Alias("RECOMBINER", "Robust and Enhanced COMBINER", Evidence("abstract", second, 0, 0)),
    ]
    assert {(c, p) for c, p, _ in pairs(paper, extraction)} == {("RECOMBINER", "COMBINER")}


def test_a_term_s_initials_inside_a_child_s_name_are_no_parent():
    paper, extraction = make(
        "Lifetime Estimation",
        "Fluorescence Lifetime Imaging (FLI) is a critical imaging modality. We present MFliNet "
        "(Macroscopic FLI Network), a novel architecture.",
        ["MFliNet"],
        techniques=["Fluorescence Lifetime Imaging"],
    )
    first, second = paper.abstract.split(". ", 1)
    extraction.aliases = [
        Alias("FLI", "Fluorescence Lifetime Imaging", Evidence("abstract", first, 0, 0)),
        Alias("MFliNet", "Macroscopic FLI Network", Evidence("abstract", second, 0, 0)),
    ]
    assert pairs(paper, extraction) == set()


def test_a_part_the_paper_coins_for_its_method_is_no_parent_and_a_family_is_named_by_its_version():
    paper, extraction = make(
        "LLaVA-MoLE: Sparse Mixture of LoRA Experts",
        "To address this issue, we propose a sparse Mixture of LoRA Experts (MoLE) for instruction "
        "finetuning. By replacing the plain-LoRA of LLaVA-1.5 with our design, our final model is named "
        "LLaVA-MoLE.",
        ["LLaVA-MoLE"],
        ["Mixture of LoRA Experts", "LLaVA-1.5"],
        aliases=[("MoLE", "Mixture of LoRA Experts")],
    )
    # LLaVA is named only inside the child's name; the text names the version it is built on
    assert pairs(paper, extraction) == {("LLaVA-MoLE", "LLaVA-1.5", "based_on")}


def test_a_hyphenated_known_name_inside_a_child_s_name_is_what_it_extends():
    paper, extraction = make(
        "Word Representations",
        "For word-level representations we propose Disambiguated Skip-gram: a neural network model.",
        ["Disambiguated Skip-gram"],
    )
    assert pairs(paper, extraction) == {("Disambiguated Skip-gram", "Skip-gram", "extends")}


def test_a_technique_with_a_coined_name_can_be_outperformed():
    paper, extraction = make(
        "Encoder Layer Fusion",
        "We propose a simple fusion method, SurfaceFusion. Experimental results show that SurfaceFusion "
        "outperforms EncoderFusion on several NLP benchmarks.",
        ["SurfaceFusion"],
        techniques=["EncoderFusion"],
    )
    assert pairs(paper, extraction) == {("SurfaceFusion", "EncoderFusion", "improves_on")}


def test_of_two_names_inside_a_child_s_long_form_the_inner_one_is_left_out():
    paper, extraction = make(
        "Token-Pass Segmentation",
        "We introduce Dynamic Token-Pass Vision Transformer (DoViT) for semantic segmentation.",
        ["DoViT"],
        ["Vision Transformer", "Transformer"],
        aliases=[("DoViT", "Dynamic Token-Pass Vision Transformer")],
    )
    assert {p for _, p, _ in pairs(paper, extraction)} == {"ViT"}  # the vocabulary's label


def test_a_method_modifying_the_head_of_the_title_apposition_is_built_on():
    paper, extraction = make(
        "Marsellus: A Heterogeneous RISC-V SoC for AI at the Edge",
        "We present Marsellus, an all-digital chip.",
        ["Marsellus"],
        ["RISC-V"],
    )
    assert pairs(paper, extraction) == {("Marsellus", "RISC-V", "based_on")}


def test_variants_of_a_named_method_are_what_the_method_improves_on():
    paper, extraction = make(
        "LongVQ: Long Sequence Modeling",
        "We propose LongVQ. Our model achieves significant improvements over other sequence models, "
        "including variants of Transformers.",
        ["LongVQ"],
        ["Transformers"],
    )
    assert {(c, p) for c, p, _ in pairs(paper, extraction)} == {("LongVQ", "Transformer")}


def test_a_method_defined_as_prior_work_inside_a_child_s_long_form_is_its_parent():
    paper, extraction = make(
        "Edge-of-Chaos Dynamics",
        "The liquid state machine (LSM) combines low training complexity and biological plausibility. "
        "Inspired by astrocytes, we propose the neuron-astrocyte liquid state machine (NALSM).",
        ["NALSM"],
        ["liquid state machine"],
    )
    first, second = paper.abstract.split(". ", 1)
    extraction.aliases = [
        Alias("LSM", "liquid state machine", Evidence("abstract", first, 0, 0)),
        Alias("NALSM", "neuron-astrocyte liquid state machine", Evidence("abstract", second, 0, 0)),
    ]
    assert {(c, p) for c, p, _ in pairs(paper, extraction)} == {("NALSM", "liquid state machine")}


@pytest.mark.parametrize(
    ("long_form", "technique", "built_on"),
    [
        ("whitening-based contrastive learning method for sentence embeddings", "contrastive learning", True),
        (
            "hyper-pixel-wise contrastive learning augmented segmentation network",
            "contrastive learning",
            True,
        ),
        ("Adaptive Model Merging", "model merging", False),  # the kind of thing it is, not what it builds on
        ("Supervised Contrastive Learning for Regression", "contrastive learning", False),
    ],
)
def test_a_technique_modifying_the_head_of_a_child_s_long_form_is_what_it_builds_on(
    long_form, technique, built_on
):
    paper, extraction = make(
        "Sentence Embeddings",
        f"This paper presents a {long_form} (FooNet). The {technique} literature is large.",
        ["FooNet"],
        techniques=[technique],
        aliases=[("FooNet", long_form)],
    )
    assert (("FooNet", technique, "based_on") in pairs(paper, extraction)) is built_on
