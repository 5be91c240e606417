"""The kg serve site in real headless Chromium, against a real `kg serve` process: search from the home
page to EAGLE-3's lineage, ImageNet's leaderboard, a hostile title, the graph view; no console error and no
request to any other host."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.read.browser import Chromium, find_chromium
from kg.store.server import stop, wait_until_ready
from tests.test_site import HOSTILE, make_store
from tests.test_site_server import free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed (/usr/bin/chromium)"),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    store_dir = make_store(tmp_path_factory.mktemp("browsed") / "store")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store_dir), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{url}/query", timeout=60, process=process)
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser():
    with Chromium(width=1280, height=900) as chromium:
        yield chromium


@pytest.fixture
def page(browser, base):
    """A tab with the network on (the site is on 127.0.0.1); afterwards: no error, nothing fetched elsewhere."""
    tab = browser.new_page(offline=False)
    yield tab
    try:
        assert tab.errors == []
        elsewhere = [
            url for url in tab.requests if not url.startswith(base + "/") and not url.startswith("data:")
        ]
        assert elsewhere == []
        assert tab.requests  # the recording works
    finally:
        tab.close()


def wait_for_navigation(page, action) -> None:
    page.loaded = False
    action()
    page.browser.pump_until(lambda: page.loaded, 30)


def click(page, selector: str) -> None:
    """A real mouse click in the middle of the element."""
    x, y = page.evaluate(f"""(() => {{
        const box = document.querySelector({json.dumps(selector)}).getBoundingClientRect();
        return [box.left + box.width / 2, box.top + box.height / 2];
    }})()""")
    for kind in ("mousePressed", "mouseReleased"):
        page.send(
            "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
        )


def test_search_eagle_then_open_eagle_3_and_see_its_ancestor(page, base):
    page.goto(base + "/")
    page.evaluate("document.getElementById('home-search').focus()")
    page.send("Input.insertText", {"text": "EAGLE"})
    assert page.evaluate("document.getElementById('home-search').value") == "EAGLE"
    enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}
    wait_for_navigation(
        page,
        lambda: (
            page.send("Input.dispatchKeyEvent", {"type": "keyDown", **enter}),
            page.send("Input.dispatchKeyEvent", {"type": "keyUp", **enter}),
        ),
    )
    assert page.evaluate("location.pathname + location.search") == "/search?q=EAGLE"
    hits = page.evaluate("[...document.querySelectorAll('ol.hits a')].map(a => a.textContent)")
    assert hits[0] == "EAGLE" and "EAGLE-3" in hits
    wait_for_navigation(page, lambda: click(page, "ol.hits a[href='/method/eagle-3']"))
    assert page.evaluate("location.pathname") == "/method/eagle-3"
    assert page.evaluate("document.querySelector('h1').textContent") == "EAGLE-3"
    ancestors = page.evaluate("""[...document.querySelectorAll('#ancestors ul.tree > li')].map(li => ({
        method: li.querySelector('a.entity').textContent,
        relation: li.querySelector('.relation').textContent,
        stated: li.querySelector('.stated').textContent}))""")
    eagle = next(a for a in ancestors if a["method"] == "EAGLE")
    assert eagle["relation"] == "extends"
    assert "EAGLE-3: Scaling up Inference Acceleration" in eagle["stated"]


def test_imagenet_page_shows_a_leaderboard(page, base):
    page.goto(base + "/dataset/imagenet")
    rows = page.evaluate("""[...document.querySelectorAll('table.leaderboard-table tbody tr')].map(
        tr => [...tr.querySelectorAll('td')].map(td => td.textContent.trim()))""")
    assert [row[2] for row in rows] == ["88.5%", "82.7%", "80.9%", "76.1%"]
    assert rows[1][1] == "SENet" and "Squeeze-and-Excitation Networks" in rows[1][3]
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table.leaderboard-table')).display")
        == "table"
    )


def test_mentions_take_their_kind_colour_from_the_domain_table(page, base):
    """A paper page's mentions are tinted with their kind's colour, served from kg.core.domain (/kinds.css)."""
    from kg.core.domain import NODE_KIND_BY_NAME

    page.goto(base + "/paper/2403.00001")
    borders = page.evaluate("""Object.fromEntries([...document.querySelectorAll('.legend .mention')].map(
        span => [span.textContent, getComputedStyle(span).borderTopColor]))""")
    assert set(borders) >= {"method", "dataset"}
    for kind, colour in borders.items():
        hex_colour = NODE_KIND_BY_NAME[kind].colour
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert colour == f"rgb({rgb[0]}, {rgb[1]}, {rgb[2]})", kind
    backgrounds = page.evaluate("""[...document.querySelectorAll('.legend .mention')].map(
        span => getComputedStyle(span).backgroundColor)""")
    assert len(set(backgrounds)) == len(backgrounds) and "rgba(0, 0, 0, 0)" not in backgrounds


def test_hostile_title_is_inert_text(page, base):
    page.goto(base + "/paper/2403.00001")
    state = page.evaluate("""({pwned: typeof window.pwned, images: document.images.length,
                               scripts: document.scripts.length,
                               heading: document.querySelector('h1').textContent})""")
    assert state == {"pwned": "undefined", "images": 0, "scripts": 0, "heading": HOSTILE}
    page.goto(base + "/search?q=EvilNet")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelector('ol.hits li.kind-paper a').textContent") == HOSTILE


def test_graph_view_highlights_the_neighbours_of_a_clicked_node(page, base):
    page.goto(base + "/graph?focus=EAGLE")
    page.wait_for("document.querySelector('iframe.graph').contentWindow.kgViz?.readyMs != null")
    viz = "document.querySelector('iframe.graph').contentWindow.kgViz"
    eagle = "https://w3id.org/kg-ml/id/method/eagle"
    page.evaluate(f"{viz}.network.selectNodes([{json.dumps(eagle)}]); {viz}.network.redraw(); true")
    highlighted = page.wait_for(f"{viz}.highlighted.length > 1 && {viz}.highlighted")
    assert eagle in highlighted and "https://w3id.org/kg-ml/id/method/eagle-3" in highlighted
    faded = page.evaluate(f"{viz}.nodes.get().filter(n => n.opacity < 1).length")
    shown = page.evaluate(f"{viz}.nodes.get().length")
    assert faded == shown - len(set(highlighted))
    page.wait_for(f"{viz}.settled", timeout=60)  # the layout comes to rest by itself


def test_sparql_page_example_renders_a_linked_table(page, base):
    page.goto(base + "/sparql")
    wait_for_navigation(page, lambda: click(page, "a[href='/sparql?example=results-on-dataset']"))
    links = page.evaluate(
        "[...document.querySelectorAll('table.sparql-results a')].map(a => a.getAttribute('href'))"
    )
    assert "/paper/1709.01507" in links
