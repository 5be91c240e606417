"""Paper + Extraction -> RDF triples (rdflib terms), under the ontology in ``ontologies/kg.ttl``.

Triples are yielded one paper at a time so a build can stream them into the store in batches. No blank
nodes: every node has an IRI derived from what it is, so the same input always gives the same graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.extraction.records import Entity, Evidence, Extraction
from kg.graph.iris import entity_iri, node_iri, paper_iri, repository_iri
from kg.methods import family_name
from kg.papers import Paper
from kg.resources import ontology_dir
from kg.vocab import KG, PREFIXES, SCHEMA

Triple = tuple[URIRef, URIRef, URIRef | Literal]

# Plain attribute lookups: rdflib's closed namespaces resolve each `KG.x` through __getattr__, which
# cost a fifth of the graph stage on large builds.
K = SimpleNamespace(**{name: KG[name] for name in KG.__annotations__})
S = SimpleNamespace(**{name: SCHEMA[name] for name in (
    "ScholarlyArticle", "Dataset", "SoftwareSourceCode", "name", "abstract", "datePublished", "url", "author",
    "codeRepository")})
TYPE, LABEL, DERIVED_FROM = RDF.type, RDFS.label, PROV.wasDerivedFrom
PREF_LABEL, ALT_LABEL, EXACT_MATCH = SKOS.prefLabel, SKOS.altLabel, SKOS.exactMatch
# Offsets, confidences and labels recur across mentions; building an rdflib Literal is costly.
literal = lru_cache(maxsize=200_000, typed=True)(Literal)

ENTITY_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "method": (K.Method,),
    "technique": (K.Technique,),
    "dataset": (K.Dataset, S.Dataset),
    "metric": (K.Metric,),
    "task": (K.Task,),
}
ROLE_PREDICATES: dict[str, URIRef] = {
    "method": K.usesMethod,
    "technique": K.usesTechnique,
    "dataset": K.evaluatedOn,
    "metric": K.measuredBy,
    "task": K.addressesTask,
}
LINEAGE_PREDICATES: dict[str, URIRef] = {
    "extends": K.extends,
    "variant_of": K.variantOf,
    "based_on": K.basedOn,
    "improves_on": K.improvesOn,
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
    yield iri, TYPE, S.ScholarlyArticle
    yield iri, TYPE, K.Paper
    yield iri, S.name, Literal(paper.title)
    if paper.abstract:
        yield iri, S.abstract, Literal(paper.abstract)
    if paper.date:
        yield iri, S.datePublished, date_literal(paper.date)
    if paper.arxiv_id:
        yield iri, K.arxivId, Literal(paper.arxiv_id)
        yield iri, S.url, URIRef(f"https://arxiv.org/abs/{paper.arxiv_id}")
    elif paper.url:
        yield iri, S.url, URIRef(paper.url)
    for author in paper.authors:
        yield iri, S.author, literal(author)
    if paper.upvotes is not None:
        yield iri, K.upvotes, Literal(paper.upvotes)


def evidence_triples(paper: Paper, evidence: Evidence) -> tuple[URIRef, list[Triple]]:
    """The Evidence node for one span of the paper's text: shared by every fact read from that span."""
    iri = node_iri("evidence", paper.key, evidence.field, evidence.start, evidence.end)
    return iri, [
        (iri, TYPE, K.Evidence),
        (iri, K.textField, literal(evidence.field)),
        (iri, K.sentence, Literal(evidence.sentence)),
        (iri, K.startOffset, literal(evidence.start)),
        (iri, K.endOffset, literal(evidence.end)),
        (iri, DERIVED_FROM, paper_iri(paper)),
    ]


def entity_node_triples(entity: Entity) -> Iterator[Triple]:
    """The entity itself, shared across papers: its classes, its canonical label and its variants."""
    iri = entity_iri(entity.type, entity.canonical)
    for cls in ENTITY_CLASSES[entity.type]:
        yield iri, TYPE, cls
    yield iri, PREF_LABEL, literal(entity.canonical)
    yield iri, LABEL, literal(entity.canonical)
    for form in {entity.name, *entity.aliases} - {entity.canonical}:
        yield iri, ALT_LABEL, literal(form)
    if entity.concept:
        yield iri, EXACT_MATCH, URIRef(entity.concept)
    if entity.type == "method":
        yield iri, K.family, literal(family_name(entity.canonical))


