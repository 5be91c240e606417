"""`kg build`: papers in, the graph out (store, Turtle, HTML)."""

from __future__ import annotations

from contextlib import ExitStack, closing
from pathlib import Path

import click

from kg.cli.common import (
    api_client,
    input_format_option,
    online_options,
    progress_bar,
    reported_errors,
    strict_option,
    warn_problems,
    workers_option,
)
from kg.io import terminal_safe
from kg.pipeline import build as run_build


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
    """
    interrupted = (
        "interrupted: graph.ttl, graph.html and the store stay readable; run the build again to finish it"
    )
    with reported_errors(interrupted), ExitStack() as stack:

        def progress(total: int):
            return stack.enter_context(progress_bar("extracting", total))

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
        )
    warn_problems(summary.problems)
    counts = summary.counts
    click.echo(
        f"{summary.papers_read} papers read; graph: {counts.get('papers', 0)} papers, "
        f"{counts.get('methods', 0)} methods, {counts.get('techniques', 0)} techniques, "
        f"{counts.get('datasets', 0)} datasets, {counts.get('metrics', 0)} metrics, "
        f"{counts.get('tasks', 0)} tasks, {counts.get('repositories', 0)} repositories, "
        f"{summary.triples} triples in {summary.seconds:.1f} s"
    )
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


COMMANDS = [build]
