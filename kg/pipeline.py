"""The end-to-end build: sources -> papers -> extraction -> linking -> graph -> store -> Turtle and HTML.

The CLI's `kg build` is a thin layer over :func:`build`; tests call it directly.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.errors import InputError
from kg.extraction import batched, default_workers, extract_many
from kg.extraction.records import Extraction
from kg.graph import vocabulary_triples
from kg.graph.build import NTRIPLES, Described, NTriplesChunk, ntriples_chunk, ntriples_text
from kg.linking import ApiClient, LinkReport, link_papers
from kg.linking.graph import facts_triples
from kg.papers import Paper
from kg.resources import sample_paths
from kg.sources import Problem, read_papers
from kg.store import Store
from kg.store.oxigraph import CANONICAL_ORDER_LIMIT, transcode
from kg.timing import StageTimes

STORE_DIRNAME = "store"
HTML_NODE_LIMIT = 5_000  # past this, graph.html shows the best-connected nodes (kg viz draws any part)
SUMMARY_QUERY = """
SELECT
  (COUNT(DISTINCT ?paper) AS ?papers)
  (COUNT(DISTINCT ?method) AS ?methods)
  (COUNT(DISTINCT ?technique) AS ?techniques)
  (COUNT(DISTINCT ?dataset) AS ?datasets)
  (COUNT(DISTINCT ?metric) AS ?metrics)
  (COUNT(DISTINCT ?task) AS ?tasks)
  (COUNT(DISTINCT ?repository) AS ?repositories)
WHERE {
  { ?paper a kg:Paper } UNION
  { ?p kg:usesMethod|kg:proposes ?method . ?method a kg:Method } UNION
  { ?p kg:usesTechnique ?technique } UNION
  { ?p kg:evaluatedOn ?dataset } UNION
  { ?p kg:measuredBy ?metric } UNION
  { ?p kg:addressesTask ?task } UNION
  { ?p kg:hasRepository ?repository }
}
"""


@dataclass
class BuildSummary:
    """What a build read and wrote, for the closing summary line."""

    papers_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # papers, methods, ... in the whole store
    triples: int = 0
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, nested stages excluded
    link_report: LinkReport | None = None  # online builds only


ProgressCallback = Callable[[int], None]


def default_inputs() -> list[Path]:
    """The sample corpus shipped inside the package."""
    return sample_paths()


def read_inputs(inputs: Sequence[str | Path], fmt: str | None = None) -> tuple[list[Paper], list[Problem]]:
    """Read every input; InputError only when no paper at all could be read."""
    papers, problems = read_papers(list(inputs), fmt)
    if not papers:
        details = "; ".join(str(problem) for problem in problems[:5]) or "no input given"
        raise InputError(f"no paper could be read ({details})")
    return papers, problems


@dataclass
class EncodedBatch:
    """A worker's share: a batch of papers as N-Triples, and the seconds it spent extracting and encoding."""

    chunk: NTriplesChunk
    extract_seconds: float
    graph_seconds: float


def encode_batch(batch: list[Paper]) -> EncodedBatch:
    """Extract a batch of papers and spell their triples as N-Triples: all of a paper's work, in one process."""
    started = time.perf_counter()
    pairs = list(extract_many(batch, batch_size=len(batch)))
    extracted = time.perf_counter()
    chunk = ntriples_chunk(pairs)
    return EncodedBatch(chunk, extracted - started, time.perf_counter() - extracted)


def encoded_batches(
    papers: Sequence[Paper], *, workers: int = 1, batch_size: int = 64
) -> Iterator[EncodedBatch]:
    """Papers -> N-Triples batches in input order; with ``workers > 1`` in that many worker processes.

    The workers do everything per paper (extraction and triples), so the main process only writes text."""
    batches = batched(papers, batch_size)
    if workers > 1:
        with multiprocessing.Pool(workers) as pool:
            yield from pool.imap(encode_batch, batches)
    else:
        yield from map(encode_batch, batches)


class Spool:
    """The build's new triples as one N-Triples file: the store bulk-loads it, and a fresh large build's
    Turtle is transcoded from it rather than read back out of the store (several times faster).

    Shared descriptions (entities, repositories) come from every batch that names them; each is written once.
    """

    PREFIX = ".kg-build-"

    def __init__(self, directory: Path) -> None:
        # a build killed outright leaves its spool behind; the store's lock (held by now) means no other
        # build is writing here, so any spool in the folder is stale
        for stale in directory.glob(self.PREFIX + "*.nt"):
            stale.unlink(missing_ok=True)
        handle, name = tempfile.mkstemp(prefix=self.PREFIX, suffix=".nt", dir=directory)
        self.path = Path(name)
        self._out = os.fdopen(handle, "wb")
        self._described = Described()
        self.triples = 0  # lines written; the store may hold fewer (a triple can come twice)

    def write_text(self, text: str, triples: int) -> None:
        self._out.write(text.encode("utf-8", "replace"))
        self.triples += triples

    def write_chunk(self, chunk: NTriplesChunk) -> None:
        self.write_text(chunk.text, chunk.triples)
        for key, (triples, text) in chunk.shared.items():
            if self._described.new(key):
                self.write_text(text, triples)
        for iri, names in chunk.names:
            if labels := self._described.label_triples(NTRIPLES, iri, names):
                self.write_text(ntriples_text(labels), len(labels))

    def write_triples(self, triples: Iterable[tuple]) -> None:
        """rdflib triples (vocabularies, repository facts: a few thousand) through rdflib's own writer."""
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        self._out.write(graph.serialize(format="nt", encoding="utf-8"))
        self.triples += len(graph)

    def close(self) -> None:
        self._out.close()

    def remove(self) -> None:
        self._out.close()
        self.path.unlink(missing_ok=True)


