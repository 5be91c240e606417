"""`kg export`, `kg validate`, `kg serve`, `kg push`: the stored graph out to files, checks and servers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kg.cli.common import endpoint_options, reported_errors, store_option
from kg.errors import KgError
from kg.exports import EXPORTERS
from kg.exports import export as export_to
from kg.store import Store


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORTERS)),
    default="turtle",
    show_default=True,
    help="RDF (turtle, ntriples, jsonld; nquads and trig keep the named graphs) or a graph of papers and "
    "entities (graphml, gexf).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (atomically); standard output when omitted.",
)
@store_option
def export(fmt, output, store_dir) -> None:
    """Export the stored graph: RDF in a canonical order, or GraphML/GEXF for graph tools."""
    with reported_errors(), Store(store_dir, read_only=True) as store:
        if output is None:
            EXPORTERS[fmt](store, sys.stdout.buffer)
        else:
            path = export_to(store, fmt, output)
            click.echo(f"wrote {path} ({fmt})", err=True)


@click.command()
@click.argument(
    "source", metavar="[RDF_FILE]", required=False, type=click.Path(dir_okay=False, path_type=Path)
)
@store_option
def validate(source, store_dir) -> None:
    """Check a graph (RDF_FILE, else the store) against kg's SHACL shapes; exit 1 on violations."""
    from kg.validate import validate as run_validation

    with reported_errors():
        if source is None:
            from rdflib import Graph

            graph = Graph()
            with Store(store_dir, read_only=True) as store:
                for triple in store.triples():
                    graph.add(triple)
            conforms, report = run_validation(graph)
        else:
            conforms, report = run_validation(source)
    click.echo(report.rstrip())
    if not conforms:
        raise SystemExit(1)


@click.command()
@store_option
@click.option(
    "--bind",
    default="127.0.0.1:7878",
    show_default=True,
    metavar="HOST:PORT",
    help="Address to listen on; 0.0.0.0:PORT to serve beyond this machine.",
)
@click.option(
    "--cors", is_flag=True, help="Allow cross-origin requests (web pages on other hosts querying it)."
)
def serve(store_dir, bind, cors) -> None:
    """Serve the store read-only over SPARQL (Oxigraph's server): queries at http://HOST:PORT/query.

    Any number of readers (kg query, kg export) can use the store meanwhile; stop the server before
    running `kg build` on the same store.
    """
    from kg.store.lock import read_lock_for_exec
    from kg.store.server import serve_args, version_mismatch

    with reported_errors():
        args = serve_args(store_dir, bind) + (["--cors"] if cors else [])
        warning = version_mismatch(args[0])
        read_lock_for_exec(store_dir)  # held by the server for its lifetime: no kg build under it
    if warning:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"serving {store_dir} read-only: SPARQL endpoint http://{bind}/query (Ctrl-C stops)", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(args[0], args)  # the server replaces this process: signals reach it directly


def _graph_option(value: str | None) -> str | None:
    from kg.store.remote import graph_iri

    if value is None:
        return None
    try:
        return graph_iri(value)
    except KgError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint (Oxigraph: http://HOST:PORT/store; Fuseki: .../DATASET/data).",
)
@click.option(
    "--graph",
    metavar="IRI",
    callback=lambda ctx, param, value: _graph_option(value),
    help="Named graph to load into; the default graph when omitted.",
)
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="SPARQL query endpoint for the final count [default: the /query beside --endpoint].",
)
@store_option
@click.option(
    "--chunk-size", type=click.IntRange(1), default=50_000, show_default=True, help="Triples per POST."
)
@click.option("--replace", is_flag=True, help="Replace the graph's content instead of adding to it.")
@endpoint_options
def push(endpoint, graph, query_endpoint, store_dir, chunk_size, replace, timeout, retries) -> None:
    """Load the stored graph into a remote SPARQL store, in N-Triples chunks, then check its triple count.

    Credentials, if the endpoint needs them, come from KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD.
    """
    from kg.store.remote import Endpoint, query_url_for, safe_url

    with reported_errors():
        remote = Endpoint(query_endpoint or query_url_for(endpoint), timeout=timeout, retries=retries)
        Endpoint(endpoint)  # validates the URL before the store is opened
        with Store(store_dir, read_only=True) as store:
            report = remote.push(store, endpoint, graph=graph, chunk_size=chunk_size, replace=replace)
    target = f"graph <{graph}>" if graph else "the default graph"
    click.echo(
        f"pushed {report.triples} triples in {report.chunks} chunk(s) to {target} at {safe_url(endpoint)}; "
        f"it now holds {report.remote_count} triples"
    )


COMMANDS = [export, validate, serve, push]
