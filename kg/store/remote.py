"""Remote SPARQL endpoints: queries (SPARQL 1.1 Protocol) and loading (SPARQL 1.1 Graph Store Protocol).

Credentials come from the environment (KG_ENDPOINT_USER, KG_ENDPOINT_PASSWORD) and never appear in a
message: URLs are shown without their user-info part.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import EndpointError, QueryError
from kg.namespaces import PREFIXES, sparql_prologue
from kg.store.guard import check_query
from kg.store.oxigraph import QueryResult, Store, _result
from kg.store.sparql import bind_params, from_oxigraph, syntax_message

RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
# busy or unreachable: worth asking again; a 500 is the server's answer (kg serve: a timed-out query)
RETRY_STATUSES = {429, 502, 503, 504}


def safe_url(url: str) -> str:
    """The URL without ``user:password@``, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def credentials() -> tuple[str, str] | None:
    user = os.environ.get("KG_ENDPOINT_USER")
    return (user, os.environ.get("KG_ENDPOINT_PASSWORD", "")) if user else None


def check_syntax(query: str) -> None:
    """Parse the query locally (on an empty store) so a remote query fails like a local one would."""
    try:
        ox.Store().query(query, prefixes=PREFIXES)
    except SyntaxError as error:
        raise QueryError(syntax_message(str(error), query)) from None
    except (OSError, RuntimeError):
        pass  # an evaluation problem on the empty store says nothing about the remote one


@dataclass
class PushReport:
    triples: int  # triples sent
    chunks: int
    remote_count: int  # triples in the target graph afterwards
    graph: str | None


class Endpoint:
    """A SPARQL endpoint (``url`` answers queries); ``store_url`` is its Graph Store Protocol endpoint."""

    def __init__(self, url: str, *, timeout: float = 60.0, retries: int = 3, backoff: float = 0.5) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"not an http(s) endpoint URL: {safe_url(url)}")
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        self.session.auth = credentials()

    # -- HTTP with retries ------------------------------------------------------------------------------

    def _request(
        self, method: str, url: str, *, retry_read_timeout: bool = True, **kwargs
    ) -> requests.Response:
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.Timeout as error:
                last = f"no answer from {safe_url(url)} within {self.timeout:g} s"
                if isinstance(error, requests.ReadTimeout) and not retry_read_timeout:
                    # sent, but no answer in time: the server may still be running the query, and asking
                    # again would only start another copy there
                    raise EndpointError(
                        last + " (not retried: the query may still be running there)"
                    ) from None
                continue
            except requests.ConnectionError:
                last = f"cannot reach {safe_url(url)} (connection refused or host unreachable)"
                continue
            if response.status_code in RETRY_STATUSES:
                last = f"{safe_url(url)} answered HTTP {response.status_code}: {_body(response)}"
                continue
            if response.status_code in (401, 403):
                raise EndpointError(
                    f"{safe_url(url)} refused the request (HTTP {response.status_code}); "
                    "set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"
                )
            return response
        raise EndpointError(last + (f" (after {self.retries + 1} attempts)" if self.retries else ""))

    # -- queries ----------------------------------------------------------------------------------------

    def query(self, sparql: str, *, params: Mapping[str, str | Node] | None = None) -> QueryResult:
        """Run a query remotely; kg's prefixes are declared for it, parameters bound as locally."""
        bound = bind_params(sparql, params)
        check_query(bound)  # before check_syntax, which evaluates the query on an empty local store
        check_syntax(bound)
        response = self._request(
            "POST",
            self.url,
            data={"query": sparql_prologue() + bound},
            headers={"Accept": RESULTS_ACCEPT},
            retry_read_timeout=False,
        )
        if response.status_code == 400:
            raise QueryError(f"the endpoint rejected the query: {_body(response)}")
        if not response.ok:
            raise EndpointError(
                f"{safe_url(self.url)} answered HTTP {response.status_code}: {_body(response)}"
            )
        return parse_response(response)

    def count(self, graph: str | None = None) -> int:
        pattern = f"GRAPH <{graph_iri(graph)}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        try:
            return int(result.rows[0][0])
        except (IndexError, TypeError, ValueError):
            raise EndpointError(
                f"{safe_url(self.url)} did not answer the COUNT query with a number"
            ) from None

    # -- Graph Store Protocol -----------------------------------------------------------------------------

    def push(
        self,
        store: Store,
        store_url: str,
        *,
        graph: str | None = None,
        chunk_size: int = 50_000,
        replace: bool = False,
    ) -> PushReport:
        """POST the store's triples to ``store_url`` in N-Triples chunks, then count them remotely.

        With ``replace`` the first chunk is PUT, so the target graph ends up holding exactly the store's
        triples; otherwise they are added to what the graph holds.
        """
        target = {"graph": graph_iri(graph)} if graph else {"default": ""}
        sent = chunks = 0
        for chunk, count in store.ntriples_chunks(chunk_size):
            method = "PUT" if replace and chunks == 0 else "POST"
            response = self._request(
                method,
                store_url,
                params=target,
                data=chunk,
                headers={"Content-Type": "application/n-triples"},
            )
            if not response.ok:
                raise EndpointError(
                    f"{safe_url(store_url)} refused chunk {chunks + 1} "
                    f"(HTTP {response.status_code}): {_body(response)}; "
                    f"{sent} triples were loaded before it"
                )
            sent += count
            chunks += 1
        if replace and chunks == 0:  # an empty store replaces the graph with nothing
            self._request(
                "PUT", store_url, params=target, data=b"", headers={"Content-Type": "application/n-triples"}
            )
        remote = self.count(graph)
        if remote < sent or (replace and remote != sent):
            raise EndpointError(f"pushed {sent} triples but the endpoint's graph holds {remote}")
        return PushReport(sent, chunks, remote, graph)


