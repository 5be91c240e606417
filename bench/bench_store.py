"""Store speed: Oxigraph (kg.store) beside rdflib's in-memory Graph on a synthetic graph of ~1M triples.

The graph has the shape `kg build` writes (it is made by kg.graph.paper_triples from synthetic papers):
papers with mentions and evidence, shared methods/datasets/metrics/tasks, results, repositories for
half the papers, and lineage chains of methods. Measures loading, Turtle export and every example
query in queries/, and prints one table with the ratio rdflib / Oxigraph.

    python bench/bench_store.py                 # ~1,000,000 triples (a few minutes, ~3 GB RAM)
    python bench/bench_store.py --triples 100000
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from kg.core.namespaces import PREFIXES, sparql_prologue
from kg.core.papers import Paper
from kg.extraction.records import Entity, Evidence, Extraction, LineageEdge, Link, Result
from kg.graph import paper_triples
from kg.read.query import read_query, resolve_params
from kg.store import Store
from kg.store.sparql import bind_params

TRIPLES_PER_PAPER = 190  # measured on this generator; used to size the corpus
CHAIN = 25  # methods per lineage chain: the ancestors query walks up to 24 links


def method_name(i: int) -> str:
    return f"Method {i} Net"


def synthetic_papers(count: int, seed: int = 1) -> list[tuple[Paper, Extraction]]:
    """``count`` papers in the fixture's shape, entities drawn from shared pools with a skewed popularity."""
    rng = random.Random(seed)
    datasets = [f"Dataset {i}" for i in range(max(10, count // 20))]
    metrics = [f"Metric {i}" for i in range(max(5, count // 100))]
    tasks = [f"Task {i}" for i in range(max(5, count // 50))]
    techniques = [f"Technique {i}" for i in range(max(5, count // 40))]

    def skewed(pool: list[str]) -> str:
        return pool[min(len(pool) - 1, int(rng.paretovariate(1.2)) - 1)]

    pairs = []
    for i in range(count):
        abstract = f"Abstract of paper {i}. " * 8
        year, month = 2015 + i * 10 // count, 1 + i % 12

        def entity(name: str, kind: str, at: int, i: int = i) -> Entity:
            evidence = Evidence("abstract", f"Sentence {at} of paper {i}.", at * 7, at * 7 + 5)
            return Entity(name=name, type=kind, canonical=name, confidence=0.9, evidence=evidence)

        # "Method 7 Net", not "Method 7": a trailing number reads as a version, linking every method to one
        # "Method" family (kg.graph.families), which no real corpus has
        method = method_name(i)
        parent = method_name(i - 1) if i % CHAIN else None  # chains of CHAIN methods, each extending the last
        used = [method_name(rng.randrange(count)) for _ in range(2)]
        paper_datasets = sorted({skewed(datasets), skewed(datasets)})
        paper_metrics = sorted({skewed(metrics), skewed(metrics)})
        extraction = Extraction(
            paper_id=str(i),
            methods=[entity(name, "method", k) for k, name in enumerate([method, *used])],
            techniques=[entity(skewed(techniques), "technique", 3)],
            datasets=[entity(name, "dataset", 4 + k) for k, name in enumerate(paper_datasets)],
            metrics=[entity(name, "metric", 6 + k) for k, name in enumerate(paper_metrics)],
            tasks=[entity(skewed(tasks), "task", 8)],
            proposed=[entity(method, "method", 0)],
            repos=(
                [
                    Link(
                        url=f"https://github.com/owner{i % 997}/repo{i}",
                        kind="repository",
                        evidence=Evidence("abstract", "Code.", 0, 5),
                    )
                ]
                if i % 2 == 0
                else []
            ),
            results=[
                Result(
                    metric=paper_metrics[0],
                    value=f"{rng.uniform(20, 99):.1f}%",
                    dataset=d,
                    method=method,
                    confidence=0.8,
                    evidence=Evidence("abstract", "Result.", 9, 14),
                )
                for d in paper_datasets
            ],
            lineage=(
                [
                    LineageEdge(
                        child=method,
                        parent=parent,
                        relation=rng.choice(["extends", "variant_of", "based_on", "improves_on"]),
                        confidence=0.9,
                        evidence=Evidence("abstract", "Lineage.", 15, 20),
                    )
                ]
                if parent
                else []
            ),
        )
        paper = Paper(
            title=f"Synthetic paper {i}",
            abstract=abstract,
            arxiv_id=f"{year % 100:02d}{month:02d}.{i:05d}",
            date=f"{year}-{month:02d}",
            authors=[f"Author {i % 311}", f"Author {i % 97}"],
        )
        pairs.append((paper, extraction))
    return pairs


def timed(function, repeat: int = 1) -> tuple[float, object]:
    """Median seconds over ``repeat`` runs, and the last run's value."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


QUERY_PARAMS = {
    "papers-using-dataset": {"dataset": "Dataset 0"},
    "results-on-dataset": {"dataset": "Dataset 0", "metric": "Metric 0"},
    "top-datasets-metrics": {},
    "methods-per-month": {"since": "2020-01"},
    "method-ancestors": {"method": method_name(CHAIN - 1)},
    "papers-without-code": {"since": "2023"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="approximate size of the graph")
    parser.add_argument("--repeat", type=int, default=5, help="runs per Oxigraph query (median)")
    args = parser.parse_args()

    started = time.perf_counter()
    papers = max(CHAIN, args.triples // TRIPLES_PER_PAPER)
    triples = [t for paper, extraction in synthetic_papers(papers) for t in paper_triples(paper, extraction)]
    unique = len(set(triples))
    print(
        f"{papers} synthetic papers -> {len(triples):,} triples generated ({unique:,} distinct) "
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )

    rows: list[tuple[str, float, float | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        store = Store(tmp_path / "store")
        ox_load, _ = timed(lambda: store.add(triples))
        graph = Graph()
        rdf_load, _ = timed(lambda: [graph.add(t) for t in triples])
        rows.append(("load (add rdflib triples)", ox_load, rdf_load, f"{len(store):,} triples"))
        assert len(store) == len(graph) == unique

        ox_dump, _ = timed(lambda: store.dump(tmp_path / "ox.ttl", "turtle"))
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        rdf_dump, _ = timed(lambda: graph.serialize(tmp_path / "rdflib.ttl", format="turtle"))
        size = (tmp_path / "ox.ttl").stat().st_size / 1e6
        rows.append(("Turtle export", ox_dump, rdf_dump, f"{size:.0f} MB"))

        bulk = Store(tmp_path / "bulk")
        store.dump(tmp_path / "graph.nt", "ntriples")
        ox_bulk, _ = timed(lambda: bulk.load_file(tmp_path / "graph.nt", "ntriples"))
        rows.append(("bulk load N-Triples file", ox_bulk, None, f"{len(bulk):,} triples"))
        bulk.close()

        for name, params in QUERY_PARAMS.items():
            query = read_query(file=name)
            text = query.text
            lookup_time, params = timed(
                lambda query=query, params=params: resolve_params(query, params, store)
            )
            if query.names:
                names = ", ".join(
                    f"{key}={value}" for key, value in QUERY_PARAMS[name].items() if key in query.names
                )
                rows.append((f"lookup {names}", lookup_time, None, "kg.read.lookup.resolve, any case"))
            ox_time, ox_result = timed(
                lambda text=text, params=params: store.query(text, params=params), repeat=args.repeat
            )
            rdflib_text = sparql_prologue() + bind_params(text, params)
            rdf_time, rdf_result = timed(lambda q=rdflib_text: list(graph.query(q)))
            same = "same rows" if len(ox_result) == len(rdf_result) else f"rdflib {len(rdf_result)} rows!"
            rows.append((f"query {name}", ox_time, rdf_time, f"{len(ox_result)} rows, {same}"))
        store.close()

    print(
        f"\nkg.store (Oxigraph {__import__('pyoxigraph').__version__}) vs rdflib in-memory Graph, "
        f"{unique:,} triples\n"
    )
    print(f"{'operation':36} {'oxigraph':>11} {'rdflib':>11} {'ratio':>8}  notes")
    print("-" * 100)
    for label, ox_time, rdf_time, note in rows:
        ratio = f"{rdf_time / ox_time:7.1f}x" if rdf_time is not None else "       -"
        rdf = f"{rdf_time * 1000:9.1f}ms" if rdf_time is not None else f"{'-':>11}"
        print(f"{label:36} {ox_time * 1000:9.1f}ms {rdf} {ratio}  {note}")
    queries = [
        (label, ox_time, rdf_time) for label, ox_time, rdf_time, _ in rows if label.startswith("query ")
    ]
    slow = [label for label, ox_time, rdf_time in queries if rdf_time / ox_time < 10]
    ancestors = next(ox_time for label, ox_time, _ in queries if label == "query method-ancestors")
    print(
        f"\ntarget: every example query >= 10x faster than rdflib: {'met' if not slow else 'NOT met: ' + ', '.join(slow)}"
    )
    print(
        f"target: ancestors query < 50 ms: {'met' if ancestors < 0.05 else 'NOT met'} ({ancestors * 1000:.1f} ms)"
    )
    print(f"\ntotal {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
