"""The persistent graph store: Oxigraph (RocksDB) behind a small API that speaks rdflib terms.

This module and its siblings are the only place that imports pyoxigraph. A build keeps each paper's
triples in a named graph of its own (and each online read, the vocabularies and the derived labels in
theirs), so a rebuild replaces exactly what it rebuilds. The store's default graph holds the union of the
named graphs as a set, each triple once, kept up to date as graphs are added and removed: every read
(queries, dumps, exports) runs on it with SPARQL's own semantics, so a count counts each triple once,
``FROM``/``FROM NAMED`` pick the graphs a query sees and ``GRAPH ?g`` ranges over the papers' graphs.
Reading one graph is as fast as before named graphs, where reading the union of thousands of them (with
every shared triple once per graph) was many times slower.

A read-write store takes RocksDB's lock, so a second writer gets a clean StoreError; a read-only store
first checks that no other process holds that lock, because Oxigraph documents reading a store another
process is writing as undefined behaviour, and holds kg's own read lock (:mod:`kg.store.lock`) while it
is open, so no build starts under it.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.core.errors import QueryError, StoreError
from kg.core.io import atomic_writer
from kg.core.namespaces import PREFIXES
from kg.store.lock import LOCK_NAME, read_lock
from kg.store.sparql import bind_params, dataset_clause, from_oxigraph, syntax_message, to_oxigraph

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
}

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

OPTIMIZE_AFTER = 50_000  # new triples that make compaction worth its seconds
_OPEN_FOR_WRITING: set[str] = set()  # paths this process holds RocksDB's lock on


@dataclass
class QueryResult:
    """What a query returned, as rdflib terms: SELECT rows, an ASK boolean, or CONSTRUCT triples.

    ``rows`` are tuples in ``variables`` order, ``None`` for an unbound variable. A CONSTRUCT/DESCRIBE
    result has the variables ``subject predicate object`` and one row per triple.
    """

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def dicts(self) -> list[dict[str, Node]]:
        """The rows as ``{variable: term}``, unbound variables left out."""
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]


def _is_store(path: Path) -> bool:
    return (path / "CURRENT").is_file()


def _has_content(path: Path) -> bool:
    """True when the folder holds anything but kg's lock file."""
    return any(entry.name != LOCK_NAME for entry in path.iterdir())


def _locked_by_another_process(path: Path) -> bool:
    """True when another process holds the store's RocksDB lock (is writing it)."""
    lock = path / "LOCK"
    if str(path.resolve()) in _OPEN_FOR_WRITING or not lock.exists():
        return False  # closing a descriptor would drop our own POSIX lock: never probe our own store
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def check_store_folder(path: Path) -> None:
    """StoreError, before RocksDB touches anything, unless ``path`` looks like an intact Oxigraph store."""
    if not path.is_dir() or not _is_store(path):
        raise StoreError(f"{path} is not a kg store (no Oxigraph database in it)")
    current = (path / "CURRENT").read_text(encoding="ascii", errors="replace").strip()
    if not re.fullmatch(r"MANIFEST-\d+", current) or not (path / current).is_file():
        raise StoreError(
            f"the store at {path} is corrupt (its CURRENT file names no manifest); "
            "rebuild it with `kg build --fresh`"
        )


def check_readable(path: Path) -> None:
    """StoreError unless ``path`` holds a store no other process is writing."""
    if not path.exists() or (path.is_dir() and not _has_content(path)):
        raise StoreError(f"no store at {path}: run `kg build` first (or pass --store DIR)")
    check_store_folder(path)
    if _locked_by_another_process(path):
        raise StoreError(
            f"the store at {path} is locked: another process (kg build?) is writing it; "
            "try again when it has finished"
        )


