"""Run SPARQL against the local store or a remote endpoint, and render the results.

Formats: ``table`` (aligned columns for a terminal, IRIs shortened with kg's prefixes), ``json`` (SPARQL
1.1 Query Results JSON), ``csv`` (SPARQL 1.1 CSV: plain values) and ``tsv`` (SPARQL 1.1 TSV: terms in
N-Triples syntax). ASK results render as ``true``/``false`` (JSON: ``{"boolean": ...}``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.core.errors import QueryError
from kg.core.namespaces import PREFIXES
from kg.core.resources import queries_dir
from kg.read.lookup import KIND_CLASSES, not_found_message, resolve
from kg.store import QueryResult, Store
from kg.store.guard import check_query
from kg.store.sandbox import run_sandboxed
from kg.store.sparql import is_iri_param

T = TypeVar("T")

FORMATS = ("table", "json", "csv", "tsv")
TABLE_CELL_WIDTH = 80
# a parameter line of a query's header: "#   dataset  (required, a dataset name) ..."; a parameter that
# is a kind's name takes any case or alias and is bound to the nodes it names (kg.read.lookup.resolve)
_PARAMETER = re.compile(
    r"^#\s+([A-Za-z_][A-Za-z0-9_]*)\s+\((required|optional)(?:,\s*(?:an?\s+)?([a-z]+)\s+name)?\)",
    re.MULTILINE,
)
TITLE_WIDTH = 60  # a paper's title in a table, shortened with "…"
TITLES_PER_QUERY = 100  # IRIs per lookup: keeps each lookup query a few KB, under any length guard
_SAFE_IRI = re.compile(r'[^\s<>"{}|^`\\]+')


@dataclass
class QueryText:
    """A query and where it came from; ``required`` lists the parameters its header marks (required)."""

    text: str
    source: str = "<query>"
    required: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # parameter -> the kind of node its value names


def read_query(query: str | None = None, file: str | Path | None = None) -> QueryText:
    """The query given inline, or read from a file: a path, or the name of a shipped query in queries/.

    ``query`` may itself be the path of an existing ``.rq`` file (``kg query queries/x.rq``).
    """
    if query is not None and file is not None:
        raise QueryError("give either a query or --file, not both")
    if query is None and file is None:
        raise QueryError("no query: give one as an argument or with --file")
    if query is not None and not _looks_like_file(query):
        return QueryText(query)
    path = _find_query_file(str(file if file is not None else query))
    text = path.read_text(encoding="utf-8")
    parameters = _PARAMETER.findall(text)
    required = [name for name, flag, _ in parameters if flag == "required"]
    names = {name: kind for name, _, kind in parameters if kind in KIND_CLASSES}
    return QueryText(text, str(path), required, names)


def _looks_like_file(text: str) -> bool:
    return "\n" not in text and "{" not in text and (text.endswith(".rq") or Path(text).is_file())


def _find_query_file(name: str) -> Path:
    path = Path(name)
    if path.is_file():
        return path
    shipped = [queries_dir() / path.name, queries_dir() / f"{path.name}.rq"]
    for candidate in shipped:
        if candidate.is_file():
            return candidate
    names = ", ".join(sorted(p.stem for p in queries_dir().glob("*.rq")))
    raise QueryError(f"no query file {name!r} (shipped queries: {names})")


def check_required(query: QueryText, params: Mapping[str, object]) -> None:
    missing = [name for name in query.required if name not in params]
    if missing:
        raise QueryError(f"{query.source} needs " + " ".join(f"--param {name}=..." for name in missing))


def run_query(
    query: QueryText,
    params: Mapping[str, str | Node] | None = None,
    *,
    store_dir: str | Path | None = None,
    endpoint: str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    graph: str | None = None,
) -> QueryResult:
    """Run ``query`` on the store in ``store_dir`` (read-only) or on the remote ``endpoint``; with ``graph``
    on that named graph alone (the protocol's ``default-graph-uri``).

    The query first passes the guard (no updates, no SERVICE, no over-deep nesting: the same check as
    ``kg serve``). Locally it runs in a helper thread (pyoxigraph releases the GIL while it works), so the
    main thread stays free to take Ctrl-C: a KeyboardInterrupt reaches the caller at once, mid-query.
    """
    params = dict(params or {})
    check_required(query, params)
    check_query(query.text)
    if endpoint:
        from kg.store.remote import Endpoint

        remote = Endpoint(endpoint, timeout=timeout, retries=retries, default_graph=graph)
        return remote.query(query.text, params=resolve_params(query, params, remote))
    with Store(Path(store_dir or "outputs/store"), read_only=True) as store:
        bound = resolve_params(query, params, store)
        graphs = [graph] if graph else None  # as the protocol's default-graph-uri: that graph alone
        return interruptible(lambda: store.query(query.text, params=bound, default_graphs=graphs))


def resolve_params(
    query: QueryText, params: Mapping[str, str | Node], source: Any
) -> dict[str, str | Node | list[URIRef]]:
    """Parameters the query's header declares as names (``dataset  (required, a dataset name)``) bound to
    the nodes they name, in any case and by any alias (``imagenet``, ``ILSVRC``); others as given."""
    out: dict[str, str | Node | list[URIRef]] = dict(params)
    for name, kind in query.names.items():
        value = params.get(name)
        if value is None or isinstance(value, (URIRef, Literal)) or is_iri_param(str(value)):
            continue
        found = resolve(source, str(value), [kind])
        if not found:
            raise QueryError(f"--param {name}: " + not_found_message(source, str(value), [kind]))
        out[name] = [URIRef(iri) for iri in found]
    return out


def paper_titles(
    result: QueryResult,
    *,
    store_dir: str | Path | None = None,
    endpoint: str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
) -> dict[str, str]:
    """The titles of the papers whose IRIs ``result`` holds, read from the same store or endpoint, so a
    table can name each paper by its title instead of its IRI."""
    papers = PREFIXES["paper"]
    iris = sorted(
        {
            str(term)
            for row in result.rows
            for term in row
            if isinstance(term, URIRef) and str(term).startswith(papers) and _SAFE_IRI.fullmatch(str(term))
        }
    )
    titles: dict[str, str] = {}
    for start in range(0, len(iris), TITLES_PER_QUERY):
        values = " ".join(f"<{iri}>" for iri in iris[start : start + TITLES_PER_QUERY])
        lookup = QueryText(
            f"SELECT ?paper ?title WHERE {{ VALUES ?paper {{ {values} }} ?paper schema:name ?title }}"
        )
        found = run_query(lookup, store_dir=store_dir, endpoint=endpoint, timeout=timeout, retries=retries)
        titles.update((str(paper), str(title)) for paper, title in found.rows if paper is not None)
    return titles


def interruptible(work: Callable[[], T]) -> T:
    """``work()`` run in a sandboxed query thread (no network, a deep stack: :mod:`kg.store.sandbox`) while
    this thread waits; Ctrl-C raises KeyboardInterrupt here at once. The abandoned thread cannot be
    stopped: a caller that catches the interrupt should end the process (``os._exit``), as ``kg query``
    does."""
    return run_sandboxed(work)


# -- rendering ---------------------------------------------------------------------------------------------


def format_result(result: QueryResult, fmt: str = "table", titles: Mapping[str, str] | None = None) -> str:
    """The result as text in one of FORMATS.

    ``titles`` (paper IRI -> title, see ``paper_titles``) is for the table only, which is read by people:
    there a paper is shown by its title, shortened, and a column of papers that would only repeat a
    title column beside it is left out. json, csv and tsv always keep the IRIs.
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == "table":
        return _table(result, titles or {})
    return {"json": _json, "csv": _csv, "tsv": _tsv}[fmt](result)


def short(term: Node | None) -> str:
    """A term for reading: IRIs with kg's prefixes, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        best = max(
            ((p, ns) for p, ns in PREFIXES.items() if text.startswith(ns)),
            key=lambda x: len(x[1]),
            default=None,
        )
        return f"{best[0]}:{text[len(best[1]) :]}" if best else text
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _table(result: QueryResult, titles: Mapping[str, str]) -> str:
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    variables = list(result.variables)
    cells = [[_cell(term, titles) for term in row] for row in result.rows]
    titled = {
        index
        for index in range(len(variables))
        if any(row[index] is not None and str(row[index]) in titles for row in result.rows)
    }
    repeated = {index for index in titled if _repeats_another(result.rows, index, titles)}
    if repeated:
        keep = [index for index in range(len(variables)) if index not in repeated]
        variables = [variables[index] for index in keep]
        cells = [[row[index] for index in keep] for row in cells]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(variables)]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cell(term: Node | None, titles: Mapping[str, str]) -> str:
    if term is not None and str(term) in titles and isinstance(term, URIRef):
        title = " ".join(titles[str(term)].split())
        return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1] + "…"
    return _clip(short(term))


def _repeats_another(rows: list[tuple[Node | None, ...]], index: int, titles: Mapping[str, str]) -> bool:
    """True when another column holds, in every row, the title of the paper in column ``index``."""
    if not rows:
        return False

    def title(row: tuple[Node | None, ...]) -> str | None:
        return titles.get(str(row[index])) if row[index] is not None else None

    return any(
        other != index and all(row[other] is not None and str(row[other]) == title(row) for row in rows)
        for other in range(len(rows[0]))
    )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"


def json_term(term: Node) -> dict[str, str]:
    """A term in SPARQL 1.1 JSON results form."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
    bindings = [
        {v: json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return out.getvalue()


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax (SPARQL TSV results); literals escaped."""
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


def _tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join("" if t is None else nt_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"
