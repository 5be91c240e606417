"""Cross-validated P/R/F1 of results, scores (results of kind "score") and lineage over train + dev.

    python bench/cv_results_lineage.py [--eval-dir ../shared/eval] [--folds 5] [--seed 13]

The papers of ``train.jsonl`` and ``dev.jsonl`` are shuffled with a fixed seed and cut into k folds; each
fold is scored on its own with the eval's own ``score.py``, as a paper never seen would be. Result kinds
and lineage are decided by hand-written rules (cue phrases of English and ML writing, in
``kg/extraction/results.py`` and ``kg/extraction/lineage_cues.json``); nothing is fitted to these papers,
so "training on the other k-1 folds" changes nothing and each fold's figure is already a held-out one.
A learned part added later must be trained inside this loop, on the other folds only.

Prints one line per fold, the mean over folds (with its spread) and the figure pooled over all papers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import sys
from pathlib import Path

FIELDS = ("results", "scores", "lineage")
DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def load_scorer(eval_dir: Path):
    """The eval's ``score.py`` as a module: the one definition of how a prediction is matched."""
    spec = importlib.util.spec_from_file_location("kg_eval_score", eval_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def read_gold(eval_dir: Path) -> list[dict]:
    rows = []
    for name in ("train.jsonl", "dev.jsonl"):
        with open(eval_dir / name, encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    return rows


def predict(gold: list[dict]) -> list[dict]:
    """``kg extract``'s output for each gold paper, keyed by the gold id."""
    from kg.extraction import extract_many
    from kg.papers import Paper

    papers = [Paper(title=row["title"], abstract=row.get("abstract", ""), record_id=row["id"]) for row in gold]
    return [
        {"id": paper.record_id, **extraction.to_json()}
        for paper, extraction in extract_many(papers, workers=1)
    ]


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
    if not (args.eval_dir / "score.py").is_file():
        print(f"warning: {args.eval_dir}: no score.py here (give --eval-dir)", file=sys.stderr)
        return 2
    scorer = load_scorer(args.eval_dir)
    gold = read_gold(args.eval_dir)
    predictions = {row["id"]: row for row in predict(gold)}

    per_fold: dict[str, list[tuple[float, float, float]]] = {field: [] for field in FIELDS}
    print(f"{len(gold)} papers (train + dev), {args.folds} folds, seed {args.seed}")
    print(f"{'fold':<6}" + "".join(f"{field + ' P/R/F1':>24}" for field in FIELDS))
    for i, fold in enumerate(folds(gold, args.folds, args.seed), 1):
        counts, _ = scorer.score(fold, [predictions[row["id"]] for row in fold])
        line = f"{i:<6}"
        for field in FIELDS:
            prf = counts[field].prf()
            per_fold[field].append(prf)
            line += f"{'%.3f / %.3f / %.3f' % prf:>24}"
        print(line)
    line = f"{'mean':<6}"
    for field in FIELDS:
        means = [statistics.mean(values) for values in zip(*per_fold[field], strict=True)]
        spread = statistics.pstdev(f1 for _, _, f1 in per_fold[field])
        line += f"{'%.3f / %.3f / %.3f' % tuple(means):>24} (F1 ±{spread:.2f})"
    print(line)
    counts, _ = scorer.score(gold, [predictions[row["id"]] for row in gold])
    print(f"{'pooled':<6}" + "".join(f"{'%.3f / %.3f / %.3f' % counts[field].prf():>24}" for field in FIELDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
