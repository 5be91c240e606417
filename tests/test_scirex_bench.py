"""bench/scirex.py's pieces that could silently skew its figures: how the title and abstract are cut out
of SciREX tokens and rebuilt as text, which mentions count as gold, and the one-to-one lenient matching."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "scirex.py"


@pytest.fixture(scope="module")
def scirex():
    spec = importlib.util.spec_from_file_location("bench_scirex", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def tokens(text: str) -> list[str]:
    return text.split()


def simple_norm(text: str) -> str:
    """Enough of score.py's norm for the fixtures: case and hyphens (the tests never read ../shared)."""
    return " ".join(re.sub(r"[-_/]+", " ", text.casefold()).split())


def document(doc_id: str, sentences: list[list[str]], section_ends: list[int], ner: list) -> dict:
    words = [w for sentence in sentences for w in sentence]
    spans, start = [], 0
    for sentence in sentences:
        spans.append([start, start + len(sentence)])
        start += len(sentence)
    sections = [[a, b] for a, b in zip([0, *section_ends], [*section_ends, len(words)], strict=True)]
    return {"doc_id": doc_id, "words": words, "sentences": spans, "sections": sections, "ner": ner}


# Title and abstract in section 0, behind `document :`.
DOCUMENT_SHAPE = document(
    "a",
    [
        tokens("document : V - Net : Fully Convolutional Networks"),
        tokens("We report Dice score ( 0.87 ) and 95 % accuracy on PROMISE 2012 , beating CNNs ."),
        tokens("section : Introduction The PROMISE 2012 challenge data ."),
    ],
    [27],
    # tokens: 0 document, 2-4 "V - Net", 11-12 "Dice score", 17-19 "95 % accuracy", 21-22 "PROMISE 2012";
    # 31-32 "PROMISE 2012" again, in the introduction.
    [[2, 5, "Method"], [11, 13, "Metric"], [17, 20, "Metric"], [21, 23, "Material"], [31, 33, "Material"]],
)
# Title alone in section 0, then a `section : Abstract` section.
SECTION_SHAPE = document(
    "b",
    [
        tokens("Learning to Parse"),
        tokens("section : Abstract We parse the Penn Treebank ( PTB ) ."),
        tokens("section : Introduction More ."),
    ],
    [3, 15],
    [[0, 3, "Task"], [9, 11, "Material"], [12, 13, "Material"], [2, 10, "Task"]],
)


def test_detokenise_tidies_punctuation_and_keeps_token_spans(scirex):
    words = tokens("V - Net ( CNNs ) reach 95 % , beating the baseline ’s score : well ; done .")
    text, spans = scirex.detokenise(words)
    assert text == "V-Net (CNNs) reach 95%, beating the baseline’s score: well; done."
    assert [text[a:b] for a, b in spans] == words


def test_document_shape_splits_title_from_abstract(scirex):
    front = scirex.split_front(DOCUMENT_SHAPE)
    assert front.title.text == "V-Net: Fully Convolutional Networks"
    assert (
        front.abstract.text == "We report Dice score (0.87) and 95% accuracy on PROMISE 2012, beating CNNs."
    )
    gold = scirex.gold_mentions(DOCUMENT_SHAPE, front, simple_norm)
    assert gold["Metric"] == {"dice score", "95% accuracy"}
    assert gold["Material"] == {"promise 2012"}  # the introduction's mention is not the abstract's
    assert gold["Method"] == {"v net"}


def test_section_shape_drops_the_marker_and_a_mention_crossing_fields(scirex):
    front = scirex.split_front(SECTION_SHAPE)
    assert (front.title.text, front.abstract.text) == (
        "Learning to Parse",
        "We parse the Penn Treebank (PTB).",
    )
    gold = scirex.gold_mentions(SECTION_SHAPE, front, simple_norm)
    assert gold["Material"] == {"penn treebank", "ptb"}
    assert gold["Task"] == {"learning to parse"}  # [2, 10) runs from the title into the abstract: dropped


def test_odd_documents_are_skipped_with_a_reason(scirex, tmp_path):
    intro_first = document("c", [["We", "study", "x", "."], tokens("section : Introduction y")], [4], [])
    bodied = document("d", [["document", ":", "T"], ["w"] * (scirex.MAX_ABSTRACT_TOKENS + 1)], [], [])
    macros = document(
        "f", [tokens("document : T"), tokens("font= bold") * (scirex.MAX_MACRO_TOKENS + 1)], [], []
    )
    assert not isinstance(
        scirex.split_front(document("g", [tokens("document : T"), tokens("a font= b")], [], [])), str
    )
    for doc in (intro_first, bodied, macros):
        assert isinstance(scirex.split_front(doc), str)
    path = tmp_path / "docs.jsonl"
    rows = [DOCUMENT_SHAPE, intro_first, SECTION_SHAPE, bodied, {"doc_id": "e"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")
    kept, skipped = scirex.read_docs(path)
    assert [front.doc_id for _, front in kept] == ["a", "b"]
    assert sum(skipped.values()) == 4


def test_lenient_overlap_is_by_whole_words(scirex):
    assert scirex.overlaps("coco", "coco dataset")
    assert scirex.overlaps("top 1 accuracy", "accuracy")
    assert not scirex.overlaps("coco", "cocoa dataset")
    assert not scirex.overlaps("1 accuracy top", "top 1 accuracy")


def test_one_prediction_matches_at_most_one_gold_mention(scirex):
    gold = ["accuracy", "top 1 accuracy"]
    owner = scirex.max_matching([["accuracy"]], gold, scirex.overlaps)
    assert len(owner) == 1
    tally = scirex.Tally()
    tally.add("p", [("accuracy", ["accuracy"])], gold, scirex.overlaps)
    assert (tally.tp, tally.n_pred, tally.n_gold) == (1, 1, 2)
    assert len(tally.misses) == 1 and not tally.false_positives


def test_matching_is_maximum_whatever_the_order(scirex):
    # A greedy pass would give "accuracy" to "top 1 accuracy" first and leave "accuracy" unmatched.
    predicted = [["top 1 accuracy", "accuracy"], ["top 1"]]
    owner = scirex.max_matching(predicted, ["top 1 accuracy", "accuracy"], scirex.overlaps)
    assert len(owner) == 2
    assert len(scirex.max_matching(predicted, ["top 1 accuracy", "accuracy"], scirex.exact)) == 1
