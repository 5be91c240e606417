"""Extraction: the rules one by one, the spaCy components, and whole papers through ``extract``."""

from __future__ import annotations

import json
import re

import pytest
import spacy
from rdflib import RDF, Graph
from rdflib.namespace import SKOS

from kg.core.namespaces import KGV
from kg.core.papers import Paper
from kg.extraction import build_pipeline, default_workers, extract, extract_many
from kg.extraction.abbreviations import (
    abbreviations_of,
    appositive_abbreviations,
    best_long_form,
    find_abbreviations,
    title_abbreviation,
)
from kg.extraction.mentions import VOCABULARY, mentions_by
from kg.extraction.names import find_names, is_coined, title_prefix
from kg.extraction.results import Span, find_results
from kg.extraction.vocabulary import default_vocab_dir, load_labels

PAPER = Paper(
    record_id="p1",
    title="FooNet: Sparse Gated Networks for Speech Emotion Recognition",
    abstract=(
        "Speech emotion recognition (SER) is hard. We propose FooNet, a sparse gated network built on "
        "wav2vec 2.0 and trained with contrastive learning. On the IEMOCAP and MSP-Podcast benchmarks, "
        "FooNet reaches an accuracy of 71.2% on IEMOCAP, and it lowers the word error rate (WER) by 12%. "
        "It also beats HuBERT and ResNet-50 baselines. Code: https://github.com/foo/foonet."
    ),
)


def names(entities) -> list[str]:
    return [e.name for e in entities]


def all_forms(entities) -> set[str]:
    return {form for e in entities for form in [e.name, *e.aliases]}


# --- acronym definitions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("text from large language models (LLMs) is", "LLMs", "large language models"),
        ("predict Click-through rate (CTR) well", "CTR", "Click-through rate"),
        ("into Multi-Modal Large Language Models (MLLMs).", "MLLMs", "Multi-Modal Large Language Models"),
        ("a human-in-the-loop (HITL) strategy", "HITL", "human-in-the-loop"),
        (
            "technique named PCB-Merging (Parameter Competition Balancing), a",
            "PCB-Merging",
            "Parameter Competition Balancing",
        ),
        (
            "a general-purpose Inception Transformer, or iFormer for short, that",
            "iFormer",
            "Inception Transformer",
        ),
    ],
)
def test_find_abbreviations_both_orders(text, short, long):
    found = find_abbreviations(text)
    assert [(a.short, a.long) for a in found] == [(short, long)]
    a = found[0]
    assert text[a.short_start : a.short_end] == short
    assert text[a.long_start : a.long_end] == long


@pytest.mark.parametrize(
    "text",
    [
        "methods for RS (e.g. MMoE, PLE) focus",
        "complexity O(L^2) in length",
        "we train it (see Table 2)",
        "then pretrained a BERT model for AD (AD-BERT) based on",
        "two kinds (i) and (ii)",
    ],
)
def test_find_abbreviations_rejects_non_definitions(text):
    assert find_abbreviations(text) == []


def test_best_long_form_needs_the_first_letter_at_a_word_start():
    assert best_long_form("DNN", "a Deep Neural Network") == 2
    assert best_long_form("XYZ", "a Deep Neural Network") is None


def test_title_and_appositive_definitions():
    halp = title_abbreviation("HaLP: Hallucinating Latent Positives for Skeleton-based Learning")
    assert (halp.short, halp.long) == ("HaLP", "Hallucinating Latent Positives")
    assert title_abbreviation("CoRe: Context-Regularized Text Embedding Learning") is None
    text = "we present GNMT, Google's Neural Machine Translation system, which"
    [gnmt] = appositive_abbreviations(text)
    assert gnmt.long == "Google's Neural Machine Translation system"
    assert text[gnmt.long_start : gnmt.long_start + len(gnmt.long)] == gnmt.long


# --- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["HiCMAE", "aTLAS", "iFormer", "EAGLE-3", "DeFTAN-II", "wav2vec", "Met^2Net", "DyGIE++", "TM-TREK"],
)
def test_coined_names(token):
    assert is_coined(token)


@pytest.mark.parametrize("token", ["Transformer", "2-bit", "22nm", "LLMs", "3x3", "Hello", "13B", "mW"])
def test_ordinary_words_are_not_coined(token):
    assert not is_coined(token)


def test_title_prefix_is_the_papers_own_name():
    prefix = title_prefix("TM-TREK at SemEval-2024 Task 8: Towards Boundary Detection")
    assert prefix is not None and (prefix.start, prefix.end, prefix.proposed) == (0, 7, True)
    assert title_prefix("Rethinking Attention: A Study") is None
    assert title_prefix("Deep Learning for Everything") is None
    dataset = title_prefix("ZooBench: A Large Benchmark for Animal Detection")
    assert dataset is not None and dataset.type == "dataset"


