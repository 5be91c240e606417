"""The RDF graph seen as a NetworkX multigraph of papers and the entities they mention, for viz and analysis.

Only typed domain nodes become NetworkX nodes (papers, methods, techniques, datasets, metrics, tasks,
repositories); bookkeeping nodes (mentions, evidence, results, reified lineage links) and the SKOS concepts
of the shipped vocabularies stay out, so the view shows what a reader cares about.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.core.domain import NODE_KINDS, VIEW_RELATIONS
from kg.core.namespaces import KG, SCHEMA

KIND_BY_CLASS: dict[str, str] = {str(KG[kind.rdf_class]): kind.name for kind in NODE_KINDS}
"""rdf:type -> view kind. A node typed with none of these is left out of the view."""

RELATIONS: tuple[str, ...] = tuple(relation.rdf_property for relation in VIEW_RELATIONS)
"""Edge relations kept in the view, as local names of kg: properties."""

_EDGE_PREDICATES = {str(KG[name]): name for name in RELATIONS}

# label sources, best first: a node keeps the label of the highest-ranked predicate it has
_LABEL_RANK = {str(SKOS.prefLabel): 0, str(SCHEMA.name): 1, str(RDFS.label): 2}

# literal-valued attributes by predicate
_ATTRIBUTES = {
    str(SCHEMA.name): "title",
    str(SCHEMA.headline): "title",
    str(SCHEMA.abstract): "abstract",
    str(SCHEMA.datePublished): "date",
    str(KG.arxivId): "arxiv_id",
}
_URL_PREDICATES = {str(SCHEMA.url), str(SCHEMA.codeRepository)}
# repository popularity may be written with a kg: or schema-like term; match by local name
_STAR_NAMES = {"stars", "stargazers", "stargazerCount", "stargazersCount"}


def local_name(iri: str) -> str:
    """``https://w3id.org/kg-ml/ns#evaluatedOn`` -> ``evaluatedOn``; the last path segment otherwise."""
    if "#" in iri:
        return iri.rsplit("#", 1)[1]
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _stars(value: Any) -> int | None:
    try:
        return int(float(str(value)))
    except ValueError:
        return None


def _keep_least(attrs: dict[str, Any], name: str, value: str) -> None:
    """Of several values for one attribute keep the least, so the view never depends on triple order."""
    if name not in attrs or value < attrs[name]:
        attrs[name] = value


def _fallback_label(node: str, data: dict[str, Any]) -> str:
    """A repository without a name is shown as ``owner/name`` from its URL; anything else by its IRI's tail."""
    url = data.get("url")
    if url and "://" in url:
        path = url.split("://", 1)[1].rstrip("/").split("/", 1)
        if len(path) == 2 and path[1]:
            return path[1]
    return local_name(node)


def to_networkx(triples: Iterable[tuple]) -> nx.MultiDiGraph:
    """Build the view in one pass over rdflib-term triples (an ``rdflib.Graph`` or a store's ``triples()``).

    Triples may come in any order, so the pass only collects; nodes and edges are assembled at the end.
    Node id is the IRI string; node attributes: ``kind``, ``label`` and, when present, ``title``, ``date``,
    ``abstract``, ``url``, ``arxiv_id`` (papers) or ``url``, ``stars`` (repositories). Edge key and
    ``relation`` attribute: the property's local name (``"evaluatedOn"``).
    """
    kinds: dict[str, str] = {}
    labels: dict[str, tuple[int, str]] = {}
    attrs: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, str]] = []
    rdf_type = str(RDF.type)
    for subject, predicate, obj in triples:
        if not isinstance(subject, URIRef):
            continue
        s, p = str(subject), str(predicate)
        if p == rdf_type:
            kind = KIND_BY_CLASS.get(str(obj))
            if kind is not None and (s not in kinds or kind == "paper"):
                kinds[s] = kind
        elif p in _EDGE_PREDICATES:
            if isinstance(obj, URIRef):
                edges.append((s, str(obj), _EDGE_PREDICATES[p]))
        elif isinstance(obj, Literal):
            text = str(obj)
            rank = _LABEL_RANK.get(p)
            if rank is not None and text.strip():
                # several labels of one rank (merged variants): the least one, whatever the triple order
                candidate = (rank, text.strip())
                if s not in labels or candidate < labels[s]:
                    labels[s] = candidate
            name = _ATTRIBUTES.get(p)
            if name is not None:
                _keep_least(attrs.setdefault(s, {}), name, text)
            elif p in _URL_PREDICATES:
                _keep_least(attrs.setdefault(s, {}), "url", text)
            elif local_name(p) in _STAR_NAMES and (stars := _stars(text)) is not None:
                node_attrs = attrs.setdefault(s, {})
                node_attrs["stars"] = max(stars, node_attrs.get("stars", stars))
        elif p in _URL_PREDICATES and isinstance(obj, URIRef):
            _keep_least(attrs.setdefault(s, {}), "url", str(obj))

    graph = nx.MultiDiGraph()
    for node in sorted(kinds):
        kind = kinds[node]
        data = attrs.get(node, {})
        label = labels[node][1] if node in labels else data.get("title") or _fallback_label(node, data)
        keep = ("title", "date", "abstract", "url", "arxiv_id") if kind == "paper" else ("url", "stars")
        graph.add_node(node, kind=kind, label=label, **{k: data[k] for k in keep if k in data})
    for source, target, relation in sorted(set(edges)):
        if source in kinds and target in kinds:
            graph.add_edge(source, target, key=relation, relation=relation)
    return graph


def view_predicates() -> list[str]:
    """Every predicate ``to_networkx`` reads: a store can hand over just these triples for a large graph."""
    predicates = {
        str(RDF.type),
        str(KG.stars),
        *_LABEL_RANK,
        *_ATTRIBUTES,
        *_URL_PREDICATES,
        *_EDGE_PREDICATES,
    }
    return sorted(predicates)
