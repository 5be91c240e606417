"""Cross-validated extraction scores over the annotated papers: the figures the README reports.

    python bench/cv.py [--folds 5] [--gold ../shared/eval/train.jsonl ../shared/eval/dev.jsonl]

The resolver is trained on k-1 folds and predicts the fold left out (``kg.extraction.training``); the
pooled predictions are scored by the eval's own ``score.py``. Beside them, the rules alone (no model) on the
same papers, so the model's worth is plain. Takes a few minutes (five trainings).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from kg.extraction import build_pipeline, extract
from kg.extraction.training import cross_validate, read_gold
from kg.papers import Paper

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def score(gold: Path, rows: list[dict], label: str) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    table = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(gold), out.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(out.name).unlink()
    print(f"== {label}\n{table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--gold", nargs="+", default=[str(EVAL / "train.jsonl"), str(EVAL / "dev.jsonl")])
    args = parser.parse_args()
    papers = read_gold(args.gold)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as gold:
        gold.writelines(json.dumps(paper.row, ensure_ascii=False) + "\n" for paper in papers)
    gold_path = Path(gold.name)
    nlp = build_pipeline()
    rules = [
        {
            "id": p.id,
            **extract(Paper(title=p.title, abstract=p.abstract, record_id=p.id), nlp, model=None).to_json(),
        }
        for p in papers
    ]
    score(gold_path, rules, f"rules alone, {len(papers)} papers (some rules were drafted with dev in view)")
    score(
        gold_path, cross_validate(papers, args.folds), f"rules + resolver, {args.folds}-fold cross-validated"
    )
    gold_path.unlink()


if __name__ == "__main__":
    main()
