"""Paper + Extraction -> RDF triples (rdflib terms), under the ontology in ``ontologies/kg.ttl``.

Triples are yielded one paper at a time so a build can stream them into the store in batches. No blank
nodes: every node has an IRI derived from what it is, so the same input always gives the same graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.extraction.records import Entity, Evidence, Extraction
from kg.graph.iris import entity_iri, node_iri, paper_iri, repository_iri
from kg.methods import family_name
from kg.papers import Paper
from kg.resources import ontology_dir
from kg.vocab import KG, PREFIXES, SCHEMA

Triple = tuple[URIRef, URIRef, URIRef | Literal]

ENTITY_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "method": (KG.Method,),
    "technique": (KG.Technique,),
    "dataset": (KG.Dataset, SCHEMA.Dataset),
    "metric": (KG.Metric,),
    "task": (KG.Task,),
}
ROLE_PREDICATES: dict[str, URIRef] = {
    "method": KG.usesMethod,
    "technique": KG.usesTechnique,
    "dataset": KG.evaluatedOn,
    "metric": KG.measuredBy,
    "task": KG.addressesTask,
}
LINEAGE_PREDICATES: dict[str, URIRef] = {
    "extends": KG.extends,
    "variant_of": KG.variantOf,
    "based_on": KG.basedOn,
    "improves_on": KG.improvesOn,
}
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def date_literal(value: str) -> Literal:
    """ISO dates as xsd:date, year-months as xsd:gYearMonth, anything else as a plain string."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    return Literal(value)


def numeric_value(value: str) -> Literal | None:
    match = NUMBER.search(value.replace(",", ""))
    if not match:
        return None
    try:
        return Literal(Decimal(match.group(0)), datatype=XSD.decimal)
    except InvalidOperation:
        return None


def paper_node_triples(paper: Paper) -> Iterator[Triple]:
    iri = paper_iri(paper)
    yield iri, RDF.type, SCHEMA.ScholarlyArticle
    yield iri, RDF.type, KG.Paper
    yield iri, SCHEMA.name, Literal(paper.title)
    if paper.abstract:
        yield iri, SCHEMA.abstract, Literal(paper.abstract)
    if paper.date:
        yield iri, SCHEMA.datePublished, date_literal(paper.date)
    if paper.arxiv_id:
        yield iri, KG.arxivId, Literal(paper.arxiv_id)
        yield iri, SCHEMA.url, URIRef(f"https://arxiv.org/abs/{paper.arxiv_id}")
    elif paper.url:
        yield iri, SCHEMA.url, URIRef(paper.url)
    for author in paper.authors:
        yield iri, SCHEMA.author, Literal(author)
    if paper.upvotes is not None:
        yield iri, KG.upvotes, Literal(paper.upvotes)


def evidence_triples(paper: Paper, evidence: Evidence) -> tuple[URIRef, list[Triple]]:
    """The Evidence node for one span of the paper's text: shared by every fact read from that span."""
    iri = node_iri("evidence", paper.key, evidence.field, evidence.start, evidence.end)
    return iri, [
        (iri, RDF.type, KG.Evidence),
        (iri, KG.textField, Literal(evidence.field)),
        (iri, KG.sentence, Literal(evidence.sentence)),
        (iri, KG.startOffset, Literal(evidence.start)),
        (iri, KG.endOffset, Literal(evidence.end)),
        (iri, PROV.wasDerivedFrom, paper_iri(paper)),
    ]


def entity_node_triples(entity: Entity) -> Iterator[Triple]:
    """The entity itself, shared across papers: its classes, its canonical label and its variants."""
    iri = entity_iri(entity.type, entity.canonical)
    for cls in ENTITY_CLASSES[entity.type]:
        yield iri, RDF.type, cls
    yield iri, SKOS.prefLabel, Literal(entity.canonical)
    yield iri, RDFS.label, Literal(entity.canonical)
    for form in {entity.name, *entity.aliases} - {entity.canonical}:
        yield iri, SKOS.altLabel, Literal(form)
    if entity.concept:
        yield iri, SKOS.exactMatch, URIRef(entity.concept)
    if entity.type == "method":
        yield iri, KG.family, Literal(family_name(entity.canonical))


def mention_triples(paper: Paper, entity: Entity, predicate: URIRef) -> Iterator[Triple]:
    """paper --predicate--> entity, plus a Mention node holding the surface form, evidence and confidence."""
    paper_node, entity_node = paper_iri(paper), entity_iri(entity.type, entity.canonical)
    yield paper_node, predicate, entity_node
    evidence_node, evidence = evidence_triples(paper, entity.evidence)
    yield from evidence
    mention = node_iri("mention", paper.key, predicate, entity_node, entity.evidence.field, entity.evidence.start)
    yield paper_node, KG.hasMention, mention
    yield mention, RDF.type, KG.Mention
    yield mention, KG.entity, entity_node
    yield mention, KG.role, predicate
    yield mention, KG.surfaceForm, Literal(entity.name)
    yield mention, KG.evidence, evidence_node
    yield mention, KG.confidence, Literal(round(entity.confidence, 3))
    yield mention, PROV.wasDerivedFrom, paper_node