def test_find_names_cues_type_what_they_find():
    text = "A Title\nWe propose Combiner, which works. We test on the ADNI1 and ADNI2 datasets, on tasks like linear evaluation and kNN evaluation."
    found = {(text[m.start : m.end], m.type, m.proposed) for m in find_names(text)}
    assert ("Combiner", "method", True) in found
    assert ("ADNI1", "dataset", False) in found and ("ADNI2", "dataset", False) in found
    assert ("linear evaluation", "task", False) in found and ("kNN evaluation", "task", False) in found


# --- results --------------------------------------------------------------------------------------


def test_find_results_pairs_values_with_the_metric_near_them():
    text = "X attains a top-1 accuracy of 84.4% on ImageNet, with 20% fewer parameters. It has 180 Gop/s."
    spans = {
        name: Span(text.index(name), text.index(name) + len(name), name)
        for name in ["top-1 accuracy", "ImageNet", "Gop/s", "X"]
    }
    first_end = text.index(". ") + 1
    sentences = [(0, first_end), (first_end + 1, len(text))]
    results = find_results(
        text, sentences, [spans["top-1 accuracy"], spans["Gop/s"]], [spans["X"]], [spans["ImageNet"]]
    )
    assert [(r.metric.name, r.value, r.dataset and r.dataset.name) for r in results] == [
        ("top-1 accuracy", "84.4%", "ImageNet"),
        ("parameters", "20%", "ImageNet"),  # a cost the sentence compares is a metric (GUIDELINES)
        ("Gop/s", "180", None),
    ]


def kinds_in(text: str, metrics: list[str]) -> list[tuple[str, str, str]]:
    """(metric, value, kind) of the results in one sentence whose metric mentions are ``metrics``."""
    spans = [Span(m.start(), m.end(), name) for name in metrics for m in re.finditer(re.escape(name), text)]
    return [(r.metric.name, r.value, r.kind) for r in find_results(text, [(0, len(text))], spans, [], [])]


@pytest.mark.parametrize(
    ("text", "metrics", "expected"),
    [
        (
            "It reaches a top-1 accuracy of 83.4% on ImageNet.",
            ["top-1 accuracy"],
            [("top-1 accuracy", "83.4%", "score")],
        ),
        ("It reduces the MSE by 28.82% on the benchmark.", ["MSE"], [("MSE", "28.82%", "change")]),
        ("It gains +1.2 BLEU over the baseline.", ["BLEU"], [("BLEU", "+1.2", "change")]),
        (
            "DeepMAD achieves 0.7% and 1.5% higher top-1 accuracy than ConvNeXt.",
            ["top-1 accuracy"],
            [("top-1 accuracy", "0.7%", "change"), ("top-1 accuracy", "1.5%", "change")],
        ),
        ("It reaches a speedup ratio up to 6.5x.", ["speedup ratio"], [("speedup ratio", "6.5x", "ratio")]),
        (
            "It shows a 175% improvement in inference speed and a 55% reduction in FLOPs.",
            ["inference speed", "FLOPs"],
            [("inference speed", "175%", "change"), ("FLOPs", "55%", "change")],
        ),
        (
            "We see 0.21% top-1 accuracy increase.",
            ["top-1 accuracy"],
            [("top-1 accuracy", "0.21%", "change")],
        ),
        ("The mIoU is increased from 0.620 to 0.651.", ["mIoU"], [("mIoU", "0.651", "score")]),
        (
            "It reduces about 40% sim 60% FLOPs, and the drop of mIoU is within 0.8%.",
            ["FLOPs", "mIoU"],
            [("FLOPs", "40% sim 60%", "change"), ("mIoU", "0.8%", "change")],
        ),
        (
            "It attains 160 tokens/s, compared to 24 tokens/s of the baseline.",
            ["tokens/s"],
            [("tokens/s", "160", "score")],
        ),
    ],
)
def test_results_say_whether_a_number_is_a_score_a_change_or_a_ratio(text, metrics, expected):
    """Only a score is the metric's own level; a difference or a factor is kept as what it is, and the
    level before a change ("from 0.620") or another method's ("compared to 24") is no result of the paper."""
    assert kinds_in(text, metrics) == expected


