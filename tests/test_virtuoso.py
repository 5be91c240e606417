"""A real Virtuoso (Debian's virtuoso-opensource 7): `kg push` through its Digest login, `kg query --endpoint
--graph`, and answers longer than its ResultSetMaxRows.

One server for the module: `virtuoso-t` on 127.0.0.1 with ports, a database and a virtuoso.ini of its own
(ResultSetMaxRows 1000, so the sample's 2,538 labels are more than one answer holds), a user with
SPARQL_UPDATE made with isql, as the README tells a Virtuoso user to do. The server is stopped at the end,
whatever happened.
"""

from __future__ import annotations

import shlex
import socket
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kg.cli.query import query as query_command
from kg.cli.store import push as push_command
from kg.core.errors import EndpointError
from kg.core.resources import queries_dir
from kg.store import Store
from kg.store.remote import Endpoint
from tests.store_fixture import fixture_graph
from tests.virtuoso_server import INSTALL_HINT, ISQL, VIRTUOSO, Virtuoso, VirtuosoFailed, isql, started

pytestmark = pytest.mark.virtuoso
if VIRTUOSO is None or ISQL is None:
    pytest.skip(INSTALL_HINT, allow_module_level=True)

ROW_CAP = 1000  # the test server's ResultSetMaxRows
USER, PASSWORD = "kg_pusher", "push-pw-1"
SAMPLE_GRAPH = "https://example.org/kg-sample"
FIXTURE_GRAPH = "https://example.org/kg-fixture"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A running Virtuoso with a user allowed to update; stopped when the module's tests are done."""
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port = free_port()
    http_port = next(port for port in iter(free_port, None) if port != sql_port)
    try:
        with started(folder, sql_port=sql_port, http_port=http_port, cap=ROW_CAP) as server:
            isql(sql_port, f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); GRANT SPARQL_UPDATE TO \"{USER}\";")
            yield server
    except VirtuosoFailed as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def sample_store(sample_build) -> Path:
    """The store `kg build` makes of the bundled sample: a named graph per paper, the union as default."""
    return sample_build[0] / "store"


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fixture") / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    return path


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("KG_ENDPOINT_USER", USER)
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", PASSWORD)


def kg(command, *args: str):
    return CliRunner().invoke(command, list(args), catch_exceptions=False)


def push(virtuoso: Virtuoso, store: Path, graph: str, *options: str):
    """The README's command: `kg push --endpoint .../sparql-graph-crud-auth --graph IRI`."""
    return kg(
        push_command, "--endpoint", virtuoso.graph_store, "--graph", graph, "--store", str(store), *options
    )


@pytest.fixture(scope="module")
def pushed(virtuoso, sample_store, fixture_store):
    """Both stores pushed, each into its own named graph (logged in as the README's user)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_ENDPOINT_USER", USER)
        patch.setenv("KG_ENDPOINT_PASSWORD", PASSWORD)
        results = [
            push(virtuoso, sample_store, SAMPLE_GRAPH, "--chunk-size", "10000", "--replace"),
            push(virtuoso, fixture_store, FIXTURE_GRAPH, "--replace"),
        ]
    for result in results:
        assert result.exit_code == 0, result.output
    return results


def local_triples(store_dir: Path) -> Counter:
    with Store(store_dir, read_only=True) as store:
        return Counter(store.triples())


def test_push_logs_in_with_digest_and_loads_every_triple(virtuoso, fixture_store, sample_store, pushed):
    local = local_triples(sample_store)
    sample_count = len(local)
    assert set(local.values()) == {1}  # each triple once, though many papers' graphs share some
    assert f"pushed {sample_count} triples in {-(-sample_count // 10000)} chunk(s)" in pushed[0].output
    assert f"it now holds {sample_count} triples" in pushed[0].output
    every = Endpoint(virtuoso.sparql, default_graph=SAMPLE_GRAPH).query("SELECT * WHERE { ?s ?p ?o }")
    assert sample_count > 2 * ROW_CAP  # read in pages, past the server's cap
    assert Counter(every.rows) == local  # every triple, once
    remote = Endpoint(virtuoso.sparql).query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{FIXTURE_GRAPH}> {{ ?s ?p ?o }} }}"
    )
    assert Counter(remote.rows) == local_triples(fixture_store)


def test_refusals_say_whether_credentials_were_sent(virtuoso, fixture_store, sample_store, monkeypatch):
    graph = "https://example.org/refused"
    anonymous = push(virtuoso, fixture_store, graph)
    assert anonymous.exit_code == 4 and "no credentials were sent" in anonymous.output
    monkeypatch.setenv("KG_ENDPOINT_USER", USER)
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "not-the-password")
    wrong = push(virtuoso, fixture_store, graph)
    assert wrong.exit_code == 4
    assert f"refused the credentials of user '{USER}' (HTTP 401, Digest)" in wrong.output
    assert "not-the-password" not in wrong.output
    assert Endpoint(virtuoso.sparql).count(graph) == 0
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", PASSWORD)
    no_graph = kg(push_command, "--endpoint", virtuoso.graph_store, "--store", str(fixture_store))
    # Virtuoso answers 2xx to a dataset and loads none of it, and its default graph counts every graph it
    # holds (here the same triples, pushed into FIXTURE_GRAPH): no count could tell, so kg stops at once
    assert no_graph.exit_code == 4, no_graph.output
    assert "takes no dataset" in no_graph.output and "push with --graph IRI" in no_graph.output
    assert "<html>" not in no_graph.output


def example_commands() -> list[list[str]]:
    """Each shipped query's own example command (the `# Example: kg query ...` line in its header)."""
    commands = []
    for path in sorted(queries_dir().glob("*.rq")):
        header = [line.lstrip("# ").strip() for line in path.read_text().splitlines() if line.startswith("#")]
        line = next((h for h in header if h.startswith("Example: kg query")), None) or next(
            h for h in header if h.startswith("kg query")
        )
        commands.append(shlex.split(line.partition("kg query")[2]))
    return commands


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_example_queries_give_the_same_output_remotely(virtuoso, sample_store, pushed, fmt):
    rows = 0
    for args in example_commands():
        local = kg(query_command, *args, "--store", str(sample_store), "--format", fmt)
        remote = kg(
            query_command, *args, "--endpoint", virtuoso.sparql, "--graph", SAMPLE_GRAPH, "--format", fmt
        )
        assert local.exit_code == 0, local.output
        assert remote.output == local.output, (args, remote.output)
        rows += len(local.output.splitlines()) - 1
    assert rows > 0


