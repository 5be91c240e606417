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


# One line per command for `kg --help`, so listing the commands imports none of them (spaCy, NetworkX and
# the HTTP stack load only in the commands that use them); a test checks these match the commands' own.
SUMMARIES = {
    "build": "Build the knowledge graph from paper dumps, JSON/JSONL, arXiv Atom or HF API files.",
    "extract": "Extract methods, datasets, metrics, tasks, results, links and lineage from papers.",
    "query": "Run a SPARQL query (QUERY, --file, or - for stdin) with kg's prefixes predeclared.",
    "fetch": "Download paper metadata from an online source (saved as a file for `kg build`).",
    "link": "Link papers to their code repositories and project pages.",
    "viz": "Write the knowledge graph as an interactive HTML page (offline, one file).",
    "lineage": "Where METHOD comes from and what grew out of it.",
    "methods": "List the methods by number of papers, with their family and lineage links.",
    "export": "Export the stored graph: RDF in a canonical order, or GraphML/GEXF for graph tools.",
    "validate": "Check a graph (RDF_FILE, else the store) against kg's SHACL shapes; exit 1 on violations.",
    "serve": "Serve the store read-only: a web site to browse it and the SPARQL endpoint at /query, on one port.",
    "push": "Load the store into a remote SPARQL store, in chunks, then check what the endpoint holds.",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from SUMMARIES, shortened as click shortens help, without importing anything."""
        limit = formatter.width - 6 - max(len(name) for name in COMMAND_MODULES)
        rows = [
            (name, click.utils.make_default_short_help(SUMMARIES.get(name, ""), limit))
            for name in COMMAND_MODULES
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