@pytest.mark.parametrize(
    ("text", "metrics", "expected"),
    [
        # values as ML abstracts write them: LaTeX signs, "N times", "X", a range signed once
        (
            "It reaches 78.78\\% Spearman correlation and is 20$\\times$ faster in sampling speed.",
            ["Spearman correlation", "sampling speed"],
            [("Spearman correlation", "78.78\\%", "score"), ("sampling speed", "20$\\times$", "ratio")],
        ),
        (
            "It is 30 times smaller in the model size and has a 1.37X speedup.",
            ["model size", "speedup"],
            [("model size", "30 times", "ratio"), ("speedup", "1.37X", "ratio")],
        ),
        (
            "It achieves 6.98-8.89% accuracy gains on CIFAR-10.",
            ["accuracy"],
            [("accuracy", "6.98-8.89%", "change")],
        ),
        # a size is not a factor, nor the level another method reached
        ("It gets an FID of 3.08 on ImageNet $256\\times256$.", ["FID"], [("FID", "3.08", "score")]),
        (
            "It reaches an IS of 166.5, improving over the previous best IS of 52.52.",
            ["IS"],
            [("IS", "166.5", "score")],
        ),
        ("AP improves from 31.2% to 44.6% on LVIS.", ["AP"], [("AP", "44.6%", "score")]),
        ("It reaches 41.8 BLEU on WMT 2014 and 2016 respectively.", ["BLEU"], [("BLEU", "41.8", "score")]),
        # a list a metric's value opens, and levels set side by side
        (
            "DPT achieves an FID of 3.08 or 2.52, and top-1 accuracies of 59.0 (+2.8), 69.5 (+3.0).",
            ["FID", "top-1 accuracies"],
            [
                ("FID", "3.08", "score"),
                ("FID", "2.52", "score"),
                ("top-1 accuracies", "59.0", "score"),
                ("top-1 accuracies", "+2.8", "change"),
                ("top-1 accuracies", "69.5", "score"),
                ("top-1 accuracies", "+3.0", "change"),
            ],
        ),
        (
            "X achieved a better simplicity score over Y (2.9 vs. 2.2) and audio similarity (0.580 vs 0.681).",
            ["simplicity score"],
            [
                ("simplicity score", "2.9", "score"),
                ("simplicity score", "2.2", "score"),
                ("audio similarity", "0.580", "score"),
                ("audio similarity", "0.681", "score"),
            ],
        ),
        # the metric's name as the sentence writes it in the value's slot, also where no entity was found
        (
            "OpenShape achieves a zero-shot accuracy of 46.8% and a click rate of 1.785.",
            ["accuracy"],
            [("zero-shot accuracy", "46.8%", "score")],
        ),
        (
            "It beats the baseline by nearly 1.0 F1 on news and more than 2.0 F1 on web text.",
            ["F1"],
            [("F1", "1.0", "change"), ("F1", "2.0", "change")],
        ),
        (
            "It achieves 24.40 BLEU, outperforming the state of the art by 1.1 points.",
            ["BLEU"],
            [("BLEU", "24.40", "score"), ("BLEU", "1.1", "change")],
        ),
    ],
)
def test_values_as_abstracts_write_them(text, metrics, expected):
    assert kinds_in(text, metrics) == expected


def attached(
    text: str, metrics: list[str], datasets: list[str], methods: list[str], proposed: str | None = None
):
    """(value, dataset, method) of the results in ``text``, its sentences cut at ". "."""

    def spans(names: list[str]) -> list[Span]:
        return [Span(m.start(), m.end(), n) for n in names for m in re.finditer(re.escape(n), text)]

    sentences, start = [], 0
    for m in re.finditer(r"\. ", text):
        sentences.append((start, m.start() + 1))
        start = m.end()
    sentences.append((start, len(text)))
    own = Span(0, 0, proposed) if proposed else None
    found = find_results(text, sentences, spans(metrics), spans(methods), spans(datasets), own)
    return [(r.value, r.dataset and r.dataset.name, r.method and r.method.name) for r in found]


def test_a_result_takes_the_dataset_and_method_of_its_own_clause():
    text = "On ADE20K, X reaches 48.1 mIoU, while Y gets 45.0 mIoU on Cityscapes."
    assert attached(text, ["mIoU"], ["ADE20K", "Cityscapes"], ["X", "Y"]) == [
        ("48.1", "ADE20K", "X"),
        ("45.0", "Cityscapes", "Y"),
    ]


def test_a_dataset_named_on_a_results_slot_is_its_dataset_even_if_no_entity_was_found():
    text = "It achieves 84.2% accuracy on the challenging French Street Name Signs (FSNS) dataset."
    assert attached(text, ["accuracy"], [], []) == [("84.2%", "French Street Name Signs", None)]
    # a method after "on" is not a dataset
    assert attached("It adds 1.2% accuracy on ResNet-50.", ["accuracy"], [], ["ResNet-50"]) == [
        ("1.2%", None, None)
    ]


