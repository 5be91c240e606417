"""The Python API's own functions: what `kg query` does, callable with plain strings.

Everything else the API offers is the library's own function, re-exported by ``kg`` (see ``kg.__all__``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rdflib.term import Node

from kg.read.query import read_query
from kg.read.query import run_query as _run
from kg.store import QueryResult


def run_query(
    query: str | None = None,
    params: Mapping[str, str | Node] | None = None,
    *,
    file: str | Path | None = None,
    store: str | Path = "outputs/store",
    endpoint: str | None = None,
) -> QueryResult:
    """Run SPARQL on the store `kg build` wrote (or a remote ``endpoint``), kg's prefixes predeclared.

    ``query`` is the text (or a ``.rq`` path); ``file`` a path or a shipped query's name
    (``"method-ancestors"``). ``params`` bind variables as `kg query --param` does: ``"<iri>"`` or
    ``"method:bert"`` is an IRI, any other string a literal. Rows are rdflib terms (``result.dicts()``).
    """
    return _run(read_query(query, file), params, store_dir=store, endpoint=endpoint)
