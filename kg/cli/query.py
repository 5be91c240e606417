"""`kg query`: SPARQL over the local store or a remote endpoint."""

from __future__ import annotations

import os
import sys

import click

from kg.cli.common import endpoint_options, reported_errors, store_option
from kg.query import FORMATS, format_result, read_query, run_query
from kg.resources import queries_dir
from kg.store.sparql import parse_param


def _shipped_queries() -> str:
    lines = []
    for path in sorted(queries_dir().glob("*.rq")):
        first = next(
            (
                line.lstrip("# ").strip()
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("#") and line.strip("# ")
            ),
            "",
        )
        lines.append(f"{path.stem:24} {first}")
    return "\n".join(lines)


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
    help="Bind ?NAME to VALUE: <iri> or prefix:local is an IRI, anything else a string. Repeatable.",
)
@click.option("--endpoint", metavar="URL", help="Query this remote SPARQL endpoint instead of the store.")
@endpoint_options
@click.option("--list", "list_queries", is_flag=True, help="List the shipped example queries and exit.")
def query(query_text, file, store_dir, fmt, params, endpoint, timeout, retries, list_queries) -> None:
    """Run a SPARQL query (QUERY, --file, or - for stdin) with kg's prefixes predeclared.

    Queries only: updates and SERVICE are refused, as are queries nested over 64 levels deep; Ctrl-C
    stops a running query.

    \b
    Examples:
      kg query 'SELECT ?title WHERE { ?p a kg:Paper ; schema:name ?title } LIMIT 5'
      kg query --file method-ancestors --param method=ResNet --format json
      kg query --endpoint http://127.0.0.1:7878/query --file top-datasets-metrics
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
                text, bound, store_dir=store_dir, endpoint=endpoint, timeout=timeout, retries=retries
            )
            click.echo(format_result(result, fmt), nl=False)
    except KeyboardInterrupt:
        # a local query's thread cannot be stopped: leave at once, without waiting for it (or a traceback)
        click.echo("interrupted: the query was stopped", err=True)
        sys.stderr.flush()
        os._exit(130)


COMMANDS = [query]
