"""A real `kg serve` process on a free port, attacked as the issue describes: deep nesting, a runaway cross
join under --timeout 2, SERVICE to a local listener, updates; and read by rdflib's SPARQLStore."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from kg.core.namespaces import KG
from kg.store.server import PoolBusy, QueryPool, QueryTimeout, stop, wait_until_ready
from tests.test_guard import CROSS_JOIN
from tests.test_site import make_store, site_pairs

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("served") / "store")


@pytest.fixture(scope="module")
def server(store_dir):
    """`kg serve --timeout 2` as its own process: (base URL, process)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--store",
            str(store_dir),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "2",
            "--workers",
            "3",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{base}/query", timeout=60, process=process)
        yield base, process
    finally:
        stop(process)


def ask(base: str, timeout: float = 10) -> bool:
    response = requests.get(f"{base}/query", params={"query": "ASK { ?s a kg:Paper }"}, timeout=timeout)
    response.raise_for_status()
    return response.json()["boolean"]


def worker_pids(pid: int) -> set[int]:
    children = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children |= {int(p) for p in (task / "children").read_text().split()}
    return children


def test_deep_nesting_gets_an_error_and_the_server_lives(server):
    base, process = server
    query = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    response = requests.post(f"{base}/query", data={"query": query}, timeout=10)
    assert response.status_code == 400 and "levels deep" in response.text
    assert process.poll() is None
    assert ask(base) is True


def test_runaway_query_is_stopped_while_light_queries_answer(server):
    base, process = server
    before = worker_pids(process.pid)
    outcome: dict[str, object] = {}

    def runaway() -> None:
        response = requests.get(f"{base}/query", params={"query": CROSS_JOIN}, timeout=60)
        outcome["status"], outcome["text"] = response.status_code, response.text

    thread = threading.Thread(target=runaway)
    thread.start()
    answered_meanwhile = 0
    while thread.is_alive():
        assert ask(base, timeout=30) is True
        answered_meanwhile += thread.is_alive()  # answered while the runaway still ran
    thread.join()
    assert outcome["status"] == 500 and "time limit" in outcome["text"]
    assert answered_meanwhile >= 1  # the other workers answered all along
    deadline = time.monotonic() + 30  # the runaway's worker was killed (CPU and memory freed) and replaced
    while time.monotonic() < deadline and len(worker_pids(process.pid)) < len(before):
        time.sleep(0.2)
    after = worker_pids(process.pid)
    (killed,) = before - after
    assert not Path(f"/proc/{killed}").exists() or "zombie" in Path(f"/proc/{killed}/status").read_text()
    assert len(after) == len(before)


def test_service_never_reaches_a_local_listener(server):
    base, _ = server
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(2)
    port = listener.getsockname()[1]
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response = requests.get(f"{base}/query", params={"query": query}, timeout=10)
        assert response.status_code == 400 and "SERVICE is not accepted" in response.text
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called
    finally:
        listener.close()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"data": "DELETE WHERE { ?s ?p ?o }", "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"query": "DROP ALL"}},
    ],
)
def test_updates_are_refused(server, kwargs):
    base, _ = server
    response = requests.post(f"{base}/query", timeout=10, **kwargs)
    assert response.status_code == 403 and "updates are not accepted" in response.text
    count = requests.get(
        f"{base}/query", params={"query": "SELECT (COUNT(*) AS ?n) { ?p a kg:Paper }"}, timeout=10
    )
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) == len(site_pairs())


def test_rdflib_sparqlstore_reads_the_endpoint(server):
    base, _ = server
    graph = Graph(store=SPARQLStore(f"{base}/query"))
    papers = set(graph.subjects(RDF.type, KG.Paper))
    assert len(papers) == len(site_pairs())
    rows = list(
        graph.query(f"SELECT ?title WHERE {{ ?p a <{KG.Paper}> ; <https://schema.org/name> ?title }}")
    )
    assert "Squeeze-and-Excitation Networks" in {str(row[0]) for row in rows}
    assert URIRef("https://w3id.org/kg-ml/id/paper/1709.01507") in papers


def test_many_requests_at_once(server):
    base, _ = server
    urls = [f"{base}/", f"{base}/dataset/imagenet", f"{base}/method/eagle-3", f"{base}/search?q=BERT"] * 8

    def fetch(url: str) -> int:
        return requests.get(url, timeout=30).status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(fetch, urls + [f"{base}/query?query=ASK%7B%7D"] * 16))
    assert statuses == [200] * len(statuses)


def test_pool_stops_a_runaway_and_replaces_its_worker(store_dir):
    with QueryPool(store_dir, workers=1, timeout=1.5) as pool:
        (first,) = {worker.process.pid for worker in pool._workers}
        outcome: dict[str, Exception] = {}
        may_respawn = threading.Event()
        spawn = pool._spawn

        def gated_spawn():  # the successor starts when the test says so, not when the clock allows
            may_respawn.wait()
            return spawn()

        pool._spawn = gated_spawn

        def runaway() -> None:
            try:
                pool.run(CROSS_JOIN)
            except QueryTimeout as error:
                outcome["error"] = error

        thread = threading.Thread(target=runaway)
        thread.start()
        while not pool._idle.empty():  # the runaway has taken the one worker
            time.sleep(0.01)
        with pytest.raises(PoolBusy):  # the one worker stays busy past the time limit, then is gone
            pool.run("ASK { ?s ?p ?o }")
        thread.join()
        assert "time limit" in str(outcome["error"]) and pool.killed == 1
        assert not Path(f"/proc/{first}").exists()  # killed and reaped before run() raised
        may_respawn.set()
        deadline = time.monotonic() + 120  # against a hang only: a successor that never starts
        while True:  # a fresh worker answers once it has started
            try:
                assert pool.run("ASK { ?s ?p ?o }") == ("ask", b'{"head":{},"boolean":true}')
                break
            except PoolBusy:
                assert time.monotonic() < deadline
        assert {worker.process.pid for worker in pool._workers} != {first}
