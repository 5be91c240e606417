"""Paper + Extraction -> RDF triples, under the ontology in ``ontologies/kg.ttl``.

One model, two spellings. :class:`GraphBuilder` writes the triples of one paper through a term encoding:
rdflib terms (:data:`RDFLIB`, for rdflib graphs, tests and the library API) or N-Triples text
(:data:`NTRIPLES`, which build workers hand straight to the store's bulk loader, so a large build never
creates an rdflib term per triple). No blank nodes: every node has an IRI derived from what it is, so the
same input always gives the same graph.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.core.domain import ENTITY_KINDS, FAMILY_PROPERTY, LINEAGE_RELATIONS_TABLE, RESULT_KINDS
from kg.core.identity import family_name
from kg.core.namespaces import KG, KGR, PREFIXES, SCHEMA
from kg.core.papers import Paper
from kg.core.resources import vocabulary_paths
from kg.core.urls import web_iri
from kg.core.vocabularies import parsed
from kg.extraction.records import Entity, Evidence, Extraction
from kg.graph.families import family_chain
from kg.graph.iris import entity_iri, node_iri, paper_graph_iri, paper_iri, repository_iri

Triple = tuple[Any, Any, Any]
XSD_STRING = pyoxigraph.NamedNode(str(XSD.string))
SCHEMA_TERMS = (
    "ScholarlyArticle",
    "Dataset",
    "SoftwareSourceCode",
    "name",
    "abstract",
    "datePublished",
    "url",
    "author",
    "codeRepository",
)
ENTITY_CLASSES: dict[str, tuple[str, ...]] = {
    kind.name: (KG[kind.rdf_class], SCHEMA.Dataset) if kind.name == "dataset" else (KG[kind.rdf_class],)
    for kind in ENTITY_KINDS
}
ROLE_PREDICATES: dict[str, str] = {kind.name: KG[kind.role] for kind in ENTITY_KINDS}
LINEAGE_PREDICATES: dict[str, str] = {
    relation.name: KG[relation.rdf_property] for relation in LINEAGE_RELATIONS_TABLE
}
RESULT_KIND_TERMS: dict[str, str] = {kind.name: KG[kind.rdf_term] for kind in RESULT_KINDS}
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
DATE_TYPES = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), str(XSD.date)),
    (re.compile(r"\d{4}-\d{2}"), str(XSD.gYearMonth)),
    (re.compile(r"\d{4}"), str(XSD.gYear)),
)
XSD_INTEGER, XSD_DOUBLE, XSD_DECIMAL = str(XSD.integer), str(XSD.double), str(XSD.decimal)
KGR_REPO, KGR_METHOD = str(KGR) + "repo/", str(KGR) + "method/"


def safe_iri(value: str | None) -> str | None:
    """An IRI from an untrusted URL (a record's url field): through the one URL normaliser
    (:func:`kg.core.urls.normalise_url`), None for anything that is not a usable http(s) URL."""
    return web_iri(value)


class Terms(Protocol):
    """How a term is spelled: an IRI, a plain string literal, a typed literal."""

    def iri(self, value: str) -> Any: ...

    def text(self, value: str) -> Any: ...

    def typed(self, lexical: str, datatype: str) -> Any: ...


_short_literal = lru_cache(maxsize=200_000)(Literal)


class RdflibTerms:
    """rdflib terms. Building a Literal is costly and labels, offsets and confidences recur: cache them."""

    iri = staticmethod(URIRef)

    @staticmethod
    def text(value: str) -> Literal:
        return _short_literal(value) if len(value) <= 64 else Literal(value)  # labels, not abstracts

    @staticmethod
    @lru_cache(maxsize=200_000)
    def typed(lexical: str, datatype: str) -> Literal:
        return Literal(lexical, datatype=URIRef(datatype))


ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
NEEDS_ESCAPE = re.compile(r'[\\"\n\r]')


class NTriplesTerms:
    """Terms as N-Triples text (``<iri>``, ``"text"``, ``"3"^^<datatype>``): what the bulk loader reads."""

    @staticmethod
    def iri(value: str) -> str:
        return f"<{value}>"

    @staticmethod
    def text(value: str) -> str:
        return f'"{value.translate(ESCAPES)}"' if NEEDS_ESCAPE.search(value) else f'"{value}"'

    @staticmethod
    def typed(lexical: str, datatype: str) -> str:
        return f'"{lexical.translate(ESCAPES)}"^^<{datatype}>'


@dataclass
class PaperGraph:
    """One paper's triples: its own, descriptions of shared nodes (keyed, so a paper writes each once), and
    the names it gives shared nodes, from which the build derives their labels (:class:`Names`)."""

    own: list[Triple] = field(default_factory=list)
    shared: list[tuple[Hashable, list[Triple]]] = field(default_factory=list)
    names: list[tuple[str, tuple[str, ...]]] = field(
        default_factory=list
    )  # (node IRI, its names, this paper's canonical first)

    def name_facts(self, builder: GraphBuilder) -> list[Triple]:
        """``kg:canonicalName`` / ``kg:nameForm`` triples: each (node, name) once per paper."""
        seen: set[tuple[str, str, str]] = set()
        out = []
        text, iri = builder.terms.text, builder.terms.iri
        for node, names in self.names:
            for index, name in enumerate(names):
                predicate = builder.k.canonicalName if index == 0 else builder.k.nameForm
                key = (node, name, "c" if index == 0 else "f")
                if key not in seen:
                    seen.add(key)
                    out.append((iri(node), predicate, text(name)))
        return out

    def unique_names(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(node, canonical, other forms) once per (node, canonical), for :meth:`Names.add`."""
        merged: dict[tuple[str, str], set[str]] = {}
        for node, names in self.names:
            merged.setdefault((node, names[0]), set()).update(names[1:])
        return [(node, canonical, tuple(sorted(forms))) for (node, canonical), forms in merged.items()]


class Names:
    """The names every paper (and online read) gives each shared node, and the labels derived from them.

    Variants of a name merge into one node ("ImageNet-1k", "ImageNet-1K"). Its ``skos:prefLabel`` (and
    ``rdfs:label``) is the canonical name most papers give it, ties going to the first in code-point order;
    every other name is an ``skos:altLabel`` (SKOS: one prefLabel, disjoint from the altLabels). A method's
    ``kg:family`` follows from its prefLabel; a repository's ``schema:codeRepository`` URL is chosen the
    same way. The rule reads only which names the papers give, never the order a build met them in, so an
    incremental build derives exactly the labels a fresh build of the same papers would.
    """

    def __init__(self) -> None:
        self.canonical: dict[str, Counter[str]] = defaultdict(Counter)
        self.forms: dict[str, set[str]] = defaultdict(set)

    def add(self, node: str, canonical: str, forms: Iterable[str] = (), papers: int = 1) -> None:
        """One paper (or ``papers`` papers) giving ``node`` the canonical name ``canonical`` (call once per
        paper and name) and ``forms`` as other names."""
        self.canonical[node][canonical] += papers
        self.forms[node].update(forms)

    def add_form(self, node: str, form: str) -> None:
        self.forms[node].add(form)

    def preferred(self, node: str) -> str:
        counts = self.canonical[node]
        return min(counts, key=lambda name: (-counts[name], name))

    def triples(self, builder: GraphBuilder) -> Iterator[Triple]:
        """The derived triples (labels, families, repository URLs), nodes in IRI order."""
        text = builder.terms.text
        for node in sorted(self.canonical):
            preferred = self.preferred(node)
            subject = builder.terms.iri(node)
            if node.startswith(KGR_REPO):
                url = web_iri(preferred)
                if url is not None:
                    yield subject, builder.s.codeRepository, builder.terms.iri(url)
                    yield subject, builder.label, text(url.split("://", 1)[-1])
                continue
            yield subject, builder.pref_label, text(preferred)
            yield subject, builder.label, text(preferred)
            for name in sorted((set(self.canonical[node]) | self.forms[node]) - {preferred}):
                yield subject, builder.alt_label, text(name)
            if node.startswith(KGR_METHOD):
                yield subject, builder.k.family, text(family_name(preferred))


class GraphBuilder:
    """Writes papers' triples through one term encoding, with the ontology's terms spelled once."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        iri = terms.iri
        self.k = SimpleNamespace(**{name: iri(str(KG[name])) for name in KG.__annotations__})
        self.s = SimpleNamespace(**{name: iri(str(SCHEMA[name])) for name in SCHEMA_TERMS})
        self.type, self.label, self.derived_from = (
            iri(str(RDF.type)),
            iri(str(RDFS.label)),
            iri(str(PROV.wasDerivedFrom)),
        )
        self.pref_label, self.alt_label = iri(str(SKOS.prefLabel)), iri(str(SKOS.altLabel))
        self.exact_match, self.broader = iri(str(SKOS.exactMatch)), iri(str(SKOS.broader))
        self.family_predicates = {kind: getattr(self.k, term) for kind, term in FAMILY_PROPERTY.items()}
        self.entity_classes = {
            kind: tuple(iri(str(c)) for c in classes) for kind, classes in ENTITY_CLASSES.items()
        }
        self.role_predicates = {kind: iri(str(p)) for kind, p in ROLE_PREDICATES.items()}
        self.lineage_predicates = {kind: iri(str(p)) for kind, p in LINEAGE_PREDICATES.items()}
        self.result_kinds = {kind: iri(str(term)) for kind, term in RESULT_KIND_TERMS.items()}
        self._entities: dict[tuple[str, str], str] = {}

    # -- terms ------------------------------------------------------------------------------------------

    def entity_iri(self, entity_type: str, name: str) -> str:
        """The entity's IRI (merging name variants is costly, and names recur across papers: cached)."""
        key = (entity_type, name)
        iri = self._entities.get(key)
        if iri is None:
            if len(self._entities) > 200_000:
                self._entities.clear()
            iri = self._entities[key] = str(entity_iri(entity_type, name))
        return iri

    def entity(self, entity_type: str, name: str) -> Any:
        return self.terms.iri(self.entity_iri(entity_type, name))

    def integer(self, value: int) -> Any:
        return self.terms.typed(str(value), XSD_INTEGER)

    def confidence(self, value: float) -> Any:
        return self.terms.typed(repr(round(value, 3)), XSD_DOUBLE)

    def date(self, value: str) -> Any:
        """ISO dates as xsd:date, year-months as xsd:gYearMonth, years as xsd:gYear, else a plain string."""
        for pattern, datatype in DATE_TYPES:
            if pattern.fullmatch(value):
                return self.terms.typed(value, datatype)
        return self.terms.text(value)

    def number(self, value: str) -> Any | None:
        """The number in a reported value ("84.1%" -> 84.1) as xsd:decimal, None when there is none."""
        match = NUMBER.search(value.replace(",", ""))
        if not match:
            return None
        try:
            return self.terms.typed(str(Decimal(match.group(0))), XSD_DECIMAL)
        except InvalidOperation:
            return None

    # -- triples ----------------------------------------------------------------------------------------

    def paper_triples(self, paper: Paper, extraction: Extraction) -> Iterator[Triple]:
        """Every triple of one paper's named graph: the paper, its entities, links, results, lineage and
        the names it gives shared nodes (labels are derived across papers: :class:`Names`)."""
        graph = self.paper_graph(paper, extraction)
        seen: set[Hashable] = set()
        for key, triples in graph.shared:
            if key not in seen:
                seen.add(key)
                yield from triples
        yield from graph.name_facts(self)
        yield from graph.own

    def paper_graph(self, paper: Paper, extraction: Extraction) -> PaperGraph:
        terms, k, kind = self.terms, self.k, self.type
        graph = PaperGraph()
        own, shared = graph.own, graph.shared
        paper_node = terms.iri(str(paper_iri(paper)))
        self._paper_node(paper, paper_node, own)
        evidence_nodes: dict[tuple[str, int, int], Any] = {}

        def evidence(span: Evidence) -> Any:
            """The Evidence node of one span of the text: shared by every fact read from that span."""
            node = evidence_nodes.get((span.field, span.start, span.end))
            if node is None:
                node = terms.iri(str(node_iri("evidence", paper.key, span.field, span.start, span.end)))
                evidence_nodes[span.field, span.start, span.end] = node
                own.extend(
                    (
                        (node, kind, k.Evidence),
                        (node, k.textField, terms.text(span.field)),
                        (node, k.sentence, terms.text(span.sentence)),
                        (node, k.startOffset, self.integer(span.start)),
                        (node, k.endOffset, self.integer(span.end)),
                        (node, self.derived_from, paper_node),
                    )
                )
            return node

        roles = [(e, self.role_predicates[e.type], ROLE_PREDICATES[e.type]) for e in extraction.entities()]
        roles += [(e, k.proposes, KG.proposes) for e in extraction.proposed]
        for entity, predicate, predicate_iri in roles:
            entity_ref = self.entity_iri(entity.type, entity.canonical)
            entity_node = terms.iri(entity_ref)
            shared.append(
                (("entity", entity_ref, entity.concept), list(self._entity_node(entity, entity_node)))
            )
            forms = sorted({entity.name, *entity.aliases} - {entity.canonical})
            graph.names.append((entity_ref, (entity.canonical, *forms)))
            self._family(entity.type, entity.canonical, entity.concept, graph)
            mention = terms.iri(
                str(
                    node_iri(
                        "mention",
                        paper.key,
                        predicate_iri,
                        entity_ref,
                        entity.evidence.field,
                        entity.evidence.start,
                    )
                )
            )
            own.extend(
                (
                    (paper_node, predicate, entity_node),
                    (paper_node, k.hasMention, mention),
                    (mention, kind, k.Mention),
                    (mention, k.entity, entity_node),
                    (mention, k.role, predicate),
                    (mention, k.surfaceForm, terms.text(entity.name)),
                    (mention, k.evidence, evidence(entity.evidence)),
                    (mention, k.confidence, self.confidence(entity.confidence)),
                    (mention, self.derived_from, paper_node),
                )
            )

        repositories = {link.url: link.path for link in extraction.repos}
        if paper.repository and paper.repository not in repositories:
            repositories[paper.repository] = None
        for url, path in repositories.items():
            self._repository(paper_node, url, path, graph)
        pages = {link.url for link in extraction.project_pages} | (
            {paper.project_page} if paper.project_page else set()
        )
        for url in sorted(pages):
            if (page := safe_iri(url)) is not None:
                own.append((paper_node, k.hasProjectPage, terms.iri(page)))

        for result in extraction.results:
            node = terms.iri(
                str(
                    node_iri(
                        "result",
                        paper.key,
                        result.metric,
                        result.value,
                        result.dataset,
                        result.method,
                        result.evidence.start,
                    )
                )
            )
            metric = self.entity("metric", result.metric)
            shared.append((("typed", metric, k.Metric), [(metric, kind, k.Metric)]))
            graph.names.append((self.entity_iri("metric", result.metric), (result.metric,)))
            own.extend(
                (
                    (paper_node, k.hasResult, node),
                    (node, kind, k.Result),
                    (node, k.resultKind, self.result_kinds[result.kind]),
                    (node, k.metric, metric),
                    (node, k.value, terms.text(result.value)),
                    (node, k.evidence, evidence(result.evidence)),
                    (node, k.confidence, self.confidence(result.confidence)),
                    (node, self.derived_from, paper_node),
                )
            )
            if (number := self.number(result.value)) is not None:
                own.append((node, k.numericValue, number))
            if result.dataset:
                own.append((node, k.onDataset, self.entity("dataset", result.dataset)))
            if result.method:
                own.append((node, k.ofMethod, self.entity("method", result.method)))

        for edge in extraction.lineage:
            child, parent = self.entity("method", edge.child), self.entity("method", edge.parent)
            if child == parent:
                continue
            for node, label in ((child, edge.child), (parent, edge.parent)):
                shared.append((("typed", node, k.Method), [(node, kind, k.Method)]))
                graph.names.append((self.entity_iri("method", label), (label,)))
                self._family("method", label, None, graph)
            predicate = self.lineage_predicates[edge.relation]
            link = terms.iri(str(node_iri("lineage", paper.key, edge.child, edge.parent, edge.relation)))
            own.extend(
                (
                    (child, predicate, parent),
                    (
                        child,
                        k.lineage,
                        parent,
                    ),  # the super-property, materialised so `kg:lineage+` paths work
                    (link, kind, k.LineageLink),
                    (link, k.child, child),
                    (link, k.parent, parent),
                    (link, k.relation, predicate),
                    (link, k.statedIn, paper_node),
                    (link, k.evidence, evidence(edge.evidence)),
                    (link, k.confidence, self.confidence(edge.confidence)),
                )
            )
        return graph

    def _paper_node(self, paper: Paper, node: Any, own: list[Triple]) -> None:
        terms, k, s = self.terms, self.k, self.s
        own.extend(
            (
                (node, self.type, s.ScholarlyArticle),
                (node, self.type, k.Paper),
                (node, s.name, terms.text(paper.title)),
            )
        )
        if paper.abstract:
            own.append((node, s.abstract, terms.text(paper.abstract)))
        if paper.date:
            own.append((node, s.datePublished, self.date(paper.date)))
        if paper.arxiv_id:
            own.append((node, k.arxivId, terms.text(paper.arxiv_id)))
            own.append((node, s.url, terms.iri(f"https://arxiv.org/abs/{paper.arxiv_id}")))
        elif paper.url and (url := safe_iri(paper.url)) is not None:
            own.append((node, s.url, terms.iri(url)))
        own.extend((node, s.author, terms.text(author)) for author in paper.authors)
        if paper.upvotes is not None:
            own.append((node, k.upvotes, self.integer(paper.upvotes)))

    def _entity_node(self, entity: Entity, node: Any) -> Iterator[Triple]:
        """The entity itself, shared across papers: its classes and concept (its names go through Names)."""
        return self._node_description(entity.type, entity.canonical, entity.concept, node)

    def _node_description(
        self, entity_type: str, name: str, concept: str | None, node: Any
    ) -> Iterator[Triple]:
        for cls in self.entity_classes[entity_type]:
            yield node, self.type, cls
        if concept:
            yield node, self.exact_match, self.terms.iri(concept)

    def _family(self, entity_type: str, name: str, concept: str | None, graph: PaperGraph) -> None:
        """Link a dataset version or a method size/version to its family, up to the top (kg.graph.families):
        ``skos:broader`` and ``kg:versionOf`` (datasets) or ``kg:variantOf`` + ``kg:lineage`` (methods), with
        the family node described (made) as an entity of its own."""
        for member, family in family_chain(entity_type, name, concept):
            member_node = self.entity(entity_type, member)
            family_key = self.entity_iri(entity_type, family.name)
            family_node = self.terms.iri(family_key)
            links = [
                (member_node, self.broader, family_node),
                (member_node, self.family_predicates[entity_type], family_node),
            ]
            if entity_type == "method":
                links.append((member_node, self.k.lineage, family_node))
            graph.shared.append((("family", member_node, family_node), links))
            graph.shared.append(
                (
                    ("entity", family_key, family.concept),
                    list(self._node_description(entity_type, family.name, family.concept, family_node)),
                )
            )
            graph.names.append((family_key, (family.name,)))

    def _repository(self, paper_node: Any, url: str, path: str | None, graph: PaperGraph) -> None:
        code = safe_iri(url)
        if code is None:
            return
        terms, k = self.terms, self.k
        repo_iri = str(repository_iri(code))
        repo = terms.iri(repo_iri)
        graph.own.append((paper_node, k.hasRepository, repo))
        description = [(repo, self.type, self.s.SoftwareSourceCode), (repo, self.type, k.Repository)]
        if path:
            description.append((repo, k.repositoryPath, terms.text(path)))
        graph.shared.append((("repository", repo, path), description))
        graph.names.append((repo_iri, (code,)))  # its codeRepository URL: the spelling most papers give


RDFLIB = GraphBuilder(RdflibTerms())
NTRIPLES = GraphBuilder(NTriplesTerms())


def paper_triples(paper: Paper, extraction: Extraction) -> Iterator[Triple]:
    """The triples of the paper's named graph as rdflib terms (see :meth:`GraphBuilder.paper_triples`)."""
    return RDFLIB.paper_triples(paper, extraction)


@dataclass
class NTriplesChunk:
    """Some papers' triples, spelled for the bulk loader: N-Quads, each paper's in its own named graph.

    With ``union`` the same papers are also spelled as one N-Triples document (the union a fresh large
    build transcodes to Turtle): their own triples in ``text``, shared descriptions apart in ``shared`` so
    a build writes each once."""

    papers: int
    quads: str
    quad_count: int
    names: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (node, canonical, forms)
    graphs: list[str] = field(default_factory=list)  # the papers' named graphs
    text: str = ""
    triples: int = 0  # lines in ``text``
    shared: dict[Hashable, tuple[int, str]] = field(default_factory=dict)  # key -> (triples, text)


def ntriples_text(triples: Iterable[Triple]) -> str:
    """N-Triples-spelled triples (``NTRIPLES``) as lines of a document."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def nquads_text(triples: Iterable[Triple], graph: str) -> str:
    """N-Triples-spelled triples as N-Quads lines in the named graph ``graph`` (an IRI)."""
    return "".join(f"{s} {p} {o} <{graph}> .\n" for s, p, o in triples)


def ntriples_chunk(pairs: Iterable[tuple[Paper, Extraction]], *, union: bool = False) -> NTriplesChunk:
    chunk = NTriplesChunk(0, "", 0)
    quads: list[str] = []
    texts: list[str] = []
    for paper, extraction in pairs:
        chunk.papers += 1
        graph = NTRIPLES.paper_graph(paper, extraction)
        facts = graph.name_facts(NTRIPLES)
        mine: list[Triple] = []
        seen: set[Hashable] = set()
        for key, description in graph.shared:
            if key not in seen:
                seen.add(key)
                mine += description
                if union and key not in chunk.shared:
                    chunk.shared[key] = (len(description), ntriples_text(description))
        mine += facts
        mine += graph.own
        graph_name = str(paper_graph_iri(paper.key))
        chunk.graphs.append(graph_name)
        quads.append(nquads_text(mine, graph_name))
        chunk.quad_count += len(mine)
        chunk.names += graph.unique_names()
        if union:
            texts.append(ntriples_text(facts) + ntriples_text(graph.own))
            chunk.triples += len(facts) + len(graph.own)
    chunk.quads = "".join(quads)
    chunk.text = "".join(texts)
    return chunk


def vocabulary_files() -> list[Path]:
    """The SKOS vocabularies shipped in ``ontologies/vocab/`` (hand-written and generated); part of every graph."""
    return vocabulary_paths()


def vocabulary_triples() -> Iterator[Triple]:
    """The vocabularies' triples as rdflib terms, from the one parse of each file (``kg.core.vocabularies``,
    shared with the vocabulary matcher and the family rules). Each triple once, though files may repeat one."""
    seen: set[Triple] = set()
    for path in vocabulary_files():
        for quad in parsed(path):
            triple = (_rdflib_term(quad.subject), URIRef(quad.predicate.value), _rdflib_term(quad.object))
            if triple not in seen:
                seen.add(triple)
                yield triple


def _rdflib_term(term: Any) -> Any:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=None if term.datatype == XSD_STRING else URIRef(term.datatype.value))


def build_graph(pairs: Iterable[tuple[Paper, Extraction]], *, with_vocabularies: bool = True) -> Graph:
    """An in-memory rdflib Graph of the papers (the union a build's store holds): for the library API,
    tests and small inputs."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    names = Names()
    for paper, extraction in pairs:
        paper_graph = RDFLIB.paper_graph(paper, extraction)
        for triple in RDFLIB.paper_triples(paper, extraction):
            graph.add(triple)
        for node, canonical, forms in paper_graph.unique_names():
            names.add(node, canonical, forms)
    for triple in names.triples(RDFLIB):
        graph.add(triple)
    if with_vocabularies:
        for triple in vocabulary_triples():
            graph.add(triple)
    return graph
