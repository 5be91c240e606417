#!/usr/bin/env python3
"""Page render times of the kg serve site on a store of about a million triples.

usage: python bench/bench_site.py [--store DIR] [--papers N] [--samples K]

Without --store, makes a synthetic corpus of N papers (bench/make_corpus.py; 4,000 papers give about a
million triples) and builds it with `kg build --no-html` into a temporary folder. Then starts the site in
process (the same application `kg serve` runs, its query pool included) and requests K pages of each type:
home, search, paper, method, dataset, task, metric, SPARQL (a shipped example) and graph (around a
method). Prints each type's median and slowest time, the median over all pages, and the slowest type.
The first graph page also imports the viz stack (pyvis, igraph), once: it is timed apart.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

warnings.filterwarnings("ignore", category=DeprecationWarning)
from starlette.testclient import TestClient

from kg.site.app import create_app
from kg.store import Store

ENTITY_SAMPLE = "SELECT ?e WHERE {{ ?e a kg:{cls} }} ORDER BY ?e LIMIT 2000"
SEARCH_WORDS = [
    "transformer",
    "diffusion",
    "speculative decoding",
    "ImageNet",
    "language model",
    "BERT",
    "segmentation",
    "reinforcement",
    "graph",
    "retrieval",
]


def build_store(papers: int, folder: Path) -> Path:
    corpus = folder / "corpus.jsonl"
    here = Path(__file__).resolve().parent
    subprocess.run([sys.executable, str(here / "make_corpus.py"), str(papers), "-o", str(corpus)], check=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(folder / "out"), "--no-html"],
        check=True,
    )
    print(f"built {papers:,} papers in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder / "out" / "store"


def sample_paths(store_dir: Path, samples: int, rng: random.Random) -> dict[str, list[str]]:
    with Store(store_dir, read_only=True) as store:
        triples = len(store)
        picked: dict[str, list[str]] = {}
        for kind, cls in (
            ("paper", "Paper"),
            ("method", "Method"),
            ("dataset", "Dataset"),
            ("task", "Task"),
            ("metric", "Metric"),
        ):
            iris = [str(row[0]) for row in store.query(ENTITY_SAMPLE.format(cls=cls)).rows]
            chosen = rng.sample(iris, min(samples, len(iris)))
            picked[kind] = ["/" + iri.split("/id/", 1)[1] for iri in chosen]
    print(f"store: {store_dir} ({triples:,} triples)")
    picked["home"] = ["/"] * samples
    picked["search"] = ["/search?q=" + rng.choice(SEARCH_WORDS).replace(" ", "+") for _ in range(samples)]
    picked["sparql"] = [
        "/sparql?example=" + name
        for name in rng.choices(
            ["results-on-dataset", "top-datasets-metrics", "papers-using-dataset"], k=samples
        )
    ]
    picked["graph"] = ["/graph/view?focus=" + path.rsplit("/", 1)[-1] for path in picked["method"][:samples]]
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", type=Path, default=None, help="A store kg build wrote (else one is built)."
    )
    parser.add_argument("--papers", type=int, default=4000, help="Papers to build when no --store is given.")
    parser.add_argument("--samples", type=int, default=15, help="Pages per type.")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="kg-bench-site-") as folder:
        store_dir = args.store or build_store(args.papers, Path(folder))
        paths = sample_paths(store_dir, args.samples, rng)
        started = time.perf_counter()
        with TestClient(create_app(store_dir, timeout=30)) as client:
            print(
                f"site start (search index, rankings, lineage, query pool): {time.perf_counter() - started:.1f} s"
            )
            started = time.perf_counter()
            first = client.get(paths["graph"][0])
            print(
                f"first graph page (loads the viz stack: pyvis, igraph): {time.perf_counter() - started:.1f} s"
            )
            times: dict[str, list[float]] = {}
            for kind, urls in paths.items():
                for url in urls:
                    started = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code not in (200, 404):
                        print(f"warning: {url}: HTTP {response.status_code}", file=sys.stderr)
                    times.setdefault(kind, []).append(elapsed)
            assert first.status_code in (200, 404)
    print(f"\n{'page':8} {'n':>3} {'median ms':>10} {'max ms':>8}")
    for kind, values in sorted(times.items(), key=lambda item: statistics.median(item[1])):
        print(f"{kind:8} {len(values):3} {statistics.median(values):10.1f} {max(values):8.1f}")
    every = [value for values in times.values() for value in values]
    slowest = max(times, key=lambda kind: statistics.median(times[kind]))
    print(f"\nmedian page: {statistics.median(every):.1f} ms over {len(every)} pages (target < 100 ms)")
    print(f"slowest page type: {slowest}, median {statistics.median(times[slowest]):.1f} ms")


if __name__ == "__main__":
    main()
