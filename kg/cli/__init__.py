"""The `kg` command: a click group; each command group lives in its own small module.

Commands are imported only when used, so `kg query` does not pay for loading spaCy.
"""

from __future__ import annotations

import importlib

import click

from kg import __version__

COMMAND_MODULES = {
    "build": "build",
    "extract": "extract",
    "query": "query",
    "fetch": "fetch",
    "link": "link",
    "viz": "viz",
    "lineage": "lineage",
    "methods": "lineage",
    "export": "store",
    "validate": "store",
    "serve": "store",
    "push": "store",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"kg.cli.{module_name}")
        return next(command for command in module.COMMANDS if command.name == name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """kg: a knowledge graph of machine-learning papers.

    Build it from paper dumps (`kg build`), extract entities (`kg extract`), query it with SPARQL
    (`kg query`), draw it (`kg viz`) and trace method families (`kg lineage`).
    """
