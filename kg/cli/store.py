"""`kg export`, `kg validate`, `kg serve`, `kg push`: the stored graph out to files, checks and servers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import activity, endpoint_options, graph_iri_value, reported_errors, store_option
from kg.read.exports import EXPORTERS
from kg.read.exports import export as export_to
from kg.store import Store


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORTERS)),
    default="turtle",
    show_default=True,
    help="RDF (turtle, ntriples, jsonld: the default graph, each triple once; nquads and trig: the whole "
    "dataset, default graph and named graphs) or a graph of papers and entities (graphml, gexf).",
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
    from kg.read.validate import validate as run_validation

    with reported_errors(), activity("validating"):
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
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Time limit of each SPARQL query; a query past it is stopped.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=3,
    show_default=True,
    help="Query worker processes: how many SPARQL queries run at once.",
)
@click.option(
    "--cors", is_flag=True, help="Allow cross-origin requests (web pages on other hosts querying it)."
)
def serve(store_dir, bind, timeout, workers, cors) -> None:
    """Serve the store read-only: a web site to browse it and the SPARQL endpoint at /query, on one port.

    \b
    http://HOST:PORT/        papers, methods (with lineage), dataset leaderboards, tasks, search, graph
    http://HOST:PORT/sparql  a query page with kg's prefixes and the example queries
    http://HOST:PORT/query   the SPARQL 1.1 Protocol endpoint, for any SPARQL client

    Queries are read-only (updates refused), never reach other hosts (SERVICE refused) and each gets
    --timeout seconds. Any number of readers (kg query, kg export) can use the store meanwhile.
    """
    import uvicorn

    from kg.site.app import MAX_REQUEST_LINE, create_app, log_config
    from kg.site.data import SiteData
    from kg.store.server import QueryPool, check_bindable, parse_bind

    with reported_errors():
        host, port = parse_bind(bind)
        check_bindable(host, port)
        data = SiteData.open(store_dir)  # the store read-only, the search index, what every page needs
        try:
            pool = QueryPool(store_dir, workers=workers, timeout=timeout).start()
        except BaseException:
            data.close()
            raise
    app = create_app(store_dir, timeout=timeout, cors=cors, data=data, pool=pool, close_passed=True)
    click.echo(
        f"serving {store_dir} read-only at http://{host}:{port}/ (SPARQL endpoint: /query; "
        f"search index: {data.search.location}; Ctrl-C stops)",
        err=True,
    )
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            log_config=log_config(),
            h11_max_incomplete_event_size=MAX_REQUEST_LINE,
        )
    finally:  # the app's shut-down closed them already, unless the server never started
        pool.close()
        data.close()


@click.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint (Oxigraph: http://HOST:PORT/store; Fuseki: .../DATASET/data; "
    "Virtuoso: http://HOST:8890/sparql-graph-crud-auth).",
)
@click.option(
    "--graph",
    metavar="IRI",
    callback=graph_iri_value,
    help="Load every triple once into this named graph (Virtuoso needs one); without it the store's dataset "
    "goes as it is (its default graph and each paper's named graph, as N-Quads).",
)
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="SPARQL query endpoint for the final count [default: the one beside --endpoint: /query, or /sparql for "
    "Virtuoso].",
)
@store_option
@click.option(
    "--chunk-size", type=click.IntRange(1), default=50_000, show_default=True, help="Triples per POST."
)
@click.option("--replace", is_flag=True, help="Replace the graph's content instead of adding to it.")
@endpoint_options
def push(endpoint, graph, query_endpoint, store_dir, chunk_size, replace, timeout, retries) -> None:
    """Load the store into a remote SPARQL store, in chunks, then check what the endpoint holds.

    Without --graph the dataset goes as it is (N-Quads: the default graph, which holds each triple once,
    and each paper's named graph), to an endpoint that takes one (Oxigraph, Fuseki); with --graph every
    triple goes once, as N-Triples, into that graph (Virtuoso).

    Credentials, if the endpoint asks for them (Digest or Basic), come from KG_ENDPOINT_USER and
    KG_ENDPOINT_PASSWORD. A chunk that may have been loaded is not sent again: a failure says how many
    triples were loaded before it.
    """
    from kg.store.remote import Endpoint, query_url_for, safe_url

    with reported_errors():
        remote = Endpoint(query_endpoint or query_url_for(endpoint), timeout=timeout, retries=retries)
        Endpoint(endpoint)  # validates the URL before the store is opened
        with Store(store_dir, read_only=True) as store:
            report = remote.push(store, endpoint, graph=graph, chunk_size=chunk_size, replace=replace)
    if graph:
        click.echo(
            f"pushed {report.triples} triples in {report.chunks} chunk(s) to graph <{graph}> at "
            f"{safe_url(endpoint)}; it now holds {report.remote_count} triples"
        )
    else:
        click.echo(
            f"pushed {report.triples} quads (the default graph and {report.graphs} named graphs) in "
            f"{report.chunks} chunk(s) to {safe_url(endpoint)}; its graphs now hold {report.remote_count}"
        )


COMMANDS = [export, validate, serve, push]
