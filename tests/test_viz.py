"""kg.read.viz and `kg viz`: selection, styling, layout, escaping and the written page (no browser here)."""

from __future__ import annotations

import json
import random
import re

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.cli.viz import viz
from kg.core.namespaces import KG, KGR, SCHEMA
from kg.read.networkx_view import RELATIONS, to_networkx
from kg.read.viz import (
    ABSTRACT_CHARS,
    KINDS,
    RELATION_COLOURS,
    VizError,
    build_network,
    compute_layout,
    parse_types,
    render_html,
    write_html,
)

HOSTILE = '<script>document.title="pwned";window.pwned=1</script><img src=x onerror="window.pwned=2">'
ID = "https://w3id.org/kg-ml/id/"


def sample_rdf() -> Graph:
    """Two papers, one with a hostile title and a javascript: URL, sharing a method and a dataset."""
    graph = Graph()

    def node(path: str, cls: URIRef, label: str) -> URIRef:
        iri = KGR[path]
        graph.add((iri, RDF.type, cls))
        graph.add((iri, SKOS.prefLabel, Literal(label)))
        return iri

    good = KGR["paper/2401.00001"]
    bad = KGR["paper/2401.00002"]
    for paper, title, url in (
        (good, "Residual Networks Revisited", "https://arxiv.org/abs/2401.00001"),
        (bad, HOSTILE, "javascript:window.pwned=3"),
    ):
        graph.add((paper, RDF.type, KG.Paper))
        graph.add((paper, SCHEMA.name, Literal(title)))
        graph.add((paper, SCHEMA.abstract, Literal("An abstract about residual networks. " * 20 + HOSTILE)))
        graph.add((paper, SCHEMA.datePublished, Literal("2024-01-02")))
        graph.add((paper, SCHEMA.url, Literal(url)))
    method = node("method/resnet", KG.Method, "ResNet")
    parent = node("method/cnn", KG.Method, "CNN")
    dataset = node("dataset/imagenet", KG.Dataset, "ImageNet")
    metric = node("metric/top-1-accuracy", KG.Metric, "Top-1 Accuracy")
    task = node("task/image-classification", KG.Task, "Image Classification")
    technique = node("technique/dropout", KG.Technique, "Dropout")
    repo = KGR["repo/github.com/kaiming/resnet"]
    graph.add((repo, RDF.type, KG.Repository))
    graph.add((repo, SCHEMA.codeRepository, URIRef("https://github.com/kaiming/resnet")))
    graph.add((repo, URIRef(str(KG._NS) + "stars"), Literal(1500)))
    for s, p, o in (
        (good, KG.proposes, method),
        (good, KG.usesMethod, parent),
        (good, KG.evaluatedOn, dataset),
        (good, KG.measuredBy, metric),
        (good, KG.addressesTask, task),
        (good, KG.usesTechnique, technique),
        (good, KG.hasRepository, repo),
        (method, KG.improvesOn, parent),
        (bad, KG.usesMethod, method),
        (bad, KG.evaluatedOn, dataset),
    ):
        graph.add((s, p, o))
    return graph


def sample_view() -> nx.MultiDiGraph:
    return to_networkx(sample_rdf())


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL)
    assert match, "the page has no data block"
    return json.loads(match.group(1))


def test_nodes_styled_by_kind_and_sized_by_degree():
    network = build_network(sample_view())
    nodes = {node["id"]: node for node in network.nodes}
    assert len(nodes) == 9
    assert {node["group"] for node in nodes.values()} == set(KINDS)
    assert nodes[ID + "paper/2401.00001"]["size"] > nodes[ID + "technique/dropout"]["size"]
    assert nodes[ID + "method/resnet"]["label"] == "ResNet"
    assert set(network.options["groups"]) == set(KINDS)
    assert network.options["groups"]["dataset"]["shape"] == KINDS["dataset"].shape


def test_edges_coloured_and_labelled_by_relation():
    network = build_network(sample_view())
    assert len(network.edges) == 10
    for edge in network.edges:
        assert edge["label"] == edge["title"] in RELATIONS
        assert edge["color"] == RELATION_COLOURS[edge["title"]]
    assert set(RELATION_COLOURS) == set(RELATIONS)


def test_paper_hover_card_data():
    network = build_network(sample_view())
    info = next(n["info"] for n in network.nodes if n["id"] == ID + "paper/2401.00001")
    assert info["kind"] == "Paper"
    assert info["name"] == "Residual Networks Revisited"
    assert info["date"] == "2024-01-02"
    assert info["abstract"].startswith("An abstract about residual networks.")
    assert info["abstract"].endswith("…") and len(info["abstract"]) <= ABSTRACT_CHARS
    assert info["repo"] == "https://github.com/kaiming/resnet"
    assert info["stars"] == 1500
    assert info["url"] == "https://arxiv.org/abs/2401.00001"
    method = next(n["info"] for n in network.nodes if n["id"] == ID + "method/resnet")
    assert method == {"kind": "Method", "name": "ResNet", "papers": 2}


