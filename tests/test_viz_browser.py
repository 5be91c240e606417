"""The viz page in real headless Chromium, from file:// with the network off."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli.viz import viz
from kg.read.browser import Chromium, find_chromium
from kg.read.viz import build_network, write_html
from tests.test_viz import HOSTILE, ID, sample_rdf, sample_view

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed (/usr/bin/chromium)"),
]

GOOD = ID + "paper/2401.00001"
BAD = ID + "paper/2401.00002"


@pytest.fixture(scope="module")
def browser():
    with Chromium(width=1200, height=800) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The sample graph with live physics and with physics off (nodes stay put, so they can be clicked)."""
    folder = tmp_path_factory.mktemp("pages")
    view = sample_view()
    physics, fixed, empty = folder / "physics.html", folder / "fixed.html", folder / "empty.html"
    write_html(build_network(view), physics)
    write_html(build_network(view, layout_threshold=0), fixed)
    write_html(build_network(nx.MultiDiGraph()), empty)
    return {"physics": physics, "fixed": fixed, "empty": empty}


@pytest.fixture
def open_page(browser):
    """Open a page and wait until it has drawn; the tab is closed after the test."""
    opened = []

    def open_(path):
        page = browser.new_page()
        opened.append(page)
        page.goto(path.as_uri())
        page.wait_for("window.kgViz && window.kgViz.readyMs !== null")
        return page

    yield open_
    for page in opened:
        page.close()


def point_of(page, node: str) -> tuple[float, float]:
    """Where the node is on screen, in CSS pixels of the viewport."""
    return tuple(
        page.evaluate(f"""(() => {{
        const net = kgViz.network, p = net.canvasToDOM(net.getPosition({json.dumps(node)}));
        const box = document.getElementById("kg-network").getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }})()""")
    )


def mouse(page, kind: str, x: float, y: float) -> None:
    params = {"type": kind, "x": x, "y": y}
    if kind != "mouseMoved":
        params.update(button="left", clickCount=1)
    page.send("Input.dispatchMouseEvent", params)


@pytest.mark.parametrize("which", ["physics", "fixed"])
def test_every_node_drawn_without_errors_or_requests(open_page, pages, which):
    page = open_page(pages[which])
    drawn = page.evaluate("""({nodes: kgViz.network.body.nodeIndices.length,
                               edges: kgViz.network.body.edgeIndices.length,
                               positions: Object.keys(kgViz.network.getPositions()).length,
                               kinds: document.querySelectorAll("#kg-legend-kinds input[data-kind]").length,
                               relations: document.querySelectorAll("#kg-legend-relations li").length,
                               physics: kgViz.network.physics.physicsEnabled})""")
    view = sample_view()
    assert drawn["nodes"] == drawn["positions"] == view.number_of_nodes()
    assert drawn["edges"] == view.number_of_edges()
    assert drawn["kinds"] == 7 and drawn["relations"] == 8
    assert drawn["physics"] is (which == "physics")
    assert page.errors == []
    assert page.requests and all(url.startswith("file://") for url in page.requests)


def test_empty_graph_page_loads_cleanly(open_page, pages):
    page = open_page(pages["empty"])
    assert page.evaluate("kgViz.network.body.nodeIndices.length") == 0
    assert page.errors == []


def test_hostile_title_runs_nothing(open_page, pages):
    page = open_page(pages["fixed"])
    mouse(page, "mouseMoved", *point_of(page, BAD))
    page.wait_for("!document.getElementById('kg-tooltip').hidden")
    state = page.evaluate("""({title: document.title, pwned: typeof window.pwned,
                               images: document.images.length,
                               tipText: document.getElementById("kg-tooltip").textContent,
                               tipElements: document.querySelectorAll("#kg-tooltip script, #kg-tooltip img").length,
                               labels: kgViz.nodes.get()
                                   .filter(n => n.info.name.includes("<script>")).length})""")
    assert state["title"] == "kg: knowledge graph of ML papers"
    assert state["pwned"] == "undefined"
    assert state["images"] == 0 and state["tipElements"] == 0
    assert HOSTILE in state["tipText"]  # shown as text, exactly as written
    assert state["labels"] == 1
    assert page.errors == []


