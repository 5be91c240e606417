"""The lineage bar on the shared development set, scored by the shared ``score.py``: precision first.

A regression guard through the whole extraction (entities, then lineage), not a target to fit: the same
bar is checked on unseen papers.
"""

from __future__ import annotations

import importlib.util
import json

from kg.core.papers import Paper
from kg.extraction import extract_many

MIN_PRECISION = 0.80
MIN_F1 = 0.60


def test_dev_set_lineage_meets_the_bar(eval_dev):
    spec = importlib.util.spec_from_file_location("kg_eval_score_lineage", eval_dev.parent / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    gold = [json.loads(line) for line in eval_dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = [Paper(record_id=g["id"], title=g["title"], abstract=g["abstract"]) for g in gold]
    pred = [
        json.loads(json.dumps({"id": paper.id, "title": paper.title, **extraction.to_json()}))
        for paper, extraction in extract_many(papers)
    ]
    counts, missing = score.score(gold, pred)
    precision, recall, f1 = counts["lineage"].prf()
    assert missing == 0
    assert counts["lineage"].n_pred > 0
    assert precision >= MIN_PRECISION and f1 >= MIN_F1, (precision, recall, f1)