def test_without_graph_virtuoso_answers_over_all_its_graphs(virtuoso, pushed):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    everything = kg(query_command, count, "--endpoint", virtuoso.sparql, "--format", "csv")
    one = kg(query_command, count, "--endpoint", virtuoso.sparql, "--graph", FIXTURE_GRAPH, "--format", "csv")
    assert int(one.output.split()[1]) == len(fixture_graph())
    assert int(everything.output.split()[1]) > int(one.output.split()[1])


def test_an_answer_longer_than_the_cap_is_read_whole(virtuoso, sample_store, pushed):
    labels = "SELECT ?entity ?label WHERE { ?entity skos:prefLabel ?label }"
    with Store(sample_store, read_only=True) as store:
        local = store.query(labels)
    assert len(local) > ROW_CAP  # else this test proves nothing
    raw = requests.post(
        virtuoso.sparql,
        data={
            "query": "SELECT ?e ?l WHERE { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
            "default-graph-uri": SAMPLE_GRAPH,
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert raw.headers["X-SPARQL-MaxRows"] == str(ROW_CAP)  # what the server does to an answer this long
    remote = Endpoint(virtuoso.sparql, default_graph=SAMPLE_GRAPH).query(labels)
    assert Counter(remote.rows) == Counter(local.rows)
    ordered = (
        "SELECT ?mention ?confidence WHERE { ?mention kg:confidence ?confidence } ORDER BY DESC(?confidence)"
    )
    args = [ordered, "--format", "csv"]
    by_confidence = kg(query_command, *args, "--endpoint", virtuoso.sparql, "--graph", SAMPLE_GRAPH)
    expected = kg(query_command, *args, "--store", str(sample_store))
    assert len(expected.output.splitlines()) > ROW_CAP + 1
    confidences = [line.rsplit(",", 1)[1] for line in by_confidence.output.splitlines()]
    assert confidences == [
        line.rsplit(",", 1)[1] for line in expected.output.splitlines()
    ]  # the query's order


def test_an_answer_that_cannot_be_read_whole_is_an_error(virtuoso, pushed):
    endpoint = Endpoint(virtuoso.sparql, default_graph=SAMPLE_GRAPH)
    with pytest.raises(EndpointError, match=f"cut the answer at {ROW_CAP} rows.*add an ORDER BY"):
        endpoint.query("SELECT ?entity WHERE { ?entity skos:prefLabel ?label } LIMIT 2000")
    with pytest.raises(EndpointError, match="Virtuoso cuts a CONSTRUCT answer"):
        endpoint.query("CONSTRUCT { ?entity skos:prefLabel ?label } WHERE { ?entity skos:prefLabel ?label }")
    small = endpoint.query(
        "CONSTRUCT { ?d skos:prefLabel ?label } WHERE { ?d a kg:Dataset ; skos:prefLabel ?label }"
    )
    assert 0 < len(small) <= ROW_CAP


def test_a_server_error_is_shown_with_the_users_query_and_not_retried(virtuoso, pushed):
    deep = (
        "SELECT ?s WHERE {\n  ?s ?p ?o\n}\nORDER BY ?s\nOFFSET 20000 LIMIT 10"  # past Virtuoso's sort limit
    )
    started = time.monotonic()
    result = kg(query_command, deep, "--endpoint", virtuoso.sparql, "--graph", SAMPLE_GRAPH)
    assert result.exit_code == 4
    assert "(HTTP 500): Virtuoso" in result.output and "SR353" in result.output
    assert deep in result.output and "PREFIX" not in result.output
    assert "attempts" not in result.output and time.monotonic() - started < 30
