"""`kg extract`: one JSON line of entities, results, links and lineage per paper."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli.common import (
    input_format_option,
    progress_bar,
    reported_errors,
    strict_option,
    warn_problems,
    workers_option,
)
from kg.extraction import extract_many
from kg.io import atomic_writer
from kg.pipeline import read_inputs


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON Lines file to write [default: standard output].",
)
@input_format_option
@workers_option
@strict_option
def extract(inputs, output, fmt, workers, strict) -> None:
    """Extract methods, datasets, metrics, tasks, results, links and lineage from papers.

    INPUTS: anything `kg build` reads, or - for JSON Lines on standard input. Each output line has the
    paper's id and title and the fields of the annotation guidelines, every entity with its evidence.
    """
    with reported_errors():
        papers, problems = read_inputs(inputs, fmt)
    warn_problems(problems)
    lines = (
        json.dumps({"id": paper.id, "title": paper.title, **extraction.to_json()}, ensure_ascii=False)
        for paper, extraction in extract_many(papers, workers=workers)
    )
    if output is None:
        for line in lines:
            click.echo(line)
    else:
        with progress_bar("extracting", len(papers)) as advance, atomic_writer(output) as handle:
            for line in lines:
                handle.write(line + "\n")
                advance(1)
        click.echo(f"{len(papers)} papers -> {output}", err=True)
    if strict and problems:
        raise SystemExit(1)


COMMANDS = [extract]
