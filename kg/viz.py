"""The knowledge graph as one self-contained, interactive HTML page (pyvis data, vis-network drawing).

The page works offline from ``file://``: vis-network, its CSS and the page's own script are inlined, and a
Content-Security-Policy forbids every network request. All text from papers travels as JSON in a
``<script type="application/json">`` block (``<``, ``>``, ``&`` escaped, so a title cannot close the block)
and reaches the page only through ``textContent`` and the canvas, never through HTML parsing.

Small graphs get vis-network's physics (seeded, so the layout repeats); past ``layout_threshold`` nodes the
positions are computed here with igraph's Fruchterman-Reingold and physics is off, because the browser's
simulation takes minutes at a few thousand nodes while the page must be usable at once.
"""

from __future__ import annotations

import math
import os
import random
import tempfile
from collections import Counter, deque
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from kg.errors import KgError

KINDS: dict[str, tuple[str, str, str]] = {
    "paper": ("Paper", "#4e79a7", "square"),
    "method": ("Method", "#f28e2b", "dot"),
    "technique": ("Technique", "#d4a017", "triangle"),
    "dataset": ("Dataset", "#59a14f", "diamond"),
    "metric": ("Metric", "#b07aa1", "triangleDown"),
    "task": ("Task", "#e15759", "star"),
    "repository": ("Repository", "#5fa8a3", "hexagon"),
}
"""kind -> (legend name, colour, vis-network shape)."""

RELATION_COLOURS: dict[str, str] = {
    "proposes": "#a23b3b",
    "usesMethod": "#f0a766",
    "usesTechnique": "#d9bf5c",
    "evaluatedOn": "#7fbf74",
    "measuredBy": "#c9a3bf",
    "addressesTask": "#ee9a9b",
    "hasRepository": "#8cc7c3",
    "extends": "#1f3a93",
    "variantOf": "#5b6abf",
    "basedOn": "#333333",
    "improvesOn": "#8e44ad",
}

LABEL_CHARS = 36
ABSTRACT_CHARS = 300
SEED = 7
EDGE_LENGTH = 110.0  # target mean edge length, in canvas pixels, of Python-computed layouts


class VizError(KgError):
    """A view that cannot be drawn: an unknown focus name or node type."""


def _short(text: str, limit: int) -> str:
    """Cut at a word boundary, so labels and excerpts stay readable."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def _web_url(value: Any) -> str | None:
    """Only http(s) URLs may open on click: a ``javascript:`` URL from a paper must never reach the page."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://")):
        return value
    return None


def parse_types(types: Iterable[str] | None) -> set[str] | None:
    """``["methods", "Dataset"]`` -> ``{"method", "dataset"}``; unknown names raise ``VizError``."""
    if types is None:
        return None
    chosen: set[str] = set()
    for raw in types:
        name = raw.strip().casefold()
        if not name:
            continue
        if name not in KINDS and name.endswith("s") and name[:-1] in KINDS:
            name = name[:-1]
        if name not in KINDS:
            raise VizError(f"unknown node type {raw!r}; choose from {', '.join(KINDS)}")
        chosen.add(name)
    return chosen


