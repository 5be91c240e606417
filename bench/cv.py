"""Cross-validated extraction scores over the annotated papers: the figures the README reports.

    python bench/cv.py [--folds 5] [--gold GOLD.jsonl ...] [--no-rules] [-o pred.jsonl]

By default over all four annotated sets in ``../shared/eval`` (668 papers: the bundled sample's train and
dev, NeurIPS 2023, SciREX abstracts). The resolver is trained on k-1 folds, by paper, and predicts the fold
left out (``training.resolver``); its thresholds are chosen inside the training folds. The pooled
predictions are scored by the eval's own ``score.py``, pooled and per source, since the sources differ.
Beside them, the rules alone (no model) on the same papers, so the model's worth is plain. Takes several
minutes (five trainings, each with its own inner threshold choice).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from evalsets import load_scorer

from kg.core.papers import Paper
from kg.extraction import build_pipeline, extract
from training.resolver import cross_validate, read_gold

FIELDS = (
    "methods",
    "techniques",
    "datasets",
    "metrics",
    "tasks",
    "proposed",
    "aliases",
    "results",
    "lineage",
)


def table(papers, rows: list[dict], label: str) -> None:
    """P / R / F1 per field, pooled and for each source."""
    score = load_scorer().score
    groups = {"pooled": [p.row for p in papers]}
    for paper in papers:
        groups.setdefault(paper.source, []).append(paper.row)
    print(f"== {label}")
    print(f"{'field':<11}" + "".join(f" {f'{name} ({len(g)})':>22}" for name, g in groups.items()))
    results = {name: score(gold, rows)[0] for name, gold in groups.items()}
    for field in FIELDS:
        cells = ["{:.3f} / {:.3f} / {:.3f}".format(*results[name][field].prf()) for name in groups]
        print(f"{field:<11}" + "".join(f" {cell:>22}" for cell in cells))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--gold", nargs="+", help="gold files (default: the four in ../shared/eval)")
    parser.add_argument("--no-rules", action="store_true", help="skip the rules-alone table")
    parser.add_argument("-o", "--output", help="also write the cross-validated predictions here")
    args = parser.parse_args()
    papers = read_gold(args.gold)
    if not args.no_rules:
        nlp = build_pipeline()
        rules = [
            {
                "id": p.id,
                **extract(
                    Paper(title=p.title, abstract=p.abstract, record_id=p.id), nlp, model=None
                ).to_json(),
            }
            for p in papers
        ]
        table(papers, rules, f"rules alone, {len(papers)} papers (P / R / F1)")
    rows = cross_validate(papers, args.folds)
    if args.output:
        Path(args.output).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    table(papers, rows, f"rules + resolver, {args.folds}-fold cross-validated by paper (P / R / F1)")


if __name__ == "__main__":
    main()
