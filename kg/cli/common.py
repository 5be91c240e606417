"""Options and helpers shared by several commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.core.errors import KgError
from kg.core.io import terminal_safe
from kg.sources import FORMATS

if TYPE_CHECKING:
    from kg.linking.client import ApiClient

input_format_option = click.option(
    "--input-format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Input format; detected from each file's content when omitted.",
)
DEFAULT_STORE = Path("outputs") / "store"
store_option = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    help="The store `kg build` wrote.",
)
strict_option = click.option("--strict", is_flag=True, help="Exit non-zero when any input had a problem.")


def online_options(command):
    """--online and the API settings it uses, shared by `kg build` and `kg link`."""
    from kg.linking.client import GITHUB_API, HF_API  # late: `kg query` need not load the linking stack

    options = [
        click.option(
            "--online",
            is_flag=True,
            help="Also ask the Hugging Face papers API and GitHub (facts, search); offline by default.",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Where API answers are cached with their ETags [default: ~/.cache/kg/api].",
        ),
        click.option("--github-api", default=GITHUB_API, show_default=True, help="GitHub REST API base URL."),
        click.option("--hf-api", default=HF_API, show_default=True, help="Hugging Face API base URL."),
        click.option(
            "--timeout",
            type=click.FloatRange(0, min_open=True),
            default=10.0,
            show_default=True,
            help="Seconds each API call may take in all (connecting, waiting and reading).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def endpoint_options(command):
    """--timeout and --retries for requests to a remote SPARQL endpoint, shared by `kg query` and `kg push`."""
    command = click.option(
        "--retries",
        type=click.IntRange(0),
        default=3,
        show_default=True,
        help="Retries of a request that could not connect or got HTTP 429/503 (busy); "
        "a timed-out read or a server error is not sent again.",
    )(command)
    return click.option(
        "--timeout",
        type=click.FloatRange(0, min_open=True),
        default=60.0,
        show_default=True,
        help="Seconds to wait for each request to a remote endpoint.",
    )(command)


def graph_iri_value(ctx, param, value: str | None) -> str | None:
    """Click callback: a named graph's IRI, checked (it goes into a query and a URL)."""
    from kg.store.remote import graph_iri

    if value is None:
        return None
    try:
        return graph_iri(value)
    except KgError as error:
        raise click.BadParameter(str(error)) from None


def api_client(
    online: bool, cache_dir: Path | None, github_api: str, hf_api: str, timeout: float
) -> ApiClient | None:
    """The client for --online (the caller closes it), or None offline."""
    from kg.linking.client import ApiClient, default_cache_dir

    if not online:
        return None
    return ApiClient(
        github_api=github_api, hf_api=hf_api, cache_dir=cache_dir or default_cache_dir(), timeout=timeout
    )


workers_option = click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Worker processes for extraction (same output whatever the number) "
    "[default: one per CPU core, fewer below a few thousand papers].",
)


@contextmanager
def reported_errors(interrupted_message: str = "interrupted") -> Iterator[None]:
    """Turn the library's own exceptions into one clean line and its exit status, and Ctrl-C into one
    line (``interrupted_message``) and status 130."""
    try:
        yield
    except KgError as error:
        click.echo(terminal_safe(f"Error: {error}"), err=True)
        raise SystemExit(error.exit_code) from None
    except KeyboardInterrupt:
        click.echo(interrupted_message, err=True)
        raise SystemExit(130) from None


def warn_problems(problems) -> None:
    for problem in problems:
        click.echo(terminal_safe(f"warning: {problem}"), err=True)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator:
    """A counting status line on stderr (see kg.cli.progress); yields the function that advances it."""
    from kg.cli.progress import status

    with status(label, total) as line:
        yield line.advance


def progress_status():
    """A status line (kg.cli.progress.StatusLine) for a command with several stages; a context manager."""
    from kg.cli.progress import status

    return status()


@contextmanager
def activity(label: str) -> Iterator[None]:
    """A status line with a spinner and the seconds so far, for a step that cannot count its progress."""
    from kg.cli.progress import status

    with status(label):
        yield