def mention_triples(paper: Paper, entity: Entity, predicate: URIRef) -> Iterator[Triple]:
    """paper --predicate--> entity, plus a Mention node holding the surface form, evidence and confidence."""
    paper_node, entity_node = paper_iri(paper), entity_iri(entity.type, entity.canonical)
    yield paper_node, predicate, entity_node
    evidence_node, evidence = evidence_triples(paper, entity.evidence)
    yield from evidence
    mention = node_iri("mention", paper.key, predicate, entity_node, entity.evidence.field, entity.evidence.start)
    yield paper_node, K.hasMention, mention
    yield mention, TYPE, K.Mention
    yield mention, K.entity, entity_node
    yield mention, K.role, predicate
    yield mention, K.surfaceForm, literal(entity.name)
    yield mention, K.evidence, evidence_node
    yield mention, K.confidence, literal(round(entity.confidence, 3))
    yield mention, DERIVED_FROM, paper_node


def paper_triples(paper: Paper, extraction: Extraction, described: set | None = None) -> Iterator[Triple]:
    """Every triple one paper contributes: the paper, its entities, links, results and lineage.

    ``described`` (shared across papers by a build) remembers the entities whose node triples were already
    yielded, so an entity named in thousands of papers is described once, not once per paper.
    """
    paper_node = paper_iri(paper)
    yield from paper_node_triples(paper)
    for entity, predicate in [(e, ROLE_PREDICATES[e.type]) for e in extraction.entities()] + [
        (e, K.proposes) for e in extraction.proposed
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
        yield paper_node, K.hasProjectPage, URIRef(url)

    for result in extraction.results:
        node = node_iri("result", paper.key, result.metric, result.value, result.dataset, result.method,
                        result.evidence.start)
        evidence_node, evidence = evidence_triples(paper, result.evidence)
        yield from evidence
        yield paper_node, K.hasResult, node
        yield node, TYPE, K.Result
        yield node, K.metric, entity_iri("metric", result.metric)
        yield entity_iri("metric", result.metric), TYPE, K.Metric
        yield node, K.value, literal(result.value)
        number = numeric_value(result.value)
        if number is not None:
            yield node, K.numericValue, number
        if result.dataset:
            yield node, K.onDataset, entity_iri("dataset", result.dataset)
        if result.method:
            yield node, K.ofMethod, entity_iri("method", result.method)
        yield node, K.evidence, evidence_node
        yield node, K.confidence, literal(round(result.confidence, 3))
        yield node, DERIVED_FROM, paper_node

    for edge in extraction.lineage:
        child, parent = entity_iri("method", edge.child), entity_iri("method", edge.parent)
        if child == parent:
            continue
        predicate = LINEAGE_PREDICATES[edge.relation]
        for node, label in ((child, edge.child), (parent, edge.parent)):
            yield node, TYPE, K.Method
            yield node, LABEL, literal(label)
        yield child, predicate, parent
        yield child, K.lineage, parent  # the super-property, materialised so `kg:lineage+` paths work
        link = node_iri("lineage", paper.key, edge.child, edge.parent, edge.relation)
        evidence_node, evidence = evidence_triples(paper, edge.evidence)
        yield from evidence
        yield link, TYPE, K.LineageLink
        yield link, K.child, child
        yield link, K.parent, parent
        yield link, K.relation, predicate
        yield link, K.statedIn, paper_node
        yield link, K.evidence, evidence_node
        yield link, K.confidence, literal(round(edge.confidence, 3))


def repository_triples(paper_node: URIRef, url: str, *, path: str | None = None) -> Iterator[Triple]:
    repo = repository_iri(url)
    yield paper_node, K.hasRepository, repo
    yield repo, TYPE, S.SoftwareSourceCode
    yield repo, TYPE, K.Repository
    yield repo, S.codeRepository, URIRef(url)
    yield repo, LABEL, Literal(url.split("://", 1)[-1])
    if path:
        yield repo, K.repositoryPath, Literal(path)


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
