"""Options and helpers shared by several commands."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kg.errors import KgError
from kg.sources import FORMATS

input_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Input format; detected from each file's content when omitted.",
)
DEFAULT_STORE = Path("outputs") / "store"
store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The store `kg build` wrote.",
)
workers_option = click.option(
    "--workers", type=click.IntRange(1), default=1, show_default=True,
    help="Worker processes for extraction; worth it for thousands of papers (same output as 1).",
)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the library's own exceptions into one clean line and its exit status."""
    try:
        yield
    except KgError as error:
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(error.exit_code) from None


def warn_problems(problems) -> None:
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator:
    """A progress bar on stderr, shown only on a terminal so logs and pipes stay clean."""
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update
