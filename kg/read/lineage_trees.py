"""Exploring method lineage in a built graph: where a method comes from and what grew out of it.

Reads the graph through SPARQL only (``select``), so the same code runs over the Oxigraph store
(``kg.store.Store``) and over an in-memory ``rdflib.Graph``. The lineage links are read once (they are few:
one per stated ancestry) and walked in Python, keeping for each hop its relation and the papers stating it.
The pure-SPARQL equivalent is the example query ``queries/method-ancestors.rq`` (``kg:lineage+``);
``ancestors_by_path`` runs it. A method's sizes and versions hang below it through their family links
(``kg:variantOf`` with ``skos:broader``, no paper: ``kg.graph.families``), so trees go as deep as the graph
does; where a paper states a link between the same two methods, its link is shown instead. Names are looked
up with ``kg.read.lookup.resolve``, as ``kg query`` and ``kg viz --focus`` do.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from rdflib import URIRef
from rdflib.term import Node

from kg.core import identity
from kg.core.domain import LINEAGE_RELATIONS_TABLE
from kg.core.errors import KgError
from kg.core.identity import UnionFind, family_name
from kg.core.namespaces import KG
from kg.core.resources import queries_dir
from kg.read.lookup import resolve, select, suggestions

RELATION_NAMES: dict[str, str] = {
    str(KG[relation.rdf_property]): relation.name for relation in LINEAGE_RELATIONS_TABLE
}
VIZ_RELATIONS = {relation.name: relation.rdf_property for relation in LINEAGE_RELATIONS_TABLE}
RELATION_PHRASES = {relation.name: relation.phrase for relation in LINEAGE_RELATIONS_TABLE}

METHODS_QUERY = """
SELECT ?method ?pref ?label ?family WHERE {
  ?method a kg:Method .
  OPTIONAL { ?method skos:prefLabel ?pref }
  OPTIONAL { ?method rdfs:label ?label }
  OPTIONAL { ?method kg:family ?family }
}"""
ALT_LABELS_QUERY = "SELECT ?method ?alt WHERE { ?method a kg:Method ; skos:altLabel ?alt }"
PAPERS_QUERY = """
SELECT DISTINCT ?method ?paper WHERE {
  ?paper kg:proposes|kg:usesMethod ?method . ?method a kg:Method .
}"""
LINKS_QUERY = """
SELECT ?link ?child ?parent ?relation ?paper ?title ?date ?confidence ?sentence WHERE {
  ?link a kg:LineageLink ; kg:child ?child ; kg:parent ?parent ; kg:relation ?relation .
  OPTIONAL { ?link kg:statedIn ?paper .
             OPTIONAL { ?paper schema:name ?title } OPTIONAL { ?paper schema:datePublished ?date } }
  OPTIONAL { ?link kg:confidence ?confidence }
  OPTIONAL { ?link kg:evidence/kg:sentence ?sentence }
}"""
DIRECT_LINKS_QUERY = """
SELECT ?child ?parent ?relation ?family WHERE {
  VALUES ?relation { kg:extends kg:variantOf kg:basedOn kg:improvesOn }
  ?child ?relation ?parent .
  OPTIONAL { ?child skos:broader ?parent . BIND(true AS ?family) }
}"""


class UnknownMethodError(KgError):
    """No method in the graph has the name asked for; the message suggests close names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no method called {name!r} in the graph{hint}")
        self.name = name
        self.suggestions = suggestions


@dataclass(frozen=True)
class PaperRef:
    iri: str
    title: str
    date: str | None = None

    def describe(self, width: int = 70) -> str:
        title = self.title if len(self.title) <= width else self.title[: width - 1].rstrip() + "…"
        return f"{title} ({self.date})" if self.date else title


@dataclass
class Method:
    iri: str
    label: str
    alt_labels: set[str] = field(default_factory=set)
    family: str = ""
    papers: int = 0  # how many papers name it
    paper_iris: set[str] = field(default_factory=set, repr=False)

    def names(self) -> set[str]:
        return {self.label, *self.alt_labels}

    @property
    def display(self) -> str:
        """The label, with the acronym papers know it by when the label is a long form."""
        if " " in self.label:
            short = sorted(a for a in self.alt_labels if " " not in a and sum(ch.isupper() for ch in a) >= 2)
            if short:
                return f"{self.label} ({short[0]})"
        return self.label


