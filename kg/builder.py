"""The end-to-end build: sources -> papers -> extraction -> linking -> graph -> store -> Turtle and HTML.

The CLI's `kg build` is a thin layer over :func:`build`; tests call it directly.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from kg.core.domain import HAS_REPOSITORY, KIND_BY_NAME, NODE_KINDS, PAPER, PROPOSES, REPOSITORY, NodeKind
from kg.core.errors import InputError
from kg.core.io import atomic_writer, remove_stale_temporaries
from kg.core.papers import Paper
from kg.core.resources import sample_paths
from kg.core.timing import StageTimes
from kg.extraction import batched, default_workers, extract_many, ignore_interrupts
from kg.extraction.records import Extraction
from kg.graph import vocabulary_triples
from kg.graph.build import NTRIPLES, RDFLIB, Names, NTriplesChunk, nquads_text, ntriples_chunk, ntriples_text
from kg.graph.iris import NAMES_GRAPH, VOCABULARY_GRAPH
from kg.graph.links import facts_quads
from kg.linking import ApiClient, LinkReport, link_papers
from kg.sources import Problem, Reading, read_all
from kg.store import Store
from kg.store.lock import write_lock
from kg.store.oxigraph import (
    CANONICAL_ORDER_LIMIT,
    file_triples,
    spell_quads,
    spell_triples,
    transcode,
    write_canonical,
)
from kg.store.swap import fresh_sibling, swap_in

STORE_DIRNAME = "store"
HTML_NODE_LIMIT = 5_000  # past this, graph.html shows the best-connected nodes (kg viz draws any part)


def _count_pattern(kind: NodeKind) -> str:
    """Which nodes of a kind the closing summary counts: papers by class, the rest by the papers naming
    them (a method also by kg:proposes, which may name a dataset too: only what is a method counts)."""
    if kind is PAPER:
        return f"{{ ?paper a kg:{PAPER.rdf_class} }}"
    if kind is REPOSITORY:
        return f"{{ ?p kg:{HAS_REPOSITORY.rdf_property} ?{kind.name} }}"
    role = KIND_BY_NAME[kind.name].role
    if kind.name == "method":
        return (
            f"{{ {{ SELECT DISTINCT ?method WHERE {{ ?p kg:{role}|kg:{PROPOSES.rdf_property} ?method }} }}\n"
            f"    FILTER EXISTS {{ ?method a kg:{kind.rdf_class} }} }}"
        )
    return f"{{ ?p kg:{role} ?{kind.name} }}"


SUMMARY_QUERY = (
    "\nSELECT\n"
    + "".join(f"  (COUNT(DISTINCT ?{kind.name}) AS ?{kind.plural})\n" for kind in NODE_KINDS)
    + "WHERE {\n  "
    + " UNION\n  ".join(_count_pattern(kind) for kind in NODE_KINDS)
    + "\n}\n"
)
"""Distinct nodes of each kind in the store, named by the kind's plural (kg.core.domain.NODE_KINDS)."""


@dataclass
class BuildSummary:
    """What a build read and wrote, for the closing summary line."""

    papers_read: int = 0  # papers kept: each paper once, however many records named it
    records_read: int = 0  # paper records in the inputs, before merging the same paper's records
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
    reading = read_counted(inputs, fmt)
    return reading.papers, reading.problems


def read_counted(inputs: Sequence[str | Path], fmt: str | None = None) -> Reading:
    """Like ``read_inputs``, with the number of records read before merging."""
    reading = read_all(list(inputs), fmt)
    if not reading.papers:
        details = "; ".join(str(problem) for problem in reading.problems[:5]) or "no input given"
        raise InputError(f"no paper could be read ({details})")
    return reading


@dataclass
class EncodedBatch:
    """A worker's share: a batch of papers as N-Quads, and the seconds it spent extracting and encoding."""

    chunk: NTriplesChunk
    extract_seconds: float
    graph_seconds: float


def encode_batch(batch: list[Paper], union: bool = False) -> EncodedBatch:
    """Extract a batch of papers and spell their triples as N-Quads: all of a paper's work, in one process."""
    started = time.perf_counter()
    pairs = list(extract_many(batch, batch_size=len(batch)))
    extracted = time.perf_counter()
    chunk = ntriples_chunk(pairs, union=union)
    return EncodedBatch(chunk, extracted - started, time.perf_counter() - extracted)


