"""The SPARQL guard (kg/store/guard.py) and the local `kg query` behind it: updates, SERVICE, deep nesting,
over-long queries and Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.query import query as query_command
from kg.store import Store
from kg.store.guard import MAX_DEPTH, MAX_QUERY_CHARS, GuardError, check_query
from tests.store_fixture import fixture_graph

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def nested(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("guard") / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    return path


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
        "delete { ?s ?p ?o } insert { ?s ?p 1 } where { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(update):
    with pytest.raises(GuardError, match="updates are not accepted"):
        check_query(update)


@pytest.mark.parametrize(
    "service",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { ?x ?y ?z . service silent <http://example.org/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }",  # escaped keyword
        "PREFIX ex: <http://e/> SELECT * { OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } }",
        # Oxigraph reads keywords without a word boundary: `SERVICE:x {` is a SERVICE to the IRI :x
        "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?s ?p ?o } }",
        "PREFIX service: <http://e/> SELECT * { service:x { ?s ?p ?o } }",
        # an escaped character ending a prefixed name hid the rest of the line from the old scan
        "PREFIX : <http://x/> SELECT * { OPTIONAL { ?a ?b :a\\# }\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "PREFIX : <http://x/> SELECT * { ?a ?b :a\\' . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(service):
    with pytest.raises(GuardError, match="SERVICE is not accepted"):
        check_query(service)


@pytest.mark.parametrize(
    "harmless",
    [
        'SELECT ?s WHERE { ?s schema:name "SERVICE { { { INSERT" }',  # keywords and braces in a string
        "SELECT ?service WHERE { ?service a kg:Paper } # SERVICE <http://x/> in a comment",
        "SELECT ?s WHERE { ?s <urn:x:SERVICE> ?o }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:service ?o . ?service ex:insert ?o }",
        "ASK { }",
        "DESCRIBE <urn:a>",
        nested(MAX_DEPTH - 1),
    ],
)
def test_ordinary_queries_pass(harmless):
    check_query(harmless)


@pytest.mark.parametrize("opener,closer", [("{", "}"), ("(", ")"), ("[", "]")])
def test_deep_nesting_is_refused_before_parsing(opener, closer):
    query = "SELECT * WHERE { ?s ?p " + opener * 3000 + closer * 3000 + " }"
    with pytest.raises(GuardError, match="nests 300[01] levels deep"):
        check_query(query)


def test_escaped_braces_count_too():
    with pytest.raises(GuardError, match="levels deep"):
        check_query("SELECT * WHERE " + "\\u007B" * 200 + "?s ?p ?o" + "\\u007D" * 200)


def test_long_query_is_refused():
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_QUERY_CHARS
    with pytest.raises(GuardError, match="characters long"):
        check_query(query)


def invoke(*args: str):
    return CliRunner().invoke(query_command, list(args))


def test_kg_query_refuses_an_update(store_dir):
    result = invoke("--store", str(store_dir), "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert result.exit_code == 2
    assert "updates are not accepted" in result.output and "Traceback" not in result.output
    count = invoke("--store", str(store_dir), "ASK { <urn:a> ?p ?o }")
    assert count.output.strip() == "false"


def test_kg_query_refuses_service_without_sending_anything(store_dir, httpserver):
    url = httpserver.url_for("/sparql")
    result = invoke("--store", str(store_dir), f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert result.exit_code == 2 and "SERVICE is not accepted" in result.output
    assert httpserver.log == []


def test_kg_query_deep_nesting_is_an_error_not_a_crash(store_dir):
    # in a real process: a stack overflow would kill it with a signal, not exit 2
    process = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--store", str(store_dir), nested(5000)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 2, process.stderr
    assert "nests 5000 levels deep" in process.stderr and "Traceback" not in process.stderr


def store_is_open(pid: int, store_dir) -> bool:
    """True once the process has a file of the store open."""
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return any(link.startswith(str(store_dir)) for link in links)


def test_kg_query_stops_on_ctrl_c(store_dir):
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "query", "--store", str(store_dir), CROSS_JOIN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not store_is_open(process.pid, store_dir):
            time.sleep(0.1)
        time.sleep(0.5)  # store open: the query is running (it would run for hours)
        assert process.poll() is None, process.stderr.read()
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        assert time.monotonic() - sent < 5
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr


def test_kg_query_endpoint_refuses_service_locally(httpserver):
    result = invoke(
        "--endpoint",
        httpserver.url_for("/query"),
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    )
    assert result.exit_code == 2 and "SERVICE is not accepted" in result.output
    assert httpserver.log == []


def test_kg_query_endpoint_does_not_retry_a_read_timeout():
    """A server that takes the query and never answers: one request, not one per retry."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)  # read nothing, answer nothing

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    try:
        result = invoke("--endpoint", url, "--timeout", "0.5", "--retries", "3", "ASK { ?s ?p ?o }")
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
    assert result.exit_code == 4 and "not sent again" in result.output
    assert len(accepted) == 1