@dataclass
class Link:
    """One stated ancestry, child -> parent, with every paper stating it."""

    child: str
    parent: str
    relation: str  # one of kg.core.domain.LINEAGE_RELATIONS
    papers: list[PaperRef] = field(default_factory=list)
    confidence: float | None = None
    evidence: list[str] = field(default_factory=list)
    family: bool = False  # a size or version linked to its family by name or vocabulary, not by a paper


@dataclass
class Tree:
    """A method and, below it, its ancestors or descendants: each reached through ``link``."""

    method: Method
    link: Link | None = None
    branches: list[Tree] = field(default_factory=list)
    cycle: bool = False  # the method is already on the path above: not expanded again

    def walk(self) -> Iterator[Tree]:
        yield self
        for branch in self.branches:
            yield from branch.walk()

    def to_json(self, direction: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method.label,
            "iri": self.method.iri,
            "family": self.method.family,
        }
        if self.link is not None:
            out["relation"] = self.link.relation
            out["confidence"] = self.link.confidence
            out["papers"] = [{"title": p.title, "date": p.date, "iri": p.iri} for p in self.link.papers]
            out["evidence"] = self.link.evidence
            if self.link.family:
                out["family_link"] = True
        if self.cycle:
            out["cycle"] = True
        out[direction] = [branch.to_json(direction) for branch in self.branches]
        return out


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _read_methods(source: Any) -> dict[str, Method]:
    """Every kg:Method with its labels, family and the papers naming it."""
    methods: dict[str, Method] = {}
    for row in select(source, METHODS_QUERY):
        iri = str(row["method"])
        method = methods.setdefault(iri, Method(iri, ""))
        label = _text(row.get("pref")) or _text(row.get("label"))
        if label and (not method.label or row.get("pref") is not None):
            if method.label and method.label != label:
                method.alt_labels.add(method.label)
            method.label = label
        elif label:
            method.alt_labels.add(label)
        method.family = _text(row.get("family")) or method.family
    for row in select(source, ALT_LABELS_QUERY):
        if str(row["method"]) in methods:
            methods[str(row["method"])].alt_labels.add(str(row["alt"]))
    for row in select(source, PAPERS_QUERY):
        if str(row["method"]) in methods:
            methods[str(row["method"])].paper_iris.add(str(row["paper"]))
    for method in methods.values():
        method.label = method.label or _tail(method.iri)
        method.family = method.family or family_name(method.label)
    return methods


def _same_methods(methods: dict[str, Method]) -> dict[str, str]:
    """IRI -> the IRI of the node it is the same method as (itself when alone).

    Two nodes are one method when a variant of one is the other's identity key (an acronym and its long
    form, named apart by different papers); the node named by more papers is kept.
    """
    by_key = {_tail(iri): iri for iri in methods}
    groups = UnionFind(methods)

    def more_named(a: str, b: str) -> str:
        return min((a, b), key=lambda n: (-len(methods[n].paper_iris), " " in methods[n].label, n))

    for iri, method in sorted(methods.items()):
        for name in sorted(method.alt_labels):
            other = by_key.get(identity.key("method", name))
            if other is not None and other != iri:
                groups.union(iri, other, more_named)
    return {iri: groups.find(iri) for iri in methods}


