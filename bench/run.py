#!/usr/bin/env python3
"""How `kg build` grows: wall time per stage, peak memory and triples for corpora of N papers.

usage: python bench/run.py [--sizes 1000,10000,100000] [--workers 2] [--no-html] [--keep DIR]

Each size is built fresh in its own process from `bench/make_corpus.py N`. Prints a table and the growth
ratio of wall time from 10,000 to 100,000 papers (10 is linear).

Stages: `extract` and `graph` run interleaved in the worker processes, so the wall time of that phase is
split between them by the seconds the workers spent on each; `store` (the bulk load, then `summary`, which
counts what the store holds) runs beside `turtle` and `html` (graph.ttl and graph.html written from the
build's own spool by a thread), so those overlap. `setup` opens the store and writes the vocabularies; `build s` is the build itself, `wall s` the whole process (start-up and exit too). `peak MB` is the build's whole process tree (main process and workers,
sampled every 0.2 s from /proc); `largest` is its largest single process.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("setup", "read", "extract", "graph", "store", "summary", "turtle", "html")
CHILD = """
import json, sys
from kg.builder import build
summary = build([sys.argv[1]], sys.argv[2], workers=int(sys.argv[3]), html=sys.argv[4] == "html", fresh=True)
print(json.dumps({"stages": summary.stages, "triples": summary.triples, "papers": summary.counts["papers"],
                  "seconds": summary.seconds}))
"""


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def build_once(corpus: Path, out: Path, workers: int, html: bool) -> dict:
    shutil.rmtree(out, ignore_errors=True)  # a first build, as a new user runs it
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(corpus), str(out), str(workers), "html" if html else "no-html"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, tree_rss_mb(child.pid))
        time.sleep(0.2)
    stdout, stderr = child.communicate()
    if child.returncode:
        sys.exit(f"the build failed:\n{stderr}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - started
    figures["peak_mb"] = peak
    figures["largest_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # so far, any child
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-html", action="store_true", help="skip graph.html, as `kg build --no-html`")
    parser.add_argument("--keep", type=Path, default=None, help="Keep corpora and outputs here.")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    header = (
        f"{'papers':>8} "
        + " ".join(f"{s:>8}" for s in STAGES)
        + f" {'build s':>8} {'wall s':>8} {'peak MB':>8} {'largest':>8} {'triples':>10} {'in graph':>8}"
    )
    print(header)
    walls = {}
    for size in sizes:
        corpus = work / f"corpus-{size}.jsonl"
        if not corpus.exists():  # made under another name first: an interrupted run leaves no half corpus
            partial = corpus.with_suffix(".partial")
            subprocess.run(
                [sys.executable, str(HERE / "make_corpus.py"), str(size), "-o", str(partial)], check=True
            )
            partial.replace(corpus)
        figures = build_once(corpus, work / f"out-{size}", args.workers, not args.no_html)
        walls[size] = figures["wall"]
        stages = " ".join(f"{figures['stages'].get(s, 0.0):>8.1f}" for s in STAGES)
        print(
            f"{size:>8} {stages} {figures['seconds']:>8.1f} {figures['wall']:>8.1f} {figures['peak_mb']:>8.0f} {figures['largest_mb']:>8.0f}"
            f" {figures['triples']:>10} {figures['papers']:>8}",
            flush=True,
        )
    if 10_000 in walls and 100_000 in walls:
        print(f"growth ratio 10,000 -> 100,000 papers: {walls[100_000] / walls[10_000]:.1f} (10 is linear)")


if __name__ == "__main__":
    main()
