"""Cross-validated P/R/F1 of results, scores (results of kind "score") and lineage over train + dev.

    python bench/cv_results_lineage.py [--eval-dir ../shared/eval] [--folds 5] [--seed 13]

The papers of ``train.jsonl`` and ``dev.jsonl`` are shuffled with a fixed seed and cut into k folds; each
fold is scored on its own with the eval's own ``score.py``, as a paper never seen would be.

- results, scores and "lineage (rules)": decided by hand-written rules (cue phrases of English and ML
  writing, in ``kg/extraction/results.py`` and ``kg/extraction/lineage_cues.json``); nothing is fitted
  to these papers, so each fold's figure is already a held-out one (the rules were written looking at
  train's errors, though: read them as optimistic).
- "lineage (learned)": the model of ``kg/extraction/lineage_model.py``, trained on the other k-1 folds
  only (its threshold chosen by inner folds of those), then applied to the fold left out. The shipped
  ``models/lineage.json`` is never used here. Entities here come from the shipped resolver, which saw these
  papers: ``bench/cv_lineage.py`` measures lineage over all 668 annotated papers with entities from a
  resolver that never saw the paper, per source.

Prints one line per fold, the mean over folds (with the spread of F1) and the figure pooled over all papers.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

from evalsets import DEFAULT_EVAL_DIR, load_scorer, scorer_missing

FIELDS = ("results", "scores", "lineage (rules)", "lineage (learned)")


def read_gold(eval_dir: Path) -> list[dict]:
    rows = []
    for name in ("train.jsonl", "dev.jsonl"):
        with open(eval_dir / name, encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    return rows


def predict(gold: list[dict]) -> tuple[dict[str, dict], dict[str, list]]:
    """``kg extract``'s output for each gold paper (lineage by the rules alone), keyed by the gold id, and
    each paper's lineage candidate pairs."""
    from kg.core.papers import Paper
    from kg.extraction import build_pipeline
    from kg.extraction.assemble import build_extraction, sentence_offsets
    from kg.extraction.lineage import rule_lineage
    from kg.extraction.lineage_model import lineage_pairs
    from kg.extraction.text import make_doc

    nlp = build_pipeline()
    vocabulary = nlp.get_pipe("kg_vocabulary")
    rows, candidates = {}, {}
    for row in gold:
        paper = Paper(title=row["title"], abstract=row.get("abstract", ""), record_id=row["id"])
        doc = nlp(make_doc(nlp, paper.text))
        extraction = build_extraction(doc, paper.id, paper.title, paper.abstract, vocabulary)
        candidates[row["id"]] = lineage_pairs(paper, extraction, sentence_offsets(doc), vocabulary)
        extraction.lineage = rule_lineage(paper, extraction, sentence_offsets(doc), vocabulary)
        rows[row["id"]] = {"id": row["id"], **extraction.to_json()}
    return rows, candidates


def with_lineage(prediction: dict, edges: list) -> dict:
    return {
        **prediction,
        "lineage": [{"child": e.child, "parent": e.parent, "relation": e.relation} for e in edges],
    }


def prf_text(prf) -> str:
    return " / ".join(f"{x:.3f}" for x in prf)


def folds(rows: list[dict], k: int, seed: int) -> list[list[dict]]:
    order = sorted(rows, key=lambda row: row["id"])
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    if scorer_missing(args.eval_dir):
        return 2
    scorer = load_scorer(args.eval_dir)
    gold = read_gold(args.eval_dir)
    predictions, candidates = predict(gold)
    from kg.extraction.lineage_model import decide
    from training.lineage import fit, label

    examples = {row["id"]: label(row, candidates[row["id"]]) for row in gold}
    rules = predictions
    learned: dict[str, dict] = {}

    per_fold: dict[str, list[tuple[float, float, float]]] = {field: [] for field in FIELDS}
    print(f"{len(gold)} papers (train + dev), {args.folds} folds, seed {args.seed}")
    print(f"{'fold':<7}" + "".join(f"{field + ' P/R/F1':>29}" for field in FIELDS))
    parts = folds(gold, args.folds, args.seed)
    for i, fold in enumerate(parts, 1):
        held = {row["id"] for row in fold}
        model = fit([examples[row["id"]] for row in gold if row["id"] not in held], seed=args.seed)
        for row in fold:
            accepted = decide(candidates[row["id"]], model)
            learned[row["id"]] = with_lineage(predictions[row["id"]], accepted)
        line = f"{i:<7}"
        for field, prf in figures(scorer, fold, rules, learned).items():
            per_fold[field].append(prf)
            line += f"{prf_text(prf):>29}"
        print(line)
    line = f"{'mean':<7}"
    for field in FIELDS:
        means = [statistics.mean(values) for values in zip(*per_fold[field], strict=True)]
        spread = statistics.pstdev(f1 for _, _, f1 in per_fold[field])
        line += f"{prf_text(means) + f' ±{spread:.2f}':>29}"
    print(line)
    pooled = figures(scorer, gold, rules, learned)
    print(f"{'pooled':<7}" + "".join(f"{prf_text(prf):>29}" for prf in pooled.values()))
    return 0


def figures(scorer, rows: list[dict], rules: dict, learned: dict) -> dict[str, tuple[float, float, float]]:
    counts, _ = scorer.score(rows, [rules[row["id"]] for row in rows])
    learned_counts, _ = scorer.score(rows, [learned[row["id"]] for row in rows])
    return {
        "results": counts["results"].prf(),
        "scores": counts["scores"].prf(),
        "lineage (rules)": counts["lineage"].prf(),
        "lineage (learned)": learned_counts["lineage"].prf(),
    }


if __name__ == "__main__":
    sys.exit(main())
