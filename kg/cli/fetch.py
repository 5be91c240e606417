"""`kg fetch`: download paper metadata to a file that `kg build` reads."""

from __future__ import annotations

import click

from kg.cli.common import reported_errors
from kg.core.io import atomic_writer
from kg.sources.arxiv import ARXIV_API, MAX_RESULTS, fetch_arxiv
from kg.sources.hf_daily import HF_DAILY_PAPERS, fetch_daily_papers

output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to save to (written whole or not at all); '-' writes to stdout.",
)


def save(text: str, output: str, what: str) -> None:
    if output == "-":
        click.echo(text, nl=False)
    else:
        with atomic_writer(output) as handle:
            handle.write(text)
        click.echo(f"saved {what} to {output}", err=True)


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
@output_option
@click.option("--base-url", default=ARXIV_API, show_default=True, help="The arXiv API query endpoint.")
def arxiv(query: str, max_results: int, output: str, base_url: str) -> None:
    """Save the arXiv API's Atom feed for QUERY.

    QUERY uses the API's search syntax, e.g. 'cat:cs.CL AND ti:speculative'. The file is written whole or
    not at all, and `kg build FILE` reads it.

    \b
    Example:
      kg fetch arxiv 'cat:cs.CL AND ti:speculative' --max 50 -o feed.atom
    """
    with reported_errors():
        feed = fetch_arxiv(query, max_results=max_results, base_url=base_url)
    entries = feed.count("<entry>") + feed.count("<entry ")
    save(feed, output, f"{entries} entries")


@fetch.command("hf")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    metavar="YYYY-MM-DD",
    help="The day whose list to save.",
)
@output_option
@click.option("--base-url", default=HF_DAILY_PAPERS, show_default=True, help="The daily-papers API endpoint.")
def hf(day, output: str, base_url: str) -> None:
    """Save the Hugging Face daily-papers list of one day (the API's JSON).

    Each paper comes with its arXiv id, abstract and, when its authors gave one, its GitHub repository;
    `kg build FILE` reads the file.

    \b
    Example:
      kg fetch hf --date 2025-03-04 -o daily.json
    """
    with reported_errors():
        text, papers = fetch_daily_papers(day.date(), base_url=base_url)
    save(text, output, f"{papers} papers")


COMMANDS = [fetch]
