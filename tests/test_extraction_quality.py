"""The extraction quality bar on the shared development set, scored by the shared ``score.py``.

A regression guard, not a target to fit: the same bar is checked on unseen papers.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kg.core.papers import Paper
from kg.extraction import extract_many

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
BAR = {
    "methods": 0.70,
    "datasets": 0.80,
    "metrics": 0.60,
    "tasks": 0.50,
    "techniques": 0.40,
    "proposed": 0.80,
    "aliases": 0.85,
    "repos": 1.00,
    "results": 0.40,
}

pytestmark = pytest.mark.skipif(
    not (EVAL / "dev.jsonl").exists(), reason="shared/eval is not beside the checkout"
)


def test_dev_set_meets_the_bar():
    spec = importlib.util.spec_from_file_location("kg_eval_score", EVAL / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    gold = [
        json.loads(line) for line in (EVAL / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line
    ]
    papers = [Paper(record_id=g["id"], title=g["title"], abstract=g["abstract"]) for g in gold]
    # through JSON, exactly as `kg extract` writes it
    pred = [
        json.loads(json.dumps({"id": p.id, "title": p.title, **ex.to_json()}))
        for p, ex in extract_many(papers)
    ]
    counts, missing = score.score(gold, pred)
    f1 = {field: round(c.prf()[2], 3) for field, c in counts.items()}
    assert missing == 0
    assert {field: f1[field] for field in BAR if f1[field] < BAR[field]} == {}, f1
