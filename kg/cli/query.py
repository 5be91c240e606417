"""`kg query`: SPARQL over the local store or a remote endpoint."""

from __future__ import annotations

import os
import sys
import textwrap

import click

from kg.cli.common import endpoint_options, graph_iri_value, reported_errors, store_option
from kg.core.resources import queries_dir
from kg.read.query import FORMATS, format_result, paper_titles, read_query, run_query
from kg.store.sparql import parse_param


def _shipped_queries() -> str:
    """Each shipped query: its name, its whole description and the example command of its header."""
    blocks = []
    for path in sorted(queries_dir().glob("*.rq")):
        description, example = query_header(path.read_text(encoding="utf-8"))
        lines = [path.stem]
        lines += textwrap.wrap(description, width=96, initial_indent="    ", subsequent_indent="    ")
        if example:
            lines.append(f"    e.g. {example}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def query_header(text: str) -> tuple[str, str]:
    """A shipped query's description (its header comment up to the parameters) and its example command."""
    description: list[str] = []
    example = ""
    in_description = True
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        content = line[1:].strip()
        if content.startswith("Example:"):
            example = content.removeprefix("Example:").strip()
        elif content.startswith("Parameters:"):
            in_description = False
        elif in_description and content:
            description.append(content)
    return " ".join(description), example


@click.command()
@click.argument("query_text", metavar="[QUERY]", required=False)
@click.option(
    "--file",
    "-f",
    "file",
    metavar="FILE",
    help="Read the query from FILE, or from a shipped query by name (see --list).",
)
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for reading; json, csv, tsv: the SPARQL 1.1 results formats.",
)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to VALUE: <iri> or prefix:local is an IRI, anything else a string; a name parameter of "
    "a shipped query (dataset, method, metric) takes any case or alias. Repeatable.",
)
@click.option("--endpoint", metavar="URL", help="Query this remote SPARQL endpoint instead of the store.")
@click.option(
    "--graph",
    metavar="IRI",
    callback=graph_iri_value,
    help="Query this named graph alone (the protocol's default-graph-uri), e.g. one paper's graph "
    "[default: the store's default graph, every triple once; an endpoint's choice, Virtuoso's is all its "
    "graphs].",
)
@endpoint_options
@click.option(
    "--list",
    "list_queries",
    is_flag=True,
    help="List the shipped example queries, each with its description, and exit.",
)
def query(query_text, file, store_dir, fmt, params, endpoint, graph, timeout, retries, list_queries) -> None:
    """Run a SPARQL query (QUERY, --file, or - for stdin) with kg's prefixes predeclared.

    Queries only: updates and SERVICE are refused, as are queries nested over 64 levels deep; Ctrl-C
    stops a running query.

    \b
    Examples:
      kg query 'SELECT ?title WHERE { ?p a kg:Paper ; schema:name ?title } LIMIT 5'
      kg query --file method-ancestors --param method=EAGLE-3 --format json
      kg query --endpoint http://127.0.0.1:7878/query --file top-datasets-metrics
      kg query --endpoint http://HOST:8890/sparql --graph https://example.org/kg --file top-datasets-metrics
    """
    if list_queries:
        click.echo(_shipped_queries())
        return
    try:
        with reported_errors():
            if query_text == "-":
                query_text = sys.stdin.read()
            text = read_query(query_text, file)
            bound = dict(parse_param(param) for param in params)
            result = run_query(
                text,
                bound,
                store_dir=store_dir,
                endpoint=endpoint,
                timeout=timeout,
                retries=retries,
                graph=graph,
            )
            titles = {}
            if fmt == "table" and result.kind == "select":
                titles = paper_titles(
                    result, store_dir=store_dir, endpoint=endpoint, timeout=timeout, retries=retries
                )
            click.echo(format_result(result, fmt, titles), nl=False)
    except KeyboardInterrupt:
        # a local query's thread cannot be stopped: leave at once, without waiting for it (or a traceback)
        click.echo("interrupted: the query was stopped", err=True)
        sys.stderr.flush()
        os._exit(130)


COMMANDS = [query]
