"""The site's graph view: today's ``kg viz`` page for the store or around a focus, made readable.

Only the part drawn is read from the store (two queries), so the page is as quick on a large store as on a
small one. Without a focus the page shows the latest papers, the most used entities and their neighbours;
with one, the node and its neighbours. Labels are kept on the hubs (and the
focus) only, so the picture is not a wall of overlapping text; every name still shows on hover and in the
page's search. ``graph_view.js`` is added to the page: clicking or finding a node highlights it and its
neighbours (with their labels) and fades the rest; a double click opens the node's page on the site.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING

from kg.core.errors import KgError
from kg.core.namespaces import DATA_IRI, KG
from kg.site.data import _PLAIN_IRI, PAGE_KINDS

if TYPE_CHECKING:
    import networkx as nx

    from kg.site.data import SiteData

OVERVIEW_PAPERS = 40
NEIGHBOURS = 200
LABELLED_HUBS = 25
NEIGHBOURS_QUERY = """
SELECT DISTINCT ?node WHERE {
  VALUES ?focus { FOCUS }
  VALUES ?relation { RELATIONS }
  { ?focus ?relation ?node } UNION { ?node ?relation ?focus }
} LIMIT %d"""
TRIPLES_QUERY = "SELECT ?s ?p ?o WHERE { VALUES ?s { NODES } VALUES ?p { PREDICATES } ?s ?p ?o }"


class GraphPageError(KgError):
    """No node has the name asked for."""


def _iris(values) -> str:
    return " ".join(f"<{value}>" for value in values if _PLAIN_IRI.fullmatch(value))


def neighbourhood(data: SiteData, centres: list[str], limit: int = NEIGHBOURS) -> nx.MultiDiGraph:
    """The NetworkX view (kg.read.networkx_view) of the centres and up to ``limit`` neighbours, read with
    two queries: no pass over the whole store, whatever its size."""
    from kg.read.networkx_view import RELATIONS, to_networkx, view_predicates

    relations = " ".join(f"<{KG[name]}>" for name in RELATIONS)
    query = NEIGHBOURS_QUERY.replace("FOCUS", _iris(centres)).replace("RELATIONS", relations) % limit
    nodes = list(dict.fromkeys([*centres, *(str(row["node"]) for row in data.select(query))]))
    predicates = " ".join(f"<{p}>" for p in view_predicates())
    triples = data.select(TRIPLES_QUERY.replace("NODES", _iris(nodes)).replace("PREDICATES", predicates))
    return to_networkx((row["s"], row["p"], row["o"]) for row in triples)


def find_focus(data: SiteData, name: str) -> list[str]:
    """The nodes a name means: an IRI as is, else the exact (case-insensitive) names in the search index."""
    if name.startswith(("http://", "https://")):
        return [name]
    wanted = name.strip().casefold()
    found = [hit.iri for hit in data.search.search(name, limit=20) if hit.title.casefold() == wanted]
    if not found:
        raise GraphPageError(f"no node is called {name!r}")
    return found[:3]


def graph_page(data: SiteData, focus: str | None) -> str:
    from kg.read.viz import build_network, render_page

    if focus:
        centres = find_focus(data, focus)
        network = build_network(neighbourhood(data, centres), focus=centres[0], depth=1)
    else:
        latest = [paper["iri"] for paper in data.home.latest] + [
            item["iri"] for items in data.home.top.values() for item in items[:3]
        ]
        network = build_network(neighbourhood(data, latest[:OVERVIEW_PAPERS], limit=NEIGHBOURS * 2))
    sizes = sorted((node["size"] for node in network.nodes), reverse=True)
    threshold = sizes[min(LABELLED_HUBS, len(sizes)) - 1] if sizes else 0
    for node in network.nodes:
        if node["size"] >= threshold or node.get("focus"):
            node["font"] = {"size": 22, "strokeWidth": 4, "strokeColor": "#ffffff"}  # readable zoomed out
        else:
            node["fullLabel"], node["label"] = node["label"], ""
    network.options["nodes"]["scaling"] = {"label": {"drawThreshold": 4}}
    page = render_page(network)
    script = (resources.files("kg.site") / "static" / "graph_view.js").read_text(encoding="utf-8")
    if "</script" in script.lower():
        raise ValueError("graph_view.js cannot be inlined")
    config = json.dumps({"dataIri": DATA_IRI, "pageKinds": list(PAGE_KINDS)}).replace("<", "\\u003c")
    extra = f'<script type="application/json" id="kg-site">{config}</script>\n<script>{script}</script>\n'
    return page.replace("</body>", extra + "</body>", 1)
