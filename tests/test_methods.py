"""Method identity: surface variants share a key, versions do not; acronyms merge with their long forms."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core.identity import MethodIndex, family_name, method_key, suggest


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (["BERT", "bert", "Bert", "BERT-based", "BERT based", "the BERT model", "BERTs"], "bert"),
        (
            [
                "Transformer",
                "Transformers",
                "transformer-based",
                "vanilla Transformer",
                "transformer architecture",
            ],
            "transformer",
        ),
        (["SENet", "SENet-like", "SENet-style"], "senet"),
        (["EAGLE-3", "EAGLE 3", "EAGLE3", "eagle_3"], "eagle-3"),
        (["wav2vec 2.0", "wav2vec2", "Wav2Vec 2.0"], "wav-2-vec-2"),
        (["ResNet-50", "ResNet50", "resnet 50"], "resnet-50"),
        (["YOLOv5", "YOLO v5", "YOLO-5"], "yolo-5"),
        (["DeFTAN-II", "DeFTAN II", "DeFTAN-2"], "deftan-2"),
        (["LSTMs", "LSTM", "LSTM network"], "lstm"),
        (["Wide & Deep", "Wide and Deep"], "wide-and-deep"),
    ],
)
def test_surface_variants_share_one_key(variants, key):
    assert {method_key(v) for v in variants} == {key}


@pytest.mark.parametrize(
    "series",
    [
        ["EAGLE", "EAGLE-2", "EAGLE-3"],
        ["MossFormer", "MossFormer2"],
        ["DyGIE", "DyGIE++"],
        ["GPT-3", "GPT-3.5", "GPT-4"],
        ["wav2vec", "wav2vec 2.0"],
        ["Residual Network", "Residual"],  # "network" is only dropped after an acronym-like word
        ["Pegasus", "Pegasu"],  # not a plural
    ],
)
def test_versions_and_distinct_names_stay_apart(series):
    assert len({method_key(name) for name in series}) == len(series)


@given(st.text(max_size=40))
def test_keys_are_slug_safe_and_never_empty(name):
    key = method_key(name)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("EAGLE", "EAGLE"),
        ("EAGLE-2", "EAGLE"),
        ("EAGLE-3", "EAGLE"),
        ("MossFormer2", "MossFormer"),
        ("DeFTAN-II", "DeFTAN"),
        ("wav2vec 2.0", "wav2vec"),
        ("ResNet-50", "ResNet"),
        ("BERT-base", "BERT"),
        ("Llama 3 8B", "Llama"),
        ("YOLOv5", "YOLO"),
        ("T5", "T5"),
        ("word2vec", "word2vec"),
        ("Met^2Net", "Met^2Net"),
        ("BERTurk", "BERTurk"),
    ],
)
def test_family_strips_version_and_size_markers_only(name, family):
    assert family_name(name) == family


def test_index_merges_an_acronym_with_its_long_form_and_keeps_every_variant():
    index = MethodIndex()
    index.add("DTRN", paper="p1")
    index.add("Deep Task-specific Bottom Representation Network", paper="p2")
    index.add("dtrn", paper="p3")
    assert len(index) == 2
    index.add_alias("DTRN", "Deep Task-specific Bottom Representation Network")
    assert len(index) == 1
    record = index.get("deep task-specific bottom representation network")
    assert record is not None and record.label == "DTRN"
    assert record.papers == {"p1", "p2", "p3"}
    assert set(record.alt_labels) == {"dtrn", "Deep Task-specific Bottom Representation Network"}
    assert index.key("Deep Task-specific Bottom Representation Network") == "dtrn"


def test_alias_of_unknown_methods_adds_nothing():
    index = MethodIndex()
    index.add("BERT")
    index.add_alias("NMT", "Neural Machine Translation")
    assert len(index) == 1 and "NMT" not in index


def test_index_families_and_preferred_labels():
    index = MethodIndex()
    for name in ("EAGLE", "EAGLE-2", "EAGLE-3", "Medusa"):
        index.add(name)
    index.add("transformers", preferred="Transformer")
    assert index.family("EAGLE-3") == "EAGLE"
    assert sorted(r.label for r in index.members("EAGLE-2")) == ["EAGLE", "EAGLE-2", "EAGLE-3"]
    assert index.label("Transformers") == "Transformer"


def test_suggest_is_case_insensitive_and_ranks_the_closest_first():
    labels = ["EAGLE", "EAGLE-2", "Longformer", "BERT", "RoBERTa"]
    assert suggest("eagel", labels)[0] == "EAGLE"
    assert suggest("longformr", labels) == ["Longformer"]
    assert suggest("zzzz", labels) == []


def test_index_from_extractions_merges_one_method_across_papers():
    from kg.extraction.records import Alias, Entity, Evidence, Extraction

    ev = Evidence("abstract", "", 0, 0)
    first = Extraction(
        "p1",
        methods=[Entity("ReCAT", "method", "recursive composition augmented Transformer", 0.9, ev)],
        aliases=[Alias("ReCAT", "recursive composition augmented Transformer", ev)],
    )
    second = Extraction("p2", methods=[Entity("ReCAT", "method", "ReCAT", 0.9, ev)])
    third = Extraction("p3", methods=[Entity("transformers", "method", "Transformer", 0.9, ev, concept="x")])
    index = MethodIndex()
    for extraction in (first, second, third):
        index.add_extraction(extraction)
    record = index.get("recursive composition augmented Transformer")
    assert record is index.get("ReCAT") and record.papers == {"p1", "p2"} and record.label == "ReCAT"
    assert index.get("Transformers").label == "Transformer" and len(index) == 2


def test_the_documented_examples_hold():
    import doctest

    import kg.core.identity

    result = doctest.testmod(kg.core.identity)
    assert result.attempted > 5 and result.failed == 0
