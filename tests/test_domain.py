"""kg.core.domain is the one table of kinds, relations and result kinds: the ontology declares exactly its
terms, and every table derived from it (viz legend, NetworkX view, site, IRIs, prefixes, kg build's summary,
the extraction record, the lineage cues) covers exactly its kinds and relations."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.builder import SUMMARY_QUERY, BuildSummary
from kg.cli.build import summary_lines
from kg.core.domain import (
    ENTITY_FIELDS,
    ENTITY_KINDS,
    ENTITY_TYPES,
    LINEAGE,
    LINEAGE_RELATIONS,
    LINEAGE_RELATIONS_TABLE,
    NODE_KINDS,
    ONTOLOGY_TERMS,
    RELATION_RANK,
    RESOURCE_SEGMENTS,
    RESULT_KINDS,
    VIEW_RELATIONS,
)
from kg.core.namespaces import DATA_IRI, KG, PREFIXES
from kg.core.resources import ontology_dir
from kg.extraction.lineage import CUES_FILE, load_cues
from kg.extraction.records import Extraction
from kg.graph.iris import TYPE_SEGMENTS, entity_iri
from kg.read.networkx_view import KIND_BY_CLASS, RELATIONS
from kg.read.viz import KINDS, RELATION_COLOURS
from kg.site import data as site_data
from kg.site import search as site_search

NS = str(KG._NS)
OWL_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
NODE_NAMES = {kind.name for kind in NODE_KINDS}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


def declared(ontology: Graph) -> dict[str, set[str]]:
    """kg: term -> the OWL types kg.ttl gives it (of class, object/datatype property, individual)."""
    found: dict[str, set[str]] = {}
    for owl_type in OWL_TYPES:
        for term in ontology.subjects(RDF.type, owl_type):
            if isinstance(term, URIRef) and str(term).startswith(NS):
                found.setdefault(str(term)[len(NS) :], set()).add(str(owl_type).rsplit("#", 1)[1])
    return found


# -- the ontology and the KG namespace ---------------------------------------------------------------


def test_the_ontology_declares_exactly_the_domains_terms_with_their_types(ontology):
    terms = declared(ontology)
    assert set(terms) == set(ONTOLOGY_TERMS)
    assert {name: {owl_type} for name, owl_type in ONTOLOGY_TERMS.items()} == terms


def test_each_entity_kind_has_its_class_and_its_role_from_papers(ontology):
    for kind in ENTITY_KINDS:
        rdf_class, role = KG[kind.rdf_class], KG[kind.role]
        assert (rdf_class, RDF.type, OWL.Class) in ontology, kind.name
        assert (role, RDF.type, OWL.ObjectProperty) in ontology, kind.name
        assert ontology.value(role, RDFS.domain) == KG.Paper, kind.name
        assert ontology.value(role, RDFS.range) == rdf_class, kind.name


def test_the_lineage_sub_properties_are_exactly_the_lineage_relations(ontology):
    subs = set(ontology.subjects(RDFS.subPropertyOf, KG[LINEAGE]))
    assert subs == {KG[relation.rdf_property] for relation in LINEAGE_RELATIONS_TABLE}


def test_the_result_kind_individuals_are_exactly_the_result_kinds(ontology):
    assert set(ontology.subjects(RDF.type, KG.ResultKind)) == {KG[kind.rdf_term] for kind in RESULT_KINDS}


def test_the_kg_namespace_is_closed_over_the_domains_terms():
    assert set(KG.__annotations__) == set(ONTOLOGY_TERMS)
    assert KG.Method == KG["Method"] == URIRef(NS + "Method")
    for kind in ENTITY_KINDS:
        assert KG[kind.role] == URIRef(NS + kind.role)
    with pytest.raises(AttributeError):
        KG.Metod  # noqa: B018
    with pytest.raises(AttributeError):
        KG["variant_of"]  # a relation's name, not its property


# -- tables derived from the domain --------------------------------------------------------------------


def test_the_viz_legend_draws_each_node_kind_apart():
    assert set(KINDS) == NODE_NAMES
    assert len({kind.colour for kind in KINDS.values()}) == len(NODE_KINDS)
    assert len({kind.shape for kind in KINDS.values()}) == len(NODE_KINDS)
    assert list(RELATION_COLOURS) == list(RELATIONS)
    assert len(set(RELATION_COLOURS.values())) == len(RELATION_COLOURS)


def test_the_networkx_view_keeps_the_node_kinds_and_the_drawn_relations():
    assert sorted(KIND_BY_CLASS.values()) == sorted(NODE_NAMES)
    assert set(KIND_BY_CLASS) == {str(KG[kind.rdf_class]) for kind in NODE_KINDS}
    drawn = set(RELATIONS)
    assert {kind.role for kind in ENTITY_KINDS} <= drawn
    assert {relation.rdf_property for relation in LINEAGE_RELATIONS_TABLE} <= drawn
    assert drawn == {relation.rdf_property for relation in VIEW_RELATIONS}


def test_the_site_searches_and_counts_every_kind():
    assert sorted(site_search.KIND_OF_CLASS.values()) == sorted(ENTITY_TYPES)
    for kind in ENTITY_KINDS:
        assert f"kg:{kind.rdf_class}" in site_search.ENTITIES_QUERY
    counted = site_data.COUNT_NAMES
    assert {kind.rdf_class: kind.plural for kind in NODE_KINDS}.items() <= counted.items()
    for name in counted:
        assert f"kg:{name}" in site_data.COUNTS_QUERY


def test_iris_and_prefixes_have_a_segment_for_every_kind():
    assert set(TYPE_SEGMENTS) == set(ENTITY_TYPES)
    for kind in ENTITY_KINDS:
        iri = str(entity_iri(kind.name, "Some Name"))
        assert iri.startswith(PREFIXES[kind.segment]) and iri.startswith(DATA_IRI + kind.segment + "/")
    for segment in RESOURCE_SEGMENTS:
        assert PREFIXES[segment] == f"{DATA_IRI}{segment}/"


def test_kg_builds_summary_counts_every_node_kind_by_its_plural():
    for kind in NODE_KINDS:
        assert f"AS ?{kind.plural})" in SUMMARY_QUERY
    counts = {kind.plural: index + 2 for index, kind in enumerate(NODE_KINDS)}
    graph_line = summary_lines(BuildSummary(counts=counts))[1]
    for index, kind in enumerate(NODE_KINDS):
        assert f"{index + 2} {kind.plural}" in graph_line
    one = summary_lines(BuildSummary(counts=dict.fromkeys(counts, 1)))[1]
    for kind in NODE_KINDS:
        assert f"1 {kind.name}," in one or f"1 {kind.name};" in one


def test_the_extraction_has_one_list_per_kind_in_the_domains_order():
    names = [f.name for f in fields(Extraction)]
    assert [name for name in names if name in ENTITY_FIELDS] == list(ENTITY_FIELDS)
    assert list(Extraction("p").to_json())[: len(ENTITY_FIELDS)] == list(ENTITY_FIELDS)


# -- lineage relations ---------------------------------------------------------------------------------


def test_lineage_ranks_order_every_relation_once():
    assert sorted(RELATION_RANK) == sorted(LINEAGE_RELATIONS)
    assert sorted(RELATION_RANK.values()) == list(range(len(LINEAGE_RELATIONS)))


def test_the_lineage_cues_name_only_domain_relations():
    cues = load_cues()
    assert {relation for relation, *_ in cues.relations} <= set(LINEAGE_RELATIONS)


def test_a_cue_file_naming_an_unknown_relation_is_refused(tmp_path):
    data = json.loads(CUES_FILE.read_text(encoding="utf-8"))
    data["relations"]["variantOf"] = data["relations"].pop("variant_of")
    path = tmp_path / "cues.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="'variantOf'.*no lineage relation"):
        load_cues(path)


def test_family_properties_and_proposable_kinds_are_terms_of_the_ontology():
    """A kind with families links a member to its family by a declared object property (kg:variantOf for
    methods, kg:versionOf for datasets); what a paper proposes is a kind kg:proposes ranges over."""
    from kg.core.domain import FAMILY_PROPERTY, KIND_BY_NAME, ONTOLOGY_TERMS, PROPOSABLE_TYPES

    assert FAMILY_PROPERTY and all(
        ONTOLOGY_TERMS[term] == "ObjectProperty" for term in FAMILY_PROPERTY.values()
    )
    assert set(FAMILY_PROPERTY) <= set(PROPOSABLE_TYPES) <= set(KIND_BY_NAME)
