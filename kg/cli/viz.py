"""`kg viz`: the graph (or a neighbourhood of it) as one interactive HTML page that works offline."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import reported_errors
from kg.errors import InputError


def _types(ctx: click.Context, param: click.Parameter, value: str | None) -> set[str] | None:
    if value is None:
        return None
    from kg.viz import VizError, parse_types

    try:
        return parse_types(value.split(","))
    except VizError as error:
        raise click.BadParameter(str(error)) from None


def load_graph(store_dir: Path, input_path: Path | None):
    """The NetworkX view of a Turtle (or other RDF) file when given, else of the store."""
    from kg.graph.networkx_view import to_networkx

    if input_path is not None:
        from rdflib import Graph
        from rdflib.util import guess_format

        if not input_path.is_file():
            raise InputError(f"{input_path}: no such file")
        graph = Graph()
        try:
            graph.parse(input_path, format=guess_format(str(input_path)) or "turtle")
        except Exception as error:  # rdflib raises many unrelated types for bad syntax
            raise InputError(f"{input_path}: not readable as RDF: {error}") from None
        return to_networkx(graph)
    from kg.store import Store

    with Store(store_dir, read_only=True) as store:
        return to_networkx(store.triples())


@click.command()
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("outputs/store"), show_default=True, help="Store folder to read.")
@click.option("--input", "input_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read this RDF file (Turtle, N-Triples, ...) instead of the store.")
@click.option("--focus", default=None, metavar="NAME",
              help="Draw only the neighbourhood of the node with this name (case-insensitive) or IRI.")
@click.option("--depth", type=click.IntRange(0), default=2, show_default=True,
              help="Hops around --focus to include.")
@click.option("--types", default=None, callback=_types, metavar="KINDS",
              help="Comma-separated node types to keep: paper,method,technique,dataset,metric,task,repository.")
@click.option("--min-degree", type=click.IntRange(0), default=0, show_default=True,
              help="Leave out nodes with fewer connections than this.")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Draw at most this many nodes (nearest the focus, then best connected).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("graph.html"),
              show_default=True, help="HTML file to write.")
def viz(store_dir, input_path, focus, depth, types, min_degree, limit, output) -> None:
    """Write the knowledge graph as an interactive HTML page (offline, one file).

    Nodes are coloured and shaped by type and sized by degree; hover shows details, click opens a paper or
    repository, a search box finds nodes and the legend's checkboxes hide types. Past 300 nodes the layout
    is computed in Python so even 10,000 nodes draw at once.
    """
    from kg.viz import render_html

    with reported_errors():
        graph = load_graph(store_dir, input_path)
        stats = render_html(graph, output, focus=focus, depth=depth, types=types, min_degree=min_degree,
                            limit=limit)
    click.echo(f"Wrote {stats['path']}: {stats['nodes']} nodes, {stats['edges']} edges "
               f"({stats['layout']} layout, {stats['bytes'] / 1e6:.1f} MB)")


COMMANDS = [viz]