def find_nodes(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes whose IRI equals ``name`` or whose label equals it, case-insensitively."""
    if name in graph:
        return [name]
    wanted = name.strip().casefold()
    found = sorted(n for n, label in graph.nodes(data="label") if str(label).casefold() == wanted)
    if not found:
        close = sorted({str(label) for _, label in graph.nodes(data="label") if wanted in str(label).casefold()})
        hint = f"; did you mean: {', '.join(close[:5])}" if close else ""
        raise VizError(f"no node is called {name!r}{hint}")
    return found


def _distances(graph: nx.MultiDiGraph, sources: list[str], depth: int) -> dict[str, int]:
    """Breadth-first distances from the sources, ignoring edge direction, up to ``depth``."""
    seen = {source: 0 for source in sources}
    queue = deque(sources)
    while queue:
        node = queue.popleft()
        if seen[node] >= depth:
            continue
        for neighbour in (*graph.successors(node), *graph.predecessors(node)):
            if neighbour not in seen:
                seen[neighbour] = seen[node] + 1
                queue.append(neighbour)
    return seen


def select(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: set[str] | None = None,
    min_degree: int = 0,
    limit: int | None = None,
) -> tuple[nx.MultiDiGraph, list[str]]:
    """The subgraph to draw and the focus nodes: neighbourhood, then types, then degree, then size cap.

    Focus nodes survive every filter. ``limit`` keeps the nodes nearest the focus, then the best connected.
    """
    focused = find_nodes(graph, focus) if focus else []
    distance = _distances(graph, focused, depth) if focused else dict.fromkeys(graph, 0)
    kinds = parse_types(types)
    keep = [n for n in distance if kinds is None or graph.nodes[n]["kind"] in kinds or n in focused]
    view = graph.subgraph(keep)
    if min_degree > 0:
        keep = [n for n in keep if view.degree(n) >= min_degree or n in focused]
        view = graph.subgraph(keep)
    if limit is not None and len(keep) > limit:
        ranked = sorted(keep, key=lambda n: (n not in focused, distance[n], -view.degree(n), n))
        view = graph.subgraph(ranked[: max(limit, 0)])
    return view, focused


def compute_layout(graph: nx.MultiDiGraph, seed: int = SEED) -> dict[str, tuple[int, int]]:
    """Fruchterman-Reingold positions from igraph (C, ~1 s for 10,000 nodes), seeded so output repeats.

    Coordinates are scaled so the mean edge is about ``EDGE_LENGTH`` pixels and rounded to integers, which
    keeps the written page byte-identical across runs.
    """
    import igraph

    nodes = sorted(graph)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[s], index[t]))) for s, t in graph.edges() if s != t})
    ig = igraph.Graph(n=len(nodes), edges=pairs)
    rng = random.Random(seed)
    start = [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in nodes]
    igraph.set_random_number_generator(rng)
    try:
        coords = ig.layout_fruchterman_reingold(seed=start, niter=500).coords
    finally:
        igraph.set_random_number_generator(random)
    lengths = [math.dist(coords[a], coords[b]) for a, b in pairs]
    mean = sum(lengths) / len(lengths) if lengths else 1.0
    scale = EDGE_LENGTH / mean if mean > 0 else 1.0
    return {node: (round(x * scale), round(y * scale)) for node, (x, y) in zip(nodes, coords, strict=True)}


def _info(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """What the hover card shows; computed from the whole graph, not just the drawn part."""
    data = graph.nodes[node]
    kind = data["kind"]
    info: dict[str, Any] = {"kind": KINDS[kind][0], "name": str(data.get("label", node))}
    if kind == "paper":
        if data.get("title"):
            info["name"] = str(data["title"])
        if data.get("date"):
            info["date"] = str(data["date"])
        if data.get("abstract"):
            info["abstract"] = _short(str(data["abstract"]), ABSTRACT_CHARS)
        url = _web_url(data.get("url"))
        if url is None and data.get("arxiv_id"):
            url = f"https://arxiv.org/abs/{data['arxiv_id']}"
        for _, repo, relation in graph.out_edges(node, data="relation"):
            if relation == "hasRepository":
                repo_data = graph.nodes[repo]
                info["repo"] = _web_url(repo_data.get("url")) or str(repo_data.get("label", repo))
                if repo_data.get("stars") is not None:
                    info["stars"] = int(repo_data["stars"])
                break
    else:
        url = _web_url(data.get("url")) if kind == "repository" else None
        if kind == "repository" and data.get("stars") is not None:
            info["stars"] = int(data["stars"])
        papers = {n for n in (*graph.predecessors(node), *graph.successors(node))
                  if graph.nodes[n]["kind"] == "paper"}
        info["papers"] = len(papers)
    if url:
        info["url"] = url
    return info


def build_network(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    types: set[str] | None = None,
    min_degree: int = 0,
    limit: int | None = None,
    layout_threshold: int = 300,
) -> Network:
    """A pyvis ``Network`` of the selected part of ``graph`` (see ``select``), styled by kind and relation.

    Node size grows with degree in the drawn graph; each node carries an ``info`` dict for the hover card.
    Nodes and edges are sorted so the same graph always gives the same page.
    """
    view, focused = select(graph, focus=focus, depth=depth, types=types, min_degree=min_degree, limit=limit)
    large = view.number_of_nodes() > layout_threshold
    positions = compute_layout(view) if large else {}
    heading = "kg: knowledge graph of ML papers"
    if focused:
        heading += " around " + ", ".join(str(graph.nodes[n].get("label", n)) for n in focused)
    net = Network(height="100%", width="100%", directed=True, heading=heading, cdn_resources="in_line")
    # fill pyvis's public lists directly: add_node/add_edge check membership in lists, O(n) per call
    for node in sorted(view):
        data = view.nodes[node]
        entry: dict[str, Any] = {
            "id": node,
            "label": _short(str(data.get("label", node)), LABEL_CHARS),
            "group": data["kind"],
            "size": round(min(10 + 4 * math.sqrt(view.degree(node)), 48), 1),
            "info": _info(graph, node),
        }
        if node in positions:
            entry["x"], entry["y"] = positions[node]
        if node in focused:
            entry["focus"] = True
            entry["borderWidth"] = 4
        net.nodes.append(entry)
        net.node_ids.append(node)
        net.node_map[node] = entry
    for source, target, relation in sorted(view.edges(data="relation")):
        net.edges.append({
            "from": source,
            "to": target,
            "label": relation,
            "title": relation,
            "color": RELATION_COLOURS.get(relation, "#999999"),
        })
    net.options = _options(view.number_of_nodes(), large)
    return net


def _options(count: int, large: bool) -> dict[str, Any]:
    groups = {
        kind: {"shape": shape, "color": {"background": colour, "border": "#333333",
                                         "highlight": {"background": colour, "border": "#000000"},
                                         "hover": {"background": colour, "border": "#000000"}}}
        for kind, (_, colour, shape) in KINDS.items()
    }
    physics: dict[str, Any] = {"enabled": False}
    if not large:
        physics = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 100, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 250, "fit": True},
        }
    return {
        "groups": groups,
        "nodes": {"font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1,
                  "scaling": {"label": {"drawThreshold": 7}}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "color": "#555555", "strokeWidth": 3},
            "smooth": False if large else {"enabled": True, "type": "continuous"},
            "width": 1.2,
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "keyboard": False},
        "physics": physics,
        "layout": {"randomSeed": SEED, "improvedLayout": count <= 100},
    }


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(resources.files("kg") / "viz_assets")),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )


@cache
def _asset(package: str, name: str) -> Markup:
    """An inlined script or style sheet; refuse anything that could close its element early."""
    text = (resources.files(package) / name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{package}/{name} cannot be inlined: it contains a closing tag")
    return Markup(text)


def render_page(network: Network) -> str:
    """The page's HTML: inlined vis-network, the page script, and the network as escaped JSON."""
    kinds = Counter(node.get("group") for node in network.nodes)
    relations = Counter(edge.get("label") for edge in network.edges)
    options = network.options if isinstance(network.options, dict) else network.options.__dict__
    data = {"nodes": network.nodes, "edges": network.edges, "options": options}
    return _environment().get_template("page.html").render(
        heading=network.heading,
        data=data,
        node_count=len(network.nodes),
        edge_count=len(network.edges),
        kinds=[(kind, name, colour, shape, kinds[kind]) for kind, (name, colour, shape) in KINDS.items()
               if kinds[kind]],
        relations=[(name, colour, relations[name]) for name, colour in RELATION_COLOURS.items()
                   if relations[name]],
        python_layout=not options.get("physics", {}).get("enabled", True),
        vis_js=_asset("pyvis", "templates/lib/vis-9.1.2/vis-network.min.js"),
        vis_css=_asset("pyvis", "templates/lib/vis-9.1.2/vis-network.css"),
        page_js=_asset("kg", "viz_assets/page.js"),
        page_css=_asset("kg", "viz_assets/page.css"),
    )


def write_html(network: Network, path: str | os.PathLike[str]) -> None:
    """Write the page atomically (temporary file, then ``os.replace``): a reader never sees half a page."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    html = render_page(network)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def render_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], **options: Any) -> dict[str, Any]:
    """``build_network`` + ``write_html``; returns what was drawn: node and edge counts, layout, bytes."""
    network = build_network(graph, **options)
    write_html(network, path)
    physics = network.options["physics"]["enabled"]
    return {
        "nodes": len(network.nodes),
        "edges": len(network.edges),
        "layout": "browser" if physics else "python",
        "bytes": Path(path).stat().st_size,
        "path": str(path),
    }
