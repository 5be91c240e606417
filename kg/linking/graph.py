"""Paper-to-code links and repository facts as RDF triples, on the nodes ``kg.graph`` mints.

Facts use schema.org where it has a term (programmingLanguage, license, keywords, description,
dateCreated, dateModified) and kg terms for GitHub's counters (``kg:stars``, ``kg:forks``,
``kg:archived``). When they were read is ``prov:generatedAtTime`` on the repository node. Each
paper-repository link is also a reified ``rdf:Statement`` carrying ``kg:linkSource`` and
``kg:confidence``, since one repository may be linked to several papers by different sources.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg.graph.iris import node_iri, repository_iri
from kg.linking.link import PaperLinks, RepositoryFacts
from kg.namespaces import KG, KGR, SCHEMA

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def paper_node(paper_key: str) -> URIRef:
    """The paper's IRI from its key, as ``kg.graph.iris.paper_iri`` mints it from the Paper."""
    return KGR["paper/" + paper_key.replace("/", "_")]


def facts_triples(links: list[PaperLinks]) -> Iterator[Triple]:
    """Every paper's repositories (with source and confidence), project pages, and repository facts."""
    for item in links:
        paper = paper_node(item.paper_key)
        for url, source, confidence in item.repositories:
            repo = repository_iri(url)
            yield paper, KG.hasRepository, repo
            yield from repository_node_triples(repo, url)
            statement = node_iri("repolink", item.paper_key, url.lower())
            yield statement, RDF.type, RDF.Statement
            yield statement, RDF.subject, paper
            yield statement, RDF.predicate, KG.hasRepository
            yield statement, RDF.object, repo
            yield statement, KG.linkSource, Literal(source)
            yield statement, KG.confidence, Literal(round(confidence, 3))
        for url in item.project_pages:
            yield paper, KG.hasProjectPage, URIRef(url)
        for facts in item.facts.values():
            yield from repository_facts_triples(repository_iri(facts.url), facts)


def repository_node_triples(repo: URIRef, url: str) -> Iterator[Triple]:
    yield repo, RDF.type, SCHEMA.SoftwareSourceCode
    yield repo, RDF.type, KG.Repository
    yield repo, SCHEMA.codeRepository, URIRef(url)
    yield repo, RDFS.label, Literal(url.split("://", 1)[-1])


def repository_facts_triples(repo: URIRef, facts: RepositoryFacts) -> Iterator[Triple]:
    yield from repository_node_triples(repo, facts.url)
    if facts.stars is not None:
        yield repo, KG.stars, Literal(facts.stars)
    if facts.forks is not None:
        yield repo, KG.forks, Literal(facts.forks)
    if facts.archived is not None:
        yield repo, KG.archived, Literal(facts.archived)
    if facts.language:
        yield repo, SCHEMA.programmingLanguage, Literal(facts.language)
    if facts.license:
        yield repo, SCHEMA.license, URIRef(f"https://spdx.org/licenses/{facts.license}")
    for topic in facts.topics:
        yield repo, SCHEMA.keywords, Literal(topic)
    if facts.description:
        yield repo, SCHEMA.description, Literal(facts.description)
    for predicate, value in ((SCHEMA.dateCreated, facts.created), (SCHEMA.dateModified, facts.pushed)):
        if value:
            yield repo, predicate, Literal(value, datatype=XSD.dateTime)
    yield repo, PROV.generatedAtTime, Literal(facts.retrieved, datatype=XSD.dateTime)