def build(
    inputs: Sequence[str | Path] | None = None,
    out_dir: str | Path = "outputs",
    *,
    fmt: str | None = None,
    store_dir: str | Path | None = None,
    fresh: bool = False,
    workers: int | None = None,
    html: bool = True,
    progress: Callable[[int], ProgressCallback] | None = None,
    online: ApiClient | None = None,
) -> BuildSummary:
    """Build (or add to) the graph in ``out_dir``: the store, ``graph.ttl`` and ``graph.html``.

    ``workers``: processes for extraction, None for ``default_workers`` (one per core for large inputs).
    ``progress(total)`` is called once with the number of papers and returns a callback advanced as papers
    are done. With ``online`` (an API client), papers are also linked through GitHub and Hugging Face and
    the repository facts stored. Raises InputError when no paper could be read.
    """
    started = time.perf_counter()
    timer = StageTimes()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with timer.stage("read"):
        papers, problems = read_inputs(list(inputs) if inputs else default_inputs(), fmt)
    summary = BuildSummary(papers_read=len(papers), problems=problems)
    workers = workers or default_workers(len(papers))
    advance = progress(len(papers)) if progress else None

    with Store(Path(store_dir) if store_dir else out / STORE_DIRNAME) as store:
        with timer.stage("setup"):
            if fresh:
                store.clear()
            started_empty = store.is_empty()
            spool = Spool(out)
        try:
            with timer.stage("setup"):
                spool.write_triples(vocabulary_triples())
            if online is not None:
                pairs = extract_and_link(papers, spool, timer, summary, online=online, workers=workers)
                batches = encoded_pairs(pairs)
            else:
                batches = encoded_batches(papers, workers=workers)
            spool_papers(batches, spool, timer, progress=advance)
            spool.close()
            turtle = out / "graph.ttl"
            if started_empty and spool.triples > CANONICAL_ORDER_LIMIT:
                # a large fresh graph: its Turtle is the spool's triples in build order, written by a
                # thread while the store loads them (both in Rust, each on its own core)
                with ThreadPoolExecutor(1) as background:
                    writing = background.submit(
                        timer.timed, "turtle", transcode, spool.path, "ntriples", turtle
                    )
                    with timer.stage("store"):
                        store.load_file(spool.path, "ntriples", trusted=True, compact=False)
                    writing.result()
            else:
                with timer.stage("store"):
                    store.load_file(spool.path, "ntriples", trusted=True)
                with timer.stage("turtle"):
                    store.dump(turtle, "turtle")  # sorted lines: the same bytes for the same graph
            with timer.stage("summary"), ThreadPoolExecutor(1) as background:
                triples = background.submit(len, store)  # two scans of the store, side by side
                summary.counts = store_counts(store)
                summary.triples = triples.result()
        finally:
            spool.remove()
        summary.outputs["turtle"] = turtle
        if html:
            with timer.stage("html"):
                summary.outputs["html"] = write_page(store, out / "graph.html")
    summary.seconds = time.perf_counter() - started
    summary.stages = timer.as_dict()
    return summary


def spool_papers(
    batches: Iterable[EncodedBatch], spool: Spool, timer: StageTimes, *, progress: ProgressCallback | None
) -> None:
    """Write the batches to the spool, charging the wall time of the parallel phase to extract and graph
    in proportion to the seconds the workers spent on each (they run interleaved in the same processes)."""
    started = time.perf_counter()
    extract_seconds = graph_seconds = 0.0
    for batch in batches:
        spool.write_chunk(batch.chunk)
        extract_seconds += batch.extract_seconds
        graph_seconds += batch.graph_seconds
        if progress:
            progress(batch.chunk.papers)
    wall = time.perf_counter() - started
    worked = extract_seconds + graph_seconds or 1.0
    timer.seconds["extract"] += wall * extract_seconds / worked
    timer.seconds["graph"] += wall * graph_seconds / worked


def extract_and_link(
    papers: Sequence[Paper],
    spool: Spool,
    timer: StageTimes,
    summary: BuildSummary,
    *,
    online: ApiClient,
    workers: int,
) -> list[tuple[Paper, Extraction]]:
    """Extract, link the papers online and spool the repository facts.

    Online linking is small-scale by nature (API quotas), so the extractions are held in memory here."""
    with timer.stage("extract"):
        pairs = list(extract_many(papers, workers=workers))
    with timer.stage("link"):
        links, summary.link_report = link_papers(pairs, online=True, client=online)
        spool.write_triples(facts_triples(links))
    return pairs


def encoded_pairs(pairs: Sequence[tuple[Paper, Extraction]], batch_size: int = 64) -> Iterator[EncodedBatch]:
    for batch in batched(pairs, batch_size):
        started = time.perf_counter()
        chunk = ntriples_chunk(batch)
        yield EncodedBatch(chunk, 0.0, time.perf_counter() - started)


def write_page(store: Store, path: Path) -> Path:
    """graph.html: the interactive view of the store's graph, its best-connected nodes when it is large."""
    from kg.graph.networkx_view import to_networkx, view_predicates
    from kg.viz import render_html

    values = " ".join(f"<{iri}>" for iri in view_predicates())
    view_triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}").rows
    view = to_networkx(view_triples)
    render_html(view, path, limit=HTML_NODE_LIMIT if view.number_of_nodes() > HTML_NODE_LIMIT else None)
    return path


def store_counts(store: Store) -> dict[str, int]:
    """Distinct papers, methods, datasets, ... in the store, for the closing summary."""
    result = store.query(SUMMARY_QUERY)
    row = result.rows[0]
    return {name: int(row[index]) for index, name in enumerate(result.variables)}
