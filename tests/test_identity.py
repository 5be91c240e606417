"""Name identity: one key for every stage (surface variants share it, versions do not) and one union-find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.core.identity import UnionFind, family_name, key, suggest


def method_key(name: str) -> str:
    return key("method", name)


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


def test_suggest_is_case_insensitive_and_ranks_the_closest_first():
    labels = ["EAGLE", "EAGLE-2", "Longformer", "BERT", "RoBERTa"]
    assert suggest("eagel", labels)[0] == "EAGLE"
    assert suggest("longformr", labels) == ["Longformer"]
    assert suggest("zzzz", labels) == []


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=40), st.randoms())
def test_union_find_groups_do_not_depend_on_the_order_of_unions(pairs, random):
    """Mention groups and merged method nodes must not change with the order rules happen to run in."""
    shuffled = [(b, a) if random.random() < 0.5 else (a, b) for a, b in pairs]
    random.shuffle(shuffled)
    first, second = UnionFind(range(31)), UnionFind(range(31))
    for a, b in pairs:
        first.union(a, b)
    for a, b in shuffled:
        second.union(a, b)
    assert [first.find(i) for i in range(31)] == [second.find(i) for i in range(31)]
    # the root kept is the smallest member: the first mention of a group, in text order
    for i in range(31):
        assert first.find(i) == min(j for j in range(31) if first.find(j) == first.find(i))


def test_union_find_keeps_the_root_the_caller_prefers():
    papers = {"bert": 9, "bidirectional-encoder-representations-from-transformer": 2, "roberta": 5}
    groups = UnionFind(papers)
    kept = groups.union(
        "bidirectional-encoder-representations-from-transformer",
        "bert",
        lambda a, b: max(a, b, key=papers.get),
    )
    assert kept == "bert" and groups.find("bidirectional-encoder-representations-from-transformer") == "bert"
    assert groups.find("roberta") == "roberta" and "roberta" in groups and "gpt" not in groups


@pytest.mark.parametrize(
    ("spellings", "kind"),
    [
        (["Vision-Transformers", "vision transformer", "Vision_Transformer", "VISION TRANSFORMERS"], None),
        (["Top-1 Accuracy", "top-1 accuracy", "Top 1 Accuracy"], "metric"),
        (["BERT", "BERT-based", "the BERT model"], "method"),
    ],
)
def test_one_key_files_each_spelling_of_a_name_together(spellings, kind):
    assert len({key(kind, spelling) for spelling in spellings}) == 1


def test_graph_iris_and_lineage_nodes_use_the_one_key():
    """The graph mints an entity's IRI from ``key``: a lineage tree or a lookup finds it by the same key."""
    from kg.graph.iris import entity_iri

    for kind, name in (("method", "EAGLE-3 model"), ("dataset", "ImageNet-1K"), ("metric", "Top-1 Accuracy")):
        assert str(entity_iri(kind, name)).rsplit("/", 1)[1] == key(kind, name)


def test_the_documented_examples_hold():
    import doctest

    import kg.core.identity

    result = doctest.testmod(kg.core.identity)
    assert result.attempted > 5 and result.failed == 0
