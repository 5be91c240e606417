#!/usr/bin/env python3
"""`kg build` against spaCy's tokenizer alone on the same texts, and how the build grows with the corpus.

usage: python bench/bench_build_ratio.py [--sizes 2000,10000] [--workers 2] [--no-html] [--keep DIR]

For each size, a synthetic corpus (`bench/make_corpus.py N`) is built into an empty folder by
``kg.builder.build`` (what `kg build --fresh` runs, graph.html included unless --no-html), then, in the
same process, spaCy's tokenizer alone (``build_pipeline().make_doc``, as `bench/bench_extraction.py`
measures it; the pipeline is loaded before the clock starts) runs over the same texts, one process.
Prints build seconds (with the seconds per stage), tokenizer seconds, their ratio (target <= 10) and the
growth of build time from the smallest to the largest size (target <= 5.5 for 2,000 -> 10,000; 5.0 is linear).
The machine's load average is printed beside each size: on a shared machine, repeat a run that looks
disturbed. CPU seconds (this process and its extraction workers) are printed too: other jobs' load
stretches wall time, much less the CPU time a build needs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

from kg.builder import build, read_inputs
from kg.extraction import build_pipeline

RATIO_TARGET = 10.0
GROWTH_TARGET = 5.5


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def corpus_of(size: int, work: Path) -> Path:
    """The corpus of ``size`` papers in ``work``, made once (under another name first: no half corpus)."""
    corpus = work / f"corpus-{size}.jsonl"
    if not corpus.exists():
        partial = corpus.with_suffix(".partial")
        subprocess.run(
            [sys.executable, str(HERE / "make_corpus.py"), str(size), "-o", str(partial)], check=True
        )
        partial.replace(corpus)
    return corpus


def cpu_seconds() -> float:
    """CPU seconds so far of this process and of its children that have ended (the extraction workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def tokenizer_seconds(texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds spaCy's tokenizer alone (the extraction pipeline's ``make_doc``) takes."""
    make_doc = build_pipeline().make_doc
    make_doc("warm up")
    started, cpu = time.perf_counter(), cpu_seconds()
    for text in texts:
        make_doc(text)
    return time.perf_counter() - started, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--workers", type=int, default=None, help="extraction processes (default: kg's own)")
    parser.add_argument("--no-html", action="store_true", help="skip graph.html, as `kg build --no-html`")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora and outputs here")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-ratio-"))
    work.mkdir(parents=True, exist_ok=True)

    print(f"{os.cpu_count()} cores, {load()}", flush=True)
    builds: dict[int, float] = {}
    try:
        for size in sizes:
            corpus = corpus_of(size, work)
            out = work / f"out-{size}"
            shutil.rmtree(out, ignore_errors=True)
            cpu = cpu_seconds()
            summary = build([corpus], out, workers=args.workers, html=not args.no_html, fresh=True)
            build_cpu = cpu_seconds() - cpu
            papers, _ = read_inputs([corpus])
            tokenizer, tokenizer_cpu = tokenizer_seconds([paper.text for paper in papers])
            builds[size] = summary.seconds
            stages = ", ".join(f"{name} {seconds:.1f}" for name, seconds in summary.stages.items())
            print(
                f"{size:>7} papers: build {summary.seconds:6.1f} s ({stages}; {summary.triples:,} triples), "
                f"tokenizer {tokenizer:5.2f} s, ratio {summary.seconds / tokenizer:5.1f} "
                f"(target <= {RATIO_TARGET:g}); CPU s: build {build_cpu:.1f}, tokenizer {tokenizer_cpu:.2f}, "
                f"ratio {build_cpu / tokenizer_cpu:.1f}; {load()}",
                flush=True,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if len(builds) > 1:
        small, large = min(builds), max(builds)
        print(
            f"growth {small:,} -> {large:,} papers: {builds[large] / builds[small]:.2f}x "
            f"(linear {large / small:g}x; target <= {GROWTH_TARGET:g}x for 2,000 -> 10,000)"
        )


if __name__ == "__main__":
    main()
