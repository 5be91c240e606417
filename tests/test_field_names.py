"""The field's name list (``scripts/make_field_names.py``) as resolver features, and per-source gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extraction.resolver import Candidate, Context, field_names, scorer_form
from tests.conftest import load_script
from training.resolver import read_gold

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def make():
    return load_script(ROOT / "scripts" / "make_field_names.py")


def test_a_listed_name_gives_its_short_forms(make):
    assert make.forms_of("Aspect-Based Sentiment Analysis (ABSA)") == [
        "Aspect-Based Sentiment Analysis (ABSA)",
        "Aspect-Based Sentiment Analysis",
        "ABSA",
    ]
    assert make.forms_of("Natural Questions (long)") == ["Natural Questions (long)", "Natural Questions"]
    assert make.forms_of("COCO test-dev") == ["COCO test-dev", "COCO"]


def test_the_list_is_built_with_the_ambiguity_filters(make, tmp_path, monkeypatch):
    rows = [
        {"name": "Sentence", "type": "task", "count": 1},  # an ordinary word, rarely used: dropped
        {"name": "Accuracy", "type": "metric", "count": 500},  # ordinary but the field's own: kept
        {"name": "WikiHop", "type": "dataset", "count": 3},
        {"name": "Text Classification (TC)", "type": "task", "count": 4},
    ]
    vocab = tmp_path / "vocab.jsonl"
    vocab.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "names.json"
    monkeypatch.setattr("sys.argv", ["make_field_names.py", "--vocab", str(vocab), "-o", str(out)])
    make.main()
    names = json.loads(out.read_text(encoding="utf-8"))["names"]
    assert names == {
        "accuracy": {"metric": 500},
        "wikihop": {"dataset": 3},
        "text classification tc": {"task": 4},
        "text classification": {"task": 4},
    }  # "TC": under three characters and rarely used


def test_a_name_the_field_lists_is_a_feature_of_its_candidate():
    names = field_names()
    assert names.get("imagenet") == {"dataset": names["imagenet"]["dataset"]}
    text = "Results on SQuAD\nWe pretrain on ImageNet validation images and on Zorblax."
    sentences = [(0, text.index("\n")), (text.index("\n") + 1, len(text))]
    context = Context(text, text.index("\n"), sentences)

    def features(name: str) -> list[str]:
        start = text.index(name)
        return context.features(Candidate(start, start + len(name), None, forms=(name,), ngram=True))

    assert "fv=dataset" in features("ImageNet")
    assert "fvpre=dataset" in features("ImageNet validation images")  # the listed start of a longer run
    assert not any(f.startswith("fv") for f in features("Zorblax"))
    assert scorer_form("CIFAR-10 Images") == "cifar 10 image"


def test_gold_papers_know_their_source(tmp_path):
    row = {"id": "x", "title": "T", "abstract": "A.", "methods": [], "datasets": []}
    for name in ("train_neurips.jsonl", "dev.jsonl"):
        (tmp_path / name).write_text(json.dumps(row) + "\n", encoding="utf-8")
    papers = read_gold([tmp_path / "train_neurips.jsonl", tmp_path / "dev.jsonl"])
    assert [p.source for p in papers] == ["neurips", "sample"]