class Lineage:
    """The methods and lineage links of a graph, loaded once, with lookup and walks in both directions."""

    def __init__(
        self,
        methods: dict[str, Method],
        links: list[Link],
        source: Any = None,
        same: dict[str, str] | None = None,
    ) -> None:
        self.methods = methods
        self.links = links
        self.source = source  # what names are looked up in (kg.read.lookup): the store or graph loaded from
        self.same = same or {}  # node IRI -> the IRI of the method it was merged into
        self._up: dict[str, list[Link]] = defaultdict(list)
        self._down: dict[str, list[Link]] = defaultdict(list)
        for link in links:
            self._up[link.child].append(link)
            self._down[link.parent].append(link)

    @classmethod
    def load(cls, source: Any) -> Lineage:
        """Read methods and links from a Store or an rdflib Graph.

        Method nodes that are one method spelt two ways (a node whose variant is another node's key, as
        ``Bidirectional Encoder Representations from Transformers`` with the variant ``BERT``) become one.
        """
        methods = _read_methods(source)
        same = _same_methods(methods)
        for iri, target in same.items():
            if iri != target:
                methods[target].alt_labels |= methods[iri].names()
                methods[target].paper_iris |= methods[iri].paper_iris
        methods = {iri: m for iri, m in methods.items() if same.get(iri, iri) == iri}
        for method in methods.values():
            method.alt_labels.discard(method.label)
            method.papers = len(method.paper_iris)
        merged: dict[tuple[str, str, str], Link] = {}
        for row in select(source, LINKS_QUERY):
            relation = RELATION_NAMES.get(str(row["relation"]))
            child, parent = (
                same.get(str(row["child"]), str(row["child"])),
                same.get(str(row["parent"]), str(row["parent"])),
            )
            if relation is None or child == parent:
                continue
            link = merged.setdefault((child, parent, relation), Link(child, parent, relation))
            if "paper" in row:
                title = _text(row.get("title")) or str(row["paper"])
                paper = PaperRef(str(row["paper"]), title, _text(row.get("date")))
                if paper not in link.papers:
                    link.papers.append(paper)
            if "confidence" in row:
                link.confidence = max(link.confidence or 0.0, float(row["confidence"].toPython()))
            sentence = _text(row.get("sentence"))
            if sentence and sentence not in link.evidence:
                link.evidence.append(sentence)
        stated = {(link.child, link.parent) for link in merged.values()}
        for row in select(source, DIRECT_LINKS_QUERY):  # edges asserted without a reified link
            child, parent = (
                same.get(str(row["child"]), str(row["child"])),
                same.get(str(row["parent"]), str(row["parent"])),
            )
            family = "family" in row
            if child == parent or (family and (child, parent) in stated):
                continue  # a paper's own words about a member and its family say more than the family link
            relation = RELATION_NAMES[str(row["relation"])]
            link = merged.setdefault((child, parent, relation), Link(child, parent, relation))
            link.family = link.family or (family and not link.papers)
        for link in merged.values():
            for iri in (link.child, link.parent):
                methods.setdefault(iri, Method(iri, _tail(iri), family=family_name(_tail(iri))))
            link.papers.sort(key=lambda p: (p.date or "9999", p.title))
        links = sorted(merged.values(), key=lambda link: (link.child, link.parent, link.relation))
        return cls(methods, links, source, same)

    # -- lookup -------------------------------------------------------------------------------------------

    def resolve(self, name: str) -> Method:
        """The method a user means, by ``kg.read.lookup.resolve`` in the graph it was loaded from: any case, any
        label or alias, its key (``EAGLE 3`` = ``eagle-3``) or its IRI. Of several, the most named.

        Raises UnknownMethodError with the closest labels (difflib) when nothing matches.
        """
        found: list[Method] = []
        for iri in resolve(self.source, name, ["method"]):
            method = self.methods.get(self.same.get(iri, iri))
            if method is not None and method not in found:
                found.append(method)
        if not found:
            raise UnknownMethodError(name, suggestions(self.source, name, ["method"]))
        return min(
            found,
            key=lambda m: (-m.papers, -len(self._up[m.iri]) - len(self._down[m.iri]), found.index(m)),
        )

    # -- walks --------------------------------------------------------------------------------------------

    def ancestors(self, method: Method, depth: int | None = None) -> Tree:
        """What ``method`` comes from: parents, their parents, ... up to ``depth`` hops."""
        return self._walk(method, self._up, "parent", depth, (method.iri,))

    def descendants(self, method: Method, depth: int | None = None) -> Tree:
        """What grew out of ``method``: children, their children, ... up to ``depth`` hops."""
        return self._walk(method, self._down, "child", depth, (method.iri,))

    def _walk(
        self,
        method: Method,
        index: dict[str, list[Link]],
        end: str,
        depth: int | None,
        path: tuple[str, ...],
        link: Link | None = None,
    ) -> Tree:
        tree = Tree(method, link)
        if depth is not None and depth <= 0:
            return tree
        for next_link in sorted(
            index.get(method.iri, []), key=lambda link: self._order(getattr(link, end), link)
        ):
            target = self.methods[getattr(next_link, end)]
            if target.iri in path:
                tree.branches.append(Tree(target, next_link, cycle=True))
                continue
            tree.branches.append(
                self._walk(
                    target, index, end, None if depth is None else depth - 1, (*path, target.iri), next_link
                )
            )
        return tree

    def _order(self, iri: str, link: Link) -> tuple:
        first = link.papers[0].date if link.papers and link.papers[0].date else "9999"
        return (first, self.methods[iri].label.casefold())

    def families(self) -> dict[str, list[Method]]:
        """Family label -> its methods (EAGLE: EAGLE, EAGLE-2, EAGLE-3)."""
        out: dict[str, list[Method]] = defaultdict(list)
        for method in self.methods.values():
            out[method.family].append(method)
        return dict(out)

    def ranked(self, top: int | None = None) -> list[Method]:
        """Methods by number of papers naming them, then by number of lineage links."""
        methods = sorted(
            self.methods.values(),
            key=lambda m: (-m.papers, -(len(self._up[m.iri]) + len(self._down[m.iri])), m.label.casefold()),
        )
        return methods[:top] if top else methods

    def degree(self, method: Method) -> tuple[int, int]:
        """(parents, children) counts of a method."""
        return len(self._up.get(method.iri, [])), len(self._down.get(method.iri, []))


