"""`kg export`: every format written from the store, readable by the tools it is meant for."""

from __future__ import annotations

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli.store import export
from kg.read.exports import EXPORTERS
from kg.read.networkx_view import to_networkx
from kg.store import Store
from tests.store_fixture import fixture_graph


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "store"
    with Store(path) as store:
        store.add(fixture_graph())
    return path


def run_export(store_dir, fmt, output):
    result = CliRunner().invoke(
        export, ["--format", fmt, "-o", str(output), "--store", str(store_dir)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return output


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")]
)
def test_rdf_exports_hold_the_graph(store_dir, tmp_path, fmt, rdflib_format):
    path = run_export(store_dir, fmt, tmp_path / f"graph.{fmt}")
    assert isomorphic(Graph().parse(path, format=rdflib_format), fixture_graph())


def test_rdf_export_is_deterministic(store_dir, tmp_path):
    first = run_export(store_dir, "turtle", tmp_path / "a.ttl").read_bytes()
    second = run_export(store_dir, "turtle", tmp_path / "b.ttl").read_bytes()
    assert first == second


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_exports_hold_the_view(store_dir, tmp_path, fmt, reader):
    path = run_export(store_dir, fmt, tmp_path / f"graph.{fmt}")
    read = reader(path)
    view = to_networkx(fixture_graph())
    assert read.number_of_nodes() == view.number_of_nodes()
    assert read.number_of_edges() == view.number_of_edges()
    resnext = "https://w3id.org/kg-ml/id/method/resnext"
    assert read.nodes[resnext]["label"] == "ResNeXt"
    assert read.has_edge(resnext, "https://w3id.org/kg-ml/id/method/resnet")


def test_export_to_stdout(store_dir):
    result = CliRunner().invoke(export, ["--format", "ntriples", "--store", str(store_dir)])
    assert result.exit_code == 0
    assert len(result.stdout_bytes.splitlines()) == len(fixture_graph())


def test_export_without_store_fails_cleanly(tmp_path):
    result = CliRunner().invoke(export, ["--store", str(tmp_path / "none"), "-o", str(tmp_path / "x.ttl")])
    assert result.exit_code == 3
    assert "kg build" in result.output
    assert not (tmp_path / "x.ttl").exists()


def test_every_exporter_is_offered():
    assert set(EXPORTERS) == {"turtle", "ntriples", "jsonld", "nquads", "trig", "graphml", "gexf"}
