"""The knowledge graph as one self-contained, interactive HTML page (pyvis data, vis-network drawing).

The page works offline from ``file://``: vis-network, its CSS and the page's own script are inlined, and a
Content-Security-Policy forbids every network request. All text from papers travels as JSON in a
``<script type="application/json">`` block (``<``, ``>``, ``&`` escaped, so a title cannot close the block)
and reaches the page only through ``textContent`` and the canvas, never through HTML parsing.

Positions are always computed here, with igraph's Fruchterman-Reingold, so the page draws at once and the
same graph gives the same bytes. Up to ``layout_threshold`` nodes vis-network's physics then runs live from
those positions (no blocking stabilisation), so dragging feels springy; past it physics is off, because the
browser's simulation takes minutes at a few thousand nodes.
"""

from __future__ import annotations

import json
import math
import os
import random
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

from kg.core.domain import LINEAGE_RELATIONS_TABLE, NODE_KIND_BY_NAME, VIEW_RELATIONS, NodeKind
from kg.core.errors import InputError, KgError
from kg.core.io import atomic_writer
from kg.read.networkx_view import to_networkx

KINDS: dict[str, NodeKind] = NODE_KIND_BY_NAME
"""kind -> its legend name, colour and vis-network shape (kg.core.domain.NODE_KINDS)."""
RELATION_COLOURS: dict[str, str] = {relation.rdf_property: relation.colour for relation in VIEW_RELATIONS}

LINEAGE = frozenset(relation.rdf_property for relation in LINEAGE_RELATIONS_TABLE)
LABEL_CHARS = 36
ABSTRACT_CHARS = 300
SEED = 7
EDGE_LENGTH = 180.0  # median edge length, in canvas pixels, of the computed layout


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
        close = sorted(
            {str(label) for _, label in graph.nodes(data="label") if wanted in str(label).casefold()}
        )
        hint = f"; did you mean: {', '.join(close[:5])}" if close else ""
        raise VizError(f"no node is called {name!r}{hint}")
    return found


def read_graph(
    store: str | os.PathLike[str] | None = None, rdf_file: str | os.PathLike[str] | None = None
) -> nx.MultiDiGraph:
    """The NetworkX view of an RDF file (Turtle, N-Triples, ...) when given, else of the store (read-only)."""
    return read_view(store, rdf_file)[0]


def read_view(
    store: str | os.PathLike[str] | None = None,
    rdf_file: str | os.PathLike[str] | None = None,
    focus: str | None = None,
) -> tuple[nx.MultiDiGraph, list[str]]:
    """The NetworkX view of an RDF file or the store, and the nodes ``focus`` names in it.

    The focus is looked up in the RDF itself (``kg.read.lookup.resolve``), so any case and any alias the graph
    or its vocabularies know finds the node (``ilsvrc`` finds ImageNet), as in ``kg lineage`` and ``kg query``.
    """
    if store is None and rdf_file is None:
        raise InputError("nothing to draw: give a store folder or an RDF file")
    if rdf_file is not None:
        graph = _parse_rdf(rdf_file)
        return to_networkx(graph), _focus(graph, focus)
    from kg.store import Store

    with Store(store, read_only=True) as opened:
        return to_networkx(opened.triples()), _focus(opened, focus)


def _focus(source: Any, name: str | None) -> list[str]:
    if name is None:
        return []
    from kg.read.lookup import not_found_message, resolve

    found = resolve(source, name, KINDS)
    if not found:
        raise VizError(not_found_message(source, name, KINDS))
    return found


