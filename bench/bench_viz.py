"""How big the viz page gets and how fast headless Chromium draws it, for synthetic graphs of 300-10,000 nodes.

    /work/venv/bin/python bench/bench_viz.py [--sizes 500,2000,10000] [--keep DIR]

For each size: time to build the pyvis network (layout included) and write the page, the page's size, and in
headless Chromium (network off, page from file://) the time from navigation start to the first drawn frame,
to the main thread being free again ("interactive"), for one full redraw afterwards (zoom by script, edges
drawn) and for one frame of a real mouse-wheel zoom (edges hidden while zooming on large graphs). Targets:
2,000 nodes interactive within 3 s, 10,000 within 10 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.read.browser import Chromium, find_chromium
from kg.read.viz import build_network, write_html

# share of each kind among nodes, and the relation a paper uses to reach it
MIX = {
    "paper": 0.40,
    "method": 0.22,
    "technique": 0.10,
    "dataset": 0.12,
    "metric": 0.05,
    "task": 0.06,
    "repository": 0.05,
}
RELATION = {
    "method": "usesMethod",
    "technique": "usesTechnique",
    "dataset": "evaluatedOn",
    "metric": "measuredBy",
    "task": "addressesTask",
}


def synthetic_graph(size: int, seed: int = 1) -> nx.MultiDiGraph:
    """Papers linking to 2-6 entities each, picked with a heavy tail (a few very popular methods/datasets)."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    by_kind: dict[str, list[str]] = {}
    for kind, share in MIX.items():
        for i in range(max(1, round(size * share))):
            node = f"https://w3id.org/kg-ml/id/{kind}/{i}"
            attrs = {"kind": kind, "label": f"{kind.title()} {i}"}
            if kind == "paper":
                attrs.update(
                    title=f"A synthetic paper number {i} about things",
                    date="2024-01-01",
                    abstract="We study synthetic graphs. " * 12,
                    arxiv_id=f"2401.{i:05d}",
                )
            if kind == "repository":
                attrs.update(url=f"https://github.com/owner/repo{i}", stars=rng.randint(0, 5000))
            graph.add_node(node, **attrs)
            by_kind.setdefault(kind, []).append(node)
    repos = iter(by_kind["repository"])
    for paper in by_kind["paper"]:
        for _ in range(rng.randint(2, 6)):
            kind = rng.choice(list(RELATION))
            pool = by_kind[kind]
            target = (
                pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)]
                if rng.random() < 0.5
                else rng.choice(pool)
            )
            graph.add_edge(paper, target, key=RELATION[kind], relation=RELATION[kind])
        if rng.random() < 0.15:
            repo = next(repos, None)
            if repo:
                graph.add_edge(paper, repo, key="hasRepository", relation="hasRepository")
    methods = by_kind["method"]
    for child in methods[len(methods) // 2 :]:
        if rng.random() < 0.3:
            graph.add_edge(child, rng.choice(methods), key="extends", relation="extends")
    return graph


def measure(browser: Chromium, path: Path) -> dict[str, float]:
    page = browser.new_page()
    page.goto(path.as_uri(), timeout=120)
    page.wait_for("window.kgViz && window.kgViz.readyMs", timeout=120)
    timings = page.evaluate(
        """(async () => {
        const v = window.kgViz, net = v.network;
        const drawn = net.body.nodeIndices.length;
        const start = performance.now();
        await new Promise(done => { net.once("afterDrawing", done); net.moveTo({scale: net.getScale() * 1.3}); });
        return {first: v.firstDrawMs, ready: v.readyMs, zoom: performance.now() - start, drawn: drawn};
    })()""",
        timeout=120,
    )
    # a real wheel zoom, as a reader does it: large graphs hide edges while zooming (hideEdgesOnZoom)
    page.evaluate("""window.kgFrame = new Promise(done => { const start = performance.now();
        kgViz.network.once("afterDrawing", () => done(performance.now() - start)); }); true""")
    page.send(
        "Input.dispatchMouseEvent", {"type": "mouseWheel", "x": 800, "y": 400, "deltaX": 0, "deltaY": -120}
    )
    timings["wheel"] = page.evaluate("window.kgFrame", timeout=120)
    if page.errors:
        raise SystemExit(f"page errors: {page.errors}")
    page.close()
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,500,2000,10000")
    parser.add_argument("--keep", type=Path, default=None, help="keep the pages in this folder")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        sys.exit("Chromium not found: install it (apt-get install chromium) or set KG_CHROMIUM")
    out = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-viz-"))
    out.mkdir(parents=True, exist_ok=True)
    print(
        f"{'nodes':>6} {'edges':>6} {'build s':>8} {'write s':>8} {'MB':>6} {'drawn':>6} "
        f"{'first draw s':>12} {'interactive s':>13} {'redraw ms':>9} {'wheel zoom ms':>13}"
    )
    with Chromium(width=1280, height=800, timeout=120) as browser:
        for size in (int(s) for s in args.sizes.split(",")):
            graph = synthetic_graph(size)
            start = time.perf_counter()
            network = build_network(graph)
            built = time.perf_counter() - start
            path = out / f"graph-{size}.html"
            start = time.perf_counter()
            write_html(network, path)
            written = time.perf_counter() - start
            t = measure(browser, path)
            print(
                f"{graph.number_of_nodes():>6} {graph.number_of_edges():>6} {built:>8.2f} {written:>8.2f} "
                f"{path.stat().st_size / 1e6:>6.2f} {t['drawn']:>6} {t['first'] / 1000:>12.2f} "
                f"{t['ready'] / 1000:>13.2f} {t['zoom']:>9.0f} {t['wheel']:>13.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