def encoded_batches(
    papers: Sequence[Paper], *, workers: int = 1, batch_size: int = 64, union: bool = False
) -> Iterator[EncodedBatch]:
    """Papers -> N-Quads batches in input order; with ``workers > 1`` in that many worker processes.

    The workers do everything per paper (extraction and triples), so the main process only writes text."""
    batches = batched(papers, batch_size)
    encode = partial(encode_batch, union=union)
    if workers > 1:
        with multiprocessing.Pool(workers, initializer=ignore_interrupts) as pool:
            yield from pool.imap(encode, batches)
    else:
        yield from map(encode, batches)


class Spool:
    """The build's new triples as one N-Quads file (each paper in its named graph) that the store bulk-loads.

    With ``union`` (a fresh offline build), the same triples also go to an N-Triples file, shared
    descriptions once, that graph.ttl is written from rather than read back out of the store (several times
    faster). Spool names carry a hash of the store's path: the store's write
    lock (held by now) means no other build is spooling for this store, so an older spool of the same name
    is stale (a build killed outright), while builds into other stores keep theirs.
    """

    PREFIX = ".kg-build-"

    def __init__(self, directory: Path, store_path: Path, *, union: bool = False) -> None:
        prefix = self.prefix(store_path)
        for stale in [*directory.glob(prefix + "*.nq"), *directory.glob(prefix + "*.nt")]:
            stale.unlink(missing_ok=True)
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=".nq", dir=directory)
        self.path = Path(name)
        self._out = os.fdopen(handle, "wb")
        self.union_path: Path | None = None
        self._union = None
        if union:
            handle, name = tempfile.mkstemp(prefix=prefix, suffix=".nt", dir=directory)
            self.union_path = Path(name)
            self._union = os.fdopen(handle, "wb")
        self._shared: set[Hashable] = set()
        self.names: Names | None = Names() if union else None  # a fresh build's labels, derived as it spools
        self.graphs: set[str] = set()  # the named graphs this build writes, to be replaced in the store
        self.quads = 0  # lines written; the store may hold fewer (a quad can come twice)
        self.union_triples = 0  # lines of the union spool (a lineage triple stated by two papers: twice)

    @classmethod
    def prefix(cls, store_path: Path) -> str:
        """The start of the names of the spools of builds into ``store_path``."""
        tag = hashlib.sha1(str(store_path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:12]
        return f"{cls.PREFIX}{tag}-"

    def write_chunk(self, chunk: NTriplesChunk) -> None:
        self._out.write(chunk.quads.encode("utf-8", "replace"))
        self.quads += chunk.quad_count
        self.graphs.update(chunk.graphs)
        if self.names is not None:
            for node, canonical, forms in chunk.names:
                self.names.add(node, canonical, forms)
        if self._union is not None:
            self._union.write(chunk.text.encode("utf-8", "replace"))
            self.union_triples += chunk.triples
            for key, (count, text) in chunk.shared.items():
                if key not in self._shared:
                    self._shared.add(key)
                    self._union.write(text.encode("utf-8", "replace"))
                    self.union_triples += count

    def write_quads(self, quads: Iterable[tuple]) -> None:
        """rdflib quads (vocabularies, repository facts: a few thousand), each once, in their order."""
        distinct = list(
            dict.fromkeys((subject, predicate, obj, str(graph)) for subject, predicate, obj, graph in quads)
        )
        self.graphs.update(graph for *_, graph in distinct)
        self._out.write(spell_quads(distinct))
        self.quads += len(distinct)
        if self._union is not None:
            union = list(dict.fromkeys(quad[:3] for quad in distinct))
            self._union.write(spell_triples(union))
            self.union_triples += len(union)

    def write_names(self, names: Names) -> None:
        """The derived names graph (labels, families, repository URLs), into both spools."""
        triples = list(names.triples(NTRIPLES))
        self._out.write(nquads_text(triples, str(NAMES_GRAPH)).encode("utf-8", "replace"))
        self.quads += len(triples)
        self.graphs.add(str(NAMES_GRAPH))
        if self._union is not None:
            self._union.write(ntriples_text(triples).encode("utf-8", "replace"))
            self.union_triples += len(triples)

    def close(self) -> None:
        self._out.close()
        if self._union is not None:
            self._union.close()

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)
        if self.union_path is not None:
            self.union_path.unlink(missing_ok=True)


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
    on_stage: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Build (or add to) the graph in ``out_dir``: the store, ``graph.ttl`` and ``graph.html``.

    Each paper's triples go into a named graph of its own, which a later build of the same paper replaces,
    so adding to a store gives exactly what a fresh build of all its papers would. ``workers``: processes
    for extraction, None for ``default_workers`` (one per core for large inputs). ``progress(total)`` is
    called once with the number of papers and returns a callback advanced as papers are done; ``on_stage(name)``
    is told each other stage as it starts (read, setup, store, turtle, ...). With ``online`` (an API client),
    papers are also linked through GitHub and Hugging Face and the repository facts stored. Raises InputError
    when no paper could be read, StoreError when another process uses the store. An interrupted build leaves
    the previous outputs as they were and no temporary files.
    """
    started = time.perf_counter()
    timer = StageTimes(on_start=on_stage)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store_path = Path(store_dir) if store_dir else out / STORE_DIRNAME
    with timer.stage("read"):
        reading = read_counted(list(inputs) if inputs else default_inputs(), fmt)
    papers = reading.papers
    summary = BuildSummary(papers_read=len(papers), records_read=reading.records, problems=reading.problems)
    workers = workers or default_workers(len(papers))

    with write_lock(store_path), ExitStack() as building:
        remove_stale_temporaries(out)
        target = store_path
        if fresh and (store_path / "CURRENT").is_file():
            # the previous store answers readers until the new one is complete (kg.store.swap)
            target = fresh_sibling(store_path)
            shutil.rmtree(target, ignore_errors=True)  # a killed fresh build's left-over
            building.enter_context(write_lock(target))
        store = building.enter_context(Store(target))
        with timer.stage("setup"):
            if fresh:
                store.clear()
            started_empty = store.is_empty()
            # a fresh offline build writes graph.ttl and the names graph from what it spools, not from the
            # store (online facts name repositories too: their names are derived from the store)
            union = started_empty and online is None
            spool = Spool(out, store_path, union=union)
        try:
            with timer.stage("setup"):
                spool.write_quads((*triple, VOCABULARY_GRAPH) for triple in vocabulary_triples())
            if online is not None:
                pairs = extract_and_link(papers, spool, timer, summary, online=online, workers=workers)
                batches = encoded_pairs(pairs, union=union)
            else:
                batches = encoded_batches(papers, workers=workers, union=union)
            advance = progress(len(papers)) if progress else None  # the progress line starts with extraction
            spool_papers(batches, spool, timer, progress=advance)
            if online is not None:
                spool.names = None  # online facts name repositories too: derive from the store
            turtle = out / "graph.ttl"
            if spool.union_path is not None and spool.names is not None:
                # a fresh graph: the names graph is derived from the spooled papers' names (as derive_names
                # would from the store), and a thread writes graph.ttl and graph.html from the N-Triples spool
                # while the store loads the N-Quads spool (each on its own core): reading two million quads
                # back out of RocksDB took longer than loading them
                spool.write_names(spool.names)
                spool.close()
                canonical = spool.quads <= CANONICAL_ORDER_LIMIT  # sorted lines, as Store.write would
                write_turtle = write_canonical if canonical else transcode
                with ThreadPoolExecutor(1) as background:
                    writing = background.submit(
                        timer.timed, "turtle", write_turtle, spool.union_path, "ntriples", turtle
                    )
                    if html:
                        drawing = background.submit(
                            timer.timed, "html", page_from_spool, spool.union_path, out / "graph.html"
                        )
                    try:
                        with timer.stage("store"):
                            store.load_file(
                                spool.path, "nquads", trusted=True, compact=canonical, union=spool.union_path
                            )
                        with timer.stage("summary"):
                            summary.counts = store_counts(store)
                    except BaseException:
                        background.shutdown(cancel_futures=True)  # an interrupted load draws no new page
                        raise
                    written = writing.result()
                    summary.outputs["turtle"] = turtle
                    if html:
                        summary.outputs["html"] = drawing.result()
                # past the limit, the store's default graph counts them (each triple once)
                summary.triples = written if canonical else len(store)
            else:
                spool.close()
                with timer.stage("store"):
                    if not started_empty:
                        store.remove_graphs(spool.graphs)  # what this build rebuilds, it replaces
                    store.load_file(spool.path, "nquads", trusted=True)
                    derive_names(store)
                # sorted lines: the same bytes for the same graph
                with timer.stage("turtle"), atomic_writer(turtle, "wb") as handle:
                    written = store.write(handle, "turtle")
                summary.triples = written if written is not None else distinct_triples(store)
                with timer.stage("summary"):
                    summary.counts = store_counts(store)
        finally:
            spool.remove()
        summary.outputs["turtle"] = turtle
        if html and "html" not in summary.outputs:
            with timer.stage("html"):
                summary.outputs["html"] = write_page(store, out / "graph.html")
        store.close()
        if target != store_path:
            swap_in(target, store_path)
    summary.seconds = time.perf_counter() - started
    summary.stages = timer.as_dict()
    return summary


NAMES_QUERY = """
SELECT ?node ?name (COUNT(DISTINCT ?g) AS ?papers) WHERE {
  GRAPH ?g { ?node kg:canonicalName ?name }
} GROUP BY ?node ?name
"""
FORMS_QUERY = "SELECT DISTINCT ?node ?form WHERE { GRAPH ?g { ?node kg:nameForm ?form } }"


def derive_names(store: Store) -> None:
    """Rewrite the names graph from the names every paper graph gives (see kg.graph.build.Names): the
    labels of an entity depend on which papers the store holds, never on the order they were built in."""
    names = Names()
    for node, name, papers in store.query(NAMES_QUERY).rows:
        names.add(str(node), str(name), papers=int(papers))
    for node, form in store.query(FORMS_QUERY).rows:
        if str(node) in names.canonical:
            names.add_form(str(node), str(form))
    triples = list(names.triples(RDFLIB))
    store.replace_graph(NAMES_GRAPH, triples)


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
        spool.write_quads(facts_quads(links))
    return pairs


def encoded_pairs(
    pairs: Sequence[tuple[Paper, Extraction]], batch_size: int = 64, *, union: bool = False
) -> Iterator[EncodedBatch]:
    for batch in batched(pairs, batch_size):
        started = time.perf_counter()
        chunk = ntriples_chunk(batch, union=union)
        yield EncodedBatch(chunk, 0.0, time.perf_counter() - started)


def write_page(store: Store, path: Path) -> Path:
    """graph.html: the interactive view of the store's graph, its best-connected nodes when it is large."""
    from kg.read.networkx_view import view_predicates

    values = " ".join(f"<{iri}>" for iri in view_predicates())
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"
    return draw_page(store.query(query).rows, path)


def page_from_spool(union_spool: Path, path: Path) -> Path:
    """graph.html from a fresh build's N-Triples spool (the union its store will hold), without the store."""
    from kg.read.networkx_view import view_predicates

    return draw_page(file_triples(union_spool, "ntriples", view_predicates()), path)


def draw_page(view_triples: Iterable[tuple], path: Path) -> Path:
    """graph.html from the triples of the view's predicates (in any order, a triple maybe twice)."""
    from kg.read.networkx_view import to_networkx
    from kg.read.viz import render_html

    view = to_networkx(view_triples)
    render_html(view, path, limit=HTML_NODE_LIMIT if view.number_of_nodes() > HTML_NODE_LIMIT else None)
    return path


def distinct_triples(store: Store) -> int:
    """Triples in the union of the store's graphs, each once: its default graph."""
    return len(store)


def store_counts(store: Store) -> dict[str, int]:
    """Distinct papers, methods, datasets, ... in the store, for the closing summary."""
    result = store.query(SUMMARY_QUERY)
    row = result.rows[0]
    return {name: int(row[index]) for index, name in enumerate(result.variables)}
