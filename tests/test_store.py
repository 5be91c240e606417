"""The Oxigraph store: incremental adds, deterministic dumps, persistence and clean failures."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from kg.core.errors import StoreError
from kg.core.namespaces import KG, KGR
from kg.store import Store
from tests.store_fixture import fixture_graph


@pytest.fixture(scope="module")
def graph() -> Graph:
    return fixture_graph()


def as_graph(triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(f"missing: {sorted(only_expected)[:5]}\nextra: {sorted(only_actual)[:5]}")


@pytest.mark.parametrize("on_disk", [False, True])
def test_add_is_idempotent_and_round_trips(graph, tmp_path, on_disk):
    store = Store(tmp_path / "store" if on_disk else None)
    assert store.add(graph) == len(graph)
    assert store.add(graph, batch_size=7) == 0
    assert len(store) == len(graph)
    assert_isomorphic(graph, as_graph(store.triples()))


def test_literals_keep_their_datatypes_and_languages():
    triples = [
        (KGR["x"], KG.value, Literal("83.4%")),
        (KGR["x"], KG.numericValue, Literal("83.4", datatype=XSD.decimal)),
        (KGR["x"], KG.startOffset, Literal(3)),
        (KGR["x"], KG.sentence, Literal("une phrase", lang="fr")),
    ]
    store = Store(None)
    store.add(triples)
    assert set(store.triples()) == set(triples)


def test_dump_is_byte_identical_whatever_the_insertion_order(graph, tmp_path):
    triples = list(graph)
    shuffled = triples[:]
    random.Random(7).shuffle(shuffled)
    first, second = Store(None), Store(tmp_path / "store")
    first.add(triples)
    second.add(shuffled, batch_size=13)
    for fmt in ("turtle", "ntriples", "jsonld"):
        a = first.dump(tmp_path / f"a.{fmt}", fmt).read_bytes()
        b = second.dump(tmp_path / f"b.{fmt}", fmt).read_bytes()
        assert a == b, fmt
    second.close()


def test_turtle_dump_uses_kg_prefixes_and_parses_back(graph, tmp_path):
    store = Store(None)
    store.add(graph)
    path = store.dump(tmp_path / "graph.ttl")
    text = path.read_text(encoding="utf-8")
    assert "@prefix kg: <https://w3id.org/kg-ml/ns#> ." in text
    assert_isomorphic(graph, Graph().parse(path, format="turtle"))


def test_failed_dump_leaves_the_previous_file(graph, tmp_path):
    store = Store(None)
    store.add(graph)
    target = tmp_path / "graph.ttl"
    target.write_text("previous")
    with pytest.raises(StoreError):
        store.dump(target, "no-such-format")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_store_persists_and_clears(graph, tmp_path):
    with Store(tmp_path / "store") as store:
        store.add(graph)
    with Store(tmp_path / "store", read_only=True) as store:
        assert len(store) == len(graph)
        with pytest.raises(StoreError, match="read-only"):
            store.add([(KGR["a"], KG.value, Literal("1"))])
    with Store(tmp_path / "store") as store:
        store.clear()
        assert len(store) == 0


def test_load_file_bulk_loads(graph, tmp_path):
    source = tmp_path / "g.nt"
    graph.serialize(source, format="nt", encoding="utf-8")
    with Store(tmp_path / "store") as store:
        store.load_file(source)
        assert len(store) == len(graph)


def test_missing_store_says_to_build(tmp_path):
    with pytest.raises(StoreError, match="kg build"):
        Store(tmp_path / "nothing", read_only=True)
    assert not (tmp_path / "nothing").exists()


def tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()


def corrupt_store(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt"
    with Store(path) as store:
        store.add([(KGR["a"], KG.value, Literal("1"))])
    (path / "CURRENT").write_text("garbage\n")
    return path


@pytest.mark.parametrize("read_only", [True, False])
def test_corrupt_store_is_reported_and_left_alone(tmp_path, read_only):
    path = corrupt_store(tmp_path)
    before = tree_digest(path)
    with pytest.raises(StoreError, match="corrupt"):
        Store(path, read_only=read_only)
    assert tree_digest(path) == before


@pytest.mark.parametrize("read_only", [True, False])
def test_an_unrelated_folder_is_not_written_into(tmp_path, read_only):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="not a kg store"):
        Store(tmp_path / "dir", read_only=read_only)
    assert [p.name for p in (tmp_path / "dir").iterdir()] == ["notes.txt"]


HOLD_STORE = textwrap.dedent("""
    import sys
    from kg.store import Store
    store = Store(sys.argv[1])
    print("open", flush=True)
    sys.stdin.read()
