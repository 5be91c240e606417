"""SHACL validation (`kg validate`): the fixture graph conforms; broken graphs are caught and explained."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.cli.store import validate as validate_command
from kg.core.namespaces import KG, KGR
from kg.core.resources import ontology_dir
from kg.read.validate import validate
from kg.store import Store
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


def copy(good: Graph) -> Graph:
    graph = Graph()
    for triple in good:
        graph.add(triple)
    return graph


def test_confidence_must_have_the_declared_datatype(good):
    graph = copy(good)
    mention = next(graph.subjects(RDF.type, KG.Mention))
    assert graph.value(mention, KG.confidence).datatype == XSD.double  # what kg build writes
    graph.set((mention, KG.confidence, Literal("0.9", datatype=XSD.decimal)))
    conforms, report = validate(graph)
    assert not conforms
    assert "DatatypeConstraintComponent" in report and "kg:confidence" in report


def test_ontology_declares_the_datatype_the_graph_writes():
    ontology = Graph().parse(ontology_dir() / "kg.ttl", format="turtle")
    assert ontology.value(KG.confidence, RDFS.range) == XSD.double


def test_a_paper_proposes_a_method_technique_or_dataset(good):
    graph = copy(good)
    paper = KGR["paper/1512.03385"]
    graph.add((paper, KG.proposes, KGR["dataset/imagenet"]))  # a dataset: legal
    assert validate(graph)[0]
    graph.add((paper, KG.proposes, KGR["metric/top-1-accuracy"]))  # a metric: not
    conforms, report = validate(graph)
    assert not conforms and "a paper proposes a method, a technique or a dataset" in report


def test_family_links_are_checked(good):
    graph = copy(good)
    graph.add((KGR["dataset/imagenet-1k"], RDF.type, KG.Dataset))
    graph.add((KGR["dataset/imagenet-1k"], RDFS.label, Literal("ImageNet-1K")))
    graph.add((KGR["dataset/imagenet-1k"], KG.versionOf, KGR["dataset/imagenet"]))  # without skos:broader
    graph.add((KGR["method/resnext"], SKOS.broader, KGR["method/resnet"]))  # without kg:variantOf
    conforms, report = validate(graph)
    assert not conforms
    assert "is a version of" in report and "without skos:broader" in report
    assert "has the family" in report and "without kg:variantOf" in report


def test_no_class_is_defined_that_nothing_uses(good):
    """Each kg: class types nodes of the built graph, or the ontology's own individuals (result kinds)."""
    ontology = Graph().parse(ontology_dir() / "kg.ttl", format="turtle")
    defined = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KG._NS))}
    used = set(good.objects(None, RDF.type)) | {
        c for c in defined if any(s for s in ontology.subjects(RDF.type, c) if s not in defined)
    }
    assert defined and defined <= used, defined - used