def test_hover_card_shows_paper_details(open_page, pages):
    page = open_page(pages["fixed"])
    mouse(page, "mouseMoved", *point_of(page, GOOD))
    text = page.wait_for(
        "!document.getElementById('kg-tooltip').hidden && document.getElementById('kg-tooltip').textContent"
    )
    for part in (
        "Paper",
        "Residual Networks Revisited",
        "Published 2024-01-02",
        "Code: https://github.com/kaiming/resnet (★ 1500)",
        "An abstract about residual networks.",
    ):
        assert part in text


def test_click_opens_the_paper_and_never_a_javascript_url(open_page, pages):
    page = open_page(pages["fixed"])
    page.evaluate("window.opened = []; window.open = (url) => { window.opened.push(url); return null; }")
    for node in (BAD, GOOD):
        x, y = point_of(page, node)
        mouse(page, "mouseMoved", x, y)
        mouse(page, "mousePressed", x, y)
        mouse(page, "mouseReleased", x, y)
    opened = page.wait_for("window.opened.length && window.opened")
    assert opened == ["https://arxiv.org/abs/2401.00001"]
    assert page.evaluate("typeof window.pwned") == "undefined"


def test_search_selects_and_checkboxes_hide_types(open_page, pages):
    page = open_page(pages["fixed"])
    page.evaluate("""(() => {
        document.querySelector('#kg-legend-kinds input[data-kind="dataset"]').click();
        const input = document.getElementById("kg-search-input");
        input.value = "imagen";
        input.dispatchEvent(new Event("input"));
    })()""")
    assert page.evaluate("kgViz.network.body.nodeIndices.length") == 8  # datasets hidden
    assert page.evaluate(
        "[...document.querySelectorAll('#kg-search-results li')].map(li => li.textContent)"
    ) == ["ImageNet"]
    page.evaluate("document.getElementById('kg-search').requestSubmit()")
    assert page.evaluate("kgViz.network.getSelectedNodes()") == [ID + "dataset/imagenet"]
    # finding a hidden node shows its type again
    assert page.evaluate("kgViz.network.body.nodeIndices.length") == 9
    assert page.evaluate("document.querySelector('#kg-legend-kinds input[data-kind=\"dataset\"]').checked")
    page.evaluate("document.querySelector('#kg-legend-kinds input[data-kind=\"paper\"]').click()")
    assert page.evaluate("kgViz.network.body.nodeIndices.length") == 7


def test_python_positions_are_used_as_is(open_page, pages, tmp_path):
    network = build_network(sample_view(), layout_threshold=0)
    expected = {node["id"]: [node["x"], node["y"]] for node in network.nodes}
    page = open_page(pages["fixed"])
    positions = page.evaluate("""Object.fromEntries(Object.entries(kgViz.network.getPositions())
                                     .map(([id, p]) => [id, [Math.round(p.x), Math.round(p.y)]]))""")
    assert positions == expected


def test_screenshot(open_page, pages, tmp_path):
    page = open_page(pages["fixed"])
    shot = page.screenshot(tmp_path / "graph.png")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000  # a drawn graph and legend, not a blank page


def test_launch_from_a_fresh_process():
    """A new interpreter has the DevTools pipes on low descriptors (3-6): wiring them must not clobber any."""
    code = "from kg.read.browser import Chromium\nwith Chromium() as b:\n    print(b.send('Browser.getVersion')['product'])"
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Chrom" in result.stdout


def test_cli_screenshot(tmp_path):
    ttl = tmp_path / "graph.ttl"
    sample_rdf().serialize(ttl, format="turtle")
    html, png = tmp_path / "graph.html", tmp_path / "graph.png"
    result = CliRunner().invoke(
        viz, ["--input", str(ttl), "-o", str(html), "--screenshot", str(png)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {png}" in result.output
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
