"""The hardening probe of issue 24, kept as a module that grows: each case as an attacker or a careless user
would try it, with traffic only to 127.0.0.1. A local listener counts the requests a query makes; a local
redirecting endpoint checks where credentials go."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from kg.cli.query import query as query_command
from kg.errors import QueryError
from kg.store import Store
from kg.store.sandbox import _program, run_sandboxed
from kg.store.server import QueryPool
from tests.store_fixture import fixture_graph
from tests.test_guard import CROSS_JOIN


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it (and answers none)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("probe") / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    return path


def service_queries(url: str) -> list[str]:
    """SERVICE as the probe wrote it: hidden behind an escaped character, glued to a keyword, escaped."""
    return [
        (
            f"PREFIX : <http://x/> SELECT ?leak WHERE {{ OPTIONAL {{ ?a ?b :a\\# }}\n"
            f"SERVICE <{url}> {{ ?leak ?p ?o }} }}"
        ),
        f"PREFIX : <http://x/> SELECT ?leak WHERE {{ ?a ?b :a\\' . SERVICE <{url}> {{ ?leak ?p ?o }} }}",
        f"PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE<{url}>{{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE#comment\n<{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    ]


def settle(listener: Listener) -> int:
    time.sleep(0.2)
    return listener.connections


# -- SERVICE: no user query makes kg send a request ---------------------------------------------------------


def test_kg_query_store_sends_no_request_for_any_form_of_service(store_dir, listener):
    for text in service_queries(listener.url):
        result = CliRunner().invoke(query_command, ["--store", str(store_dir), text])
        assert result.exit_code == 2, (text, result.output)
        assert "SERVICE is not accepted" in result.output, text
    assert settle(listener) == 0


@pytest.mark.skipif(_program() is None, reason="no seccomp filter on this platform")
def test_the_engine_cannot_reach_the_network_even_past_the_guard(listener):
    # Oxigraph run on a query thread with no guard at all: the kernel refuses its socket
    store = Store(None)
    with pytest.raises(QueryError):
        run_sandboxed(lambda: store.query(f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    assert settle(listener) == 0
    # the filter is the query thread's own: this thread still reaches the listener
    socket.create_connection(("127.0.0.1", listener.port)).close()
    assert settle(listener) == 1


@pytest.fixture(scope="module")
def pool(store_dir):
    with QueryPool(store_dir, workers=1, timeout=5) as started:
        yield started


def test_kg_serve_query_pool_sends_no_request(pool, listener, monkeypatch):
    for text in service_queries(listener.url):
        with pytest.raises(QueryError, match="SERVICE is not accepted"):
            pool.run(text)
    if _program() is not None:  # the workers' engine has no network either, whatever the guard says
        monkeypatch.setattr("kg.store.server.check_query", lambda text: None)
        with pytest.raises(QueryError):
            pool.run(f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    assert settle(listener) == 0


# -- queries that crashed the engine ------------------------------------------------------------------------

CRASHERS = [
    "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) {}",
    "ASK { FILTER(" + "!" * 20_000 + "true) }",
    "SELECT * {" + " UNION ".join(["{}"] * 7_000) + "}",
    "SELECT * {" + " MINUS {}" * 3_000 + "}",
]


@pytest.mark.parametrize("text", CRASHERS, ids=["sum", "not", "union", "minus"])
def test_kg_query_says_too_complex_and_never_dies_of_a_signal(store_dir, text):
    process = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--store", str(store_dir), text],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 2, process.stderr[-500:]
    assert "too complex" in process.stderr and "Traceback" not in process.stderr


def test_a_worker_that_dies_answers_too_complex(pool):
    worker = next(iter(pool._workers))

    def crash() -> None:  # the engine dying mid-query, as a stack overflow kills it
        time.sleep(0.5)
        os.kill(worker.process.pid, signal.SIGSEGV)

    threading.Thread(target=crash, daemon=True).start()
    with pytest.raises(QueryError, match="the query was too complex") as raised:
        pool.run(CROSS_JOIN)
    assert "worker failed" not in str(raised.value)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # its successor takes the next query
        try:
            assert pool.run("ASK { ?s ?p ?o }")[0] == "ask"
            break
        except QueryError:
            time.sleep(0.5)
    else:
        pytest.fail("no worker answered after the crash")


# -- credentials and bodies stay with the endpoint ----------------------------------------------------------


@pytest.fixture
def elsewhere():
    """A second HTTP server, at another host name and port, that asks for a login as the endpoint does."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="localhost", port=0)
    server.start()
    server.expect_request("/steal").respond_with_handler(basic_login)
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def basic_login(request):
    from werkzeug import Response

    if "Authorization" not in request.headers:
        return Response("login", status=401, headers={"WWW-Authenticate": 'Basic realm="x"'})
    return Response(EMPTY_RESULTS, content_type="application/sparql-results+json")