def _parse_rdf(rdf_file: str | os.PathLike[str]) -> Any:
    """An rdflib Graph of the file (format from its name, else Turtle); InputError when unreadable."""
    from xml.sax import SAXException

    from rdflib import Graph
    from rdflib.exceptions import ParserError
    from rdflib.util import guess_format

    path = Path(rdf_file)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    graph = Graph()
    try:
        graph.parse(path, format=guess_format(str(path)) or "turtle")
    except (SyntaxError, ValueError, ParserError, SAXException) as error:  # what rdflib's parsers raise
        raise InputError(f"{path}: not readable as RDF: {error}") from None
    return graph


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
    focus: str | list[str] | None = None,
    depth: int = 2,
    types: set[str] | None = None,
    min_degree: int = 0,
    limit: int | None = None,
) -> tuple[nx.MultiDiGraph, list[str]]:
    """The subgraph to draw and the focus nodes: neighbourhood, then types, then degree, then size cap.

    ``focus`` is a name or IRI, or the IRIs ``read_view`` found. Focus nodes survive every filter.
    ``limit`` keeps the nodes nearest the focus, then the best connected.
    """
    if isinstance(focus, list):
        focused = [node for node in focus if node in graph]
    else:
        focused = find_nodes(graph, focus) if focus else []
    distance = _distances(graph, focused, depth) if focused else dict.fromkeys(graph, 0)
    kinds = parse_types(types)
    keep = [n for n in distance if kinds is None or graph.nodes[n]["kind"] in kinds or n in focused]
    view = graph.subgraph(keep)
    if min_degree > 0:
        keep = [n for n in keep if view.degree(n) >= min_degree or n in focused]
        view = graph.subgraph(keep)
    if limit is not None and len(keep) > limit:
        # a view of every node has the graph's degrees: read them there (a subgraph view filters each edge)
        degree = graph.degree if len(keep) == len(graph) else view.degree
        ranked = sorted(keep, key=lambda n: (n not in focused, distance[n], -degree(n), n))
        view = graph.subgraph(ranked[: max(limit, 0)])
    return view, focused


def compute_layout(graph: nx.MultiDiGraph, seed: int = SEED) -> dict[str, tuple[int, int]]:
    """Fruchterman-Reingold positions from igraph (C, ~2 s for 10,000 nodes), seeded so output repeats.

    Each connected component is laid out on its own and scaled so its median edge is ``EDGE_LENGTH``
    pixels; components are then packed in rows under the largest, because one FR run over a disconnected
    graph flings small components and lone nodes far out and the fitted view shrinks to a dot. Coordinates
    are rounded to integers, which keeps the written page byte-identical across runs.
    """
    import igraph

    nodes = sorted(graph)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[s], index[t]))) for s, t in graph.edges() if s != t})
    whole = igraph.Graph(n=len(nodes), edges=pairs)
    components = sorted(whole.connected_components(), key=lambda members: (-len(members), members[0]))
    # igraph draws its random numbers from a Python generator: a private seeded one makes the layout repeat
    # without touching the global ``random`` state
    igraph.set_random_number_generator(random.Random(seed))
    try:
        placed = [_component_layout(whole, members) for members in components]
    finally:
        igraph.set_random_number_generator(random)
    positions: dict[str, tuple[int, int]] = {}
    for members, (dx, dy), coords in _pack(placed):
        for member, (x, y) in zip(members, coords, strict=True):
            positions[nodes[member]] = (round(x + dx), round(y + dy))
    return positions