def test_only_web_urls_are_clickable():
    nodes = {n["id"]: n for n in build_network(sample_view()).nodes}
    assert "url" not in nodes[ID + "paper/2401.00002"]["info"]  # javascript: never reaches the page
    assert nodes[ID + "repo/github.com/kaiming/resnet"]["info"]["url"] == "https://github.com/kaiming/resnet"


def test_positions_from_python_physics_only_for_small_graphs():
    small = build_network(sample_view())
    assert small.options["physics"]["enabled"] is True
    assert small.options["physics"]["stabilization"] == {"enabled": False}  # draws at once, settles live
    assert all(isinstance(node["x"], int) and isinstance(node["y"], int) for node in small.nodes)
    large = build_network(sample_view(), layout_threshold=5)
    assert large.options["physics"] == {"enabled": False}
    positions = {(node["x"], node["y"]) for node in large.nodes}
    assert len(positions) == len(large.nodes)  # every node placed, no two on the same spot
    assert all(isinstance(value, int) for xy in positions for value in xy)
    assert all("label" not in edge for edge in large.edges)  # frame time: no edge labels when large
    assert [edge.get("arrows") for edge in large.edges if edge["title"] == "improvesOn"] == ["to"]


def test_layout_packs_components_apart():
    graph = nx.MultiDiGraph()
    for i in range(30):
        graph.add_node(f"p{i}", kind="paper", label=f"p{i}")
    for i in range(1, 20):
        graph.add_edge("p0", f"p{i}", key="usesMethod", relation="usesMethod")
    graph.add_edge("p20", "p21", key="usesMethod", relation="usesMethod")
    positions = compute_layout(graph)
    assert set(positions) == set(graph)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    spread = max(max(xs) - min(xs), max(ys) - min(ys))
    assert spread < 30 * 180  # lone nodes packed near the main component, not flung far out
    assert compute_layout(graph) == positions


def test_same_graph_gives_the_same_page_bytes(tmp_path):
    triples = list(sample_rdf())
    random.Random(5).shuffle(triples)
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_html(build_network(sample_view(), layout_threshold=3), first)
    write_html(build_network(to_networkx(iter(triples)), layout_threshold=3), second)
    assert first.read_bytes() == second.read_bytes()


def test_focus_and_depth():
    view = sample_view()
    around = build_network(view, focus="resnet", depth=1)
    ids = {node["id"] for node in around.nodes}
    assert ids == {ID + "method/resnet", ID + "method/cnn", ID + "paper/2401.00001", ID + "paper/2401.00002"}
    assert [node["id"] for node in around.nodes if node.get("focus")] == [ID + "method/resnet"]
    assert "ResNet" in around.heading
    only = build_network(view, focus="ResNet", depth=0)
    assert [node["id"] for node in only.nodes] == [ID + "method/resnet"]
    assert len(build_network(view, focus="RESNET", depth=2).nodes) == 9


def test_unknown_focus_suggests_close_names():
    with pytest.raises(VizError, match="did you mean: Image Classification, ImageNet"):
        build_network(sample_view(), focus="image")


def test_types_filter_keeps_the_focus():
    view = sample_view()
    methods = build_network(view, types={"method"})
    assert {node["group"] for node in methods.nodes} == {"method"}
    assert len(methods.edges) == 1  # improvesOn is the only method-method edge
    focused = build_network(view, focus="ImageNet", types={"method"}, depth=2)
    assert {node["group"] for node in focused.nodes} == {"method", "dataset"}


def test_parse_types():
    assert parse_types(["Methods", " dataset ", ""]) == {"method", "dataset"}
    assert parse_types(None) is None
    with pytest.raises(VizError, match="unknown node type 'author'"):
        parse_types(["author"])


def test_min_degree_and_limit():
    view = sample_view()
    hubs = build_network(view, min_degree=3)
    assert {node["id"] for node in hubs.nodes} == {ID + "paper/2401.00001", ID + "method/resnet"}
    top = build_network(view, limit=3)
    # best connected first; among equals (degree 2: cnn, imagenet, the other paper) by IRI
    assert {node["id"] for node in top.nodes} == {
        ID + "paper/2401.00001",
        ID + "method/resnet",
        ID + "dataset/imagenet",
    }
    near = build_network(view, focus="Dropout", limit=2)
    assert {node["id"] for node in near.nodes} == {ID + "technique/dropout", ID + "paper/2401.00001"}


