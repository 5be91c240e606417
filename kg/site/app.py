"""The ``kg serve`` web application (Starlette): the site's pages and the SPARQL 1.1 Protocol endpoint.

Pages are rendered on the server with Jinja2 (autoescaped: every title and abstract is untrusted text),
styled by the package's own CSS and usable without JavaScript; each page is also JSON with
``?format=json``. A Content-Security-Policy lets a page load only from this server, so nothing a page
shows can make the browser contact another host.

``/query`` speaks the SPARQL 1.1 Protocol (GET ``?query=``, POST form or ``application/sparql-query``)
with content negotiation; it runs each query on the :class:`~kg.store.server.QueryPool`, behind the guard
and the time limit. Updates are refused on every path. The protocol's ``default-graph-uri`` and
``named-graph-uri`` set the query's dataset (in place of its FROM and FROM NAMED), as SPARQL 1.1 says.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from anyio import CapacityLimiter, to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.core.domain import ENTITY_TYPES, NODE_KINDS
from kg.core.errors import KgError, QueryError
from kg.core.namespaces import PREFIXES
from kg.site.data import PAGE_KINDS, SiteData, href, iri_for
from kg.site.search import HIT_END, HIT_START
from kg.site.sparql_page import SparqlPage
from kg.store.guard import MAX_QUERY_CHARS, UPDATES_REFUSED
from kg.store.server import PoolBusy, QueryPool, QueryTimeout
from kg.store.sparql import is_valid_iri

DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")  # the protocol's own dataset, each repeatable
SITE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'self'"
)
GRAPH_CSP = (  # the viz page inlines its scripts and styles; it still may not fetch anything at all
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
MAX_BODY_BYTES = 1 << 20  # a POSTed query: 100,000 characters, form-encoded, fit several times over
QUERY_THREADS_SPARE = 8  # threads for queries waiting for a busy worker, beyond one per worker
MAX_REQUEST_LINE = 1 << 20  # bytes: a GET /query of 100,000 characters, percent-encoded, fits
RESULTS_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
MEDIA_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(resources.files("kg.site") / "templates")),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["marked"] = marked
    environment.filters["confidence"] = lambda value: "" if value is None else f"{value:.2f}"
    environment.globals["href"] = href
    environment.globals["entity_kinds"] = ENTITY_TYPES  # the paper page's legend
    return environment


# each kind's colour, from the domain table graph.html's legend also reads: a page's badges and highlighted
# mentions tint themselves from ``--kind`` (site.css)
KIND_COLOURS_CSS = "".join(f".kind-{kind.name} {{ --kind: {kind.colour}; }}\n" for kind in NODE_KINDS)


def marked(snippet: str) -> Markup:
    """A search snippet, escaped, with its hit markers turned into ``<mark>``."""
    text = str(escape(snippet))
    return Markup(text.replace(HIT_START, "<mark>").replace(HIT_END, "</mark>"))


def negotiate(accept: str, table: dict[str, str], default: str) -> str:
    """The format of the best media type in an Accept header that ``table`` knows (q-values honoured)."""
    best, best_q = default, -1.0
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media in table and q > best_q and q > 0:
            best, best_q = table[media], q - position * 1e-6
    return best


class Site:
    """The application's state: the site's data, the query pool and the templates."""

    def __init__(self, data: SiteData, pool: QueryPool, *, timeout: float) -> None:
        self.data = data
        self.pool = pool
        self.timeout = timeout
        self.templates = _environment()
        # queries wait for a worker on threads of their own: a flood of slow queries holds these, never
        # the threads that answer pages (the shared pool's 40), so pages answer while /query is saturated
        self.query_threads = CapacityLimiter(pool.size + QUERY_THREADS_SPARE)

    def render(
        self, request: Request, template: str, context: dict[str, Any], *, status: int = 200
    ) -> Response:
        if request.query_params.get("format") == "json":
            return JSONResponse(context, status_code=status)
        html = self.templates.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": SITE_CSP})

    # -- pages ---------------------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return self.render(request, "home.html", self.data.home_page())

    async def search(self, request: Request) -> Response:
        query = request.query_params.get("q", "")
        page = await run_in_threadpool(self.data.search_page, query)
        return self.render(request, "search.html", page)

    async def resource(self, request: Request) -> Response:
        kind = request.path_params.get("kind")
        if kind is not None:
            key = request.path_params["key"].removesuffix(".json")
            if request.path_params["key"].endswith(".json"):
                request.scope["query_string"] = b"format=json"
            iri = iri_for(kind, key)
            if not is_valid_iri(iri):  # a space, a NUL, a quote: no node of the graph has such a name
                return self.not_found(request, f"nothing in this graph is called {kind}/{_printable(key)}")
            if kind == "paper":
                page = await run_in_threadpool(self.data.paper_page, iri)
                template = "paper.html"
            else:
                page = await run_in_threadpool(self.data.entity_page, kind, iri)
                template = f"{kind}.html"
            if page is None:
                return self.not_found(request, f"nothing in this graph is called {kind}/{key}")
            return self.render(request, template, page)
        iri = request.query_params.get("iri", "")
        if not iri:
            raise HTTPException(400, "give ?iri=")
        if not is_valid_iri(iri):
            return self.not_found(request, "that is not an IRI, and nothing in this graph is called so")
        page = await run_in_threadpool(self.data.resource_page, iri)
        if not page["out"] and not page["in"]:
            return self.not_found(request, "nothing in this graph is about that IRI")
        return self.render(request, "resource.html", page)

    def not_found(self, request: Request, message: str) -> Response:
        return self.render(request, "error.html", {"message": message, "status": 404}, status=404)

    async def sparql(self, request: Request) -> Response:
        page = SparqlPage(
            query=request.query_params.get("query", ""),
            example=request.query_params.get("example", ""),
        )
        await to_thread.run_sync(page.run, self.pool, self.data.store, limiter=self.query_threads)
        return self.render(request, "sparql.html", page.context())

    # -- the endpoint ------------------------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        """SPARQL 1.1 Protocol query operation."""
        params = dict(request.query_params)
        dataset = {name: request.query_params.getlist(name) for name in DATASET_PARAMS}
        if request.method == "POST":
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                return PlainTextResponse(UPDATES_REFUSED, status_code=403)
            body = await _limited_body(request)
            if body is None:
                return PlainTextResponse(
                    f"the request body is over {MAX_BODY_BYTES:,} bytes; a query may have "
                    f"{MAX_QUERY_CHARS:,} characters",
                    status_code=413,
                )
            if content_type == "application/sparql-query":
                params["query"] = body.decode("utf-8", errors="replace")
            elif content_type == "application/x-www-form-urlencoded":
                body = body.decode("utf-8", errors="replace")
                form = parse_qs(body, keep_blank_values=True)
                params.update({key: values[0] for key, values in form.items()})
                for name in DATASET_PARAMS:
                    dataset[name] += form.get(name, [])
            else:
                return PlainTextResponse(
                    "POST a query as application/x-www-form-urlencoded or application/sparql-query",
                    status_code=415,
                )
        if "update" in params:
            return PlainTextResponse(UPDATES_REFUSED, status_code=403)
        query = params.get("query")
        if not query:
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/sparql", status_code=303)
            return PlainTextResponse("no query: give ?query=... (SPARQL 1.1 Protocol)", status_code=400)
        accept = request.headers.get("accept", "")
        results_format = negotiate(accept, RESULTS_TYPES, "json")
        graph_format = negotiate(accept, GRAPH_TYPES, "turtle")
        try:
            kind, data = await to_thread.run_sync(
                partial(
                    self.pool.run,
                    query,
                    results_format=results_format,
                    graph_format=graph_format,
                    default_graphs=dataset["default-graph-uri"],
                    named_graphs=dataset["named-graph-uri"],
                ),
                limiter=self.query_threads,
            )
        except QueryTimeout as error:  # the query's own answer: a client retrying it would only wait again
            return PlainTextResponse(str(error), status_code=500)
        except PoolBusy as error:
            return PlainTextResponse(str(error), status_code=503)
        except QueryError as error:
            status = 403 if str(error) == UPDATES_REFUSED else 400
            return PlainTextResponse(str(error), status_code=status)
        except KgError as error:
            return PlainTextResponse(str(error), status_code=500)
        media = MEDIA_TYPE[graph_format if kind == "graph" else results_format]
        return Response(data, media_type=media)

    async def update(self, request: Request) -> Response:
        return PlainTextResponse(UPDATES_REFUSED, status_code=403)

    async def prefixes(self, request: Request) -> Response:
        return JSONResponse(PREFIXES)

    async def kinds_css(self, request: Request) -> Response:
        return Response(KIND_COLOURS_CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    # -- graph -------------------------------------------------------------------------------------------

    async def graph(self, request: Request) -> Response:
        focus = request.query_params.get("focus", "").strip()
        context = {
            "focus": focus,
            "view": "/graph/view" + (f"?{request.url.query}" if request.url.query else ""),
        }
        return self.render(request, "graph.html", context)

    async def graph_view(self, request: Request) -> Response:
        from kg.site.graph_page import graph_page

        if request.query_params.get("format") == "json":
            return JSONResponse(
                {"message": "the graph view is an HTML page; /graph?format=json has its JSON", "status": 406},
                status_code=406,
            )
        focus = request.query_params.get("focus", "").strip() or None
        try:
            html = await run_in_threadpool(graph_page, self.data, focus)
        except KgError as error:
            return self.render(request, "error.html", {"message": str(error), "status": 404}, status=404)
        return HTMLResponse(html, headers={"Content-Security-Policy": GRAPH_CSP})


async def _limited_body(request: Request) -> bytes | None:
    """The request's body, or None as soon as it passes MAX_BODY_BYTES (never read whole into memory)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    parts, size = [], 0
    async for part in request.stream():
        size += len(part)
        if size > MAX_BODY_BYTES:
            return None
        parts.append(part)
    return b"".join(parts)


