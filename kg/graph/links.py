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
from rdflib.namespace import PROV, RDF, XSD

from kg.core.namespaces import KG, SCHEMA
from kg.core.urls import web_iri
from kg.graph.iris import node_iri, paper_graph_iri, paper_key_iri, repository_iri, source_graph_iri
from kg.linking.link import SPDX_ID, PaperLinks, RepositoryFacts, _timestamp

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def paper_node(paper_key: str) -> URIRef:
    """The paper's IRI from its key, as ``kg.graph.iris.paper_iri`` mints it from the Paper."""
    return paper_key_iri(paper_key)


Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]


def facts_quads(links: list[PaperLinks]) -> Iterator[Quad]:
    """Every paper's repositories (with source and confidence) and project pages in the paper's named
    graph; each repository's facts in the named graph of that read (:func:`source_graph_iri`), so the next
    read replaces them. URLs come normalised (:func:`kg.core.urls.normalise_url`); any that is not is
    left out."""
    for item in links:
        paper = paper_node(item.paper_key)
        graph = paper_graph_iri(item.paper_key)
        for url, source, confidence in item.repositories:
            if web_iri(url) != url:
                continue
            repo = repository_iri(url)
            for triple in repository_node_triples(repo, url):
                yield (*triple, graph)
            statement = node_iri("repolink", item.paper_key, url.lower())
            for triple in (
                (paper, KG.hasRepository, repo),
                (statement, RDF.type, RDF.Statement),
                (statement, RDF.subject, paper),
                (statement, RDF.predicate, KG.hasRepository),
                (statement, RDF.object, repo),
                (statement, KG.linkSource, Literal(source)),
                (statement, KG.confidence, Literal(round(confidence, 3))),
            ):
                yield (*triple, graph)
        for url in item.project_pages:
            if (page := web_iri(url)) is not None:
                yield paper, KG.hasProjectPage, URIRef(page), graph
    seen: set[str] = set()
    for item in links:
        for facts in item.facts.values():
            if web_iri(facts.url) == facts.url and facts.url.lower() not in seen:
                seen.add(facts.url.lower())
                graph = source_graph_iri(facts.url)
                for triple in repository_facts_triples(repository_iri(facts.url), facts):
                    yield (*triple, graph)


def facts_triples(links: list[PaperLinks]) -> Iterator[Triple]:
    """:func:`facts_quads` without their graphs."""
    for subject, predicate, obj, _ in facts_quads(links):
        yield subject, predicate, obj


def repository_node_triples(repo: URIRef, url: str) -> Iterator[Triple]:
    """The repository's types and the URL this source gives it (``kg:canonicalName``); its
    ``schema:codeRepository`` and label are derived across sources (:class:`kg.graph.build.Names`)."""
    yield repo, RDF.type, SCHEMA.SoftwareSourceCode
    yield repo, RDF.type, KG.Repository
    yield repo, KG.canonicalName, Literal(url)


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
    if facts.license and SPDX_ID.fullmatch(facts.license):
        yield repo, SCHEMA.license, URIRef(f"https://spdx.org/licenses/{facts.license}")
    for topic in facts.topics:
        yield repo, SCHEMA.keywords, Literal(topic)
    if facts.description:
        yield repo, SCHEMA.description, Literal(facts.description)
    for predicate, value in ((SCHEMA.dateCreated, facts.created), (SCHEMA.dateModified, facts.pushed)):
        if value and _timestamp(value):
            yield repo, predicate, Literal(value, datatype=XSD.dateTime)
    yield repo, PROV.generatedAtTime, Literal(facts.retrieved, datatype=XSD.dateTime)
