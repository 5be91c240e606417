"""kg.read.networkx_view: RDF triples -> the NetworkX view of papers and entities."""

from __future__ import annotations

import random

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.core.namespaces import KG, KGR, KGV, SCHEMA
from kg.graph.build import build_graph
from kg.graph.iris import entity_iri, paper_iri
from kg.read.networkx_view import local_name, to_networkx

PAPER = KGR["paper/2401.00001"]
METHOD = KGR["method/resnet"]
PARENT = KGR["method/cnn"]
DATASET = KGR["dataset/imagenet"]
REPO = KGR["repo/github.com/a/b"]
MENTION = KGR["mention/abc"]
CONCEPT = KGV["method/resnet"]
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def small_graph() -> Graph:
    graph = Graph()
    triples = [
        (PAPER, RDF.type, SCHEMA.ScholarlyArticle),
        (PAPER, RDF.type, KG.Paper),
        (PAPER, SCHEMA.name, Literal("Deep Residual Learning")),
        (PAPER, SCHEMA.abstract, Literal("We present residual nets.")),
        (PAPER, SCHEMA.datePublished, Literal("2016-06-01", datatype=XSD_DATE)),
        (PAPER, SCHEMA.url, URIRef("https://arxiv.org/abs/2401.00001")),
        (PAPER, KG.arxivId, Literal("2401.00001")),
        (METHOD, RDF.type, KG.Method),
        (METHOD, RDFS.label, Literal("resnet (rdfs)")),
        (METHOD, SKOS.prefLabel, Literal("ResNet")),
        (PARENT, RDF.type, KG.Method),
        (PARENT, RDFS.label, Literal("CNN")),
        (DATASET, RDF.type, KG.Dataset),
        (DATASET, RDF.type, SCHEMA.Dataset),
        (DATASET, SKOS.prefLabel, Literal("ImageNet")),
        (REPO, RDF.type, KG.Repository),
        (REPO, SCHEMA.codeRepository, URIRef("https://github.com/a/b")),
        (REPO, URIRef(str(KG._NS) + "stars"), Literal(42)),
        (PAPER, KG.proposes, METHOD),
        (PAPER, KG.usesMethod, METHOD),
        (PAPER, KG.evaluatedOn, DATASET),
        (PAPER, KG.hasRepository, REPO),
        (METHOD, KG.extends, PARENT),
        (METHOD, KG.lineage, PARENT),  # super-property: not an edge of the view
        (PAPER, KG.hasMention, MENTION),
        (MENTION, RDF.type, KG.Mention),
        (MENTION, KG.entity, METHOD),
        (CONCEPT, RDF.type, SKOS.Concept),
        (CONCEPT, SKOS.prefLabel, Literal("ResNet")),
        (METHOD, SKOS.exactMatch, CONCEPT),
    ]
    for triple in triples:
        graph.add(triple)
    return graph


def test_nodes_are_the_typed_domain_nodes_with_their_attributes():
    view = to_networkx(small_graph())
    assert set(view) == {str(PAPER), str(METHOD), str(PARENT), str(DATASET), str(REPO)}
    paper = view.nodes[str(PAPER)]
    assert paper["kind"] == "paper"
    assert paper["label"] == paper["title"] == "Deep Residual Learning"
    assert paper["date"] == "2016-06-01"
    assert paper["abstract"] == "We present residual nets."
    assert paper["url"] == "https://arxiv.org/abs/2401.00001"
    assert paper["arxiv_id"] == "2401.00001"
    assert view.nodes[str(METHOD)] == {"kind": "method", "label": "ResNet"}  # prefLabel beats rdfs:label
    assert view.nodes[str(PARENT)]["label"] == "CNN"
    assert view.nodes[str(DATASET)]["kind"] == "dataset"
    assert view.nodes[str(REPO)] == {
        "kind": "repository",
        "label": "a/b",
        "url": "https://github.com/a/b",
        "stars": 42,
    }


def test_edges_carry_the_relation_and_skip_bookkeeping():
    view = to_networkx(small_graph())
    edges = {(s, t, data["relation"]) for s, t, data in view.edges(data=True)}
    assert edges == {
        (str(PAPER), str(METHOD), "proposes"),
        (str(PAPER), str(METHOD), "usesMethod"),
        (str(PAPER), str(DATASET), "evaluatedOn"),
        (str(PAPER), str(REPO), "hasRepository"),
        (str(METHOD), str(PARENT), "extends"),
    }
    assert view.number_of_edges(str(PAPER), str(METHOD)) == 2  # a multigraph: both relations kept


def test_triple_order_does_not_matter():
    triples = list(small_graph())
    random.Random(3).shuffle(triples)
    shuffled = to_networkx(iter(triples))
    reference = to_networkx(small_graph())
    assert nx.utils.graphs_equal(shuffled, reference)
    assert list(shuffled.nodes(data=True)) == list(reference.nodes(data=True))


def test_edges_to_untyped_nodes_are_dropped():
    graph = small_graph()
    graph.add((PAPER, KG.usesMethod, KGR["method/untyped"]))
    assert str(KGR["method/untyped"]) not in to_networkx(graph)


def test_view_of_the_graph_builder_output(eagle_paper):
    paper, _ = eagle_paper
    view = to_networkx(build_graph([eagle_paper], with_vocabularies=True))
    kinds = {data["kind"] for _, data in view.nodes(data=True)}
    assert kinds == {"paper", "method", "dataset", "metric", "task", "repository"}
    paper_node = str(paper_iri(paper))
    assert view.nodes[paper_node]["title"] == paper.title
    eagle3, eagle = str(entity_iri("method", "EAGLE-3")), str(entity_iri("method", "EAGLE"))
    assert view.has_edge(paper_node, eagle3, key="proposes")
    assert view.has_edge(eagle3, eagle, key="extends")
    assert all(not node.startswith(str(KGV)) for node in view)  # vocabulary concepts stay out


def test_local_name():
    assert local_name("https://w3id.org/kg-ml/ns#evaluatedOn") == "evaluatedOn"
    assert local_name("https://schema.org/name") == "name"


def test_several_labels_resolve_the_same_whatever_the_order():
    graph = small_graph()
    graph.add((METHOD, SKOS.prefLabel, Literal("resnet")))
    graph.add((REPO, SCHEMA.codeRepository, URIRef("https://github.com/a/b-mirror")))
    triples = list(graph)
    labels = set()
    for seed in range(5):
        random.Random(seed).shuffle(triples)
        view = to_networkx(iter(triples))
        labels.add((view.nodes[str(METHOD)]["label"], view.nodes[str(REPO)]["url"]))
    assert labels == {("ResNet", "https://github.com/a/b")}