# -- renderings ---------------------------------------------------------------------------------------------


def render_tree(tree: Tree, direction: str) -> str:
    """The tree as indented text: each line the method, its relation and the paper stating it."""
    head = tree.method
    extra = f"family {head.family}" + (
        f", {head.papers} paper{'s' if head.papers != 1 else ''}" if head.papers else ""
    )
    lines = [f"{head.display}  ({extra})"]

    def line(node: Tree, prefix: str, last: bool) -> None:
        link = node.link
        assert link is not None
        papers = link.papers
        where = papers[0].describe() if papers else "family link" if link.family else "no paper recorded"
        if len(papers) > 1:
            where += f" (+{len(papers) - 1} more)"
        mark = " (cycle)" if node.cycle else ""
        phrase = RELATION_PHRASES[link.relation]
        if direction == "descendants":
            said = f"{node.method.display}{mark}  [{phrase} it]"
        else:
            said = f"{phrase} {node.method.display}{mark}"
        lines.append(f"{prefix}{'└── ' if last else '├── '}{said}  · {where}")
        for i, branch in enumerate(node.branches):
            line(branch, prefix + ("    " if last else "│   "), i == len(node.branches) - 1)

    for i, branch in enumerate(tree.branches):
        line(branch, "", i == len(tree.branches) - 1)
    if not tree.branches:
        lines.append(f"  (no {direction} recorded)")
    return "\n".join(lines)


def render_methods(graph: Lineage, ranked: list[Method]) -> str:
    """``kg methods`` as a table: papers, method, family (with its size when it has several), links."""
    if not ranked:
        return "no methods in the graph"
    sizes = {family: len(members) for family, members in graph.families().items()}
    families = {
        m.iri: m.family + (f" ({sizes[m.family]})" if sizes.get(m.family, 0) > 1 else "") for m in ranked
    }
    width = min(max(len(m.label) for m in ranked), 40)
    family_width = min(max(len(f) for f in families.values()), 24)
    lines = [f"{'papers':>6}  {'method':<{width}}  {'family':<{family_width}}  parents  children"]
    for m in ranked:
        parents, children = graph.degree(m)
        label, family = _cut(m.label, width), _cut(families[m.iri], family_width)
        lines.append(
            f"{m.papers:>6}  {label:<{width}}  {family:<{family_width}}  {parents:>7}  {children:>8}"
        )
    return "\n".join(lines)


