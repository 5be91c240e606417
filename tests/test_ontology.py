"""The ontology defines exactly kg.core.namespaces.KG's terms, each labelled and explained, aligned with standards."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.core.namespaces import KG, MLS, ONTOLOGY_IRI, SCHEMA
from kg.core.resources import ontology_dir

NS = str(KG._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


def vocab_terms() -> set[URIRef]:
    return {URIRef(NS + name) for name in KG.__annotations__}


def test_every_vocab_term_is_defined_with_label_and_comment(ontology):
    for term in sorted(vocab_terms()):
        kinds = set(ontology.objects(term, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}, (
            f"{term} is not defined"
        )
        assert ontology.value(term, RDFS.label), f"{term} has no rdfs:label"
        assert ontology.value(term, RDFS.comment), f"{term} has no rdfs:comment"


def test_every_defined_term_is_in_the_vocab(ontology):
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)}
    assert defined - vocab_terms() == set()


def test_ontology_header(ontology):
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in ontology
    assert ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo) is not None


@pytest.mark.parametrize(
    ("term", "predicate", "standard"),
    [
        (KG.Paper, RDFS.subClassOf, SCHEMA.ScholarlyArticle),
        (KG.Dataset, RDFS.subClassOf, SCHEMA.Dataset),
        (KG.Dataset, RDFS.subClassOf, MLS.Dataset),
        (KG.Repository, RDFS.subClassOf, SCHEMA.SoftwareSourceCode),
        (KG.Repository, RDFS.subClassOf, MLS.Implementation),
        (KG.Method, RDFS.subClassOf, MLS.Algorithm),
        (KG.Metric, OWL.equivalentClass, MLS.EvaluationMeasure),
        (KG.Task, RDFS.subClassOf, MLS.Task),
        (KG.extends, RDFS.subPropertyOf, KG.lineage),
        (KG.variantOf, RDFS.subPropertyOf, KG.lineage),
        (KG.basedOn, RDFS.subPropertyOf, KG.lineage),
        (KG.improvesOn, RDFS.subPropertyOf, KG.lineage),
    ],
)
def test_alignment_with_standard_vocabularies(ontology, term, predicate, standard):
    assert (term, predicate, standard) in ontology


def test_shapes_parse_and_target_the_ontology_classes():
    shapes = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    assert {KG.Paper, KG.Mention, KG.Evidence, KG.Result, KG.LineageLink, KG.Repository} <= targets


def test_result_kinds_of_the_domain_table_are_the_ontologys_and_the_shapes():
    """kg.core.domain.RESULT_KINDS, kg:ResultKind's individuals and the values the result shape allows agree."""
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    from kg.core.domain import RESULT_KINDS

    ontology = Graph().parse(ontology_dir() / "kg.ttl", format="turtle")
    shapes = Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    terms = {KG[kind.rdf_term] for kind in RESULT_KINDS}
    assert set(ontology.subjects(RDF.type, KG.ResultKind)) == terms
    assert set(Collection(ontology, ontology.value(KG.ResultKind, OWL.oneOf))) == terms
    (prop,) = shapes.subjects(SH.path, KG.resultKind)
    assert set(Collection(shapes, shapes.value(prop, SH["in"]))) == terms
    assert shapes.value(prop, SH.minCount).toPython() == 1
