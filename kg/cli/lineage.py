"""`kg lineage` (where a method comes from, what grew out of it) and `kg methods` (methods by papers)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.common import reported_errors, store_option

if TYPE_CHECKING:
    from kg.read.lineage_trees import Lineage, Method


def _load(store_dir: Path, method: str | None = None) -> tuple[Lineage, Method | None]:
    """The lineage of the store, and the method ``method`` names in it (looked up while the store is open)."""
    from kg.read.lineage_trees import Lineage
    from kg.store import Store  # imported late: `kg --help` need not load pyoxigraph

    with Store(store_dir, read_only=True) as store:
        graph = Lineage.load(store)
        return graph, graph.resolve(method) if method is not None else None


@click.command()
@click.argument("method")
@click.option("--ancestors", "direction", flag_value="ancestors", help="Only what the method comes from.")
@click.option("--descendants", "direction", flag_value="descendants", help="Only what grew out of it.")
@click.option("--depth", type=click.IntRange(1), default=None, help="Follow at most N links [default: all].")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tree", "json", "dot"]),
    default="tree",
    show_default=True,
    help="A text tree, JSON, or Graphviz DOT.",
)
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write an interactive page of this lineage to FILE.",
)
@store_option
def lineage(method, direction, depth, fmt, html, store_dir) -> None:
    """Where METHOD comes from and what grew out of it.

    Shows the methods METHOD extends, is a variant of, is based on or improves on (its ancestors), and
    those that do so to it (its descendants), each link with the paper stating it.

    METHOD is any name or alias the graph knows, in any case (`bert`, `"Llama 2"`, `EAGLE 3`), or an IRI;
    an unknown name exits 1 with the closest names. A method's family counts: the descendants of GPT include
    GPT-4, and what builds on GPT-4 below it.

    \b
    Examples:
      kg lineage EAGLE-3 --ancestors
      kg lineage bert --depth 2 --format json
    """
    from kg.read.lineage_trees import render_dot, render_tree, trees_json, write_html

    with reported_errors():
        graph, found = _load(store_dir, method)
        directions = [direction] if direction else ["ancestors", "descendants"]
        trees = {
            d: (graph.ancestors if d == "ancestors" else graph.descendants)(found, depth) for d in directions
        }
        if fmt == "json":
            click.echo(trees_json(trees))
        elif fmt == "dot":
            click.echo(render_dot(list(trees.values())), nl=False)
        else:
            click.echo("\n\n".join(f"{d}:\n{render_tree(tree, d)}" for d, tree in trees.items()))
        if html is not None:
            drawn = write_html(list(trees.values()), found, str(html))
            click.echo(f"wrote {drawn['path']} ({drawn['nodes']} nodes, {drawn['edges']} edges)", err=True)


@click.command()
@click.option(
    "--top", type=click.IntRange(1), default=20, show_default=True, help="How many methods to list."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A text table or JSON.",
)
@store_option
def methods(top, fmt, store_dir) -> None:
    """List the methods by number of papers, with their family and lineage links.

    \b
    Example:
      kg methods --top 20
    """
    from kg.read.lineage_trees import methods_json, render_methods

    with reported_errors():
        graph, _ = _load(store_dir)
    ranked = graph.ranked(top)
    click.echo(methods_json(graph, ranked) if fmt == "json" else render_methods(graph, ranked))


COMMANDS = [lineage, methods]