def test_respectively_zips_values_to_the_datasets_in_order():
    text = "It improves the perplexity on Penn Treebank and WikiText-2 to 47.69 and 40.68 respectively."
    assert attached(text, ["perplexity"], ["Penn Treebank", "WikiText-2"], []) == [
        ("47.69", "Penn Treebank", None),
        ("40.68", "WikiText-2", None),
    ]


def test_the_papers_own_method_is_the_default_but_not_the_one_compared_against():
    text = "Our model reaches 84.4% top-1 accuracy. FooNet outperforms ResNet-50 by 2.1% top-1 accuracy."
    assert attached(text, ["top-1 accuracy"], [], ["FooNet", "ResNet-50"], proposed="FooNet") == [
        ("84.4%", None, "FooNet"),
        ("2.1%", None, "FooNet"),
    ]
    # a paper proposing no named method leaves the method empty (GUIDELINES)
    assert attached("It reaches 84.4% top-1 accuracy.", ["top-1 accuracy"], [], []) == [("84.4%", None, None)]


def test_every_result_kind_is_one_of_the_domain_table():
    from kg.core.domain import RESULT_KIND_NAMES

    text = "It reaches 84.4% accuracy, 2.1% higher accuracy than X, and runs 3x faster in latency."
    found = kinds_in(text, ["accuracy", "latency"])
    assert {kind for *_, kind in found} <= set(RESULT_KIND_NAMES)
    assert {kind for *_, kind in found} == {"score", "change", "ratio"}


# --- vocabularies -----------------------------------------------------------------------------------


def test_vocabularies_are_skos_schemes_under_kgv():
    files = sorted(default_vocab_dir().glob("*.ttl"))
    assert {f.stem for f in files} >= {"datasets", "metrics", "tasks", "methods", "techniques"}
    for path in files:
        graph = Graph().parse(path, format="turtle")
        schemes = list(graph.subjects(RDF.type, SKOS.ConceptScheme))
        concepts = list(graph.subjects(RDF.type, SKOS.Concept))
        assert len(schemes) == 1 and len(concepts) >= 50
        for concept in concepts:
            assert str(concept).startswith(str(KGV)), concept
            assert len(list(graph.objects(concept, SKOS.prefLabel))) == 1, concept


def test_labels_know_their_type_and_concept():
    labels = {label.text: label.concept for label in load_labels(default_vocab_dir().glob("*.ttl"))}
    assert labels["word error rate"].kind == "metric"
    assert labels["WER"].iri == labels["word error rate"].iri
    assert labels["ImageNet"].iri == str(KGV["dataset/imagenet"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We use CLIP and GLUE.", {("CLIP", "method"), ("GLUE", "dataset")}),
        ("a clip of glue", set()),  # capitalised labels match only as written
        (
            "Top-1 Accuracy and word error rates",
            {("Top-1 Accuracy", "metric"), ("word error rates", "metric")},
        ),
    ],
)
def test_vocabulary_matcher_case_rule_and_plurals(text, expected):
    doc = build_pipeline()(text)
    assert {(s.text, s.label_) for s in mentions_by(doc, VOCABULARY) if s.label_ != "nonentity"} == expected


def test_factories_are_registered_for_add_pipe():
    nlp = spacy.blank("en")
    for name in ("kg_abbreviations", "kg_vocabulary", "kg_names"):
        nlp.add_pipe(name)
    doc = nlp("Large language models (LLMs) such as HiCMAE beat BERT.")
    assert [(a.short, a.long) for a in abbreviations_of(doc)] == [("LLMs", "Large language models")]
    # every component wrote to the one mention list, each span saying which rule wrote it
    by_rule = {
        (s.text, s.id_.rsplit(":", 1)[-1] if s.id_.count(":") >= 2 else s.id_) for s in mentions_by(doc)
    }
    assert ("HiCMAE", "coined") in by_rule
    assert ("BERT", VOCABULARY) in by_rule
    assert {("LLMs", "abbreviation"), ("Large language models", "abbreviation")} <= by_rule


# --- whole papers -----------------------------------------------------------------------------------


