"""What a person reads names papers by their titles; JSON and CSV keep the IRIs. `--format` is always the
output format, `--input-format` the input's (kg build, kg extract, kg link)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.cli import main
from kg.core.namespaces import KGR
from kg.read.query import format_result
from kg.store import QueryResult, Store

from .store_fixture import fixture_graph

LONG_TITLE = "A Title Long Enough That a Table Has to Shorten It Before It Runs Off the Screen"
PAPER = URIRef(KGR["paper/1512.03385"])


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("names") / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    return path


def test_table_shows_a_paper_by_its_shortened_title():
    result = QueryResult("select", ["paper", "n"], [(PAPER, Literal(3))])
    table = format_result(result, "table", {str(PAPER): LONG_TITLE})
    row = table.splitlines()[2]
    assert row.startswith(LONG_TITLE[:59] + "…") and "paper:" not in table
    assert len(row.split("  ")[0]) == 60
    assert "paper/1512.03385" in format_result(result, "csv", {str(PAPER): LONG_TITLE})


def test_table_leaves_out_a_paper_column_that_repeats_the_title_column():
    result = QueryResult("select", ["paper", "title"], [(PAPER, Literal("Deep Residual Learning"))])
    table = format_result(result, "table", {str(PAPER): "Deep Residual Learning"})
    assert table.splitlines()[0] == "title"
    other = format_result(result, "table", {str(PAPER): "Another title"})  # not a repeat: both kept
    assert other.splitlines()[0].split() == ["paper", "title"]


def test_query_command_reads_the_titles_from_the_store(store_dir):
    query = "SELECT ?paper WHERE { ?paper a kg:Paper ; schema:datePublished ?d } ORDER BY ?d"
    table = CliRunner().invoke(main, ["query", query, "--store", str(store_dir)])
    assert table.exit_code == 0, table.output
    rows = table.stdout.splitlines()[2:-1]
    assert rows[0] == "Deep Residual Learning for Image Recognition" and len(rows) == 4
    csv = CliRunner().invoke(main, ["query", query, "--store", str(store_dir), "--format", "csv"])
    assert all(line.startswith(str(KGR["paper/"])) for line in csv.stdout.splitlines()[1:])


def test_link_table_names_papers_by_title_and_json_by_id(tmp_path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(
        json.dumps({"id": "p1", "title": LONG_TITLE, "abstract": "Code: https://github.com/owner/name."})
        + "\n"
    )
    table = CliRunner().invoke(main, ["link", str(papers)])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[1].startswith(LONG_TITLE[:59] + "…  https://github.com/owner/name")
    data = json.loads(CliRunner().invoke(main, ["link", str(papers), "--format", "json"]).stdout)
    assert data["papers"][0]["paper"] != LONG_TITLE and data["papers"][0]["repositories"]


@pytest.fixture
def three_papers(tmp_path):
    path = tmp_path / "papers.jsonl"
    records = [
        {"id": f"p{i}", "title": f"Paper number {i} on ImageNet", "abstract": "We use ImageNet."}
        for i in range(3)
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def test_extract_format_is_the_output_format(three_papers):
    lines = CliRunner().invoke(main, ["extract", str(three_papers)])
    assert [json.loads(line)["id"] for line in lines.stdout.splitlines()] == ["p0", "p1", "p2"]
    document = CliRunner().invoke(main, ["extract", "--format", "json", str(three_papers)])
    assert document.exit_code == 0, document.output
    assert [record["id"] for record in json.loads(document.stdout)] == ["p0", "p1", "p2"]


def test_input_format_forces_how_inputs_are_read(three_papers, tmp_path):
    forced = CliRunner().invoke(main, ["extract", "--input-format", "jsonl", str(three_papers)])
    assert len(forced.stdout.splitlines()) == 3
    wrong = CliRunner().invoke(main, ["link", "--input-format", "arxiv", str(three_papers)])
    assert wrong.exit_code == 1 and "no paper could be read" in wrong.output
    for command in ("build", "extract", "link"):
        help_text = CliRunner().invoke(main, [command, "--help"]).stdout
        assert "--input-format [hf-dump|json|jsonl|arxiv|hf-api]" in help_text, command


def test_query_list_shows_each_description_whole():
    from kg.cli.query import query_header
    from kg.core.resources import queries_dir

    listing = " ".join(CliRunner().invoke(main, ["query", "--list"]).stdout.split())
    for path in sorted(queries_dir().glob("*.rq")):
        description, example = query_header(path.read_text(encoding="utf-8"))
        assert len(description) > 40 and example.startswith(f"kg query --file {path.stem}"), path.name
        assert f"{path.stem} {description} e.g. {example}" in listing, path.name


def test_titles_are_looked_up_in_batches_for_long_results(tmp_path):
    from kg.core.namespaces import SCHEMA
    from kg.read.query import TITLES_PER_QUERY, paper_titles

    papers = [URIRef(KGR[f"paper/t{index:04d}"]) for index in range(TITLES_PER_QUERY * 2 + 5)]
    with Store(tmp_path / "store") as store:
        store.add([(paper, SCHEMA.name, Literal(f"Title {index}")) for index, paper in enumerate(papers)])
    result = QueryResult("select", ["paper"], [(paper,) for paper in papers])
    titles = paper_titles(result, store_dir=tmp_path / "store")
    assert titles == {str(paper): f"Title {index}" for index, paper in enumerate(papers)}


def test_example_queries_have_one_naming_style():
    from kg.core.resources import queries_dir

    names = sorted(path.stem for path in queries_dir().glob("*.rq"))
    assert names and all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name) for name in names), names