def test_hostile_text_is_inert_in_the_page(tmp_path):
    path = tmp_path / "graph.html"
    # focused on the hostile paper, so its title is in the <title> and heading too
    write_html(build_network(sample_view(), focus=ID + "paper/2401.00002"), path)
    html = path.read_text(encoding="utf-8")
    assert "<script>document.title" not in html
    assert "<img src=x" not in html
    assert html.count("</script>") == 3  # the data block, vis-network, the page script: nothing closed early
    data = page_data(html)
    names = [node["info"]["name"] for node in data["nodes"]]
    assert HOSTILE in names  # the text survives intact, as data
    assert "around &lt;script&gt;document.title=" in html  # and escaped where HTML shows it


def test_page_needs_no_network(tmp_path):
    path = tmp_path / "graph.html"
    write_html(build_network(sample_view()), path)
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "default-src 'none'" in html
    assert 'id="kg-legend"' in html and 'data-kind="paper"' in html


def test_write_html_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "graph.html"
    path.write_text("old page")
    network = build_network(sample_view())

    def broken(_network):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kg.read.viz.render_page", broken)
    with pytest.raises(RuntimeError):
        write_html(network, path)
    assert path.read_text() == "old page"
    monkeypatch.undo()
    write_html(network, path)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]  # no temporary files left behind


def test_render_html_returns_stats(tmp_path):
    stats = render_html(sample_view(), tmp_path / "out" / "graph.html", types={"paper", "method"})
    assert stats["nodes"] == 4 and stats["edges"] == 4 and stats["physics"] is True
    assert stats["bytes"] == (tmp_path / "out" / "graph.html").stat().st_size


def test_cli_from_turtle(tmp_path):
    ttl = tmp_path / "graph.ttl"
    sample_rdf().serialize(ttl, format="turtle")
    out = tmp_path / "page.html"
    result = CliRunner().invoke(
        viz,
        [
            "--input",
            str(ttl),
            "--focus",
            "resnet",
            "--depth",
            "1",
            "--types",
            "method,papers",
            "-o",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: 4 nodes, 4 edges" in result.output
    assert len(page_data(out.read_text(encoding="utf-8"))["nodes"]) == 4


def test_cli_from_store(tmp_path):
    from kg.store import Store

    with Store(tmp_path / "store") as store:
        store.add(sample_rdf())
    out = tmp_path / "page.html"
    result = CliRunner().invoke(
        viz, ["--store", str(tmp_path / "store"), "--min-degree", "3", "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "2 nodes, 1 edges" in result.output  # the paper proposing ResNet, ResNet, and "proposes"


def test_cli_errors_are_clean(tmp_path):
    ttl = tmp_path / "graph.ttl"
    sample_rdf().serialize(ttl, format="turtle")
    runner = CliRunner()
    unknown = runner.invoke(
        viz, ["--input", str(ttl), "--focus", "transformer", "-o", str(tmp_path / "x.html")]
    )
    assert unknown.exit_code == 1
    assert "Error: no node called 'transformer' in the graph" in unknown.output
    assert "Traceback" not in unknown.output
    missing = runner.invoke(viz, ["--store", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x.html")])
    assert missing.exit_code == 3 and "no store at" in missing.output
    bad_type = runner.invoke(viz, ["--input", str(ttl), "--types", "authors"])
    assert bad_type.exit_code == 2 and "unknown node type 'authors'" in bad_type.output
    not_rdf = tmp_path / "bad.ttl"
    not_rdf.write_text("this is not turtle <<<")
    broken = runner.invoke(viz, ["--input", str(not_rdf), "-o", str(tmp_path / "x.html")])
    assert broken.exit_code == 1 and "not readable as RDF" in broken.output
    assert not (tmp_path / "x.html").exists()


def test_cli_help():
    result = CliRunner().invoke(viz, ["--help"])
    assert result.exit_code == 0
    for option in (
        "--store",
        "--input",
        "--focus",
        "--depth",
        "--types",
        "--min-degree",
        "--limit",
        "--output",
    ):
        assert option in result.output


def test_empty_graph_still_gives_a_page(tmp_path):
    stats = render_html(nx.MultiDiGraph(), tmp_path / "empty.html")
    assert stats["nodes"] == 0 and stats["edges"] == 0
    assert page_data((tmp_path / "empty.html").read_text(encoding="utf-8"))["nodes"] == []


def test_a_plain_pyvis_network_renders(tmp_path):
    from pyvis.network import Network

    network = Network(directed=True)
    network.add_node("a", label="A")
    network.add_node("b", label="B")
    network.add_edge("a", "b")
    write_html(network, tmp_path / "plain.html")
    data = page_data((tmp_path / "plain.html").read_text(encoding="utf-8"))
    assert [node["id"] for node in data["nodes"]] == ["a", "b"]
    assert data["options"]["physics"]["enabled"] is True
