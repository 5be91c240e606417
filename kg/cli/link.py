"""`kg link`: which papers have code, from their text and, with --online, the GitHub and Hugging Face APIs."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from kg.builder import read_inputs
from kg.cli.common import (
    api_client,
    input_format_option,
    online_options,
    progress_bar,
    reported_errors,
    warn_problems,
)
from kg.extraction import extract_many
from kg.extraction.records import Extraction
from kg.linking.link import LinkReport, PaperLinks, link_papers
from kg.sources.base import shorten


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@online_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output: a table and a summary, or one JSON document.",
)
@input_format_option
def link(inputs, online, cache_dir, github_api, hf_api, timeout, output_format, fmt) -> None:
    """Link papers to their code repositories and project pages.

    Offline, reads the URLs in titles and abstracts and the repositories the input records state. With
    --online, also asks the Hugging Face papers API, confirms OWNER.github.io/NAME pages on GitHub, searches
    GitHub for papers still without code (accepting a candidate only when its README or description names
    the paper), and reads each repository's stars, forks, language, license and dates. GITHUB_TOKEN and
    HF_TOKEN are read from the environment. A rate limit stops the online step, not the command.

    The table names each paper by its title; --format json gives its id and every link found.

    \b
    Examples:
      kg link examples/papers.jsonl examples/hf-daily-papers.json
      kg link examples/* --format json
    """
    with reported_errors():
        papers, problems = read_inputs(inputs, fmt)
        warn_problems(problems)
        client = api_client(online, cache_dir, github_api, hf_api, timeout)
        try:
            with progress_bar("linking", len(papers)) as advance:
                # offline, links come from the text alone: extraction (spaCy) is only needed to search by
                # the proposed method's name
                pairs = extract_many(papers) if online else ((p, Extraction(paper_id=p.key)) for p in papers)
                links, report = link_papers(
                    pairs, online=online, client=client, progress=lambda total: advance
                )
        finally:
            if client:
                client.close()
    if output_format == "json":
        click.echo(
            json.dumps(
                {"papers": [item.to_json() for item in links], "report": asdict(report)},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        click.echo(table(links, {paper.key: paper.title for paper in papers}))
        click.echo(summary(report, len(links)))
    for error in report.errors:
        click.echo(f"warning: {error}", err=True)
    if report.stopped:
        click.echo(f"warning: online linking stopped early: {report.stopped}", err=True)


def table(links: list[PaperLinks], titles: dict[str, str] | None = None) -> str:
    """One row per paper with a repository: its title (shortened), its best repository, where it came
    from, and its stars."""
    titles = titles or {}
    rows = [("paper", "repository", "source", "conf.", "stars")]
    for item in links:
        for url, source, confidence in item.repositories[:1]:
            facts = item.facts.get(url)
            stars = "" if facts is None or facts.stars is None else str(facts.stars)
            more = f" (+{len(item.repositories) - 1})" if len(item.repositories) > 1 else ""
            name = shorten(titles[item.paper_key]) if item.paper_key in titles else item.paper_key
            rows.append((name, url + more, source, f"{confidence:.2f}", stars))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows
    )


def summary(report: LinkReport, total: int) -> str:
    sources = ", ".join(f"{source}: {count}" for source, count in report.by_source.items())
    line = f"{total} paper{'' if total == 1 else 's'}: {report.linked} linked" + (
        f" ({sources})" if sources else ""
    )
    line += f", {report.unlinked} without code"
    if report.requests:
        stats = report.requests
        line += (
            f"; {report.facts} repositories with facts; {int(stats['requests'])} requests "
            f"({int(stats['full'])} full, {int(stats['not_modified'])} not modified)"
        )
    return line


COMMANDS = [link]