def test_extract_a_paper():
    ex = extract(PAPER)
    assert names(ex.proposed) == ["FooNet"]
    assert "FooNet" in names(ex.methods)
    assert {"wav2vec 2.0", "HuBERT", "ResNet-50"} <= all_forms(ex.methods)
    assert {"IEMOCAP", "MSP-Podcast"} <= all_forms(ex.datasets)
    assert {"accuracy", "word error rate", "WER"} <= all_forms(ex.metrics)
    assert "contrastive learning" in all_forms(ex.techniques)
    ser = next(e for e in ex.tasks if "SER" in [e.name, *e.aliases])
    assert "Speech emotion recognition" in [ser.name, *ser.aliases]
    assert ser.concept == str(KGV["task/speech-emotion-recognition"])
    assert [(r.metric, r.value, r.dataset) for r in ex.results][:1] == [("accuracy", "71.2%", "IEMOCAP")]
    assert [link.url for link in ex.repos] == ["https://github.com/foo/foonet"]
    assert ("SER", "Speech emotion recognition") in [(a.short, a.long) for a in ex.aliases]


def test_every_evidence_slices_to_its_name():
    ex = extract(PAPER)
    fields = {"title": PAPER.title, "abstract": PAPER.abstract}
    for entity in ex.entities():
        ev = entity.evidence
        assert fields[ev.field][ev.start : ev.end] == entity.name
        assert entity.name in ev.sentence or ev.field == "title"
    for alias in ex.aliases:
        assert fields[alias.evidence.field][alias.evidence.start : alias.evidence.end] == alias.short


def test_to_json_is_what_score_py_reads():
    line = json.loads(json.dumps({"id": PAPER.id, **extract(PAPER).to_json()}))
    method = line["methods"][0]
    assert {"name", "canonical", "aliases"} <= set(method)
    assert {"short", "long"} <= set(line["aliases"][0])
    assert line["repos"][0]["url"] == "https://github.com/foo/foonet"


def test_names_inside_urls_are_not_entities():
    paper = Paper(title="A study", abstract="See https://github.com/owner/ImageNet-Tools for the code.")
    ex = extract(paper)
    assert ex.datasets == [] and ex.methods == []
    assert [link.url for link in ex.repos] == ["https://github.com/owner/ImageNet-Tools"]


@pytest.mark.parametrize("workers", [1, 2])
def test_extract_many_streams_in_order(workers):
    papers = [Paper(record_id=str(i), title=f"Net{i}X: A model", abstract=PAPER.abstract) for i in range(5)]
    out = list(extract_many(papers, workers=workers, batch_size=2))
    assert [p.record_id for p, _ in out] == ["0", "1", "2", "3", "4"]
    assert [names(ex.proposed)[0] for _, ex in out] == [f"Net{i}X" for i in range(5)]
    assert out[0][1].to_json() == extract(papers[0]).to_json()


@pytest.mark.parametrize(
    "abstract",
    [
        "",
        "Dies ist ein deutscher Text über neuronale Netze (NN) und ImageNet.",
        "<p>We use <b>BERT</b> &amp; $\\mathcal{L}_{CE}$ \\cite{x} on \\textbf{GLUE}.</p>",
        "control\x00chars\x1b and a lone surrogate \ud800 (LS) here",
        "(" * 500 + "BERT" + ")" * 500,
    ],
)
def test_bad_input_does_not_crash_or_invent(abstract):
    paper = Paper(title="T", abstract=abstract)
    ex = extract(paper)
    fields = {"title": paper.title, "abstract": paper.abstract}
    for entity in ex.entities():
        assert fields[entity.evidence.field][entity.evidence.start : entity.evidence.end] == entity.name
        assert entity.name in fields[entity.evidence.field]


def test_very_long_abstract():
    abstract = (PAPER.abstract + " ") * 200  # about 90,000 characters
    ex = extract(Paper(title="Long", abstract=abstract[:100_000]))
    assert "FooNet" in all_forms(ex.methods)
    assert all(abstract[e.evidence.start : e.evidence.end] == e.name for e in ex.entities())


def test_default_workers_use_every_core_only_for_large_inputs(monkeypatch):
    import kg.extraction

    monkeypatch.setattr(kg.extraction.os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert default_workers(0) == default_workers(215) == 1  # the sample: starting workers would cost more
    assert default_workers(1_000) == 2
    assert default_workers(100_000) == 4


@pytest.mark.parametrize(
    "long_form",
    [
        "Bidirectional Encoder Representations from Transformers",
        "Bidirectional Encoder Representation from Transformer",
    ],
)
def test_a_known_method_spelled_out_with_its_acronym_is_the_known_method(long_form):
    paper = Paper(
        title="Clinical risk prediction",
        abstract=f"We fine-tune the pre-trained {long_form} (BERT) model on clinical notes.",
    )
    (method,) = [m for m in extract(paper).methods if "BERT" in {m.name, *m.aliases}]
    assert method.canonical == "BERT"
    assert method.concept is not None and method.concept.endswith("method/bert")
