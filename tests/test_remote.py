"""kg as a client of someone else's SPARQL server, against local stand-ins (pytest-httpserver): what it sends
again and what not, server errors, named graphs, and answers the server cut at its row cap.

The capped stand-in answers every query with pyoxigraph over the fixture graph, then cuts the answer at CAP
rows and says so in Virtuoso's header, X-SPARQL-MaxRows; tests/test_virtuoso.py does the same against a
real Virtuoso.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from werkzeug import Response

from kg.cli.query import query as query_command
from kg.cli.store import push as push_command
from kg.core.errors import EndpointError
from kg.core.namespaces import PREFIXES
from kg.read.query import format_result
from kg.store import QueryResult, Store
from kg.store.paging import paged_select
from kg.store.remote import Endpoint, query_url_for
from tests.store_fixture import fixture_graph

CAP = 40
# IRIs only: pyoxigraph 0.5 can abort sorting terms of mixed kinds ("does not correctly implement a total
# order"), and the pages sort by every column
ALL_TRIPLES = "SELECT ?s ?p WHERE { ?s ?p ?o }"
EMPTY = '{"head": {"vars": ["n"]}, "results": {"bindings": []}}'


@pytest.fixture(scope="module")
def fixture_store():
    store = Store(None)
    store.add(fixture_graph())
    yield store
    store.close()


def capped(fixture_store, seen: list, *, miscount: int = 0):
    """A handler answering like Virtuoso with ResultSetMaxRows = CAP (COUNT answers off by ``miscount``)."""

    def answer(request):
        query = request.form["query"]
        seen.append(query)
        result = fixture_store.query(query)
        if miscount and "COUNT(*)" in query:
            result = QueryResult("select", result.variables, [(Literal(int(result.rows[0][0]) + miscount),)])
        headers = {"X-SPARQL-MaxRows": str(CAP)} if len(result.rows) >= CAP else {}
        if result.kind == "graph":
            triples = Graph()
            for triple in result.rows[:CAP]:
                triples.add(triple)
            return Response(
                triples.serialize(format="nt"), content_type="application/n-triples", headers=headers
            )
        cut = QueryResult(result.kind, result.variables, result.rows[:CAP], result.boolean)
        return Response(
            format_result(cut, "json"), content_type="application/sparql-results+json", headers=headers
        )

    return answer


def test_a_capped_answer_is_read_whole_in_pages(httpserver, fixture_store):
    seen: list[str] = []
    httpserver.expect_request("/sparql").respond_with_handler(capped(fixture_store, seen))
    result = Endpoint(httpserver.url_for("/sparql")).query(ALL_TRIPLES)
    local = fixture_store.query(ALL_TRIPLES)
    assert len(local) > 3 * CAP
    assert Counter(result.rows) == Counter(local.rows)
    pages = -(-len(local) // CAP) + (len(local) % CAP == 0)
    assert len(seen) == 1 + pages + 1  # the first answer, every page, and the count that checks them
    assert all(f"OFFSET {i * CAP} LIMIT {CAP}" in query for i, query in enumerate(seen[1:-1]))


def test_an_answer_ended_by_the_querys_own_limit_is_whole(httpserver, fixture_store):
    seen: list[str] = []
    httpserver.expect_request("/sparql").respond_with_handler(capped(fixture_store, seen))
    result = Endpoint(httpserver.url_for("/sparql")).query(ALL_TRIPLES + f" LIMIT {CAP}")
    assert len(result) == CAP and len(seen) == 1  # the server's cap cut nothing the query asked for


def test_pages_keep_the_querys_own_order(httpserver, fixture_store):
    httpserver.expect_request("/sparql").respond_with_handler(capped(fixture_store, []))
    ordered = "SELECT ?s ?p WHERE { ?s ?p ?o } ORDER BY DESC(?p)"
    result = Endpoint(httpserver.url_for("/sparql")).query(ordered)
    local = fixture_store.query(ordered)
    assert [row[1] for row in result.rows] == [row[1] for row in local.rows]


def test_a_capped_answer_that_cannot_be_paged_is_an_error(httpserver, fixture_store):
    httpserver.expect_request("/sparql").respond_with_handler(capped(fixture_store, []))
    endpoint = Endpoint(httpserver.url_for("/sparql"))
    with pytest.raises(EndpointError, match=f"cut the answer at {CAP} rows .*add an ORDER BY"):
        endpoint.query(ALL_TRIPLES + f" LIMIT {3 * CAP}")
    with pytest.raises(EndpointError, match=r"ORDER BY uses \?p, which the SELECT does not return"):
        endpoint.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?p")
    result = CliRunner().invoke(
        query_command, ["--endpoint", httpserver.url_for("/sparql"), "CONSTRUCT WHERE { ?s ?p ?o }"]
    )
    assert result.exit_code == 4 and "does not pass off part of an answer as all of it" in result.output


def test_pages_that_do_not_add_up_are_an_error(httpserver, fixture_store):
    httpserver.expect_request("/sparql").respond_with_handler(capped(fixture_store, [], miscount=1))
    with pytest.raises(EndpointError, match="did the graph change meanwhile"):
        Endpoint(httpserver.url_for("/sparql")).query(ALL_TRIPLES)


def test_a_partial_answer_is_an_error(httpserver):
    body = '{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "17"}}]}}'
    headers = {
        "X-SQL-State": "S1TAT",
        "X-SQL-Message": "RC...: Returning incomplete results, query interrupted",
    }
    httpserver.expect_request("/sparql").respond_with_data(
        body, content_type="application/sparql-results+json", headers=headers
    )
    with pytest.raises(EndpointError, match="time limit and sent part of the answer.*incomplete results"):
        Endpoint(httpserver.url_for("/sparql")).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def test_a_server_error_is_not_sent_again_and_shows_the_users_query(httpserver):
    user_query = "SELECT ?s WHERE {\n  ?s a kg:Paper\n}"
    echo = "Virtuoso 37000 Error SP031: SPARQL: Internal error\n\nSPARQL query:\nPREFIX kg: <x> SELECT ?s"
    httpserver.expect_request("/sparql").respond_with_data(echo, status=500)
    result = CliRunner().invoke(query_command, ["--endpoint", httpserver.url_for("/sparql"), user_query])
    assert result.exit_code == 4
    assert "(HTTP 500): Virtuoso 37000 Error SP031: SPARQL: Internal error" in result.output
    assert user_query in result.output and "PREFIX" not in result.output
    assert len(httpserver.log) == 1


def test_a_gateway_timeout_is_not_sent_again(httpserver):
    httpserver.expect_request("/sparql").respond_with_data("gateway timeout", status=504)
    with pytest.raises(EndpointError, match="HTTP 504.*not sent again"):
        Endpoint(httpserver.url_for("/sparql"), backoff=0.01).query("SELECT ?n {}")
    assert len(httpserver.log) == 1


def test_a_busy_server_is_asked_again(httpserver):
    httpserver.expect_ordered_request("/sparql").respond_with_data(
        "busy", status=503, headers={"Retry-After": "0"}
    )
    httpserver.expect_ordered_request("/sparql").respond_with_data(EMPTY, content_type="application/json")
    assert Endpoint(httpserver.url_for("/sparql"), backoff=0.01).query("SELECT ?n {}").rows == []


def test_a_chunk_is_not_sent_again_after_a_gateway_error(httpserver, tmp_path):
    httpserver.expect_request("/store").respond_with_data("bad gateway", status=502)
    with Store(tmp_path / "store") as store:
        store.add(fixture_graph())
    result = CliRunner().invoke(
        push_command,
        ["--endpoint", httpserver.url_for("/store"), "--store", str(tmp_path / "store"), "--retries", "3"],
    )
    assert result.exit_code == 4
    assert "HTTP 502" in result.output and "chunk 1 may or may not have been loaded" in result.output
    assert len(httpserver.log) == 1


def test_graph_names_the_default_graph(httpserver):
    httpserver.expect_request("/sparql").respond_with_data(
        EMPTY, content_type="application/sparql-results+json"
    )
    args = ["--endpoint", httpserver.url_for("/sparql"), "SELECT ?n {}", "--graph", "https://example.org/g"]
    assert CliRunner().invoke(query_command, args).exit_code == 0
    request, _ = httpserver.log[0]
    assert request.form["default-graph-uri"] == "https://example.org/g"
    bad = CliRunner().invoke(query_command, [*args[:-1], "not an iri> }"])
    assert bad.exit_code == 2 and "invalid graph IRI" in bad.output
    local = CliRunner().invoke(
        query_command, ["SELECT ?n {}", "--graph", "https://example.org/g", "--store", "no-such-store"]
    )
    assert local.exit_code == 3 and "kg build" in local.output  # --graph is taken locally too


def test_paged_queries_are_valid_sparql():
    query = (
        "PREFIX ex: <https://example.org/>\n# a comment { with braces }\n"
        "SELECT DISTINCT ?s (COUNT(?o) AS ?n) FROM <https://example.org/g> FROM NAMED ex:h\n"
        "WHERE { ?s ex:p ?o } GROUP BY ?s ORDER BY DESC(?n) # the biggest first"
    )
    plan = paged_select(query, ["s", "n"])
    for text in (plan.page(80, 40), plan.page(80, 40, sort_inside=True), plan.count()):
        ox.Store().query(text, prefixes=PREFIXES)  # parses
        outer = text[: text.index("WHERE")]
        assert "FROM <https://example.org/g>" in outer and "FROM NAMED ex:h" in outer
    assert plan.order_keys.startswith("DESC(?n)") and plan.page(80, 40).endswith("OFFSET 80 LIMIT 40")


def test_query_url_beside_virtuosos_graph_store():
    assert query_url_for("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert query_url_for("http://h:7878/store") == "http://h:7878/query"
