"""The resolver: trained on a few annotated papers, it learns a decision the rules alone do not make."""

from __future__ import annotations

import json

import pytest

from kg.core.papers import Paper
from kg.extraction import build_pipeline, extract
from kg.extraction.resolver import CLASSES, Model, load_model
from training.resolver import cross_validate, folds, read_gold, train

pytest.importorskip("sklearn")

TEMPLATES = [
    "We study {task} for task-oriented dialogue. Our tracker improves joint goal accuracy on MultiWOZ.",
    "Prior work on {task} reports joint goal accuracy. We propose a simpler model for {task}.",
    "A schema-guided approach to {task}: joint goal accuracy rises on two benchmarks.",
    "We revisit {task} with pretrained encoders and report joint goal accuracy and slot accuracy.",
]


def gold_file(tmp_path, task: str = "dialogue state tracking"):
    rows = []
    for i, template in enumerate(TEMPLATES * 2):
        abstract = template.format(task=task)
        rows.append(
            {
                "id": f"p{i}",
                "title": f"Paper {i}",
                "abstract": abstract,
                "methods": [],
                "techniques": [],
                "datasets": [["MultiWOZ"]] if "MultiWOZ" in abstract else [],
                "metrics": [["joint goal accuracy"]],
                "tasks": [[task]],
            }
        )
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def names(extraction, field):
    return {entity.name for entity in getattr(extraction, field)}


def test_a_tiny_model_learns_a_metric_the_rules_cut_short(tmp_path):
    papers = read_gold([gold_file(tmp_path)])
    model = Model.from_json(train(papers))
    assert model.classes == CLASSES
    unseen = Paper(title="Tracking dialogue state", abstract="Our model reaches a high joint goal accuracy.")
    nlp = build_pipeline()
    with_model = extract(unseen, nlp, model=model)
    rules_alone = extract(unseen, nlp, model=None)
    assert "joint goal accuracy" in names(with_model, "metrics")
    assert "joint goal accuracy" not in names(rules_alone, "metrics")


def test_training_is_deterministic(tmp_path):
    papers = read_gold([gold_file(tmp_path)])
    assert json.dumps(train(papers), sort_keys=True) == json.dumps(train(papers), sort_keys=True)


def test_cross_validation_predicts_every_paper_from_a_model_that_never_saw_it(tmp_path):
    papers = read_gold([gold_file(tmp_path)])
    parts = folds(papers, 2)
    assert sorted(i for part in parts for i in part) == list(range(len(papers)))
    assert not set(parts[0]) & set(parts[1])
    rows = cross_validate(papers, 2)
    assert [row["id"] for row in rows] == [paper.id for paper in papers]
    assert all("metrics" in row for row in rows)


def test_the_shipped_model_loads_without_network():
    model = load_model()
    assert model is not None and model.classes == CLASSES
    assert model.heads and 0 < model.accept <= 1


PROPOSAL_TEMPLATES = [
    ("ZetaNet", "Experiments show that our ZetaNet beats GPT-2 and BERT on MultiWOZ."),
    ("QuarkGen", "On MultiWOZ, our QuarkGen beats BERT and GPT-2 by a wide margin."),
    ("LumenRec", "Across MultiWOZ splits our LumenRec beats GPT-2, while BERT lags."),
    ("NovaSeg", "Our NovaSeg beats BERT and GPT-2 on MultiWOZ with half the compute."),
]


def proposal_gold_file(tmp_path):
    rows = []
    for i, (name, abstract) in enumerate(PROPOSAL_TEMPLATES * 2):
        rows.append(
            {
                "id": f"q{i}",
                "title": f"Notes on dialogue {i}",
                "abstract": abstract,
                "methods": [[name], ["GPT-2"], ["BERT"]],
                "techniques": [],
                "datasets": [["MultiWOZ"]],
                "metrics": [],
                "tasks": [],
                "proposed": [name],
            }
        )
    path = tmp_path / "proposal.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_tiny_model_learns_which_method_is_the_papers_own(tmp_path):
    model = Model.from_json(train(read_gold([proposal_gold_file(tmp_path)])))
    assert model.proposal, "the proposal model was trained"
    unseen = Paper(title="Notes on dialogue", abstract="On MultiWOZ our HelixTag beats BERT and GPT-2.")
    nlp = build_pipeline()
    with_model = extract(unseen, nlp, model=model)
    assert {"HelixTag", "BERT"} <= names(with_model, "methods")
    assert names(with_model, "proposed") == {"HelixTag"}
    assert "HelixTag" not in names(extract(unseen, nlp, model=None), "proposed")  # no rule cue says so


def test_thresholds_are_chosen_inside_the_training_papers(tmp_path):
    from training.resolver import (
        GROUP_ACCEPT,
        MIN_THRESHOLD_PAPERS,
        THRESHOLD_GRID,
        choose_thresholds,
        collect,
    )

    few = read_gold([gold_file(tmp_path)])
    assert choose_thresholds(few, collect(few)) == (GROUP_ACCEPT, {})  # too few papers: the constants
    rows = [json.loads(line) for line in gold_file(tmp_path).read_text(encoding="utf-8").splitlines()]
    copies = -(-MIN_THRESHOLD_PAPERS // len(rows))
    many = tmp_path / "many.jsonl"
    many.write_text(
        "".join(json.dumps({**row, "id": f"{row['id']}-{n}"}) + "\n" for n in range(copies) for row in rows),
        encoding="utf-8",
    )
    papers = read_gold([many])
    group, ngram = choose_thresholds(papers, collect(papers))
    assert set(group) == set(ngram) == set(CLASSES) - {"none"}
    assert set(group.values()) | set(ngram.values()) <= set(THRESHOLD_GRID)
    model = Model.from_json(train(papers))
    assert (model.group_accept, model.ngram_accept) == (group, ngram)
    unseen = Paper(title="Tracking dialogue state", abstract="Our model reaches a high joint goal accuracy.")
    assert "joint goal accuracy" in names(extract(unseen, build_pipeline(), model=model), "metrics")
