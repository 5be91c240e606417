"""Results and scores (results of kind "score") per source and per fold over all annotated papers.

    python bench/cv_results.py [--eval-dir ../shared/eval] [--folds 5] [--seed 13]
                               [--entities shipped|cv] [--predictions FILE]

The 668 papers of ``train.jsonl`` + ``dev.jsonl`` (the sample), ``train_neurips.jsonl`` and
``train_scirex.jsonl`` are cut into k folds by paper (a fixed seed); each fold, each source and the pool are
scored by the eval's own ``score.py``. Results are decided by hand-written rules of English and ML writing
(``kg/extraction/results.py``): nothing in them is fitted to these papers, so a fold's figure is a held-out
one, but the rules were drafted reading the errors of folds 1-4 only: fold 5 is the one never read.

Entities (the metrics, datasets and methods results attach to) come from the shipped entity model
(``--entities shipped``, trained on train + dev, so the sample's entities are seen papers) or from
``python -m training.resolver cv`` (``--entities cv``: each paper's entities from a model trained without
its fold; slower). ``--predictions`` scores a ``kg extract`` JSON Lines file made elsewhere.

Besides P / R / F1 of (metric, value) it prints, over the results that match the gold, how often the
dataset and the method agree with the gold's (any name the gold paper gives the same thing).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from evalsets import DEFAULT_EVAL_DIR, SOURCES, load_scorer, scorer_missing


def read_gold(eval_dir: Path) -> list[dict]:
    rows = []
    for name, source in SOURCES.items():
        with open(eval_dir / name, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    rows.append({**json.loads(line), "_source": source, "_file": name})
    return rows


def predict_shipped(gold: list[dict]) -> dict[str, dict]:
    from kg.core.papers import Paper
    from kg.extraction import extract_many

    papers = [Paper(title=g["title"], abstract=g.get("abstract", ""), record_id=g["id"]) for g in gold]
    return {
        g["id"]: {"id": g["id"], **ex.to_json()}
        for g, (_, ex) in zip(gold, extract_many(papers), strict=True)
    }


def predict_cv(eval_dir: Path, k: int) -> dict[str, dict]:
    from training.resolver import cross_validate
    from training.resolver import read_gold as read_training_gold

    files = [str(eval_dir / name) for name in SOURCES]
    papers = read_training_gold(files)
    return {row["id"]: row for row in cross_validate(papers, k)}


def folds(rows: list[dict], k: int, seed: int) -> list[list[dict]]:
    order = sorted(rows, key=lambda row: row["id"])
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def figures(scorer, rows: list[dict], pred: dict[str, dict]) -> str:
    counts, _ = scorer.score(rows, [pred.get(row["id"], {"id": row["id"]}) for row in rows])
    out = []
    for field in ("results", "scores"):
        p, r, f = counts[field].prf()
        out.append(f"{p:.3f} / {r:.3f} / {f:.3f} ({counts[field].n_gold:>3})")
    return "".join(f"{x:>30}" for x in out) + f"{attachment(scorer, rows, pred):>26}"


def attachment(scorer, rows: list[dict], pred: dict[str, dict]) -> str:
    """Dataset and method agreement over the (metric, value) pairs that match the gold."""

    def num(value) -> str:
        return re.sub(r"[^0-9.x%-]", "", str(value or ""))

    matched = dataset = method = 0
    for row in rows:
        synonyms = scorer.synonyms(row)

        def same(gold_name, name, synonyms=synonyms) -> bool:
            g, p = scorer.norm(gold_name), scorer.norm(name)
            return g == p or p in synonyms.get(g, ())

        found = {
            (scorer.norm(r.get("metric")), num(r.get("value"))): r
            for r in pred.get(row["id"], {}).get("results", [])
        }
        for g in row.get("results", []):
            r = found.get((scorer.norm(g.get("metric")), num(g.get("value"))))
            if r is not None:
                matched += 1
                dataset += same(g.get("dataset"), r.get("dataset"))
                method += same(g.get("method"), r.get("method"))
    if not matched:
        return "-"
    return f"{dataset / matched:.3f} / {method / matched:.3f} ({matched:>3})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--entities", choices=["shipped", "cv"], default="shipped")
    parser.add_argument("--predictions", type=Path, help="score this kg extract JSON Lines file instead")
    args = parser.parse_args(argv)
    if scorer_missing(args.eval_dir):
        return 2
    scorer = load_scorer(args.eval_dir)
    gold = read_gold(args.eval_dir)
    if args.predictions:
        pred = {}
        with open(args.predictions, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    print(
                        f"warning: {args.predictions}:{number}: not JSON ({err.msg}); skipped",
                        file=sys.stderr,
                    )
                    continue
                pred[str(row.get("id"))] = row
    elif args.entities == "cv":
        pred = predict_cv(args.eval_dir, args.folds)
    else:
        pred = predict_shipped(gold)
    print(
        f"{len(gold)} papers, {args.folds} folds by paper, seed {args.seed}, entities: "
        f"{args.predictions or args.entities}"
    )
    header = f"{'':<16}{'results P / R / F1 (gold)':>30}{'scores P / R / F1 (gold)':>30}"
    print(header + f"{'dataset / method agree':>26}")
    for i, fold in enumerate(folds(gold, args.folds, args.seed), 1):
        print(f"{f'fold {i}':<16}" + figures(scorer, fold, pred))
    for source in ("sample", "neurips", "scirex"):
        rows = [row for row in gold if row["_source"] == source]
        print(f"{f'{source} ({len(rows)})':<16}" + figures(scorer, rows, pred))
    print(f"{f'pooled ({len(gold)})':<16}" + figures(scorer, gold, pred))
    return 0


if __name__ == "__main__":
    sys.exit(main())
