"""`kg extract`: one JSON line of entities, results, links and lineage per paper."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click

from kg.builder import read_inputs
from kg.cli.common import (
    input_format_option,
    progress_bar,
    reported_errors,
    strict_option,
    warn_problems,
    workers_option,
)
from kg.core.io import atomic_writer
from kg.extraction import extract_many


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write [default: standard output].",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "json"]),
    default="jsonl",
    show_default=True,
    help="One JSON line per paper, or one JSON list of them.",
)
@input_format_option
@workers_option
@strict_option
def extract(inputs, output, output_format, fmt, workers, strict) -> None:
    """Extract methods, datasets, metrics, tasks, results, links and lineage from papers.

    INPUTS: anything `kg build` reads, or - for JSON Lines on standard input. Each paper becomes one record
    with its id and title and the fields of the annotation guidelines, every entity with its evidence.

    \b
    Examples:
      kg extract examples/papers.jsonl
      kg extract examples/* --format json -o extractions.json
    """
    with reported_errors():
        papers, problems = read_inputs(inputs, fmt)
    warn_problems(problems)
    records = (
        {"id": paper.id, "title": paper.title, **extraction.to_json()}
        for paper, extraction in extract_many(papers, workers=workers)
    )
    with progress_bar("extracting", len(papers)) as advance:
        if output is None:
            for text in _texts(records, output_format, advance):
                click.echo(text, nl=False)
        else:
            with atomic_writer(output) as handle:
                for text in _texts(records, output_format, advance):
                    handle.write(text)
            click.echo(f"{len(papers)} paper{'' if len(papers) == 1 else 's'} -> {output}", err=True)
    if strict and problems:
        raise SystemExit(1)


def _texts(records: Iterator[dict], output_format: str, advance) -> Iterator[str]:
    """The records as JSON Lines, or as one JSON list written as it goes (one paper in memory at a time)."""
    first = True
    for record in records:
        text = json.dumps(record, ensure_ascii=False)
        if output_format == "jsonl":
            yield text + "\n"
        else:
            yield ("[\n" if first else ",\n") + text
        first = False
        advance(1)
    if output_format == "json":
        yield "[]\n" if first else "\n]\n"


COMMANDS = [extract]
