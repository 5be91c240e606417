"""`kg fetch`: download paper metadata to a file that `kg build` reads."""

from __future__ import annotations

import click

from kg.cli.common import reported_errors
from kg.io import atomic_writer
from kg.sources.arxiv import ARXIV_API, MAX_RESULTS, fetch_arxiv


@click.group()
def fetch() -> None:
    """Download paper metadata from an online source (saved as a file for `kg build`)."""


@fetch.command("arxiv")
@click.argument("query")
@click.option(
    "--max",
    "max_results",
    type=click.IntRange(1, MAX_RESULTS),
    default=100,
    show_default=True,
    help="Most entries to ask for (the API's limit for one request is 2000).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to save the Atom feed to; '-' writes to stdout.",
)
@click.option("--base-url", default=ARXIV_API, show_default=True, help="The arXiv API query endpoint.")
def arxiv(query: str, max_results: int, output: str, base_url: str) -> None:
    """Save the arXiv API's Atom feed for QUERY.

    QUERY uses the API's search syntax, e.g. 'cat:cs.CL AND ti:speculative'. The file is written whole or
    not at all, and `kg build FILE` reads it.
    """
    with reported_errors():
        feed = fetch_arxiv(query, max_results=max_results, base_url=base_url)
    entries = feed.count("<entry>") + feed.count("<entry ")
    if output == "-":
        click.echo(feed, nl=False)
    else:
        with atomic_writer(output) as handle:
            handle.write(feed)
        click.echo(f"saved {entries} entries to {output}", err=True)


COMMANDS = [fetch]
