"""The hardening probe of issue 24, kept as a module that grows: each case as an attacker or a careless user
would try it, with traffic only to 127.0.0.1. A local listener counts the requests a query makes; a local
redirecting endpoint checks where credentials go."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kg.cli.query import query as query_command
from kg.core.errors import QueryError
from kg.core.papers import Paper
from kg.sources import MAX_STORED_BYTES, Problem, iter_papers
from kg.store import Store
from kg.store.sandbox import _program, run_sandboxed
from kg.store.server import QueryPool, stop, wait_until_ready
from kg.store.swap import fresh_sibling
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


# -- one hostile record costs one warning, never the run ----------------------------------------------------

GOOD_RECORDS = [
    {"id": f"good{i}", "title": f"Good paper {i}", "abstract": "We fine-tune BERT on SQuAD and report F1."}
    for i in range(3)
]
DEEP = "[" * 1_500 + "]" * 1_500
DEEP_RECORD = '{"id": "deep", "title": "Deep", "abstract": "x", "extra": ' + DEEP + "}"
HUGE_INTEGER = "9" * 5_000


def good_lines() -> list[str]:
    return [json.dumps(record) for record in GOOD_RECORDS]


def good_titles(items) -> list[str]:
    return sorted(item.title for item in items if isinstance(item, Paper))


def problems(items) -> list[Problem]:
    return [item for item in items if isinstance(item, Problem)]


@pytest.mark.parametrize("first", [True, False], ids=["first-line", "middle"])
@pytest.mark.parametrize("fmt", [None, "jsonl"], ids=["detected", "input-format"])
def test_a_record_nesting_1500_brackets_costs_one_warning(tmp_path, first, fmt):
    lines = good_lines()
    lines.insert(0 if first else 1, DEEP_RECORD)
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_papers([path], fmt))
    assert good_titles(items) == [record["title"] for record in GOOD_RECORDS]
    [problem] = problems(items)
    assert problem.line == (1 if first else 2) and "nested 1,501 levels deep" in problem.message


def test_a_record_nesting_1500_brackets_on_stdin(monkeypatch):
    data = "\n".join([DEEP_RECORD, *good_lines()]).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    items = list(iter_papers(["-"]))
    assert good_titles(items) == [record["title"] for record in GOOD_RECORDS]
    assert len(problems(items)) == 1 and problems(items)[0].source == "<stdin>"


def test_a_json_document_with_a_deep_element_keeps_the_others(tmp_path):
    path = tmp_path / "papers.json"
    path.write_text("[" + ",\n".join([*good_lines()[:1], DEEP, *good_lines()[1:]]) + "]", encoding="utf-8")
    items = list(iter_papers([path]))
    assert good_titles(items) == [record["title"] for record in GOOD_RECORDS]
    [problem] = problems(items)
    assert problem.line == 2 and "nested" in problem.message


def test_a_5000_digit_integer_in_hf_api_json_costs_one_warning(tmp_path):
    items = [
        {"paper": {"id": f"2401.0000{i}", "title": f"HF paper {i}", "summary": "We use BERT.", "upvotes": 3}}
        for i in range(3)
    ]
    text = json.dumps(items).replace('"upvotes": 3}}, {', '"upvotes": ' + HUGE_INTEGER + "}}, {", 1)
    path = tmp_path / "daily.json"
    path.write_text(text, encoding="utf-8")
    read = list(iter_papers([path]))
    assert good_titles(read) == ["HF paper 1", "HF paper 2"]
    [problem] = problems(read)
    assert "5,000 digits" in problem.message and problem.line == 1


def test_a_nul_byte_costs_its_line_not_the_file(tmp_path):
    path = tmp_path / "papers.jsonl"
    lines = [line.encode() for line in good_lines()]
    lines.insert(1, b'{"id": "nul", "title": "N\x00UL", "abstract": "x"}')
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(iter_papers([path]))
    assert good_titles(items) == [record["title"] for record in GOOD_RECORDS]
    [problem] = problems(items)
    assert problem.line == 2 and "NUL byte" in problem.message


def test_duplicate_keys_are_warned_and_the_last_one_is_used(tmp_path):
    path = tmp_path / "papers.jsonl"
    twice = '{"id": "dup", "title": "First title", "title": "Second title", "abstract": "x"}'
    path.write_text("\n".join([twice, *good_lines()]) + "\n", encoding="utf-8")
    items = list(iter_papers([path]))
    assert "Second title" in good_titles(items) and "First title" not in good_titles(items)
    [problem] = problems(items)
    assert problem.record_kept and "'title' more than once" in problem.message


def test_an_over_long_line_is_skipped_as_it_streams(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.sources.base.MAX_LINE_BYTES", 10_000)
    monkeypatch.setattr("kg.sources.MAX_LINE_BYTES", 10_000)
    path = tmp_path / "papers.jsonl"
    long = json.dumps({"id": "long", "title": "Long", "abstract": "x" * 50_000})
    path.write_text("\n".join([*good_lines(), long, *good_lines()[:1]]) + "\n", encoding="utf-8")
    items = list(iter_papers([path]))
    assert good_titles(items) == sorted([r["title"] for r in GOOD_RECORDS] + [GOOD_RECORDS[0]["title"]])
    [problem] = problems(items)
    assert problem.line == 4 and "50,0" in problem.message and "skipped" in problem.message


def test_a_build_keeps_every_good_paper_beside_every_hostile_record(tmp_path):
    """`kg build` over one file with each hostile record of the probe: exit 0, one warning each, the good
    papers stored, and a 17 MB abstract cut below what the store can load."""
    huge_abstract = "We evaluate BERT on SQuAD. " * 650_000  # 17.5 MB
    hostile = [
        DEEP_RECORD.encode(),
        b'{"id": "nul", "title": "N\x00UL", "abstract": "x"}',
        b'{"id": "big", "title": "Big number", "abstract": "x", "upvotes": ' + HUGE_INTEGER.encode() + b"}",
        json.dumps(
            {"id": "huge", "title": "A paper with a 17 MB abstract", "abstract": huge_abstract}
        ).encode(),
    ]
    lines = [line.encode() for line in good_lines()]
    path = tmp_path / "papers.jsonl"
    path.write_bytes(b"\n".join([lines[0], *hostile, *lines[1:]]) + b"\n")
    process = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(path), "--out", str(tmp_path / "out"), "--no-html"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=tmp_path,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    assert "Traceback" not in process.stderr
    warnings = [line for line in process.stderr.splitlines() if line.startswith("warning: ")]
    for line_number in (2, 3, 4, 5):
        assert sum(f"papers.jsonl:{line_number}:" in line for line in warnings) == 1, warnings
    assert "kg keeps the first" in process.stderr
    with Store(tmp_path / "out" / "store", read_only=True) as store:
        titles = {str(row[0]) for row in store.query("SELECT ?t WHERE { ?p a kg:Paper ; schema:name ?t }")}
        abstract = store.query(
            "SELECT ?a WHERE { ?p schema:name 'A paper with a 17 MB abstract' ; schema:abstract ?a }"
        ).rows
    assert {record["title"] for record in GOOD_RECORDS} <= titles
    assert 0 < len(str(abstract[0][0]).encode()) <= MAX_STORED_BYTES


# -- kg serve refuses politely --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`kg serve --timeout 2 --workers 2` as its own process: (base URL, process, stderr file)."""
    from tests.test_site import make_store
    from tests.test_site_server import free_port

    folder = tmp_path_factory.mktemp("served-probe")
    store = make_store(folder / "store")
    port = free_port()
    log = (folder / "stderr").open("w+b")
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--bind", f"127.0.0.1:{port}"]
        + ["--timeout", "2", "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{base}/query", timeout=60, process=process)
        yield base, process, folder / "stderr"
    finally:
        stop(process)
        log.close()