def _component_layout(whole: Any, members: list[int]) -> tuple[list[int], list[tuple[float, float]]]:
    """One component's coordinates, scaled to ``EDGE_LENGTH`` and moved so its bounding box starts at 0, 0."""
    if len(members) == 1:
        return members, [(0.0, 0.0)]
    if len(members) == 2:
        return members, [(0.0, 0.0), (EDGE_LENGTH, 0.0)]
    part = whole.subgraph(members)  # keeps the members' order
    coords = part.layout_fruchterman_reingold(niter=500).coords
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in part.get_edgelist())
    median = lengths[len(lengths) // 2] if lengths else 1.0
    scale = EDGE_LENGTH / median if median > 0 else 1.0
    left, top = min(x for x, _ in coords), min(y for _, y in coords)
    return members, [((x - left) * scale, (y - top) * scale) for x, y in coords]


def _pack(placed: list[tuple[list[int], list[tuple[float, float]]]]):
    """Shelf packing: the largest component first, the rest in rows beneath it, left to right."""
    gap = EDGE_LENGTH
    sizes = [(max(x for x, _ in coords), max(y for _, y in coords)) for _, coords in placed]
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    row_width = max(sizes[0][0], math.sqrt(area))
    x = y = row_height = 0.0
    for (members, coords), (width, height) in zip(placed, sizes, strict=True):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        yield members, (x, y), coords
        x += width + gap
        row_height = max(row_height, height)


def _info(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """What the hover card shows; computed from the whole graph, not just the drawn part."""
    data = graph.nodes[node]
    kind = data["kind"]
    info: dict[str, Any] = {"kind": KINDS[kind].label, "name": str(data.get("label", node))}
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
        papers = {
            n
            for n in (*graph.predecessors(node), *graph.successors(node))
            if graph.nodes[n]["kind"] == "paper"
        }
        info["papers"] = len(papers)
    if url:
        info["url"] = url
    return info


def build_network(
    graph: nx.MultiDiGraph,
    *,
    focus: str | list[str] | None = None,
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
    positions = compute_layout(view)
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
            "size": round(min(8 + 3 * math.sqrt(view.degree(node)), 40), 1),
            "info": _info(graph, node),
        }
        entry["x"], entry["y"] = positions[node]
        if node in focused:
            entry["focus"] = True
            entry["borderWidth"] = 4
        net.nodes.append(entry)
        net.node_ids.append(node)
        net.node_map[node] = entry
    # past the threshold, edge labels and paper->entity arrows cost most of each frame; the colour (legend)
    # and the hover title still tell the relation, and lineage edges keep their arrows
    for source, target, relation in sorted(view.edges(data="relation")):
        edge = {
            "from": source,
            "to": target,
            "title": relation,
            "color": RELATION_COLOURS.get(relation, "#999999"),
        }
        if not large:
            edge["label"] = relation
        elif relation in LINEAGE:
            edge["arrows"] = "to"
        net.edges.append(edge)
    net.options = _options(large)
    return net


def _options(large: bool) -> dict[str, Any]:
    groups = {
        kind.name: {
            "shape": kind.shape,
            "color": {
                "background": kind.colour,
                "border": "#333333",
                "highlight": {"background": kind.colour, "border": "#000000"},
                "hover": {"background": kind.colour, "border": "#000000"},
            },
        }
        for kind in KINDS.values()
    }
    physics: dict[str, Any] = {"enabled": False}
    if not large:
        physics = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": EDGE_LENGTH * 0.8,
                "avoidOverlap": 0.3,
            },
            # positions come from Python: draw at once and let the simulation settle on screen
            "stabilization": {"enabled": False},
        }
    return {
        "groups": groups,
        "nodes": {
            "font": {"size": 14, "face": "sans-serif"},
            "borderWidth": 1,
            "scaling": {"label": {"drawThreshold": 7}},
        },
        "edges": {
            "arrows": {"to": {"enabled": not large, "scaleFactor": 0.5}},
            "font": {"size": 10, "align": "middle", "color": "#555555", "strokeWidth": 3},
            "smooth": False if large else {"enabled": True, "type": "continuous"},
            "width": 1.2,
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 200,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "keyboard": False,
        },
        "physics": physics,
        "layout": {"randomSeed": SEED, "improvedLayout": False},
    }


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(resources.files("kg.read") / "viz_assets")),
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
    relations = Counter(edge.get("title") for edge in network.edges)
    options = network.options if isinstance(network.options, dict) else json.loads(network.options.to_json())
    data = {"nodes": network.nodes, "edges": network.edges, "options": options}
    return (
        _environment()
        .get_template("page.html")
        .render(
            heading=network.heading,
            data=data,
            node_count=len(network.nodes),
            edge_count=len(network.edges),
            kinds=[
                (kind.name, kind.label, kind.colour, kind.shape, kinds[kind.name])
                for kind in KINDS.values()
                if kinds[kind.name]
            ],
            relations=[
                (name, colour, relations[name])
                for name, colour in RELATION_COLOURS.items()
                if relations[name]
            ],
            fixed_layout=not options.get("physics", {}).get("enabled", True),
            vis_js=_asset("pyvis", "templates/lib/vis-9.1.2/vis-network.min.js"),
            vis_css=_asset("pyvis", "templates/lib/vis-9.1.2/vis-network.css"),
            page_js=_asset("kg.read", "viz_assets/page.js"),
            page_css=_asset("kg.read", "viz_assets/page.css"),
        )
    )


def write_html(network: Network, path: str | os.PathLike[str]) -> None:
    """Write the page atomically (temporary file, then ``os.replace``): a reader never sees half a page."""
    html = render_page(network)
    with atomic_writer(path) as handle:
        handle.write(html)


def render_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], **options: Any) -> dict[str, Any]:
    """``build_network`` + ``write_html``; returns what was drawn: node and edge counts, physics, bytes."""
    network = build_network(graph, **options)
    write_html(network, path)
    return {
        "nodes": len(network.nodes),
        "edges": len(network.edges),
        "physics": network.options["physics"]["enabled"],
        "bytes": Path(path).stat().st_size,
        "path": str(path),
    }
