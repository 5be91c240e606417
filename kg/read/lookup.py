"""Names to nodes: the one lookup behind ``kg query --param``, ``kg lineage NAME`` and ``kg viz --focus NAME``.

A name finds a node in any case and by any name the graph knows it by: its ``skos:prefLabel``,
``rdfs:label``, ``skos:altLabel`` (spellings and acronyms papers wrote), a paper's title, the labels of the
vocabulary concept it is ``skos:exactMatch`` of (``ILSVRC`` is an altLabel of ImageNet's concept), its
identity key (``EAGLE 3`` is ``method:eagle-3``), or its IRI. Everything goes through SPARQL, so the same
lookup runs over the Oxigraph store, a remote endpoint and an in-memory ``rdflib.Graph``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.core.domain import ENTITY_KINDS, NODE_KINDS
from kg.core.identity import suggest
from kg.core.namespaces import KG, PREFIXES, sparql_prologue
from kg.graph.iris import entity_iri
from kg.store.sparql import bind_params

KIND_CLASSES: dict[str, str] = {kind.name: str(KG[kind.rdf_class]) for kind in NODE_KINDS}
"""Kind name (as in kg.core.domain and kg viz) -> the class its nodes have."""
ENTITY_KIND_NAMES = frozenset(kind.name for kind in ENTITY_KINDS)  # the kinds whose IRIs names mint

_LABELS = "skos:prefLabel|rdfs:label|skos:altLabel|schema:name"
_FIND = """
SELECT DISTINCT ?node ?label WHERE {
  %(classes)s
  ?node a ?class .
  { ?node %(labels)s ?label } UNION { ?node skos:exactMatch/(skos:prefLabel|skos:altLabel) ?label }
  FILTER(LCASE(STR(?label)) = ?wanted)
}"""
_EXACT = """
SELECT DISTINCT ?node WHERE {
  { ?node %(labels)s ?label } UNION { ?concept skos:prefLabel|skos:altLabel ?label . ?node skos:exactMatch ?concept }
  ?node a ?class .
  FILTER(?class IN (%(class_list)s))
}"""
_EXISTS = "SELECT ?node WHERE { ?node a ?class . FILTER(?class IN (%(class_list)s)) }"
_ALL_LABELS = "SELECT DISTINCT ?label WHERE { %(classes)s ?node a ?class ; skos:prefLabel|rdfs:label|skos:altLabel ?label }"


def select(source: Any, query: str, params: Mapping[str, Node] | None = None) -> list[dict[str, Node]]:
    """Run a SELECT query over a ``kg.store.Store``, a remote endpoint or an ``rdflib.Graph``."""
    if isinstance(source, Graph):
        if params and any(isinstance(value, list) for value in params.values()):
            query, params = bind_params(query, params), None  # rdflib binds one value per variable
        result = source.query(sparql_prologue() + query, initBindings=dict(params or {}))
        names = [str(v) for v in result.vars or []]
        return [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in result]
    return source.query(query, params=params).dicts()


def _classes(kinds: Iterable[str]) -> dict[str, str]:
    """The classes of these kinds as a VALUES block (to scan their nodes) and as a list (to test a node):
    Oxigraph plans each well where it belongs (a lookup by label then a type test is a few index reads)."""
    chosen = " ".join(f"<{iri}>" for iri in sorted({KIND_CLASSES[kind] for kind in kinds}))
    return {
        "classes": f"VALUES ?class {{ {chosen} }}",
        "class_list": chosen.replace(" ", ", "),
        "labels": _LABELS,
    }


def _as_iri(name: str) -> str | None:
    """The IRI a name spells (``<...>``, ``https://...`` or a known ``prefix:local``), else None."""
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://")):
        return text
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local:
        return PREFIXES[prefix] + local
    return None


def resolve(source: Any, name: str, kinds: Iterable[str]) -> list[str]:
    """The IRIs of the nodes of these kinds that ``name`` names, best first; empty when none does.

    An IRI (or ``dataset:imagenet``) names its node; otherwise a label equal to the name (as written, else
    in any case), on the node or on its vocabulary concept, and the node minted from the name's identity key.
    """
    kinds = [kind for kind in kinds if kind in KIND_CLASSES]
    if not kinds or not name.strip():
        return []
    classes = _classes(kinds)
    iri = _as_iri(name)
    if iri is not None:
        return [str(row["node"]) for row in select(source, _EXISTS % classes, {"node": URIRef(iri)})]
    text = name.strip()
    # index lookups first: the name as written, then the node its identity key mints ("EAGLE 3" is
    # method:eagle-3, "imagenet" is dataset:imagenet: keys fold case). Only when neither finds a node are
    # all labels scanned in lower case ("ilsvrc", an altLabel of ImageNet's concept).
    spelled = [Literal(text), Literal(text, lang="en")]
    found = sorted({str(row["node"]) for row in select(source, _EXACT % classes, {"label": spelled})})
    for kind in kinds:
        if kind in ENTITY_KIND_NAMES:
            minted = str(entity_iri(kind, text))
            if minted not in found and select(source, _EXISTS % classes, {"node": URIRef(minted)}):
                found.append(minted)
    if not found:
        rows = select(source, _FIND % classes, {"wanted": Literal(text.lower())})
        found = sorted({str(row["node"]) for row in rows})
    return found


def suggestions(source: Any, name: str, kinds: Iterable[str], n: int = 5) -> list[str]:
    """Labels of nodes of these kinds close to ``name``, for "did you mean" messages."""
    kinds = [kind for kind in kinds if kind in KIND_CLASSES]
    if not kinds:
        return []
    rows = select(source, _ALL_LABELS % _classes(kinds))
    return suggest(name.strip(), sorted({str(row["label"]) for row in rows}), n=n, cutoff=0.5)


def not_found_message(source: Any, name: str, kinds: Iterable[str]) -> str:
    """``no dataset called 'imagnet' in the graph; did you mean: ImageNet?``"""
    kinds = list(kinds)
    close = suggestions(source, name, kinds)
    what = kinds[0] if len(kinds) == 1 else "node"
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    return f"no {what} called {name!r} in the graph{hint}"