def _printable(text: str, width: int = 80) -> str:
    """Text from a request fit for a message: control characters escaped, at most ``width`` characters."""
    shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return shown if len(shown) <= width else shown[: width - 1] + "…"


class PrintableLog(logging.Filter):
    """Escapes control characters in log records (ESC, OSC, BEL from a request path never reach the
    terminal raw)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(not char.isprintable() and char != "\n" for char in message):
            record.msg = "".join(
                char if char.isprintable() or char == "\n" else repr(char)[1:-1] for char in message
            )
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:  # a traceback's message is text too
            record.exc_text = "".join(
                char if char.isprintable() or char == "\n" else repr(char)[1:-1]
                for char in logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`PrintableLog` on every handler."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["printable"] = {"()": PrintableLog}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("printable")
    return config


async def _http_error(request: Request, error: Exception) -> Response:
    status = getattr(error, "status_code", 500)
    detail = getattr(error, "detail", "error")
    return PlainTextResponse(str(detail), status_code=status)


def create_app(
    store_dir: Path,
    *,
    timeout: float = 10.0,
    workers: int = 3,
    cors: bool = False,
    data: SiteData | None = None,
    pool: QueryPool | None = None,
    close_passed: bool = False,
) -> Starlette:
    """The application over the store in ``store_dir``. The site's data and the query pool are opened at
    start-up (or passed in) and closed at shut-down (passed-in ones too with ``close_passed``: uvicorn
    re-raises SIGTERM once the app has shut down, so code after ``uvicorn.run`` never runs then)."""
    site: dict[str, Site] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned_data, owned_pool = data is None or close_passed, pool is None or close_passed
        site_data = data or await run_in_threadpool(SiteData.open, store_dir)
        try:
            query_pool = pool or await run_in_threadpool(
                QueryPool(store_dir, workers=workers, timeout=timeout).start
            )
        except BaseException:
            if owned_data:
                site_data.close()
            raise
        site["site"] = Site(site_data, query_pool, timeout=timeout)
        try:
            yield
        finally:
            if owned_pool:
                await run_in_threadpool(query_pool.close)
            if owned_data:
                site_data.close()

    def handler(name: str):
        async def handle(request: Request) -> Response:
            return await getattr(site["site"], name)(request)

        return handle

    routes = [
        Route("/", handler("home")),
        Route("/search", handler("search")),
        Route("/sparql", handler("sparql")),
        Route("/query", handler("endpoint"), methods=["GET", "POST"]),
        Route("/update", handler("update"), methods=["GET", "POST"]),
        Route("/prefixes.json", handler("prefixes")),
        Route("/kinds.css", handler("kinds_css")),
        Route("/graph", handler("graph")),
        Route("/graph/view", handler("graph_view")),
        Route("/resource", handler("resource")),
        Mount("/static", app=StaticFiles(packages=[("kg.site", "static")]), name="static"),
        *(Route(f"/{kind}/{{key:path}}", _with_kind(handler("resource"), kind)) for kind in PAGE_KINDS),
    ]
    middleware = (
        [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"])]
        if cors
        else []
    )
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )


def _with_kind(handle, kind: str):
    async def with_kind(request: Request) -> Response:
        request.path_params["kind"] = kind
        return await handle(request)

    return with_kind