class Store:
    """An Oxigraph store on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: Path | str | None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only and self.path is not None
        self._term_cache: dict[Node, ox.NamedNode | ox.Literal] = {}
        self._reading = None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif self.read_only:
                check_readable(self.path)
                self._reading = read_lock(self.path)
                self._reading.__enter__()
                try:
                    self._store = ox.Store.read_only(str(self.path))
                except BaseException:
                    self._reading.__exit__(None, None, None)
                    raise
            else:
                if self.path.exists() and not self.path.is_dir():
                    raise StoreError(f"{self.path} is a file, not a store folder")
                if self.path.exists() and _has_content(self.path):
                    check_store_folder(self.path)  # never write a database into an unrelated folder
                self._store = ox.Store(str(self.path))
                _OPEN_FOR_WRITING.add(str(self.path.resolve()))
                if self._union_missing():
                    self.rebuild_default_graph()  # a store written before the default graph held the union
        except (OSError, RuntimeError) as error:
            raise StoreError(_open_message(self.path, error)) from None
        if self.read_only and self._union_missing():
            self.close()
            raise StoreError(
                f"the store at {self.path} was written by an earlier kg (its default graph is empty): "
                "run `kg build` once to bring it up to date"
            )

    def _union_missing(self) -> bool:
        """True when named graphs hold triples but the default graph, their union, holds none."""
        default = next(iter(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
        return default is None and not self.is_empty()

    def rebuild_default_graph(self) -> int:
        """Fill the default graph with every named graph's triples (each once); returns how many it holds."""
        self._writable()
        quads = (
            ox.Quad(quad.subject, quad.predicate, quad.object)
            for quad in self._store.quads_for_pattern(None, None, None, None)
            if not isinstance(quad.graph_name, ox.DefaultGraph)
        )
        self._write_quads(quads)
        return len(self)

    # -- writing -----------------------------------------------------------------------------------------

    def _term(self, term: Node):
        # IRIs and short literals (labels, offsets, confidences) repeat a lot: convert each once
        if isinstance(term, URIRef) or (isinstance(term, Literal) and len(term) <= 64):
            node = self._term_cache.get(term)
            if node is None:
                if len(self._term_cache) > 500_000:
                    self._term_cache.clear()
                node = self._term_cache[term] = (
                    ox.NamedNode(term) if isinstance(term, URIRef) else to_oxigraph(term)
                )
            return node
        return to_oxigraph(term)

    def add(
        self,
        triples: Iterable[tuple[Node, Node, Node]],
        *,
        batch_size: int = 50_000,
        graph: str | None = None,
    ) -> int:
        """Add rdflib triples to the named ``graph`` and to the default graph (their union), or to the
        default graph alone; returns how many the default graph did not hold yet.

        On disk the triples stream through Oxigraph's bulk loader (about twice as fast as transactions,
        but a crash mid-way can leave part of them: `kg build --fresh` starts over); in memory they go
        in transactional batches of ``batch_size``.
        """
        self._writable()
        before = len(self)
        term = self._term
        if graph is None:
            quads = (ox.Quad(term(s), term(p), term(o)) for s, p, o in triples)
        else:
            named = ox.NamedNode(str(graph))
            quads = (
                quad
                for s, p, o in triples
                for quad in (ox.Quad(term(s), term(p), term(o), named), ox.Quad(term(s), term(p), term(o)))
            )
        self._write_quads(quads, batch_size=batch_size)
        added = len(self) - before
        if self.path is not None and added >= OPTIMIZE_AFTER:
            self._optimize()  # compacts the bulk loader's files: queries after it ~2x faster
        return added

    def _write_quads(self, quads: Iterable[ox.Quad], *, batch_size: int = 50_000) -> None:
        """Quads into the store: on disk through the bulk loader, in memory in transactional batches."""
        if self.path is not None:
            try:
                self._store.bulk_extend(quads)
            except OSError as error:
                raise StoreError(f"could not write to the store: {error}") from None
            return
        batch: list[ox.Quad] = []
        for quad in quads:
            batch.append(quad)
            if len(batch) >= batch_size:
                self._extend(batch)
                batch = []
        if batch:
            self._extend(batch)

    def _optimize(self) -> None:
        try:
            self._store.optimize()
        except OSError as error:
            raise StoreError(f"could not write to the store: {error}") from None

    def _extend(self, quads: list[ox.Quad]) -> None:
        try:
            self._store.extend(quads)
        except OSError as error:
            raise StoreError(f"could not write to the store: {error}") from None

    def load_file(
        self,
        path: Path | str,
        format: str | None = None,
        *,
        trusted: bool = False,
        compact: bool = True,
        union: Path | str | None = None,
    ) -> None:
        """Bulk-load an RDF file (format from FORMATS, else guessed from the extension) into the store.

        Triples go to the default graph. Quads (N-Quads, TriG) go to their graphs, and their triples to the
        default graph too: read from ``union`` when given (an N-Triples file of the same triples, each at
        least once, as a fresh build spools it), else from a second reading of the file.

        ``trusted`` files (kg's own N-Triples) skip IRI validation, a tenth of the loading time. ``compact``
        merges the bulk loader's files afterwards: queries on a million triples run about twice as fast,
        but on 23 million it took a minute for a sixth faster. The bulk loader is not transactional: a
        crash mid-way can leave part of the file (`kg build --fresh` starts over).
        """
        self._writable()
        rdf_format = FORMATS[format] if format else ox.RdfFormat.from_extension(Path(path).suffix.lstrip("."))
        if rdf_format is None:
            raise StoreError(f"cannot tell the RDF format of {path}")
        try:
            self._store.bulk_load(path=str(path), format=rdf_format, lenient=trusted)
            if rdf_format.supports_datasets:
                if union is not None:
                    self._store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES, lenient=trusted)
                else:
                    parsed = ox.parse(path=str(path), format=rdf_format, lenient=trusted)
                    self._write_quads(ox.Quad(q.subject, q.predicate, q.object) for q in parsed)
            if compact and self.path is not None:
                self._store.optimize()
        except SyntaxError as error:
            raise StoreError(f"{path}: {error}") from None
        except OSError as error:
            raise StoreError(f"could not load {path}: {error}") from None

    def clear(self) -> None:
        self._writable()
        self._store.clear()

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Empty these named graphs (IRIs): what a rebuild of a paper or a re-read of a source replaces.

        A triple leaves the default graph too unless another named graph still holds it."""
        self._writable()
        store = self._store
        default = ox.DefaultGraph()
        try:
            removed: set[ox.Triple] = set()
            for graph in graphs:
                name = ox.NamedNode(str(graph))
                removed.update(quad.triple for quad in store.quads_for_pattern(None, None, None, name))
                store.remove_graph(name)
            for triple in removed:
                s, p, o = triple.subject, triple.predicate, triple.object
                held = any(
                    not isinstance(quad.graph_name, ox.DefaultGraph)
                    for quad in store.quads_for_pattern(s, p, o, None)
                )
                if not held:
                    store.remove(ox.Quad(s, p, o, default))
        except OSError as error:
            raise StoreError(f"could not write to the store: {error}") from None

    def replace_graph(self, graph: str, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """The named graph ``graph`` holds exactly ``triples`` afterwards."""
        self.remove_graphs([graph])
        self.add(triples, graph=graph)

    def named_graphs(self) -> list[str]:
        """The IRIs of the store's named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store was opened read-only")

    # -- reading -----------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """The triples of the default graph (the union of the named graphs, each triple once)."""
        answer = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(answer))[0].value)

    def quad_count(self) -> int:
        """Every quad: the default graph's triples and each named graph's (a second per few million)."""
        return len(self._store)

    def is_empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def query(
        self,
        sparql: str,
        *,
        params: Mapping[str, str | Node] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query with kg's prefixes predeclared and ``params`` bound to variables.

        ``default_graphs``/``named_graphs`` are the SPARQL protocol's ``default-graph-uri`` and
        ``named-graph-uri``: given, they set the query's dataset in place of its FROM and FROM NAMED."""
        answer = self._evaluate(sparql, params, default_graphs, named_graphs)
        try:
            return _result(answer)  # Oxigraph evaluates lazily: errors (a refused socket) come from here
        except (OSError, RuntimeError) as error:
            message = str(error)
        del answer  # on this thread: a pyoxigraph answer must not be dropped on another one
        raise QueryError(f"the query failed: {message}")

    def _evaluate(
        self,
        sparql: str,
        params: Mapping[str, str | Node] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ):
        """pyoxigraph's answer to the query: the one place every read of the store goes through."""
        bound = bind_params(sparql, params)
        dataset = {}
        if default_graphs or named_graphs:  # the protocol's dataset: what it does not name is not in it
            dataset = {
                "default_graph": [_graph_node(iri) for iri in default_graphs or []],
                "named_graphs": [_graph_node(iri) for iri in named_graphs or []],
            }
        elif "FROM" in bound.upper():
            defaults, named = dataset_clause(bound)
            if len(defaults) > 1:
                dataset = {
                    "default_graph": [_graph_node(iri) for iri in defaults],
                    "named_graphs": [_graph_node(iri) for iri in named],
                }
        try:
            if len(dataset.get("default_graph", [])) > 1:
                return self._merged(dataset["default_graph"], dataset["named_graphs"]).query(
                    bound,
                    prefixes=PREFIXES,
                    default_graph=ox.DefaultGraph(),
                    named_graphs=dataset["named_graphs"],
                )
            return self._store.query(bound, prefixes=PREFIXES, **dataset)
        except SyntaxError as error:
            raise QueryError(syntax_message(str(error), bound)) from None
        except (OSError, RuntimeError) as error:
            raise QueryError(f"the query failed: {error}") from None

    def _merged(self, defaults: list[ox.NamedNode], named: list[ox.NamedNode]) -> ox.Store:
        """An in-memory store whose default graph is the RDF merge of ``defaults`` (each triple once, as
        SPARQL 1.1 defines a dataset's default graph; Oxigraph's own would repeat a triple two of them
        hold) beside copies of the ``named`` graphs: a query with several FROM graphs runs on it."""
        merged = ox.Store()
        for graph in defaults:
            merged.extend(
                ox.Quad(q.subject, q.predicate, q.object)
                for q in self._store.quads_for_pattern(None, None, None, graph)
            )
        for graph in named:
            merged.extend(self._store.quads_for_pattern(None, None, None, graph))
        return merged

    def query_serialized(
        self,
        sparql: str,
        *,
        results_format: str = "json",
        graph_format: str = "ntriples",
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> tuple[str, bytes]:
        """The answer as an endpoint sends it: ``("select"|"ask", bytes)`` in a SPARQL results format
        (RESULTS_FORMATS) or ``("graph", bytes)`` in an RDF format (FORMATS) for CONSTRUCT/DESCRIBE.

        Serialised by Oxigraph itself, with no rdflib term per value: the SPARQL endpoint's path."""
        answer = self._evaluate(sparql, None, default_graphs, named_graphs)
        try:
            if isinstance(answer, ox.QueryBoolean):
                return "ask", answer.serialize(format=RESULTS_FORMATS[results_format])
            if isinstance(answer, ox.QuerySolutions):
                return "select", answer.serialize(format=RESULTS_FORMATS[results_format])
            return "graph", answer.serialize(format=FORMATS[graph_format])
        except (OSError, RuntimeError) as error:
            raise QueryError(f"the query failed: {error}") from None

    def triples(self) -> Iterator[tuple[Node, Node, Node]]:
        """Every triple of the default graph (the union of the store's graphs) as rdflib terms, each once."""
        for quad in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            yield from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object)

    def dump(self, path: Path | str, format: str = "turtle") -> Path:
        """Write the graph to ``path`` atomically, in a deterministic order (sorted N-Triples lines)."""
        target = Path(path)
        with atomic_writer(target, "wb") as out:
            self.write(out, format)
        return target

    def write(self, out, format: str = "turtle") -> int | None:
        """Serialise the default graph (the union of the graphs, each triple once) to a binary stream: same
        content, same bytes, whatever the insertion order. ``nquads`` and ``trig`` write the whole dataset
        as the store holds it, the default graph and each named graph (in the store's order). Returns the
        number of triples written when it is known (the sorted path), else None."""
        if format not in FORMATS:
            raise StoreError(f"unknown RDF format {format!r}; one of {', '.join(FORMATS)}")
        if format in ("nquads", "trig"):
            self._store.dump(out, FORMATS[format], prefixes=PREFIXES if format == "trig" else None)
            return None
        if len(self) > CANONICAL_ORDER_LIMIT:
            # sorting holds the whole graph in memory several times over: past the limit, stream the
            # store's own order (stable for the same store, not across stores)
            prefixes = PREFIXES if format not in ("ntriples", "jsonld") else None
            default = ox.DefaultGraph()
            triples = (quad.triple for quad in self._store.quads_for_pattern(None, None, None, default))
            ox.serialize(triples, out, FORMATS[format], prefixes=prefixes)
            return None
        lines = self.ntriples_lines()
        data = b"\n".join(lines) + b"\n" if lines else b""
        if format == "ntriples":
            out.write(data)
            return len(lines)
        ordered = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        ox.serialize(ordered, out, FORMATS[format], prefixes=PREFIXES if format != "jsonld" else None)
        return len(lines)

    def ntriples_chunks(self, size: int) -> Iterator[tuple[bytes, int]]:
        """The default graph as N-Triples documents of at most ``size`` triples each, each triple once, in
        the store's order: streamed, so sending a large store holds one chunk in memory, not the graph."""
        triples = (quad.triple for quad in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        for batch in _batched(triples, size):
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), len(batch)

    def nquads_chunks(self, size: int) -> Iterator[tuple[bytes, int]]:
        """The whole dataset (the default graph and every named graph) as N-Quads documents of at most
        ``size`` quads each, in the store's order; each quad once."""
        for batch in _batched(self._store.quads_for_pattern(None, None, None, None), size):
            yield ox.serialize(batch, format=ox.RdfFormat.N_QUADS), len(batch)

    def graph_sizes(self) -> dict[str | None, int]:
        """Triples per graph: ``None`` for the default graph, else the named graph's IRI."""
        answer = self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"
        )
        return {(row[0].value if row[0] is not None else None): int(row[1].value) for row in answer}

    def ntriples_lines(self) -> list[bytes]:
        """The default graph as sorted N-Triples lines (bytes, no newline): a canonical, diffable order."""
        lines = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines()
        lines.sort()
        return lines

    def flush(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()

    def close(self) -> None:
        """Flush and release the store (and its lock); the object is unusable afterwards."""
        store = getattr(self, "_store", None)
        if store is None:
            return
        self.flush()
        if self.path is not None and not self.read_only:
            _OPEN_FOR_WRITING.discard(str(self.path.resolve()))
        self._store = None
        if self._reading is not None:
            self._reading.__exit__(None, None, None)
            self._reading = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


CANONICAL_ORDER_LIMIT = 2_000_000  # triples; larger graphs are written in the store's order


def transcode(source: Path | str, source_format: str, target: Path | str, format: str = "turtle") -> Path:
    """Rewrite an RDF file in another format (atomically), streaming: no store, no graph in memory.

    The triples keep the file's order; ``source`` is trusted (kg's own output), its IRIs are not re-checked.
    """
    quads = ox.parse(path=str(source), format=FORMATS[source_format], lenient=True)
    prefixes = PREFIXES if format not in ("ntriples", "jsonld") else None
    with atomic_writer(Path(target), "wb") as out:
        ox.serialize(quads, out, FORMATS[format], prefixes=prefixes)
    return Path(target)


def write_canonical(
    source: Path | str, source_format: str, target: Path | str, format: str = "turtle"
) -> int:
    """Write the triples of an RDF file (atomically) exactly as :meth:`Store.write` writes a store holding
    them: distinct, sorted lines, the same bytes. Returns the number of triples written.

    The file goes through an in-memory store (Oxigraph's own term encoding, so lexical forms come out as
    from the store on disk), which is several times faster than reading the triples back out of RocksDB.
    """
    with Store(None) as memory:
        memory.load_file(source, source_format, trusted=True)
        with atomic_writer(Path(target), "wb") as out:
            written = memory.write(out, format)
        return written if written is not None else len(memory)


def spell_quads(quads: Iterable[tuple[Node, Node, Node, str | None]]) -> bytes:
    """rdflib-term quads (graph: an IRI, None for the default graph) as an N-Quads document, in their order:
    Oxigraph's serialiser, several times faster than rdflib's on the vocabularies."""
    graphs: dict[str | None, ox.NamedNode | ox.DefaultGraph] = {}

    def graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
        if graph not in graphs:
            graphs[graph] = ox.DefaultGraph() if graph is None else ox.NamedNode(str(graph))
        return graphs[graph]

    spelled = (ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_node(g)) for s, p, o, g in quads)
    return ox.serialize(spelled, format=ox.RdfFormat.N_QUADS)


