"""The store's default graph is a set, on the sample `kg build` makes: each triple once in every read, while
the named graphs (one per paper) keep what each paper says, and FROM, FROM NAMED, GRAPH and the protocol's
dataset get what SPARQL 1.1 says they get."""

from __future__ import annotations

import pytest
from rdflib import Graph
from starlette.testclient import TestClient

from kg.builder import build
from kg.core.resources import sample_paths
from kg.graph.iris import VOCABULARY_GRAPH
from kg.site.app import create_app
from kg.site.data import COUNT_NAMES, SiteData
from kg.sources import read_papers
from kg.store import Store

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def number(store: Store, sparql: str) -> int:
    return int(store.query(sparql).rows[0][0])


@pytest.fixture(scope="module")
def sample(sample_build):
    out, summary = sample_build
    with Store(out / "store", read_only=True) as store:
        yield out, summary, store


def test_the_default_graph_holds_each_triple_of_graph_ttl_once(sample):
    out, summary, store = sample
    turtle = Graph().parse(out / "graph.ttl", format="turtle")
    assert number(store, COUNT_ALL) == len(turtle) == summary.triples == len(store)
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert number(store, distinct) == len(turtle)
    in_graphs = number(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert in_graphs > len(turtle)  # shared triples (an entity's type) are in many papers' graphs
    assert sum(1 for _ in store.triples()) == len(turtle)


def test_counts_count_each_node_once(sample):
    _, summary, store = sample
    for rdf_class in ("Method", "Technique", "Dataset", "Metric", "Task"):
        plain = number(store, f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a kg:{rdf_class} }}")
        assert plain == number(store, f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a kg:{rdf_class} }}")
    methods = number(store, "SELECT (COUNT(?m) AS ?n) WHERE { ?m a kg:Method }")
    assert methods > summary.counts["methods"] > 0  # the summary counts methods papers use or propose
    name = 'SELECT (COUNT(*) AS ?n) WHERE { technique:contrastive-learning kg:canonicalName "contrastive learning" }'
    assert number(store, name) == 1


def test_from_and_graph_get_sparql_semantics(sample):
    _, _, store = sample
    assert number(store, "SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }") == 0
    paper_graph = next(g for g in store.named_graphs() if "/paper/" in g)
    in_graph = number(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{paper_graph}> {{ ?s ?p ?o }} }}")
    assert 0 < in_graph < len(store)
    assert number(store, f"SELECT (COUNT(*) AS ?n) FROM <{paper_graph}> WHERE {{ ?s ?p ?o }}") == in_graph
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{paper_graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert number(store, named) == in_graph
    graphs = number(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs == len(store.named_graphs()) == len(read_papers(sample_paths())[0]) + 2  # + vocab, names
    vocabulary = store.query(COUNT_ALL, default_graphs=[str(VOCABULARY_GRAPH)])
    assert 0 < int(vocabulary.rows[0][0]) < len(store)
    nothing = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=[str(VOCABULARY_GRAPH)]
    )
    assert int(nothing.rows[0][0]) == 0  # the protocol's dataset names no named graph: none in it


def test_the_home_page_counts_distinct_nodes(sample):
    out, _, _ = sample
    with Store(out / "store", read_only=True) as store:
        distinct = {
            name: number(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a kg:{rdf_class} }}")
            for rdf_class, name in COUNT_NAMES.items()
        }
    data = SiteData.open(out / "store")
    try:
        assert data.home.counts == distinct
    finally:
        data.close()


def test_kg_serve_query_honours_from_and_the_protocols_dataset(sample):
    out, _, store = sample
    paper_graph = next(g for g in store.named_graphs() if "/paper/" in g)
    in_graph = number(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{paper_graph}> {{ ?s ?p ?o }} }}")
    with TestClient(create_app(out / "store", workers=1, timeout=30)) as client:

        def count(query: str, **dataset) -> int:
            response = client.get("/query", params={"query": query, **dataset})
            assert response.status_code == 200, response.text
            return int(response.json()["results"]["bindings"][0]["n"]["value"])

        assert count(COUNT_ALL) == len(store)
        assert count("SELECT (COUNT(*) AS ?n) FROM <urn:nonexistent> WHERE { ?s ?p ?o }") == 0
        assert count(COUNT_ALL, **{"default-graph-uri": paper_graph}) == in_graph
        assert count(COUNT_ALL, **{"default-graph-uri": "urn:nonexistent"}) == 0
        form = {
            "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": paper_graph,
        }
        response = client.post("/query", data=form)
        assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == in_graph


def test_an_incremental_build_of_the_sample_equals_a_fresh_one(sample, tmp_path):
    out, _, store = sample
    papers = sample_paths()
    half = tmp_path / "half"
    build(papers[: len(papers) // 2], half, html=False)  # a store of some papers, then all of them added
    build(None, half, html=False)
    with Store(half / "store", read_only=True) as grown:
        assert grown.ntriples_lines() == store.ntriples_lines()
        assert grown.graph_sizes() == store.graph_sizes()
    assert (half / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


def test_several_from_graphs_merge_into_a_set():
    """SPARQL 1.1: the default graph of FROM <a> FROM <b> is their RDF merge, a triple both hold once."""
    from rdflib import URIRef

    a, b, c = (URIRef(f"http://example.org/{name}") for name in "abc")
    with Store(None) as store:
        store.add([(a, b, c)], graph="http://example.org/g1")
        store.add([(a, b, c), (a, b, a)], graph="http://example.org/g2")
        both = (
            "PREFIX ex: <http://example.org/> SELECT (COUNT(*) AS ?n) FROM ex:g1 FROM <http://example.org/g2>"
        )
        assert number(store, both + " WHERE { ?s ?p ?o }") == 2
        named = both + " FROM NAMED ex:g1 WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert number(store, named) == 1
        protocol = store.query(COUNT_ALL, default_graphs=["http://example.org/g1", "http://example.org/g2"])
        assert int(protocol.rows[0][0]) == 2
        assert number(store, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/g2> WHERE { ?s ?p ?o }") == 2
        commented = "SELECT (COUNT(*) AS ?n) # FROM <http://example.org/g1>\nWHERE { ?s ?p ?o }"
        assert number(store, commented) == 2  # the default graph: a, b, c once and a, b, a


def test_kg_query_graph_reads_one_papers_graph_locally(sample):
    from click.testing import CliRunner

    from kg.cli.query import query as query_command

    out, _, store = sample
    paper_graph = next(g for g in store.named_graphs() if "/paper/" in g)
    in_graph = number(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{paper_graph}> {{ ?s ?p ?o }} }}")
    args = [COUNT_ALL, "--store", str(out / "store"), "--format", "csv"]
    whole = CliRunner().invoke(query_command, args)
    one = CliRunner().invoke(query_command, [*args, "--graph", paper_graph])
    assert whole.exit_code == one.exit_code == 0, one.output
    assert whole.output.split()[1] == str(len(store)) and one.output.split()[1] == str(in_graph)
