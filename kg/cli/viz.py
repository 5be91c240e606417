"""`kg viz`: the graph (or a neighbourhood of it) as one interactive HTML page that works offline."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import progress_status, reported_errors, store_option
from kg.core.domain import NODE_KINDS


def _types(ctx: click.Context, param: click.Parameter, value: str | None) -> set[str] | None:
    if value is None:
        return None
    from kg.read.viz import VizError, parse_types

    try:
        return parse_types(value.split(","))
    except VizError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@store_option
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Read this RDF file (Turtle, N-Triples, ...) instead of the store.",
)
@click.option(
    "--focus",
    default=None,
    metavar="NAME",
    help="Draw only the neighbourhood of the node with this name (any case, any alias) or IRI.",
)
@click.option(
    "--depth", type=click.IntRange(0), default=2, show_default=True, help="Hops around --focus to include."
)
@click.option(
    "--types",
    default=None,
    callback=_types,
    metavar="KINDS",
    help=f"Comma-separated node types to keep: {','.join(kind.name for kind in NODE_KINDS)}.",
)
@click.option(
    "--min-degree",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Leave out nodes with fewer connections than this.",
)
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=None,
    help="Draw at most this many nodes (nearest the focus, then best connected).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("graph.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="PNG",
    help="Also save a PNG of the page as headless Chromium draws it (needs /usr/bin/chromium).",
)
def viz(store_dir, input_path, focus, depth, types, min_degree, limit, output, screenshot) -> None:
    """Write the knowledge graph as an interactive HTML page (offline, one file).

    Nodes are coloured and shaped by type and sized by degree; hover shows details, click opens a paper or
    repository, a search box finds nodes and the legend's checkboxes hide types. Positions are computed in
    Python (igraph), so even 10,000 nodes draw at once; up to 300 nodes physics keeps running in the page.
    """
    from kg.read.viz import read_view, render_html

    with reported_errors(), progress_status() as status:
        status.stage("drawing")
        graph, focused = read_view(store_dir, input_path, focus)
        stats = render_html(
            graph, output, focus=focused or None, depth=depth, types=types, min_degree=min_degree, limit=limit
        )
        if screenshot is not None:
            from kg.read.browser import screenshot as take_screenshot

            status.stage("taking the screenshot in headless Chromium")
            take_screenshot(output, screenshot)
    click.echo(
        f"Wrote {stats['path']}: {stats['nodes']} nodes, {stats['edges']} edges "
        f"({'physics on' if stats['physics'] else 'fixed layout'}, {stats['bytes'] / 1e6:.1f} MB)"
    )
    if screenshot is not None:
        click.echo(f"Wrote {screenshot}")


COMMANDS = [viz]
