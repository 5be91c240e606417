"""Remote SPARQL endpoints: queries (SPARQL 1.1 Protocol) and loading (SPARQL 1.1 Graph Store Protocol).

Written as a careful client of someone else's production server:
- credentials (KG_ENDPOINT_USER, KG_ENDPOINT_PASSWORD, or ``user:password@`` in the URL) go out only when
  the server asks, by the scheme it asks for (Digest or Basic), and never appear in a message;
- a request is sent again only when it surely did not run (no connection, HTTP 429 or 503) or running it
  twice changes nothing; a read that timed out is not repeated (the server may still be running it), nor is
  a server's error (HTTP 500);
- an answer the server cut short (Virtuoso's ``X-SPARQL-MaxRows``, its partial "anytime" answers) is never
  passed off as complete: a SELECT is read again in pages, anything else stops with an error.
"""

from __future__ import annotations

import html
import itertools
import os
import re
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from urllib3.exceptions import NewConnectionError

from kg.core.errors import EndpointError, QueryError
from kg.core.namespaces import PREFIXES
from kg.store.guard import check_query
from kg.store.oxigraph import QueryResult, Store, _result
from kg.store.paging import PagedSelect, paged_select, query_form, top_level_limit
from kg.store.sandbox import run_sandboxed
from kg.store.sparql import bind_params, from_oxigraph, syntax_message, to_oxigraph

RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"  # CONSTRUCT, DESCRIBE: triples, not s/p/o rows
READ_IN_PAGES = (
    "Read it in pages with ORDER BY, LIMIT and OFFSET, or ask the server's administrator to raise the cap"
)
NOT_TAKEN_ON = {429, 503}  # the server says it did not take the request on: sending it again is safe
BAD_GATEWAY = (
    502  # a proxy got no proper answer: the request may have run, so only a repeatable one is re-sent
)
GATEWAY_TIMEOUT = 504  # like a timed-out read: the server behind may still be running it, so never re-sent
MAX_REDIRECTS = 5  # within the endpoint's own scheme, host and port
MAX_RETRY_AFTER = 30.0  # seconds: a longer Retry-After is an outage, better reported than waited out
PARTIAL_ANSWER_STATE = "S1TAT"  # Virtuoso's X-SQL-State for an answer cut at its time limit
_HEAD = re.compile(r"<!DOCTYPE[^>]*>|<head>.*?</head>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SCHEME = re.compile(r"(?:^|,)\s*(digest|basic)\b", re.IGNORECASE)


def safe_url(url: str) -> str:
    """The URL without ``user:password@``, for messages and requests."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def credentials(url: str | None = None) -> tuple[str, str] | None:
    """KG_ENDPOINT_USER/KG_ENDPOINT_PASSWORD, else the ``user:password@`` of ``url``, else None."""
    user = os.environ.get("KG_ENDPOINT_USER")
    if user:
        return user, os.environ.get("KG_ENDPOINT_PASSWORD", "")
    parts = urlsplit(url or "")
    if parts.username:
        return unquote(parts.username), unquote(parts.password or "")
    return None


def check_syntax(query: str) -> None:
    """Parse the query locally (on an empty store) so a remote query fails like a local one would."""

    def parse() -> None:  # evaluated, and its answer dropped, on the query thread (pyoxigraph requires it)
        ox.Store().query(query, prefixes=PREFIXES)

    try:
        run_sandboxed(parse)
    except SyntaxError as error:
        raise QueryError(syntax_message(str(error), query)) from None
    except (OSError, RuntimeError):
        pass  # an evaluation problem on the empty store says nothing about the remote one


def prologue() -> str:
    """kg's PREFIX declarations on one line, ended by a space: put before the user's first line, they leave
    the line numbers in a server's error message the user's own."""
    return "".join(f"PREFIX {name}: <{iri}> " for name, iri in PREFIXES.items())


class ChallengeAuth(AuthBase):
    """Log in by the scheme the server's 401 asks for: Digest (preferred) or Basic.

    Nothing is volunteered: the first request to a URL goes without credentials, so a password never
    travels as Basic to a server that wanted Digest (or nothing). The scheme found is kept per URL path, and
    later requests there authenticate at once (Digest reuses the server's nonce), so a request body is sent
    once, not once per challenge.
    """

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self._schemes: dict[str, AuthBase] = {}

    def knows(self, url: str) -> bool:
        return _space(url) in self._schemes

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        scheme = self._schemes.get(_space(request.url or ""))
        if scheme is not None:
            return scheme(request)
        request.register_hook("response", self._answer_challenge)
        return request

    def _answer_challenge(self, response: requests.Response, **kwargs) -> requests.Response:
        space = _space(response.request.url or "")
        if response.status_code != 401 or space in self._schemes:
            return response
        offered = {match.lower() for match in _SCHEME.findall(response.headers.get("WWW-Authenticate", ""))}
        if "digest" in offered:
            digest = HTTPDigestAuth(self.user, self.password)
            self._schemes[space] = digest
            digest(response.request.copy())  # sets up its state as for a new request
            return digest.handle_401(response, **kwargs)
        if "basic" in offered:
            self._schemes[space] = HTTPBasicAuth(self.user, self.password)
            response.content  # noqa: B018 - read the body so the connection can be reused
            response.close()
            again = self._schemes[space](response.request.copy())
            answer = response.connection.send(again, **kwargs)
            answer.history.append(response)
            answer.request = again
            return answer
        return response


def _space(url: str) -> str:
    """The protection space a login is kept for: the URL without its query."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class RequestFailed(EndpointError):
    """A request that got no usable answer; ``maybe_applied`` when the server may have acted on it."""

    def __init__(self, message: str, *, maybe_applied: bool = False) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied


@dataclass
class PushReport:
    triples: int  # triples (into --graph) or quads (a dataset) sent, each once
    chunks: int
    remote_count: int  # triples in the target graph afterwards; for a dataset, in the graphs sent
    graph: str | None  # the target graph; None: the dataset, its default graph and named graphs as they are
    graphs: int = 0  # named graphs sent with a dataset


class Endpoint:
    """A SPARQL endpoint (``url`` answers queries); ``store_url`` is its Graph Store Protocol endpoint.

    ``default_graph`` names the graph queries run on (the protocol's ``default-graph-uri``); without it the
    server decides (Virtuoso: all its graphs, its own system graphs included).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.5,
        default_graph: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"not an http(s) endpoint URL: {safe_url(url)}")
        self.url = safe_url(url)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.default_graph = graph_iri(default_graph) if default_graph else None
        self._virtuoso_cap: tuple[int, bool] | None = None  # (rows, whether that is the cap or just all)
        self.session = requests.Session()
        self.login = credentials(url)
        self.session.auth = ChallengeAuth(*self.login) if self.login else None

    # -- HTTP -------------------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, repeatable: bool, **kwargs) -> requests.Response:
        """Send a request; again only when it surely did not run, or when ``repeatable`` (running it twice
        changes nothing) and it may not have. Refusals (401, 403) raise; other answers are returned."""
        last, delay = "", self.backoff
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(delay)
                delay *= 2
            try:
                response = self._send(method, url, **kwargs)
            except requests.ReadTimeout:
                raise RequestFailed(
                    f"no answer from {url} within {self.timeout:g} s (--timeout); not sent again, as the "
                    "server may still be working on it",
                    maybe_applied=True,
                ) from None
            except requests.ConnectionError as error:
                if _never_sent(error):
                    last = f"cannot reach {url} (connection refused, timed out or host unknown)"
                    continue
                if repeatable:
                    last = f"the connection to {url} broke before the answer"
                    continue
                raise RequestFailed(
                    f"the connection to {url} broke before the answer; not sent again, as the server may "
                    "have acted on it",
                    maybe_applied=True,
                ) from None
            except requests.RequestException as error:  # cut mid-answer (chunked or short body), bad encoding
                if repeatable:
                    last = (
                        f"the connection to {url} broke in the middle of the answer ({type(error).__name__})"
                    )
                    continue
                raise RequestFailed(
                    f"the connection to {url} broke in the middle of the answer ({type(error).__name__}); "
                    "not sent again, as the server may have acted on it",
                    maybe_applied=True,
                ) from None
            status = response.status_code
            if status in NOT_TAKEN_ON or (repeatable and status == BAD_GATEWAY):
                last = f"{url} answered HTTP {status}: {server_message(response)}"
                delay = max(delay, _retry_after(response))
                if delay > MAX_RETRY_AFTER:
                    break
                continue
            if status in (BAD_GATEWAY, GATEWAY_TIMEOUT):
                raise RequestFailed(
                    f"{url} answered HTTP {status}: {server_message(response)}; not sent "
                    "again, as the server behind it may be working on it or have acted on it",
                    maybe_applied=True,
                )
            if status in (401, 403):
                raise RequestFailed(self._refusal(response, url))
            return response
        attempts = f" (after {attempt + 1} attempts)" if attempt else ""
        raise RequestFailed(last + attempts)

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request, following redirects only within the same scheme, host and port (method, body and
        login kept); a redirect anywhere else is reported with its target, and nothing is sent there."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, **kwargs
            )
            if not response.is_redirect:
                return response
            target = urljoin(response.url or url, response.headers["Location"])
            response.close()
            if _origin(target) != _origin(url):
                raise RequestFailed(
                    f"{safe_url(url)} redirects to {safe_url(target)} (HTTP {response.status_code}); kg "
                    "sends no credentials and no data to another scheme, host or port: give that URL "
                    "itself if it is the endpoint you mean"
                )
            url = target
        raise RequestFailed(f"{safe_url(url)} redirects more than {MAX_REDIRECTS} times")

    def _refusal(self, response: requests.Response, url: str) -> str:
        """Why the server said no, and whether kg sent credentials."""
        status = response.status_code
        sent = "Authorization" in response.request.headers
        asked = response.headers.get("WWW-Authenticate", "")
        scheme = next(iter(_SCHEME.findall(asked)), "").capitalize()
        if sent:
            user = self.login[0] if self.login else "?"
            if status == 403:
                return (
                    f"{url} refused user {user!r} (HTTP 403): logged in, but not allowed to do this "
                    f'(Virtuoso: GRANT SPARQL_UPDATE TO "{user}")'
                )
            return (
                f"{url} refused the credentials of user {user!r} (HTTP 401, {scheme or 'login'}); "
                "check KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"
            )
        if self.login and status == 401:
            return (
                f"{url} refused the request (HTTP 401) and asks for no login kg can give "
                f"(WWW-Authenticate: {_clean(asked)[:100] or 'none'}); no credentials were sent"
            )
        return (
            f"{url} refused the request (HTTP {status}); no credentials were sent: "
            "set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD"
        )

    # -- queries ----------------------------------------------------------------------------------------

    def query(self, sparql: str, *, params: Mapping[str, str | Node] | None = None) -> QueryResult:
        """Run a query remotely; kg's prefixes are declared for it, parameters bound as locally.

        An answer the server cut at its row cap is read again in pages (a SELECT) or refused."""
        bound = bind_params(sparql, params)
        check_query(bound)  # before check_syntax, which evaluates the query on an empty local store
        check_syntax(bound)
        form = query_form(bound)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        response = self._send_query(bound, bound, accept=GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        result = parse_response(response)
        if form == "CONSTRUCT" and _is_virtuoso(response):
            self._check_virtuoso_graph(result, bound)
        cap = _row_cap(response)
        if cap is None or result.kind == "ask" or len(result) < cap:
            return result
        limit = top_level_limit(bound)
        if limit is not None and limit <= cap:
            return result  # the query's own LIMIT, not the server's cap, ended the answer
        cut = f"{self.url} cut the answer at {cap} rows (its X-SPARQL-MaxRows, Virtuoso's ResultSetMaxRows)"
        if result.kind != "select":
            raise EndpointError(
                f"{cut}; kg does not pass off part of an answer as all of it. {READ_IN_PAGES}"
            )
        try:
            plan = paged_select(bound, result.variables)
        except EndpointError as why:
            raise EndpointError(f"{cut}, and kg {why}. {READ_IN_PAGES}") from None
        return self._read_in_pages(plan, result.variables, cap, bound, sort_inside=_is_virtuoso(response))

    def _check_virtuoso_graph(self, result: QueryResult, shown: str) -> None:
        """Virtuoso cuts a CONSTRUCT answer at ResultSetMaxRows + 1 triples without saying so: refuse one
        that long. The cap is learnt once, from a SELECT over all the server's triples (cut at the cap, and
        then marked with X-SPARQL-MaxRows, or whole)."""
        if self._virtuoso_cap is None:
            probe = {"query": "SELECT ?s WHERE { ?s ?p ?o }"}
            response = self._request(
                "POST", self.url, repeatable=True, data=probe, headers={"Accept": RESULTS_ACCEPT}
            )
            if not response.ok:
                raise EndpointError(
                    f"{self.url} could not say how many rows it returns at most (HTTP {response.status_code}): "
                    f"{server_message(response)}"
                )
            cap = _row_cap(response)
            # without the header the server holds fewer triples than its cap: the cap is above that many
            self._virtuoso_cap = (cap, True) if cap is not None else (len(parse_response(response)), False)
        cap, known = self._virtuoso_cap
        if len(result) > cap:
            limit = f"at {cap} rows (its ResultSetMaxRows)" if known else "at its ResultSetMaxRows"
            raise EndpointError(
                f"{self.url} (Virtuoso) sent {len(result)} triples, and Virtuoso cuts a CONSTRUCT answer "
                f"{limit} without saying so; kg does not pass off part of an answer as all of it. "
                f"Ask with a SELECT instead, which kg reads in pages, or ask the server's administrator to "
                f"raise the cap.\nthe query:\n{shown.strip()}"
            )

    def _read_in_pages(
        self, plan: PagedSelect, variables: list[str], size: int, shown: str, *, sort_inside: bool
    ) -> QueryResult:
        """Every row of a capped SELECT, ``size`` at a time in one stable order, checked against a count."""
        rows: list[tuple[Node | None, ...]] = []
        while True:
            page_number = len(rows) // size + 1
            page = parse_response(
                self._send_query(plan.page(len(rows), size, sort_inside=sort_inside), shown, page_number)
            )
            order = [page.variables.index(name) for name in variables]
            rows.extend(tuple(row[i] for i in order) for row in page.rows)
            if len(page.rows) < size:
                break
        counted = parse_response(self._send_query(plan.count(), shown, "count"))
        total = _integer(counted)
        if total != len(rows):
            raise EndpointError(
                f"{self.url} gave {len(rows)} rows in pages of {size} but counts {total} for the query; "
                "did the graph change meanwhile? Run it again"
            )
        return QueryResult("select", list(variables), rows)

    def _send_query(
        self, text: str, shown: str, part: int | str | None = None, *, accept: str = RESULTS_ACCEPT
    ) -> requests.Response:
        """POST a query (kg's prefixes on its first line); the server's own error, with ``shown``, on failure.

        ``part`` names a page (or the count) of a query kg reads in pages, for the message."""
        data = {"query": prologue() + text}
        if self.default_graph:
            data["default-graph-uri"] = self.default_graph
        response = self._request("POST", self.url, repeatable=True, data=data, headers={"Accept": accept})
        where = "" if part is None else f" (reading it in pages, kg's query for {_part(part)})"
        if not response.ok:
            error = QueryError if response.status_code == 400 else EndpointError
            raise error(
                f"{self.url} could not run the query{where} (HTTP {response.status_code}): "
                f"{server_message(response)}\nthe query:\n{shown.strip()}"
            )
        if response.headers.get("X-SQL-State", "").strip() == PARTIAL_ANSWER_STATE:
            raise EndpointError(
                f"{self.url} stopped the query at its time limit and sent part of the answer{where} "
                f"({_clean(response.headers.get('X-SQL-Message', ''))[:200]}); kg does not pass off part of "
                "an answer as all of it. Narrow the query, or ask the server's administrator for more time"
            )
        return response

    def count(self, graph: str | None = None) -> int:
        pattern = f"GRAPH <{graph_iri(graph)}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        return _integer(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"), self.url)

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
        """Send what the store holds to ``store_url`` in chunks, then check the endpoint holds it all.

        Without ``graph`` the whole dataset goes as N-Quads (the default graph, the union of the papers'
        graphs, and each named graph as it is), to an endpoint that takes a dataset (Oxigraph's /store,
        Fuseki's /DATASET/data). With ``graph`` every triple of the default graph goes once, as N-Triples,
        into that named graph (Virtuoso takes no dataset). With ``replace`` the first chunk is PUT, so the
        target (the graph, or the dataset) ends up holding exactly what was sent; otherwise it is added.
        With credentials, an empty POST first answers the server's login challenge, so no chunk is sent
        twice. The check counts remotely: each graph sent must hold at least its triples (exactly with
        ``replace``).
        """
        if self.session.auth is None and (login := credentials(store_url)):
            self.login = login
            self.session.auth = ChallengeAuth(*login)
        store_url = safe_url(store_url)
        if graph:
            target: dict[str, str] = {"graph": graph_iri(graph)}
            headers = {"Content-Type": "application/n-triples"}
            chunks_of = store.ntriples_chunks
        else:
            target, headers, chunks_of = {}, {"Content-Type": "application/n-quads"}, store.nquads_chunks
        kind = "triples" if graph else "quads"
        if self.session.auth is not None and not self.session.auth.knows(store_url):
            response = self._request(
                "POST", store_url, repeatable=True, params=target, data=b"", headers=headers
            )
            _refuse_a_dataset_to_virtuoso(graph, response, store_url)
            if not response.ok:
                raise EndpointError(
                    f"{store_url} refused an empty {headers['Content-Type']} POST (HTTP {response.status_code}): "
                    f"{server_message(response)}; nothing was loaded{_needs_graph(graph, response)}"
                )
        sent = chunks = 0
        for chunk, count in chunks_of(chunk_size):
            first_put = replace and chunks == 0
            try:
                response = self._request(
                    "PUT" if first_put else "POST",
                    store_url,
                    repeatable=first_put,
                    params=target,
                    data=chunk,
                    headers=headers,
                )
            except RequestFailed as error:
                fate = "may or may not have been loaded" if error.maybe_applied else "was not loaded"
                raise EndpointError(
                    f"{error}; chunk {chunks + 1} {fate}, {sent} {kind} were loaded before it"
                ) from None
            _refuse_a_dataset_to_virtuoso(graph, response, store_url)
            if not response.ok:
                raise EndpointError(
                    f"{store_url} refused chunk {chunks + 1} "
                    f"(HTTP {response.status_code}): {server_message(response)}; "
                    f"{sent} {kind} were loaded before it{_needs_graph(graph, response) if chunks == 0 else ''}"
                )
            sent += count
            chunks += 1
        if replace and chunks == 0:  # an empty store replaces the target with nothing
            self._request("PUT", store_url, repeatable=True, params=target, data=b"", headers=headers)
        if graph:
            remote = self.count(graph)
            if remote < sent or (replace and remote != sent):
                raise EndpointError(
                    f"pushed {sent} distinct triples but the endpoint's graph <{graph}> holds {remote}"
                )
            return PushReport(sent, chunks, remote, graph)
        return self._check_dataset(store, sent, chunks, replace)

    def _check_dataset(self, store: Store, sent: int, chunks: int, replace: bool) -> PushReport:
        """Each graph of the store counted remotely: at least as many triples as sent (exactly, replacing)."""
        local = store.graph_sizes()
        remote: dict[str | None, int] = {None: self.count()}
        answer = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        for name, number in answer.rows:
            remote[str(name)] = int(number)
        wrong = [
            (name, size, remote.get(name, 0))
            for name, size in local.items()
            if remote.get(name, 0) < size or (replace and remote.get(name, 0) != size)
        ]
        if replace:
            wrong += [(name, 0, size) for name, size in remote.items() if name not in local and size]
        if wrong:
            shown = "; ".join(
                f"{'the default graph' if name is None else f'<{name}>'} holds {there}, sent {size}"
                for name, size, there in wrong[:5]
            )
            raise EndpointError(
                f"pushed {sent} quads but the endpoint's graphs differ in {len(wrong)} place(s): {shown}"
                + (" (is its default graph the union of its graphs?)" if wrong[0][0] is None else "")
            )
        self._check_default_graph_holds(store)
        held = sum(remote.get(name, 0) for name in local)
        return PushReport(sent, chunks, held, None, graphs=sum(1 for name in local if name is not None))

    def _check_default_graph_holds(self, store: Store, sample: int = 20) -> None:
        """Some of the default graph's triples, looked up remotely: a count alone cannot tell them apart
        where the server's default graph is the union of all its graphs (Virtuoso answers 2xx to a dataset
        it does not load, and counts every graph it holds)."""
        triples = [t for t in itertools.islice(store.triples(), sample) if not any(map(_is_blank, t))]
        if not triples:
            return
        rows = " ".join(f"({' '.join(str(to_oxigraph(term)) for term in triple)})" for triple in triples)
        found = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o }}")
        if _integer(found, self.url) < len(triples):
            raise EndpointError(
                f"{self.url} took the dataset but its default graph lacks triples kg sent "
                f"({_integer(found, self.url)} of {len(triples)} looked up); an endpoint that takes no "
                "dataset, such as Virtuoso's, needs --graph IRI"
            )


def _refuse_a_dataset_to_virtuoso(graph: str | None, response: requests.Response, store_url: str) -> None:
    """Virtuoso's Graph Store answers 2xx to N-Quads and loads none of them, and its default graph counts
    every graph it holds, so no count could tell: a dataset push to it stops at its first answer."""
    if graph is None and _is_virtuoso(response):
        raise EndpointError(
            f"{store_url} is Virtuoso, whose Graph Store takes no dataset (it answers a dataset with success "
            "and loads none of it): push with --graph IRI"
        )


def _is_blank(term: Node) -> bool:
    return isinstance(term, BNode)


def _needs_graph(graph: str | None, response: requests.Response) -> str:
    """A hint when a dataset (no --graph) was refused as such: some stores take graphs only."""
    if graph or response.status_code not in (400, 415):
        return ""
    return " (an endpoint that takes no dataset, such as Virtuoso's, needs --graph IRI)"


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when none is written): what a login belongs to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _never_sent(error: requests.ConnectionError) -> bool:
    """Whether the connection failed before any of the request went out."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    return isinstance(reason, NewConnectionError)


def _is_virtuoso(response: requests.Response) -> bool:
    return response.headers.get("Server", "").lower().startswith("virtuoso")


def _retry_after(response: requests.Response) -> float:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else 0.0


def _row_cap(response: requests.Response) -> int | None:
    value = response.headers.get("X-SPARQL-MaxRows", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _part(part: int | str) -> str:
    return f"page {part}" if isinstance(part, int) else f"the {part}"


def _integer(result: QueryResult, url: str = "the endpoint") -> int:
    try:
        return int(result.rows[0][0])
    except (IndexError, TypeError, ValueError):
        raise EndpointError(f"{url} did not answer a COUNT query with a number") from None


def graph_iri(text: str) -> str:
    """A named graph's IRI, validated (it goes into a query and a URL)."""
    try:
        return ox.NamedNode(text).value
    except ValueError as error:
        raise EndpointError(f"invalid graph IRI {text!r}: {error}") from None


QUERY_ENDPOINT_BESIDE = {  # Graph Store endpoint path ending -> the query endpoint's
    "/store": "/query",  # Oxigraph
    "/data": "/query",  # Fuseki
    "/sparql-graph-crud-auth": "/sparql",  # Virtuoso
    "/sparql-graph-crud": "/sparql",
}


def query_url_for(store_url: str) -> str:
    """The query endpoint beside a Graph Store endpoint (see QUERY_ENDPOINT_BESIDE), else the URL itself."""
    parts = urlsplit(store_url)
    path = parts.path.rstrip("/")
    for suffix, query_path in QUERY_ENDPOINT_BESIDE.items():
        if path.endswith(suffix):
            return urlunsplit(parts._replace(path=path[: -len(suffix)] + query_path, query=""))
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


def server_message(response: requests.Response) -> str:
    """The server's own error text, for a terminal: without the query it echoes (Virtuoso repeats it after
    "SPARQL query:", kg's prefixes and all) or HTML markup, control characters dropped, at most 500
    characters."""
    text = response.text
    echoed = text.find("SPARQL query:")
    if echoed >= 0:
        text = text[:echoed]
    if "html" in response.headers.get("Content-Type", "").lower():
        text = html.unescape(_TAG.sub(" ", _HEAD.sub(" ", text)))
    text = _clean(text)
    return (text[:500] + (" ..." if len(text) > 500 else "")) or response.reason or "no message"


def _clean(text: str) -> str:
    """One line of printable text: whitespace runs collapsed, control and format characters dropped."""
    text = "".join(" " if char.isspace() else char for char in text)
    return " ".join("".join(c for c in text if unicodedata.category(c)[0] != "C").split())