def test_kg_serve_query_sends_no_request(served, listener):
    base, _, _ = served
    for text in service_queries(listener.url):
        for response in (
            requests.get(f"{base}/query", params={"query": text}, timeout=30),
            requests.post(f"{base}/query", data={"query": text}, timeout=30),
            requests.get(f"{base}/sparql", params={"query": text}, timeout=30),
        ):
            assert response.status_code in (200, 400), response.text
            assert "SERVICE is not accepted" in response.text
    assert settle(listener) == 0


def test_kg_serve_answers_a_crasher_with_too_complex(served):
    base, process, _ = served
    response = requests.post(f"{base}/query", data={"query": CRASHERS[0]}, timeout=30)
    assert response.status_code == 400 and "too complex" in response.text
    assert process.poll() is None


@pytest.mark.parametrize(
    "path",
    [
        "/method/a%20b",
        "/method/%00",
        "/paper/%1b%5b31mred",
        "/dataset/a%22b",
        "/task/%3Cx%3E",
        "/resource?iri=a%20b",
        "/resource?iri=%00",
        "/resource?iri=http://x/%1b]0;title%07",
        "/method/a%20b.json",
    ],
)
def test_page_keys_that_are_not_iris_answer_404(served, path):
    base, _, _ = served
    response = requests.get(base + path, timeout=30)
    assert response.status_code == 404, response.text[:300]


def test_the_log_has_no_traceback_and_no_raw_control_characters(served):
    base, _, stderr = served
    for path in ("/method/%1b%5b2J%1b]0;owned%07", "/resource?iri=%1b%5b31m%00"):
        requests.get(base + path, timeout=30)
    time.sleep(0.5)
    log = stderr.read_bytes().decode("utf-8", "replace")
    assert "Traceback" not in log
    assert not any(char in log for char in "\x1b\x07\x00")