def methods_json(graph: Lineage, ranked: list[Method]) -> str:
    rows = []
    for m in ranked:
        parents, children = graph.degree(m)
        rows.append(
            {
                "method": m.label,
                "iri": m.iri,
                "papers": m.papers,
                "family": m.family,
                "parents": parents,
                "children": children,
                "alt_labels": sorted(m.alt_labels),
            }
        )
    return json.dumps(rows, indent=2, ensure_ascii=False)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def render_dot(trees: list[Tree]) -> str:
    """Graphviz DOT: an arrow from each child to its parent, labelled with the relation."""
    nodes: dict[str, str] = {}
    edges: set[tuple[str, str, str]] = set()
    for tree in trees:
        for node in tree.walk():
            nodes[node.method.iri] = node.method.label
            if node.link is not None:
                edges.add((node.link.child, node.link.parent, node.link.relation))
    out = ["digraph lineage {", "  rankdir=BT;", "  node [shape=box, style=rounded];"]
    out += [f"  {_dot_string(iri)} [label={_dot_string(label)}];" for iri, label in sorted(nodes.items())]
    out += [f"  {_dot_string(c)} -> {_dot_string(p)} [label={_dot_string(r)}];" for c, p, r in sorted(edges)]
    out.append("}")
    return "\n".join(out) + "\n"


def to_networkx(trees: list[Tree]) -> nx.MultiDiGraph:
    """The methods of the trees and the papers stating their links, in the shape ``kg.read.viz`` draws."""
    graph = nx.MultiDiGraph()
    for tree in trees:
        for node in tree.walk():
            graph.add_node(node.method.iri, kind="method", label=node.method.label)
    for tree in trees:
        for node in tree.walk():
            link = node.link
            if link is None:
                continue
            relation = VIZ_RELATIONS[link.relation]
            graph.add_edge(link.child, link.parent, key=relation, relation=relation)
            for paper in link.papers:
                graph.add_node(
                    paper.iri,
                    kind="paper",
                    label=paper.title,
                    title=paper.title,
                    **({"date": paper.date} if paper.date else {}),
                )
                graph.add_edge(paper.iri, link.child, key="proposes", relation="proposes")
    return graph


def write_html(trees: list[Tree], focus: Method, path: str) -> dict[str, Any]:
    """An interactive page of the lineage around ``focus`` (kg.read.viz: escaped data, works offline)."""
    from kg.read import viz

    graph = to_networkx(trees)
    network = viz.build_network(graph, focus=focus.iri, depth=max(graph.number_of_nodes(), 1))
    viz.write_html(network, path)
    return {"nodes": len(network.nodes), "edges": len(network.edges), "path": str(path)}


def trees_json(trees: dict[str, Tree]) -> str:
    root = next(iter(trees.values())).method
    out: dict[str, Any] = {"method": root.label, "iri": root.iri, "family": root.family}
    for direction, tree in trees.items():
        out[direction] = [branch.to_json(direction) for branch in tree.branches]
    return json.dumps(out, indent=2, ensure_ascii=False)


def ancestors_by_path(source: Any, method: Method) -> list[str]:
    """Ancestor IRIs through ``kg:lineage+`` (``queries/method-ancestors.rq``): the SPARQL-only walk."""
    query = (queries_dir() / "method-ancestors.rq").read_text(encoding="utf-8")
    rows = select(source, _without_prologue(query), {"method": URIRef(method.iri)})
    return sorted({str(row["ancestor"]) for row in rows})


def _without_prologue(query: str) -> str:
    """The query without its PREFIX lines (both backends predeclare kg's prefixes)."""
    return "\n".join(line for line in query.splitlines() if not line.lstrip().upper().startswith("PREFIX "))


__all__ = [
    "Lineage",
    "Link",
    "Method",
    "Tree",
    "UnknownMethodError",
    "ancestors_by_path",
    "methods_json",
    "render_dot",
    "render_methods",
    "render_tree",
    "select",
    "to_networkx",
    "trees_json",
    "write_html",
]