""")


@pytest.fixture
def held_store(tmp_path, graph):
    """A store another process has open for writing (as a running `kg build` would)."""
    path = tmp_path / "store"
    with Store(path) as store:
        store.add(graph)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "open"
    yield path
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.parametrize("read_only", [True, False])
def test_store_locked_by_another_process(held_store, read_only):
    with pytest.raises(StoreError, match="locked"):
        Store(held_store, read_only=read_only)


def test_two_readers_share_a_store(tmp_path, graph):
    with Store(tmp_path / "store") as store:
        store.add(graph)
    with Store(tmp_path / "store", read_only=True) as a, Store(tmp_path / "store", read_only=True) as b:
        assert len(a) == len(b) == len(graph)


def test_query_results_are_rdflib_terms(graph):
    store = Store(None)
    store.add(graph)
    result = store.query("SELECT ?m ?label WHERE { ?m a kg:Method ; skos:prefLabel ?label } ORDER BY ?label")
    assert result.variables == ["m", "label"]
    assert result.rows[0] == (URIRef(KGR["method/bert"]), Literal("BERT"))
    assert store.query("ASK { ?s a kg:Paper }").boolean is True
    construct = store.query("CONSTRUCT { ?p a kg:Paper } WHERE { ?p a kg:Paper }")
    assert construct.kind == "graph" and len(construct) == 4


def test_ntriples_chunks_stream_the_whole_graph_in_bounded_pieces(graph):
    store = Store(None)
    store.add(graph)
    chunks = list(store.ntriples_chunks(7))
    assert all(0 < count <= 7 for _, count in chunks)
    assert sum(count for _, count in chunks) == len(store) == len(graph)
    lines = sorted(line for data, _ in chunks for line in data.splitlines() if line)
    assert lines == store.ntriples_lines()


def test_a_file_written_canonically_has_the_bytes_of_a_store_holding_it(graph, tmp_path):
    """write_canonical (a fresh build's graph.ttl from its spool) against Store.write from an on-disk
    store: lexical forms the store normalises (01, 1.50, 1e0), languages, a triple twice, a named graph."""
    from kg.store.oxigraph import write_canonical

    odd = (
        '<https://w3id.org/kg-ml/id/x> <https://w3id.org/kg-ml/ns#value> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        '<https://w3id.org/kg-ml/id/x> <https://w3id.org/kg-ml/ns#value> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
        '<https://w3id.org/kg-ml/id/x> <https://w3id.org/kg-ml/ns#value> "1e0"^^<http://www.w3.org/2001/XMLSchema#double> .\n'
        '<https://w3id.org/kg-ml/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "Zoo"@EN-gb .\n'
        '<https://w3id.org/kg-ml/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "tab\\there"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
    )
    source = tmp_path / "spool.nt"
    source.write_bytes(graph.serialize(format="nt", encoding="utf-8") + (odd * 2).encode())
    with Store(tmp_path / "store") as store:
        store.load_file(source, "ntriples", trusted=True)
        store.add(list(graph)[:50], graph="https://w3id.org/kg-ml/id/graph/other")  # the same triples again
        expected = tmp_path / "from-store.ttl"
        with open(expected, "wb") as out:
            expected_count = store.write(out, "turtle")
    written = write_canonical(source, "ntriples", tmp_path / "canonical.ttl")
    assert (tmp_path / "canonical.ttl").read_bytes() == expected.read_bytes()
    assert written == expected_count == len(graph) + 5


def test_file_triples_are_the_store_triples_of_those_predicates(graph, tmp_path):
    from kg.store.oxigraph import file_triples

    source = tmp_path / "g.nt"
    graph.serialize(source, format="nt", encoding="utf-8")
    predicates = sorted({str(p) for _, p, _ in graph})[:3]
    with Store(None) as store:
        store.load_file(source, "ntriples")
        values = " ".join(f"<{p}>" for p in predicates)
        expected = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}").rows
    found = file_triples(source, "ntriples", predicates)
    assert 0 < len(found) < len(graph)
    assert sorted(found) == sorted(expected)
