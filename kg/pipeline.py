"""The end-to-end build: sources -> papers -> extraction -> linking -> graph -> store -> Turtle and HTML.

The CLI's `kg build` is a thin layer over :func:`build`; tests call it directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.extraction import extract_many
from kg.extraction.records import Extraction
from kg.graph import paper_triples, vocabulary_triples
from kg.linking import ApiClient, LinkReport, link_papers
from kg.linking.graph import facts_triples
from kg.papers import Paper
from kg.resources import sample_paths
from kg.sources import Problem, read_papers
from kg.store import Store
from kg.timing import StageTimes

STORE_DIRNAME = "store"
HTML_NODE_LIMIT = 5_000  # past this, graph.html shows the best-connected nodes (kg viz draws any part)
SUMMARY_QUERY = """
SELECT
  (COUNT(DISTINCT ?paper) AS ?papers)
  (COUNT(DISTINCT ?method) AS ?methods)
  (COUNT(DISTINCT ?technique) AS ?techniques)
  (COUNT(DISTINCT ?dataset) AS ?datasets)
  (COUNT(DISTINCT ?metric) AS ?metrics)
  (COUNT(DISTINCT ?task) AS ?tasks)
  (COUNT(DISTINCT ?repository) AS ?repositories)
WHERE {
  { ?paper a kg:Paper } UNION
  { ?p kg:usesMethod|kg:proposes ?method . ?method a kg:Method } UNION
  { ?p kg:usesTechnique ?technique } UNION
  { ?p kg:evaluatedOn ?dataset } UNION
  { ?p kg:measuredBy ?metric } UNION
  { ?p kg:addressesTask ?task } UNION
  { ?p kg:hasRepository ?repository }
}
"""


@dataclass
class BuildSummary:
    """What a build read and wrote, for the closing summary line."""

    papers_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # papers, methods, ... in the whole store
    triples: int = 0
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, nested stages excluded
    link_report: LinkReport | None = None  # online builds only


ProgressCallback = Callable[[int], None]


def default_inputs() -> list[Path]:
    """The sample corpus shipped inside the package."""
    return sample_paths()


def read_inputs(inputs: Sequence[str | Path], fmt: str | None = None) -> tuple[list[Paper], list[Problem]]:
    """Read every input; InputError only when no paper at all could be read."""
    papers, problems = read_papers(list(inputs), fmt)
    if not papers:
        details = "; ".join(str(problem) for problem in problems[:5]) or "no input given"
        raise InputError(f"no paper could be read ({details})")
    return papers, problems


def graph_triples(pairs: Iterable[tuple[Paper, Extraction]]) -> Iterator[tuple]:
    described: set = set()
    for paper, extraction in pairs:
        yield from paper_triples(paper, extraction, described)


def extract_papers(
    papers: Sequence[Paper], *, workers: int = 1, progress: ProgressCallback | None = None
) -> Iterator[tuple[Paper, Extraction]]:
    for pair in extract_many(papers, workers=workers):
        if progress:
            progress(1)
        yield pair


def build(
    inputs: Sequence[str | Path] | None = None,
    out_dir: str | Path = "outputs",
    *,
    fmt: str | None = None,
    store_dir: str | Path | None = None,
    fresh: bool = False,
    workers: int = 1,
    html: bool = True,
    progress: Callable[[int], ProgressCallback] | None = None,
    online: ApiClient | None = None,
) -> BuildSummary:
    """Build (or add to) the graph in ``out_dir``: the store, ``graph.ttl`` and ``graph.html``.

    ``progress(total)`` is called once with the number of papers and returns a callback advanced once
    per extracted paper. With ``online`` (an API client), papers are also linked through GitHub and
    Hugging Face and the repository facts stored. Raises InputError when no paper could be read.
    """
    started = time.perf_counter()
    timer = StageTimes()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with timer.stage("read"):
        papers, problems = read_inputs(list(inputs) if inputs else default_inputs(), fmt)
    summary = BuildSummary(papers_read=len(papers), problems=problems)
    advance = progress(len(papers)) if progress else None

    with Store(Path(store_dir) if store_dir else out / STORE_DIRNAME) as store:
        if fresh:
            store.clear()
        with timer.stage("store"):
            store.add(vocabulary_triples())
            pairs = timer.iterate("extract", extract_papers(papers, workers=workers, progress=advance))
            if online is not None:
                pairs = list(pairs)  # online linking is small-scale by nature (API quotas)
                with timer.stage("link"):
                    links, summary.link_report = link_papers(pairs, online=True, client=online)
                store.add(facts_triples(links))
            store.add(timer.iterate("graph", graph_triples(pairs)))
        # the generators nest: graph time includes extraction's, store time includes both
        timer.seconds["store"] -= timer.seconds["graph"] + timer.seconds.get("link", 0.0)
        timer.seconds["graph"] -= timer.seconds["extract"]
        summary.triples = len(store)
        summary.counts = store_counts(store)
        turtle = out / "graph.ttl"
        with timer.stage("turtle"):
            store.dump(turtle, "turtle")
        summary.outputs["turtle"] = turtle
        if html:
            with timer.stage("html"):
                summary.outputs["html"] = write_page(store, out / "graph.html")
    summary.seconds = time.perf_counter() - started
    summary.stages = timer.as_dict()
    return summary


def write_page(store: Store, path: Path) -> Path:
    """graph.html: the interactive view of the store's graph, its best-connected nodes when it is large."""
    from kg.graph.networkx_view import to_networkx, view_predicates
    from kg.viz import render_html

    values = " ".join(f"<{iri}>" for iri in view_predicates())
    view_triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}").rows
    view = to_networkx(view_triples)
    render_html(view, path, limit=HTML_NODE_LIMIT if view.number_of_nodes() > HTML_NODE_LIMIT else None)
    return path


def store_counts(store: Store) -> dict[str, int]:
    """Distinct papers, methods, datasets, ... in the store, for the closing summary."""
    result = store.query(SUMMARY_QUERY)
    row = result.rows[0]
    return {name: int(row[index]) for index, name in enumerate(result.variables)}
