"""Real Oxigraph servers: `kg serve` over a kg store, `kg push` into `oxigraph serve`, `kg query --endpoint`,
and every way an endpoint or a store can fail."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug import Response

from kg.cli.query import query as query_command
from kg.cli.store import push as push_command
from kg.core.errors import EndpointError
from kg.store import Store
from kg.store.remote import Endpoint, query_url_for
from kg.store.server import start, stop, wait_until_ready
from tests.store_fixture import fixture_graph
from tests.test_store import HOLD_STORE, corrupt_store, tree_digest

pytestmark = pytest.mark.server
COUNT_PAPERS = "SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("server") / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    return path


@pytest.fixture
def oxigraph(tmp_path):
    """A real read-write `oxigraph serve` on a free port: its base URL."""
    port = free_port()
    process = start(tmp_path / "remote", f"127.0.0.1:{port}", read_only=False)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def invoke(command, args, **kwargs):
    return CliRunner().invoke(command, args, catch_exceptions=False, **kwargs)


def push(endpoint: str, store, *options: str):
    """``kg push --endpoint ENDPOINT --store STORE [OPTIONS]``; exceptions are not swallowed."""
    return invoke(push_command, ["--endpoint", endpoint, "--store", str(store), *options])


def test_kg_serve_serves_the_store_kg_wrote(store_dir):
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from kg.cli.store import serve; serve()",
            "--store",
            str(store_dir),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/query", process=server)
        example = ["--file", "results-on-dataset", "--param", "dataset=ImageNet", "--format", "csv"]
        result = invoke(query_command, ["--endpoint", f"http://127.0.0.1:{port}/query", *example])
        local = invoke(query_command, ["--store", str(store_dir), *example])
        assert result.exit_code == 0, result.output
        assert result.output == local.output
        assert "82.7%" in result.output
    finally:
        stop(server)


def test_kg_serve_refuses_a_missing_store(tmp_path):
    from kg.cli.store import serve

    result = CliRunner().invoke(serve, ["--store", str(tmp_path / "none")])
    assert result.exit_code == 3 and "kg build" in result.output


def test_push_in_chunks_then_count(store_dir, oxigraph):
    result = push(f"{oxigraph}/store", store_dir, "--chunk-size", "100")
    assert result.exit_code == 0, result.output
    total = len(fixture_graph())
    assert f"pushed {total} quads (the default graph and 0 named graphs) in {-(-total // 100)} chunk(s)" in (
        result.output
    )  # 100 a chunk
    assert Endpoint(f"{oxigraph}/query").count() == total
    again = push(f"{oxigraph}/store", store_dir)
    assert f"its graphs now hold {total}" in again.output  # pushing twice adds nothing


@pytest.fixture(scope="module")
def graphs_store(tmp_path_factory) -> Path:
    """The fixture split over two named graphs that share some triples, as papers' graphs do."""
    path = tmp_path_factory.mktemp("graphs") / "store"
    triples = sorted(fixture_graph())
    with Store(path) as store:
        store.add(triples[: len(triples) * 2 // 3], graph="https://example.org/paper/a")
        store.add(triples[len(triples) // 3 :], graph="https://example.org/paper/b")
    return path


def test_push_sends_the_dataset_as_it_is_and_each_triple_once_into_a_graph(graphs_store, oxigraph):
    distinct = len(fixture_graph())
    with Store(graphs_store, read_only=True) as store:
        sizes = store.graph_sizes()
        assert len(store) == distinct and store.quad_count() == sum(sizes.values()) > distinct
    result = push(f"{oxigraph}/store", graphs_store, "--chunk-size", "50", "--replace")
    assert result.exit_code == 0, result.output
    assert f"pushed {sum(sizes.values())} quads (the default graph and 2 named graphs)" in result.output
    endpoint = Endpoint(f"{oxigraph}/query")
    assert endpoint.count() == distinct  # the remote default graph is a set too
    for name in ("https://example.org/paper/a", "https://example.org/paper/b"):
        assert endpoint.count(name) == sizes[name]
    one = push(f"{oxigraph}/store", graphs_store, "--graph", "https://example.org/all", "--replace")
    assert one.exit_code == 0, one.output
    assert f"pushed {distinct} triples in 1 chunk(s)" in one.output
    assert endpoint.count("https://example.org/all") == distinct
    again = push(f"{oxigraph}/store", graphs_store, "--replace")  # the dataset replaced: no extra graph
    assert again.exit_code == 0, again.output
    assert endpoint.count("https://example.org/all") == 0


def test_a_remote_that_holds_less_than_was_sent_fails_the_check(graphs_store, httpserver):
    with Store(graphs_store, read_only=True) as store:
        sizes = store.graph_sizes()

    def answer(request):  # took every chunk, but its default graph lost one triple
        query = request.form["query"]
        if "GROUP BY ?g" in query:
            names = ["g", "n"]
            rows = [
                {"g": {"type": "uri", "value": name}, "n": {"type": "literal", "value": str(size)}}
                for name, size in sizes.items()
                if name is not None
            ]
        else:
            names, rows = ["n"], [{"n": {"type": "literal", "value": str(sizes[None] - 1)}}]
        body = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}})
        return Response(body, content_type="application/sparql-results+json")

    httpserver.expect_request("/store").respond_with_data("", status=204)
    httpserver.expect_request("/query").respond_with_handler(answer)
    result = push(httpserver.url_for("/store"), graphs_store)
    assert result.exit_code == 4
    assert f"the default graph holds {sizes[None] - 1}, sent {sizes[None]}" in result.output
    posted = [request for request, _ in httpserver.log if request.path == "/store"]
    assert {request.headers["Content-Type"] for request in posted} == {"application/n-quads"}


def test_push_to_a_named_graph_replacing_it(store_dir, oxigraph):
    endpoint = Endpoint(f"{oxigraph}/query")
    graph = ("--graph", "https://example.org/g")
    assert push(f"{oxigraph}/store", store_dir, *graph).exit_code == 0
    assert push(f"{oxigraph}/store", store_dir, *graph, "--replace").exit_code == 0
    assert endpoint.count("https://example.org/g") == len(fixture_graph())
    assert endpoint.count() == 0


def test_query_endpoint_formats_match_local(store_dir, oxigraph):
    push(f"{oxigraph}/store", store_dir)
    for fmt in ("json", "tsv", "table"):
        remote = invoke(
            query_command,
            [
                "--endpoint",
                f"{oxigraph}/query",
                "--file",
                "method-ancestors",
                "--param",
                "method=SENet",
                "--format",
                fmt,
            ],
        )
        local = invoke(
            query_command,
            [
                "--store",
                str(store_dir),
                "--file",
                "method-ancestors",
                "--param",
                "method=SENet",
                "--format",
                fmt,
            ],
        )
        assert remote.output == local.output, fmt
    construct = Endpoint(f"{oxigraph}/query").query("CONSTRUCT { ?p a kg:Paper } WHERE { ?p a kg:Paper }")
    assert len(construct) == 4


def test_remote_syntax_error_is_caught_before_sending(oxigraph):
    result = CliRunner().invoke(query_command, ["--endpoint", f"{oxigraph}/query", "SELECT ?s WHERE {"])
    assert result.exit_code == 2 and "SPARQL syntax error at line 1" in result.output


def test_unreachable_endpoint(store_dir):
    url = f"http://127.0.0.1:{free_port()}"
    result = push(f"{url}/store", store_dir, "--retries", "0")
    assert result.exit_code == 4
    assert "cannot reach" in result.output and "Traceback" not in result.output
    query = CliRunner().invoke(query_command, ["--endpoint", f"{url}/query", "ASK {}", "--retries", "0"])
    assert query.exit_code == 4 and "cannot reach" in query.output


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers: its URL, and a count of the connections made."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", lambda: len(accepted)
    sock.close()
    for connection in accepted:
        connection.close()


def test_a_timed_out_read_is_not_sent_again(store_dir, silent_server):
    """The server may still be running it: a second copy would only add to its load (or load a chunk twice)."""
    url, connections = silent_server
    result = push(f"{url}/store", store_dir, "--timeout", "0.3", "--retries", "2")
    assert result.exit_code == 4
    assert (
        "no answer" in result.output and "within 0.3 s" in result.output and "not sent again" in result.output
    )
    assert "chunk 1 may or may not have been loaded, 0 quads were loaded before it" in result.output
    query = CliRunner().invoke(
        query_command, ["--endpoint", f"{url}/query", "ASK {}", "--timeout", "0.3", "--retries", "2"]
    )
    assert query.exit_code == 4 and "not sent again" in query.output
    assert connections() == 2  # one request each


def test_push_from_a_locked_store(store_dir, tmp_path, oxigraph):
    path = tmp_path / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result = push(f"{oxigraph}/store", path)
        assert result.exit_code == 3 and "locked" in result.output
        assert Endpoint(f"{oxigraph}/query").count() == 0
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_push_from_a_corrupt_store(tmp_path, oxigraph):
    path = corrupt_store(tmp_path)
    before = tree_digest(path)
    result = push(f"{oxigraph}/store", path)
    assert result.exit_code == 3 and "corrupt" in result.output
    assert tree_digest(path) == before


def test_credentials_go_only_when_asked_and_are_never_shown(store_dir, httpserver, monkeypatch):
    expected = "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()
    seen = []

    def answer(request):
        seen.append(request.headers.get("Authorization"))
        if request.headers.get("Authorization") != expected:
            return Response("who are you?", status=401, headers={"WWW-Authenticate": 'Basic realm="kg"'})
        body = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "3"}}]}}
        return Response(json.dumps(body), content_type="application/sparql-results+json")

    httpserver.expect_request("/query").respond_with_handler(answer)
    anonymous = CliRunner().invoke(
        query_command, ["--endpoint", httpserver.url_for("/query"), "SELECT ?n {}"]
    )
    assert anonymous.exit_code == 4
    assert "no credentials were sent: set KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD" in anonymous.output
    url = httpserver.url_for("/query").replace("http://", "http://alice:wrong-pw@")
    refused = CliRunner().invoke(query_command, ["--endpoint", url, "SELECT ?n {}"])
    assert (
        refused.exit_code == 4
        and "refused the credentials of user 'alice' (HTTP 401, Basic)" in refused.output
    )
    assert "wrong-pw" not in refused.output
    monkeypatch.setenv("KG_ENDPOINT_USER", "alice")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret-pw")
    result = invoke(
        query_command, ["--endpoint", httpserver.url_for("/query"), "SELECT ?n {}", "--format", "csv"]
    )
    assert result.output.splitlines() == ["n", "3"]
    # each login starts without credentials (nothing volunteered) and answers the challenge once
    assert seen[0] is None and seen[1:3] == [None, "Basic " + base64.b64encode(b"alice:wrong-pw").decode()]
    assert seen[3:] == [None, expected]


