#!/usr/bin/env python3
"""How `kg build` grows: wall time per stage, peak memory and triples for corpora of N papers.

usage: python bench/run.py [--sizes 1000,10000,100000] [--workers 2] [--keep DIR]

Each size is built in a fresh process (so its peak memory is its own) from `bench/make_corpus.py N`.
Prints a table and the growth ratio of wall time from 10,000 to 100,000 papers (10 is linear).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("read", "extract", "graph", "store", "turtle", "html")
CHILD = """
import json, sys
from kg.pipeline import build
summary = build([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]), html=False, fresh=True)
print(json.dumps({"stages": summary.stages, "triples": summary.triples, "papers": summary.counts["papers"],
                  "seconds": summary.seconds}))
"""


def build_once(corpus: Path, out: Path, workers: int) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(out), str(workers)],
                          check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["wall"] = wall
    figures["peak_mb"] = max(peak_kib, before) / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="Keep corpora and outputs here.")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    header = (f"{'papers':>8} " + " ".join(f"{s:>8}" for s in STAGES)
              + f" {'wall s':>8} {'peak MB':>8} {'triples':>10} {'in graph':>8}")
    print(header)
    walls = {}
    for size in sizes:
        corpus = work / f"corpus-{size}.jsonl"
        if not corpus.exists():  # made under another name first: an interrupted run leaves no half corpus
            partial = corpus.with_suffix(".partial")
            subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(size), "-o", str(partial)], check=True)
            partial.replace(corpus)
        figures = build_once(corpus, work / f"out-{size}", args.workers)
        walls[size] = figures["wall"]
        stages = " ".join(f"{figures['stages'].get(s, 0.0):>8.1f}" for s in STAGES)
        print(f"{size:>8} {stages} {figures['wall']:>8.1f} {figures['peak_mb']:>8.0f} {figures['triples']:>10} {figures['papers']:>8}",
              flush=True)
    if 10_000 in walls and 100_000 in walls:
        print(f"growth ratio 10,000 -> 100,000 papers: {walls[100_000] / walls[10_000]:.1f} (10 is linear)")


if __name__ == "__main__":
    main()