EMPTY_RESULTS = (
    '{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "0"}}]}}'
)


def redirect_after_login(target: str):
    """The endpoint: asks for a Basic login, then answers the logged-in request with a 307 to ``target``."""
    from werkzeug import Response

    def answer(request):
        if "Authorization" not in request.headers:
            return Response("login", status=401, headers={"WWW-Authenticate": 'Basic realm="x"'})
        return Response("moved", status=307, headers={"Location": target})

    return answer


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("KG_ENDPOINT_USER", "alice")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "secret")


def test_kg_query_endpoint_sends_no_credentials_to_another_host(httpserver, elsewhere, login):
    target = elsewhere.url_for("/steal")
    httpserver.expect_request("/sparql").respond_with_handler(redirect_after_login(target))
    result = CliRunner().invoke(
        query_command, ["--endpoint", httpserver.url_for("/sparql"), "--retries", "0", "ASK {}"]
    )
    assert result.exit_code == 4, result.output
    assert f"redirects to {target}" in result.output and "Traceback" not in result.output
    assert elsewhere.log == []  # no request at all: no Authorization header, no query


def test_kg_push_sends_no_credentials_and_no_chunk_to_another_host(httpserver, elsewhere, login, store_dir):
    from kg.cli.store import push as push_command

    target = elsewhere.url_for("/steal")
    httpserver.expect_request("/store").respond_with_handler(redirect_after_login(target))
    args = ["--endpoint", httpserver.url_for("/store"), "--store", str(store_dir), "--retries", "0"]
    result = CliRunner().invoke(push_command, args)
    assert result.exit_code == 4, result.output
    assert f"redirects to {target}" in result.output and "Traceback" not in result.output
    assert elsewhere.log == []
    # without a login the chunk itself is the first request: it does not follow the redirect either
    os.environ.pop("KG_ENDPOINT_USER")
    httpserver.clear()
    httpserver.expect_request("/store").respond_with_data("moved", status=307, headers={"Location": target})
    result = CliRunner().invoke(push_command, args)
    assert result.exit_code == 4 and f"redirects to {target}" in result.output
    assert elsewhere.log == []


def test_a_redirect_within_the_endpoint_is_followed_with_its_login(httpserver, login):
    httpserver.expect_request("/old").respond_with_data(
        "moved", status=308, headers={"Location": httpserver.url_for("/sparql")}
    )
    httpserver.expect_request("/sparql").respond_with_handler(basic_login)
    result = CliRunner().invoke(query_command, ["--endpoint", httpserver.url_for("/old"), "SELECT ?n {}"])
    assert result.exit_code == 0, result.output
    assert any(
        request.path == "/sparql" and "Authorization" in request.headers for request, _ in httpserver.log
    )


class CutServer:
    """An HTTP server on 127.0.0.1 that promises a long answer and hangs up after a few bytes of it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                b"Content-Length: 100000\r\n\r\n" + EMPTY_RESULTS.encode()[:20]
            )
            connection.close()


def test_a_connection_cut_mid_answer_is_a_clear_error(store_dir):
    from kg.cli.store import push as push_command

    cut = CutServer()
    url = f"http://127.0.0.1:{cut.port}"
    result = CliRunner().invoke(query_command, ["--endpoint", f"{url}/sparql", "--retries", "0", "ASK {}"])
    assert result.exit_code == 4, result.output
    assert "broke in the middle of the answer" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(
        push_command, ["--endpoint", f"{url}/store", "--store", str(store_dir), "--retries", "0"]
    )
    assert result.exit_code == 4, result.output
    assert "broke in the middle of the answer" in result.output and "Traceback" not in result.output
    cut.server.close()
