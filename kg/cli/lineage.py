"""`kg lineage` (where a method comes from, what grew out of it) and `kg methods` (methods by papers)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli.common import reported_errors

DEFAULT_STORE = Path("outputs") / "store"
store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The store `kg build` wrote.",
)


def _load(store_dir: Path):
    from kg.lineage import Lineage
    from kg.store import Store

    with Store(store_dir, read_only=True) as store:
        return Lineage.load(store), store_dir


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
    """Show the lineage of METHOD: the methods it extends, varies, builds on or improves on, and those
    that do so to it, each with the paper stating it.

    METHOD is matched case-insensitively against names and their variants (`bert`, `"Bert"`, `EAGLE 3`);
    an unknown name exits 1 with the closest names.
    """
    from kg.lineage import render_dot, render_tree, trees_json, write_html

    with reported_errors():
        graph, _ = _load(store_dir)
        found = graph.resolve(method)
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
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
def methods(top, fmt, store_dir) -> None:
    """List the methods of the graph by number of papers, with their family and lineage links."""
    with reported_errors():
        graph, _ = _load(store_dir)
        ranked = graph.ranked(top)
    if fmt == "json":
        rows = []
        for m in ranked:
            parents, children = graph.degree(m)
            rows.append(
                {
                    "method": m.label,
                    "iri": m.iri,
                    "papers": m.papers,
                    "family": m.family,
                    "parents": parents,
                    "children": children,
                    "alt_labels": sorted(m.alt_labels),
                }
            )
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not ranked:
        click.echo("no methods in the graph")
        return
    width = min(max(len(m.label) for m in ranked), 40)
    family_width = min(max(len(m.family) for m in ranked), 24)
    click.echo(f"{'papers':>6}  {'method':<{width}}  {'family':<{family_width}}  parents  children")
    for m in ranked:
        parents, children = graph.degree(m)
        label = m.label if len(m.label) <= width else m.label[: width - 1] + "…"
        family = m.family if len(m.family) <= family_width else m.family[: family_width - 1] + "…"
        click.echo(f"{m.papers:>6}  {label:<{width}}  {family:<{family_width}}  {parents:>7}  {children:>8}")


COMMANDS = [lineage, methods]
