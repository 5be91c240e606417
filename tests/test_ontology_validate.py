"""SHACL validation (`kg validate`): the fixture graph conforms; broken graphs are caught and explained."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kg.cli.store import validate as validate_command
from kg.namespaces import KG, KGR
from kg.store import Store
from kg.validate import validate
from tests.store_fixture import fixture_graph


@pytest.fixture(scope="module")
def good() -> Graph:
    return fixture_graph()


def broken(good: Graph) -> Graph:
    graph = Graph()
    for triple in good:
        graph.add(triple)
    graph.add((KGR["paper/nameless"], RDF.type, KG.Paper))  # no title, not a ScholarlyArticle
    graph.remove((KGR["method/resnext"], KG.lineage, None))  # extends without the super-property
    evidence = next(graph.subjects(RDF.type, KG.Evidence))
    graph.set((evidence, KG.textField, Literal("body")))
    return graph


def test_fixture_conforms(good):
    size = len(good)
    conforms, report = validate(good)
    assert conforms, report
    assert len(good) == size  # validated in place, never changed


def test_broken_graph_reports_each_violation(good):
    conforms, report = validate(broken(good))
    assert not conforms
    assert "paper/nameless" in report and "schema:name" in report
    assert "without the kg:lineage super-property" in report
    assert "InConstraintComponent" in report


def test_cli_validate_file(good, tmp_path):
    path = tmp_path / "bad.ttl"
    broken(good).serialize(path, format="turtle")
    result = CliRunner().invoke(validate_command, [str(path)])
    assert result.exit_code == 1
    assert "Conforms: False" in result.output


def test_cli_validate_store(good, tmp_path):
    with Store(tmp_path / "store") as store:
        store.add(good)
    result = CliRunner().invoke(validate_command, ["--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output


def test_cli_validate_unreadable_file(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("this is not turtle <")
    result = CliRunner().invoke(validate_command, [str(path)])
    assert result.exit_code == 1
    assert "cannot read" in result.output and "Traceback" not in result.output
