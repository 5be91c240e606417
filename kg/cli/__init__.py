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


EXIT_CODES = """\b
Exit status:
  0  success; warnings about skipped input may still be printed
  1  no paper could be read, validation found violations, an unknown method name,
     or any input problem with --strict
  2  a usage error, or a SPARQL query that does not parse or cannot run
  3  the store is missing, locked or damaged (run `kg build` first)
  4  a network source or SPARQL endpoint could not be reached or failed
"""


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="kg")
@click.option(
    "--progress/--no-progress",
    default=None,
    envvar="KG_PROGRESS",
    help="Show a status line on stderr during long steps [default: only when stderr is a terminal].",
)
def main(progress: bool | None) -> None:
    """kg: a knowledge graph of machine-learning papers.

    Build it from paper dumps (`kg build`), extract entities (`kg extract`), query it with SPARQL
    (`kg query`), draw it (`kg viz`) and trace method families (`kg lineage`).
    """
    from kg.cli.progress import configure

    configure(progress)
