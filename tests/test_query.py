"""SPARQL through the store and `kg query`: parameters, errors, result formats and the example queries."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.cli.query import query as query_command
from kg.core.errors import QueryError
from kg.core.namespaces import KG, KGR, SCHEMA
from kg.core.resources import queries_dir
from kg.read.query import format_result, read_query, run_query
from kg.store import QueryResult, Store
from kg.store.sparql import bind_params, parse_param, tokens, where_group_start
from tests.store_fixture import fixture_graph


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("query") / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    return path


@pytest.fixture(scope="module")
def memory_store():
    store = Store(None)
    store.add(fixture_graph())
    return store


def run(args, **kwargs):
    return CliRunner().invoke(query_command, args, catch_exceptions=False, **kwargs)


# -- parameters ---------------------------------------------------------------------------------------------


def test_hostile_parameter_is_one_literal_never_query_text(memory_store):
    hostile = "x\" } ; DELETE WHERE { ?s ?p ?o } #'}"
    query = "SELECT ?title WHERE { ?p schema:name ?title }"
    assert memory_store.query(query, params={"title": hostile}).rows == []
    bound = bind_params(query, {"title": hostile})
    braces = [t.kind for t in tokens(bound) if t.kind in "{}"]
    assert braces == ["{", "{", "}", "}"]  # the value stayed inside one string token
    assert len(memory_store) == len(fixture_graph())
    same = memory_store.query(
        "SELECT ?p WHERE { ?p schema:name ?title }", params={"title": "Squeeze-and-Excitation Networks"}
    )
    assert same.rows == [(KGR["paper/1709.01507"],)]


def test_literal_with_quotes_matches_exactly():
    store = Store(None)
    store.add([(KGR["p"], URIRef("https://schema.org/name"), Literal('A "quoted" } title\n'))])
    result = store.query("SELECT ?p WHERE { ?p schema:name ?n }", params={"n": 'A "quoted" } title\n'})
    assert result.rows == [(KGR["p"],)]


@pytest.mark.parametrize(
    "value",
    [
        "<https://w3id.org/kg-ml/id/method/senet>",
        "kgr:method/senet",
        URIRef("https://w3id.org/kg-ml/id/method/senet"),
    ],
)
def test_iri_parameters(memory_store, value):
    result = memory_store.query("SELECT ?a WHERE { ?m kg:lineage ?a }", params={"m": value})
    assert result.rows == [(KGR["method/resnext"],)]


def test_invalid_iri_parameter_is_refused(memory_store):
    with pytest.raises(QueryError, match="invalid IRI"):
        memory_store.query("SELECT ?a WHERE { ?m kg:lineage ?a }", params={"m": "<http://x/> } <y>"})


def test_unknown_parameter_names_the_query_variables(memory_store):
    with pytest.raises(QueryError, match=r"no variable \?nope.*\?a, \?m"):
        memory_store.query("SELECT ?a WHERE { ?m kg:lineage ?a }", params={"nope": "x"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("dataset=ImageNet", ("dataset", "ImageNet")), ("?x=a=b", ("x", "a=b")), ("e=", ("e", ""))],
)
def test_parse_param(text, expected):
    assert parse_param(text) == expected


@pytest.mark.parametrize("text", ["novalue", "1x=3", "a b=c"])
def test_parse_param_rejects(text):
    with pytest.raises(QueryError):
        parse_param(text)


@pytest.mark.parametrize(
    ("query", "marker"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "WHERE {"),
        ("SELECT * { ?s ?p ?o }", "* {"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WHERE {"),
        ('# where { in a comment\nSELECT ("{" AS ?x) <urn:x#where> WHERE { ?s ?p ?o }', "WHERE {"),
        ("ASK { ?s ?p ?o }", "ASK {"),
    ],
)
def test_values_go_into_the_where_group(query, marker):
    assert where_group_start(query) == query.rindex(marker) + len(marker)


def test_optional_parameter_left_out_is_unbound(memory_store):
    query = "SELECT ?t WHERE { ?p schema:name ?t ; schema:datePublished ?d FILTER(!BOUND(?since) || STR(?d) >= ?since) }"
    assert len(memory_store.query(query)) == 4
    assert len(memory_store.query(query, params={"since": "2017"})) == 2


# -- errors -------------------------------------------------------------------------------------------------


def test_syntax_error_has_the_parsers_position(memory_store):
    with pytest.raises(QueryError) as caught:
        memory_store.query("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = ) }")
    message = str(caught.value)
    assert "line 3, column" in message
    assert "FILTER(?s = ) }" in message and "^" in message
    assert "\\u{" not in message  # the parser's character-class noise is dropped


def test_unknown_prefix_is_named(memory_store):
    with pytest.raises(
        QueryError, match=r"unknown prefix foo: at line 1, column \d+; .*predeclared prefixes: .*dcterms"
    ):
        memory_store.query("SELECT ?s WHERE { ?s foo:bar ?o }")


def test_cli_syntax_error_exits_2_without_traceback(store_dir):
    result = run(["SELECT ?s WHERE { ?s ?p", "--store", str(store_dir)])
    assert result.exit_code == 2
    assert "SPARQL syntax error at line 1" in result.output
    assert "Traceback" not in result.output


def test_cli_missing_store_says_to_build(tmp_path):
    result = run(["ASK {}", "--store", str(tmp_path / "none")])
    assert result.exit_code == 3
    assert "run `kg build` first" in result.output


def test_cli_required_parameter(store_dir):
    result = run(["--file", "method-ancestors", "--store", str(store_dir)])
    assert result.exit_code == 2
    assert "--param method=..." in result.output


# -- result formats -----------------------------------------------------------------------------------------


@pytest.fixture
def select_result() -> QueryResult:
    return QueryResult(
        "select",
        ["paper", "value", "missing"],
        [
            (KGR["paper/1"], Literal('8,3\t"x"\n'), None),
            (
                KGR["paper/2"],
                Literal("1.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
                None,
            ),
        ],
    )


def test_json_is_sparql_results_json(select_result):
    doc = json.loads(format_result(select_result, "json"))
    assert doc["head"]["vars"] == ["paper", "value", "missing"]
    first, second = doc["results"]["bindings"]
    assert first == {
        "paper": {"type": "uri", "value": str(KGR["paper/1"])},
        "value": {"type": "literal", "value": '8,3\t"x"\n'},
    }
    assert second["value"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"


def test_csv_round_trips(select_result):
    rows = list(csv.reader(io.StringIO(format_result(select_result, "csv"))))
    assert rows[0] == ["paper", "value", "missing"]
    assert rows[1] == [str(KGR["paper/1"]), '8,3\t"x"\n', ""]


def test_tsv_escapes_terms(select_result):
    lines = format_result(select_result, "tsv").splitlines()
    assert lines[0] == "?paper\t?value\t?missing"
    assert lines[1].split("\t") == [f"<{KGR['paper/1']}>", '"8,3\\t\\"x\\"\\n"', ""]
    assert lines[2].split("\t")[1] == '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'


def test_table_shortens_iris(select_result):
    text = format_result(select_result, "table")
    assert "paper:1 " in text and "(2 rows)" in text


def test_ask_formats(memory_store):
    result = memory_store.query("ASK { ?p a kg:Paper }")
    assert format_result(result, "table") == "true\n"
    assert json.loads(format_result(result, "json")) == {"head": {}, "boolean": True}


def test_cli_formats(store_dir):
    result = run(
        [
            "SELECT ?t WHERE { ?p a kg:Paper ; schema:name ?t } ORDER BY ?t",
            "--store",
            str(store_dir),
            "--format",
            "csv",
        ]
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        "t",
        "Aggregated Residual Transformations for Deep Neural Networks",
    ]


def test_shipped_query_by_path_from_anywhere(store_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(["queries/papers-without-code.rq", "--store", str(store_dir), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 3
    missing = run(["--file", "no-such-query", "--store", str(store_dir)])
    assert (
        missing.exit_code == 2
        and "shipped queries: " in missing.output
        and "method-ancestors" in missing.output
    )


def test_cli_list_and_stdin(store_dir):
    listing = run(["--list"]).output
    assert "method-ancestors" in listing and "papers-without-code" in listing
    result = run(
        ["-", "--store", str(store_dir), "--format", "tsv"], input="SELECT (COUNT(*) AS ?n) { ?p a kg:Paper }"
    )
    assert result.output.splitlines()[1] == '"4"^^<http://www.w3.org/2001/XMLSchema#integer>'


# -- the example queries ------------------------------------------------------------------------------------


def column(result: QueryResult, name: str) -> list[str]:
    index = result.variables.index(name)
    return [str(row[index]) if row[index] is not None else "" for row in result.rows]


def example(store_dir, name, **params) -> QueryResult:
    return run_query(read_query(file=name), params, store_dir=store_dir)


def test_every_example_query_is_documented():
    for path in queries_dir().glob("*.rq"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#"), path.name
        if "-" in path.stem:  # this area's queries: name the parameters and give an example command
            assert "# Parameters:" in text and "# Example: kg query --file " + path.stem in text, path.name


def test_papers_using_dataset(store_dir):
    result = example(store_dir, "papers-using-dataset", dataset="ImageNet")
    assert column(result, "date") == ["2017-09", "2016-11", "2016-01"]
    assert column(result, "repository") == [
        "",
        "https://github.com/facebookresearch/ResNeXt",
        "https://github.com/KaimingHe/deep-residual-networks",
    ]
    assert len(example(store_dir, "papers-using-dataset", dataset="GLUE")) == 1


def test_results_on_dataset_best_first(store_dir):
    result = example(store_dir, "results-on-dataset", dataset="ImageNet", metric="top-1 accuracy")
    assert column(result, "value") == ["82.7%", "80.9%", "76.1%"]
    assert column(result, "method_name") == ["SENet", "ResNeXt", "ResNet"]
    # a change ("4.8% higher") stays off the leaderboard; each score comes with the sentence it was read from
    assert "4.8%" not in column(result, "value")
    assert all(
        value in sentence for value, sentence in zip(column(result, "value"), column(result, "sentence"))
    )
    assert column(example(store_dir, "results-on-dataset", dataset="GLUE"), "value") == ["80.5"]
    with pytest.raises(QueryError, match="no metric called 'BLEU'"):
        example(store_dir, "results-on-dataset", dataset="ImageNet", metric="BLEU")


def test_a_datasets_leaderboard_holds_its_versions_scores(tmp_path):
    """A score on ImageNet-1K is on ImageNet's leaderboard once ImageNet-1K is linked to it (skos:broader);
    a change on it is not."""
    from rdflib.namespace import RDF, SKOS

    from kg.graph.iris import entity_iri

    graph = fixture_graph()
    member, family = entity_iri("dataset", "ImageNet-1K"), entity_iri("dataset", "ImageNet")
    graph.add((member, SKOS.prefLabel, Literal("ImageNet-1K")))
    graph.add((member, RDF.type, KG.Dataset))
    graph.add((member, SKOS.broader, family))
    for result in graph.subjects(KG.resultKind, None):
        if str(graph.value(result, KG.value)) in ("82.7%", "4.8%"):  # SENet's score, ResNeXt's change
            graph.set((result, KG.onDataset, member))
    with Store(tmp_path / "store") as store:
        store.add(graph)
    result = example(tmp_path / "store", "results-on-dataset", dataset="ImageNet", metric="top-1 accuracy")
    assert column(result, "value") == ["82.7%", "80.9%", "76.1%"]
    assert column(example(tmp_path / "store", "results-on-dataset", dataset="ImageNet-1K"), "value") == [
        "82.7%"
    ]


def test_top_datasets_and_metrics(store_dir):
    result = example(store_dir, "top-datasets-metrics")
    counts = {
        (k, n): int(c)
        for k, n, c in zip(column(result, "kind"), column(result, "name"), column(result, "papers"))
    }
    assert counts == {
        ("dataset", "ImageNet"): 3,
        ("metric", "top-1 accuracy"): 3,
        ("dataset", "CIFAR-10"): 1,
        ("dataset", "GLUE"): 1,
        ("metric", "GLUE score"): 1,
    }
    assert column(result, "papers")[:2] == ["3", "3"]
    assert set(column(example(store_dir, "top-datasets-metrics", kind="metric"), "kind")) == {"metric"}


def test_methods_per_month(store_dir):
    result = example(store_dir, "methods-per-month")
    assert list(zip(column(result, "month"), column(result, "methods"), column(result, "papers"))) == [
        ("2016-01", "1", "1"),
        ("2016-11", "1", "1"),
        ("2017-09", "1", "1"),
        ("2018-10", "1", "1"),
    ]
    assert column(example(store_dir, "methods-per-month", since="2017-01"), "month") == ["2017-09", "2018-10"]


def test_methods_per_month_counts_methods_and_papers():
    store = Store(None)
    store.add(fixture_graph())
    extra = KGR["paper/extra"]
    store.add(
        [
            (extra, KG.proposes, KGR["method/a"]),
            (extra, KG.proposes, KGR["method/b"]),
            (extra, SCHEMA.datePublished, Literal("2016-01-20", datatype=XSD.date)),
        ]
    )
    result = store.query(read_query(file="methods-per-month").text)
    assert result.rows[0] == (Literal("2016-01"), Literal(3), Literal(2))


def test_method_ancestors(store_dir):
    result = example(store_dir, "method-ancestors", method="SENet")
    assert list(
        zip(column(result, "ancestor_name"), column(result, "relation"), column(result, "child_name"))
    ) == [("ResNeXt", "basedOn", "SENet"), ("ResNet", "extends", "ResNeXt")]
    assert len(example(store_dir, "method-ancestors", method="ResNet")) == 0


def test_papers_without_code(store_dir):
    result = example(store_dir, "papers-without-code")
    assert column(result, "title") == [
        "BERT: Pre-training of Deep Bidirectional Transformers",
        "Squeeze-and-Excitation Networks",
    ]
    assert len(example(store_dir, "papers-without-code", since="2018")) == 1


def test_example_query_through_the_cli(store_dir):
    result = run(
        [
            "--file",
            "method-ancestors",
            "--param",
            "method=SENet",
            "--store",
            str(store_dir),
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    assert [b["ancestor"]["value"] for b in bindings] == [
        str(KGR["method/resnext"]),
        str(KGR["method/resnet"]),
    ]
