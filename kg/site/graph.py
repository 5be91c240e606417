"""The site's graph view: today's ``kg viz`` page for the store or around a focus, made readable.

The NetworkX view of the whole store is read once, on the first visit, and kept. Without a focus the page
shows the best-connected nodes only; with one, its neighbourhood. Labels are kept on the hubs (and the
focus) only, so the picture is not a wall of overlapping text; every name still shows on hover and in the
page's search. ``graph_view.js`` is added to the page: clicking or finding a node highlights it and its
neighbours (with their labels) and fades the rest; a double click opens the node's page on the site.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import TYPE_CHECKING

from markupsafe import Markup

from kg.namespaces import DATA_IRI
from kg.site.data import PAGE_KINDS

if TYPE_CHECKING:
    import networkx as nx

    from kg.site.data import SiteData

OVERVIEW_NODES = 250
FOCUS_NODES = 200
LABELLED_HUBS = 25
_graphs: dict[int, nx.MultiDiGraph] = {}
_lock = threading.Lock()


def store_graph(data: SiteData) -> nx.MultiDiGraph:
    """The NetworkX view of the served store, read on first use."""
    with _lock:
        graph = _graphs.get(id(data))
        if graph is None:
            from kg.graph.networkx_view import to_networkx

            graph = _graphs[id(data)] = to_networkx(data.store.triples())
        return graph


def graph_page(data: SiteData, focus: str | None) -> str:
    from kg.viz import build_network, render_page

    graph = store_graph(data)
    if focus:
        network = build_network(graph, focus=focus, depth=1, limit=FOCUS_NODES)
    else:
        network = build_network(graph, limit=OVERVIEW_NODES)
    sizes = sorted((node["size"] for node in network.nodes), reverse=True)
    threshold = sizes[min(LABELLED_HUBS, len(sizes)) - 1] if sizes else 0
    for node in network.nodes:
        if node["size"] < threshold and not node.get("focus"):
            node["fullLabel"], node["label"] = node["label"], ""
    page = render_page(network)
    script = (resources.files("kg.site") / "static" / "graph_view.js").read_text(encoding="utf-8")
    if "</script" in script.lower():
        raise ValueError("graph_view.js cannot be inlined")
    config = json.dumps({"dataIri": DATA_IRI, "pageKinds": list(PAGE_KINDS)}).replace("<", "\\u003c")
    extra = Markup(f'<script type="application/json" id="kg-site">{config}</script>\n<script>{script}</script>\n')
    return page.replace("</body>", extra + "</body>", 1)
