"""The SPARQL page: a query box with kg's prefixes predeclared, the shipped example queries one click away,
and the answer as an HTML table whose IRIs link into the site. Queries run on the endpoint's pool, so the
page has the same guard and time limit as ``/query``."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rdflib import Graph, URIRef

from kg.core.errors import KgError
from kg.core.namespaces import PREFIXES
from kg.core.resources import queries_dir
from kg.read.query import read_query, resolve_params, short
from kg.site.data import href
from kg.store.server import QueryPool
from kg.store.sparql import bind_params, parse_param

SHOWN_ROWS = 1000
DEFAULT_QUERY = """SELECT ?paper ?title ?date WHERE {
  ?paper a kg:Paper ; schema:name ?title .
  OPTIONAL { ?paper schema:datePublished ?date }
}
ORDER BY DESC(?date)
LIMIT 20"""
_EXAMPLE = re.compile(r"^#\s*Example:\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    name: str
    description: str
    params: tuple[tuple[str, str], ...]
    text: str

    def bound(self, store: Any = None) -> str:
        """The query with its example parameters bound (a VALUES block), ready to run; a parameter the
        header declares as a name is bound to the nodes it names in ``store``, as ``kg query`` does."""
        if not self.params:
            return self.text
        params: dict[str, Any] = dict(self.params)
        if store is not None:
            params = resolve_params(read_query(file=self.name), params, store)
        return bind_params(self.text, params)


@cache
def examples() -> tuple[Example, ...]:
    """The shipped queries (queries/*.rq) with the parameters of their header's example command."""
    found = []
    for path in sorted(queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        description = next((line.lstrip("# ").strip() for line in text.splitlines() if line.strip("# ")), "")
        params: list[tuple[str, str]] = []
        match = _EXAMPLE.search(text)
        if match:
            words = shlex.split(match.group(1))
            params = [parse_param(words[i + 1]) for i, word in enumerate(words[:-1]) if word == "--param"]
        found.append(Example(path.stem, description, tuple(params), text))
    return tuple(found)


def _cell(term: dict[str, str] | None) -> dict[str, str] | None:
    if term is None:
        return None
    if term["type"] == "uri":
        return {"iri": term["value"], "label": short(URIRef(term["value"])), "href": href(term["value"])}
    if term["type"] == "bnode":
        return {"text": "_:" + term["value"]}
    note = term.get("xml:lang") and "@" + term["xml:lang"] or ""
    if term.get("datatype"):
        note = short(URIRef(term["datatype"]))
    return {"text": term["value"], "note": note}


@dataclass
class SparqlPage:
    query: str = ""
    example: str = ""
    variables: list[str] = field(default_factory=list)
    rows: list[list[dict[str, str] | None]] = field(default_factory=list)
    boolean: bool | None = None
    total: int = 0
    error: str = ""
    ran: bool = False

    def run(self, pool: QueryPool, store: Any = None) -> None:
        chosen = next((e for e in examples() if e.name == self.example), None)
        if chosen is not None and not self.query:
            try:
                self.query = chosen.bound(store)
            except KgError as error:
                self.query, self.error = chosen.text, str(error)
                return
        if not self.query.strip():
            return
        self.ran = True
        try:
            kind, data = pool.run(self.query, results_format="json", graph_format="ntriples")
        except KgError as error:
            self.error = str(error)
            return
        if kind == "graph":
            graph = Graph()
            graph.parse(data=data.decode("utf-8"), format="nt")
            self.variables = ["subject", "predicate", "object"]
            triples = sorted(graph)
            self.total = len(triples)
            self.rows = [
                [
                    _cell(
                        {"type": "uri", "value": str(t)}
                        if isinstance(t, URIRef)
                        else {"type": "literal", "value": str(t)}
                    )
                    for t in triple
                ]
                for triple in triples[:SHOWN_ROWS]
            ]
            return
        answer = json.loads(data)
        if "boolean" in answer:
            self.boolean = bool(answer["boolean"])
            return
        self.variables = list(answer["head"].get("vars", []))
        bindings = answer["results"]["bindings"]
        self.total = len(bindings)
        self.rows = [[_cell(binding.get(v)) for v in self.variables] for binding in bindings[:SHOWN_ROWS]]

    def context(self) -> dict[str, Any]:
        return {
            "query": self.query or DEFAULT_QUERY,
            "ran": self.ran,
            "error": self.error,
            "variables": self.variables,
            "rows": self.rows,
            "boolean": self.boolean,
            "total": self.total,
            "shown": len(self.rows),
            "examples": [{"name": e.name, "description": e.description} for e in examples()],
            "example": self.example,
            "prefixes": PREFIXES,
        }