def test_a_request_body_over_the_limit_is_refused_unread(served):
    base, process, _ = served
    from kg.site.app import MAX_BODY_BYTES

    def body():
        yield b"query=" + b"a" * 65536
        for _ in range(MAX_BODY_BYTES // 65536 + 16):
            yield b"a" * 65536

    response = requests.post(
        f"{base}/query",
        data=body(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert response.status_code == 413
    declared = requests.post(
        f"{base}/query",
        data=b"query=" + b"a" * (MAX_BODY_BYTES + 10),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert declared.status_code == 413 and process.poll() is None


def test_a_64_kb_get_query_is_accepted(served):
    base, _, _ = served
    text = "ASK { ?s ?p ?o } # " + "x" * 64_000
    response = requests.get(f"{base}/query", params={"query": text}, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_graph_view_as_json_is_not_html(served):
    base, _, _ = served
    response = requests.get(f"{base}/graph/view", params={"format": "json"}, timeout=30)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/json") and response.json()["message"]


def test_pages_answer_while_query_is_saturated(served):
    """More slow queries than the default thread pool has threads (40): a page still answers before
    they have all been dealt with."""
    base, _, _ = served
    assert requests.get(f"{base}/search", params={"q": "BERT"}, timeout=60).status_code == 200  # warm
    done: list[int] = []

    def slow() -> None:
        try:
            requests.post(f"{base}/query", data={"query": CROSS_JOIN}, timeout=120)
        finally:
            done.append(1)

    threads = [threading.Thread(target=slow, daemon=True) for _ in range(60)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # the queries are in: two run, the rest wait for a worker
    page = requests.get(f"{base}/search", params={"q": "BERT"}, timeout=60)  # a page answered on a thread
    answered_with = len(done)
    for thread in threads:
        thread.join(120)
    assert page.status_code == 200
    # Sharing the default pool's 40 threads, the page would queue behind the 20 queries that found none and
    # could answer only after at least 21 had (busy answers included). On threads of its own it answers at
    # once; the queries answered before it are only those the pool turned away meanwhile.
    assert answered_with <= 20, f"the page waited for {answered_with} of 60 queries"


# -- a --fresh build replaces the store only when the new one is complete ----------------------------------


def paper_count(store: Path) -> int:
    with Store(store, read_only=True) as opened:
        return int(opened.query("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }").rows[0][0])


def write_records(path: Path, count: int, prefix: str) -> None:
    records = [
        {
            "id": f"{prefix}{i}",
            "title": f"{prefix} paper {i}",
            "abstract": f"We fine-tune BERT on SQuAD ({i}).",
        }
        for i in range(count)
    ]
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")


def kg_build(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "build", *args, "--no-html", "--workers", "1"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_a_killed_fresh_build_leaves_the_previous_store_answering(tmp_path):
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    write_records(old, 3, "old")
    write_records(new, 400, "new")
    out = tmp_path / "out"
    first = kg_build(str(old), "--out", str(out), cwd=tmp_path)
    assert first.wait(600) == 0, first.stderr.read().decode()
    store = out / "store"
    assert paper_count(store) == 3
    fresh = kg_build(str(new), "--out", str(out), "--fresh", cwd=tmp_path)
    sibling = fresh_sibling(store)
    deadline = time.monotonic() + 300
    while not (sibling / "CURRENT").exists() and time.monotonic() < deadline and fresh.poll() is None:
        time.sleep(0.01)
    assert fresh.poll() is None, "the fresh build ended before it could be killed"
    time.sleep(1.0)  # well into the build: reading, extracting, loading
    fresh.kill()
    fresh.wait(60)
    assert paper_count(store) == 3  # the previous store, whole
    again = kg_build(str(new), "--out", str(out), "--fresh", cwd=tmp_path)
    assert again.wait(600) == 0, again.stderr.read().decode()
    assert paper_count(store) == 400 and not sibling.exists()


def test_a_named_pipe_with_no_writer_does_not_block_the_read(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.sources.PIPE_WAIT", 0.2)
    pipe = tmp_path / "papers.jsonl"
    os.mkfifo(pipe)
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(good_lines()) + "\n", encoding="utf-8")
    items = list(iter_papers([pipe, good]))
    assert good_titles(items) == [record["title"] for record in GOOD_RECORDS]
    [problem] = problems(items)
    assert problem.source == str(pipe) and "no program wrote" in problem.message


def test_a_named_pipe_with_a_writer_is_read(tmp_path):
    pipe = tmp_path / "papers.jsonl"
    os.mkfifo(pipe)

    def write() -> None:
        with pipe.open("w", encoding="utf-8") as out:
            out.write("\n".join(good_lines()) + "\n")

    threading.Thread(target=write, daemon=True).start()
    items = list(iter_papers([pipe]))
    assert good_titles(items) == [record["title"] for record in GOOD_RECORDS] and not problems(items)