def spell_triples(triples: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """rdflib-term triples as an N-Triples document, in their order."""
    spelled = (ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples)
    return ox.serialize(spelled, format=ox.RdfFormat.N_TRIPLES)


def file_triples(
    source: Path | str, source_format: str, predicates: Iterable[str]
) -> list[tuple[Node, Node, Node]]:
    """The triples of an RDF file (trusted: kg's own spool) whose predicate is one of ``predicates``, as
    rdflib terms: what ``CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?p { ... } ?s ?p ?o }`` gives from a store
    holding the file, a triple the file repeats coming again. Parsed and filtered without a store."""
    wanted = {ox.NamedNode(predicate) for predicate in predicates}
    converted: dict[object, Node] = {}  # IRIs and short literals repeat: convert each once

    def term(value) -> Node:
        node = converted.get(value)
        if node is None:
            node = from_oxigraph(value)
            if not isinstance(value, ox.Literal) or len(value.value) <= 64:
                converted[value] = node
        return node

    return [
        (term(quad.subject), term(quad.predicate), term(quad.object))
        for quad in ox.parse(path=str(source), format=FORMATS[source_format], lenient=True)
        if quad.predicate in wanted
    ]


def _batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last shorter): itertools.batched, which Python 3.11 lacks."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _graph_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(str(iri))
    except ValueError as error:
        raise QueryError(f"invalid graph IRI <{iri}>: {error}") from None


def _result(answer) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [
            tuple(None if term is None else from_oxigraph(term) for term in solution) for solution in answer
        ]
        return QueryResult("select", variables, rows)
    rows = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in answer]
    return QueryResult("graph", ["subject", "predicate", "object"], rows)


def _open_message(path: Path | None, error: Exception) -> str:
    text = str(error)
    if "lock" in text.lower():
        return (
            f"the store at {path} is locked: another process (kg build, kg serve?) has it open; "
            "try again when it has finished"
        )
    if isinstance(error, RuntimeError) or "corrupt" in text.lower():
        return f"the store at {path} is corrupt or not an Oxigraph store ({text}); rebuild it with `kg build --fresh`"
    return f"cannot open the store at {path}: {text}"