def test_server_errors_are_retried(httpserver):
    body = {"head": {"vars": ["n"]}, "results": {"bindings": []}}
    httpserver.expect_ordered_request("/query").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/query").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/query").respond_with_json(
        body, content_type="application/sparql-results+json"
    )
    result = Endpoint(httpserver.url_for("/query"), retries=2, backoff=0.01).query("SELECT ?n {}")
    assert result.variables == ["n"] and result.rows == []
    with pytest.raises(EndpointError, match="HTTP 503"):
        httpserver.expect_request("/query").respond_with_data("down", status=503)
        Endpoint(httpserver.url_for("/query"), retries=1, backoff=0.01).query("SELECT ?n {}")


def test_push_to_a_wrong_url_is_refused(store_dir, oxigraph):
    result = push(f"{oxigraph}/nowhere", store_dir, "--query-endpoint", f"{oxigraph}/query")
    assert result.exit_code == 4
    assert "refused chunk 1 (HTTP 404)" in result.output and "0 quads were loaded" in result.output


def test_push_refuses_a_bad_graph_iri(store_dir):
    result = push("http://127.0.0.1:9/store", store_dir, "--graph", "not an iri> }")
    assert result.exit_code == 2 and "invalid graph IRI" in result.output


def test_query_url_for():
    assert query_url_for("http://h:7878/store") == "http://h:7878/query"
    assert query_url_for("http://h/ds/data") == "http://h/ds/query"
    assert query_url_for("http://h/sparql") == "http://h/sparql"


def test_concurrent_readers_while_served(store_dir):
    """Oxigraph's read-only server and kg's read-only readers share the store."""
    port = free_port()
    server = start(store_dir, f"127.0.0.1:{port}")
    try:
        results = []
        threads = [
            threading.Thread(
                target=lambda: results.append(Store(store_dir, read_only=True).query(COUNT_PAPERS).rows[0][0])
            )
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [int(n) for n in results] == [4, 4, 4]
        assert int(Endpoint(f"http://127.0.0.1:{port}/query").query(COUNT_PAPERS).rows[0][0]) == 4
    finally:
        stop(server)
