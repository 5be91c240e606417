"""The `kg` command: a click group; each command group lives in its own small module."""

from __future__ import annotations

import click

from kg import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: a knowledge graph of machine-learning papers.

    Build it from paper dumps (`kg build`), extract entities (`kg extract`), and query it with SPARQL
    (`kg query`).
    """


def _register() -> None:
    from kg.cli import build, extract

    for module in (build, extract):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