def paper_triples(paper: Paper, extraction: Extraction, described: set | None = None) -> Iterator[Triple]:
    """Every triple one paper contributes: the paper, its entities, links, results and lineage.

    ``described`` (shared across papers by a build) remembers the entities whose node triples were already
    yielded, so an entity named in thousands of papers is described once, not once per paper.
    """
    paper_node = paper_iri(paper)
    yield from paper_node_triples(paper)
    for entity, predicate in [(e, ROLE_PREDICATES[e.type]) for e in extraction.entities()] + [
        (e, KG.proposes) for e in extraction.proposed
    ]:
        identity = (entity.type, entity.canonical, entity.name, tuple(entity.aliases), entity.concept)
        if described is None or identity not in described:
            yield from entity_node_triples(entity)
            if described is not None:
                described.add(identity)
        yield from mention_triples(paper, entity, predicate)

    repositories = {link.url: link for link in extraction.repos}
    if paper.repository and paper.repository not in repositories:
        yield from repository_triples(paper_node, paper.repository)
    for link in repositories.values():
        yield from repository_triples(paper_node, link.url, path=link.path)
    pages = {link.url for link in extraction.project_pages} | ({paper.project_page} if paper.project_page else set())
    for url in sorted(pages):
        yield paper_node, KG.hasProjectPage, URIRef(url)

    for result in extraction.results:
        node = node_iri("result", paper.key, result.metric, result.value, result.dataset, result.method,
                        result.evidence.start)
        evidence_node, evidence = evidence_triples(paper, result.evidence)
        yield from evidence
        yield paper_node, KG.hasResult, node
        yield node, RDF.type, KG.Result
        yield node, KG.metric, entity_iri("metric", result.metric)
        yield entity_iri("metric", result.metric), RDF.type, KG.Metric
        yield node, KG.value, Literal(result.value)
        number = numeric_value(result.value)
        if number is not None:
            yield node, KG.numericValue, number
        if result.dataset:
            yield node, KG.onDataset, entity_iri("dataset", result.dataset)
        if result.method:
            yield node, KG.ofMethod, entity_iri("method", result.method)
        yield node, KG.evidence, evidence_node
        yield node, KG.confidence, Literal(round(result.confidence, 3))
        yield node, PROV.wasDerivedFrom, paper_node

    for edge in extraction.lineage:
        child, parent = entity_iri("method", edge.child), entity_iri("method", edge.parent)
        if child == parent:
            continue
        predicate = LINEAGE_PREDICATES[edge.relation]
        for node, label in ((child, edge.child), (parent, edge.parent)):
            yield node, RDF.type, KG.Method
            yield node, RDFS.label, Literal(label)
        yield child, predicate, parent
        yield child, KG.lineage, parent  # the super-property, materialised so `kg:lineage+` paths work
        link = node_iri("lineage", paper.key, edge.child, edge.parent, edge.relation)
        evidence_node, evidence = evidence_triples(paper, edge.evidence)
        yield from evidence
        yield link, RDF.type, KG.LineageLink
        yield link, KG.child, child
        yield link, KG.parent, parent
        yield link, KG.relation, predicate
        yield link, KG.statedIn, paper_node
        yield link, KG.evidence, evidence_node
        yield link, KG.confidence, Literal(round(edge.confidence, 3))


def repository_triples(paper_node: URIRef, url: str, *, path: str | None = None) -> Iterator[Triple]:
    repo = repository_iri(url)
    yield paper_node, KG.hasRepository, repo
    yield repo, RDF.type, SCHEMA.SoftwareSourceCode
    yield repo, RDF.type, KG.Repository
    yield repo, SCHEMA.codeRepository, URIRef(url)
    yield repo, RDFS.label, Literal(url.split("://", 1)[-1])
    if path:
        yield repo, KG.repositoryPath, Literal(path)


def vocabulary_files() -> list[Path]:
    """The SKOS vocabularies shipped in ``ontologies/vocab/``; part of every graph."""
    return sorted((ontology_dir() / "vocab").glob("*.ttl"))


def vocabulary_triples() -> Iterator[Triple]:
    graph = Graph()
    for path in vocabulary_files():
        graph.parse(path, format="turtle")
    yield from graph


def build_graph(pairs: Iterable[tuple[Paper, Extraction]], *, with_vocabularies: bool = True) -> Graph:
    """An in-memory rdflib Graph of the papers: for the library API, tests and small inputs."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for paper, extraction in pairs:
        for triple in paper_triples(paper, extraction):
            graph.add(triple)
    if with_vocabularies:
        for triple in vocabulary_triples():
            graph.add(triple)
    return graph
