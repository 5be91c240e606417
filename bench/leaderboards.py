"""An outside check of kg's results: the Papers-with-Code leaderboard scores an abstract states.

    python bench/leaderboards.py [--file ../shared/external/leaderboards/orkg_tdm_train.jsonl] [--show N]

ORKG-TDM lists, for each paper, leaderboard tuples (task, dataset, metric, score) read from the paper's
tables. Most of those scores are not in the abstract; a tuple counts as *stated* when its score is a number
the abstract writes (the same number, or the same fraction written as a percentage: 0.924 and "92.4%"). For
the stated ones this prints the share kg finds as a result (a result whose value holds that number), and the
share found with the leaderboard's dataset and metric, matched leniently: the result's dataset and metric
(any name kg gives that metric) share a content word with the leaderboard's ("WN18RR" / "WN18RR",
"word error rate" / "Word Error Rate (WER)"). Nobody on this project wrote these tuples; the file is a check
set, not something to tune on. Folds are not needed: nothing here is fitted to these papers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FILE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "external"
    / "leaderboards"
    / "orkg_tdm_train.jsonl"
)
# a number as an abstract writes it, not part of a name ("2D", "GPT-4", "ResNet50")
NUMBER = re.compile(r"(?<![\w.\-])(\d+(?:\.\d+)?)(?![\w]|\.\d)")
# words a dataset or metric name shares with too many others to say they are the same
GENERIC = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "or",
        "to",
        "with",
        "by",
        "at",
        "set",
        "sets",
        "dataset",
        "datasets",
        "data",
        "test",
        "val",
        "validation",
        "dev",
        "benchmark",
        "score",
        "scores",
        "rate",
        "mean",
        "average",
        "avg",
        "top",
        "task",
        "tasks",
    ]
)


@dataclass(frozen=True)
class Stated:
    """One leaderboard tuple whose score the abstract states."""

    paper: str
    dataset: str
    metric: str
    score: str
    number: float  # the number as the abstract writes it


def words(name: str | None) -> set[str]:
    """Content words of a name, lower-cased, a plural "s" dropped."""
    out = set()
    for word in re.findall(r"[a-z0-9]+(?:\.[0-9]+)?", (name or "").lower()):
        word = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
        if word not in GENERIC:
            out.add(word)
    return out


def numbers(text: str) -> set[float]:
    return {float(m.group(1)) for m in NUMBER.finditer(text.replace(",", ""))}


def stated(row: dict) -> list[Stated]:
    """The paper's leaderboard tuples whose score its abstract writes, one per (dataset, metric, score)."""
    in_text = numbers(row.get("text") or "")
    found, seen = [], set()
    for t in row.get("results", []):
        try:
            score = float(str(t.get("score", "")).replace(",", "").rstrip("%").strip())
        except ValueError:
            continue  # "(7.3, 13.8, ...) on 2% ~ 10%": no one score
        key = (t.get("dataset"), t.get("metric"), score)
        if key in seen:
            continue
        for number in in_text:
            if any(abs(number - form) < 1e-9 for form in (score, score * 100, score / 100)):
                seen.add(key)
                found.append(
                    Stated(row["id"], t.get("dataset") or "", t.get("metric") or "", t["score"], number)
                )
                break
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--show", type=int, default=0, help="print N stated tuples kg misses (for reading)")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"warning: {args.file}: no such file (give --file)", file=sys.stderr)
        return 2
    rows = []
    with open(args.file, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                print(f"warning: {args.file}:{number}: not JSON ({err.msg}); skipped", file=sys.stderr)
    checks = [(row, stated(row)) for row in rows]
    checks = [(row, s) for row, s in checks if s]

    from kg.core.papers import Paper
    from kg.extraction import extract_many

    papers = [
        Paper(title=row.get("title") or "", abstract=row["text"], record_id=row["id"]) for row, _ in checks
    ]
    found = value_found = both_found = dataset_found = metric_found = 0
    misses = []
    for (row, tuples), (_, extraction) in zip(checks, extract_many(papers), strict=True):
        metric_names = {
            e.name: {e.name, e.canonical, *e.aliases} for e in extraction.metrics
        }  # any name kg gives the metric
        for t in tuples:
            found += 1
            hits = [r for r in extraction.results if t.number in numbers(r.value)]
            if not hits:
                misses.append((t, None))
                continue
            value_found += 1
            lb_metric, lb_dataset = words(t.metric), words(t.dataset)
            good_metric = [
                r
                for r in hits
                if lb_metric & set().union(*(words(n) for n in metric_names.get(r.metric, {r.metric})))
            ]
            good_dataset = [r for r in hits if lb_dataset & words(r.dataset)]
            metric_found += bool(good_metric)
            dataset_found += bool(good_dataset)
            if any(r in good_dataset for r in good_metric):
                both_found += 1
            else:
                misses.append((t, hits[0]))
    print(f"{args.file.name}: {len(rows)} papers; {len(checks)} state leaderboard scores, {found} tuples")
    if not found:
        return 0
    share = lambda n: f"{n:4d}  {n / found:6.1%}"
    print(f"found as a result                  {share(value_found)}")
    print(f"  with the leaderboard's metric    {share(metric_found)}")
    print(f"  with the leaderboard's dataset   {share(dataset_found)}")
    print(f"  with both dataset and metric     {share(both_found)}")
    for t, hit in misses[: args.show]:
        got = f"{hit.metric} / {hit.dataset}" if hit else "no result"
        print(f"  {t.paper}: {t.score} {t.metric} / {t.dataset}  <- {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
