"""`kg build`: papers in, the graph out (store, Turtle, HTML)."""

from __future__ import annotations

from contextlib import ExitStack, closing
from pathlib import Path

import click

from kg.builder import BuildSummary
from kg.builder import build as run_build
from kg.cli.common import (
    api_client,
    input_format_option,
    online_options,
    progress_status,
    reported_errors,
    strict_option,
    warn_problems,
    workers_option,
)
from kg.core.domain import NODE_KINDS
from kg.core.io import terminal_safe

STAGE_LABELS = {
    "read": "reading the inputs",
    "setup": "opening the store",
    "extract": "extracting",
    "link": "linking online",
    "store": "loading the store",
    "turtle": "writing graph.ttl",
    "summary": "counting",
    "html": "writing graph.html",
}


@click.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="outputs",
    show_default=True,
    help="Folder for graph.ttl, graph.html and the store.",
)
@input_format_option
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store folder [default: OUT/store].",
)
@click.option("--fresh", is_flag=True, help="Empty the store first instead of adding to it.")
@workers_option
@click.option("--no-html", is_flag=True, help="Skip graph.html.")
@strict_option
@online_options
def build(
    inputs,
    out_dir,
    fmt,
    store_dir,
    fresh,
    workers,
    no_html,
    strict,
    online,
    cache_dir,
    github_api,
    hf_api,
    timeout,
) -> None:
    """Build the knowledge graph from paper dumps, JSON/JSONL, arXiv Atom or HF API files.

    With no INPUTS, builds the sample corpus shipped with kg. The store is added to: building the same
    input twice leaves the same graph; --fresh starts over. Writes OUT/graph.ttl, OUT/graph.html and
    OUT/store (read by `kg query`).

    \b
    Example:
      kg build examples/* --out demo
    """
    interrupted = (
        "interrupted: graph.ttl, graph.html and the store stay readable; run the build again to finish it"
    )
    with reported_errors(interrupted), ExitStack() as stack:
        status = stack.enter_context(progress_status())

        def progress(total: int):
            status.stage(STAGE_LABELS["extract"], total)
            return status.advance

        client = api_client(online, cache_dir, github_api, hf_api, timeout)
        if client is not None:
            stack.enter_context(closing(client))
        summary = run_build(
            inputs,
            out_dir,
            fmt=fmt,
            store_dir=store_dir,
            fresh=fresh,
            workers=workers,
            html=not no_html,
            progress=progress,
            online=client,
            on_stage=lambda name: status.stage(STAGE_LABELS.get(name, name)),
        )
    warn_problems(summary.problems)
    for line in summary_lines(summary):
        click.echo(line)
    report = summary.link_report
    if report is not None:
        warn_problems(report.errors)
        sources = ", ".join(f"{count} from {source}" for source, count in sorted(report.by_source.items()))
        click.echo(
            terminal_safe(
                f"linked {report.linked} papers ({sources or 'none'}), {report.unlinked} "
                "without code" + (f"; stopped early: {report.stopped}" if report.stopped else "")
            )
        )
    for name, path in summary.outputs.items():
        click.echo(f"  {name}: {path}")
    if strict and summary.problems:
        raise SystemExit(1)


def summary_lines(summary: BuildSummary) -> list[str]:
    """What was read (records, merged duplicates, papers kept, skipped input) and what the graph holds."""
    merged = summary.records_read - summary.papers_read
    read = (
        f"read {_count(summary.records_read, 'record')}: {_count(merged, 'duplicate')} merged, "
        f"{_count(summary.papers_read, 'paper')} kept"
    )
    skipped = sum(not problem.record_kept for problem in summary.problems)
    cut = len(summary.problems) - skipped
    if skipped:
        read += f"; {skipped} skipped (the warnings above say why)"
    if cut:
        read += f"; {_count(cut, 'field')} dropped or cut from papers kept (see the warnings)"
    held = ", ".join(
        _count(summary.counts.get(kind.plural, 0), kind.name, kind.plural) for kind in NODE_KINDS
    )
    graph = f"graph: {held}; {summary.triples} triples in {summary.seconds:.1f} s"
    return [read, graph]


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or _plural(noun)}"


COMMANDS = [build]