def graph_iri(text: str) -> str:
    """A named graph's IRI, validated (it goes into a query and a URL)."""
    try:
        return ox.NamedNode(text).value
    except ValueError as error:
        raise EndpointError(f"invalid graph IRI {text!r}: {error}") from None


def query_url_for(store_url: str) -> str:
    """The query endpoint beside a Graph Store endpoint: Oxigraph's /store -> /query, Fuseki's /data -> /query."""
    parts = urlsplit(store_url)
    path = parts.path.rstrip("/")
    for suffix in ("/store", "/data"):
        if path.endswith(suffix):
            return urlunsplit(parts._replace(path=path[: -len(suffix)] + "/query", query=""))
    return store_url


def parse_response(response: requests.Response) -> QueryResult:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind in ("application/sparql-results+json", "application/json"):
        try:
            return parse_json_results(response.json())
        except ValueError as error:
            raise EndpointError(f"the endpoint sent invalid JSON results: {error}") from None
    formats = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}
    if kind in formats:
        try:
            return _result(ox.parse(response.content, format=formats[kind]))
        except SyntaxError as error:
            raise EndpointError(f"the endpoint sent invalid RDF: {error}") from None
    raise EndpointError(f"the endpoint answered with unsupported content type {kind or 'none'!r}")


def parse_json_results(doc: dict) -> QueryResult:
    """SPARQL 1.1 Query Results JSON -> QueryResult of rdflib terms."""
    if "boolean" in doc:
        return QueryResult("ask", boolean=bool(doc["boolean"]))
    variables = list(doc.get("head", {}).get("vars", []))
    rows = [
        tuple(_json_term(binding[v]) if v in binding else None for v in variables)
        for binding in doc.get("results", {}).get("bindings", [])
    ]
    return QueryResult("select", variables, rows)


def _json_term(value: dict) -> Node:
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if "xml:lang" in value:
        return Literal(text, lang=value["xml:lang"])
    if "datatype" in value:
        return from_oxigraph(ox.Literal(text, datatype=ox.NamedNode(value["datatype"])))
    return Literal(text)


def _body(response: requests.Response) -> str:
    text = " ".join(response.text.split())
    return text[:300] or response.reason or "no message"
