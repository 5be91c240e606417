"""Every command block of the README (then of queries/README.md) runs, in order, in a fresh copy of the
repository, and prints what the README shows. The README can then no longer drift from the tool.

The conventions (also in the README's Development section):

- A ```` ```console ```` block is a terminal session: each ``$ `` line is a command, and the lines below it,
  up to the next ``$ ``, are what it prints (stdout and stderr, as a terminal shows them). In expected
  output, ``...`` inside a line stands for any text, and a line that is only ``...`` for any number of
  lines.
- A ```` ```pycon ```` block is a Python session, run with doctest (``...`` is doctest's ellipsis).
- Any other code block (```` ``` ````, ```` ```sh ````, ```` ```shell ````, ```` ```bash ```` or indented)
  lists commands; each must succeed. Blocks marked as data (```` ```text ````, ```` ```turtle ````, ...)
  are not run.
- A command whose comment starts with ``# needs`` (``# needs network``) is not run and shows as skipped
  with that reason; so are install commands (``pip install ...``). No line may be skipped for needing a
  server: a server command (``kg serve``, ``oxigraph serve``) is started in the background, waited for
  until it answers on its ``--bind`` address (kg serve's default 127.0.0.1:7878 without one), and stopped
  when its block ends, so the lines after it in the block run against it. A block that talks to Virtuoso
  (its ports 1111 and 8890, as Debian's service has them) gets a fresh ``virtuoso-t`` on those ports
  (``DBA_PASSWORD`` set to the new database's password), kept for the rest of the run.
- ``export NAME=VALUE ...`` sets those variables for the later commands, as in one shell session.

Commands run with bash in the copy (its files are ``git ls-files``, what a clone has), with the
virtual environment's ``kg`` and ``python`` first on PATH and the copy's own ``kg`` package imported.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from kg.core.errors import EndpointError
from kg.store.server import stop, wait_until_ready

from .conftest import ROOT

README = ROOT / "README.md"
COMMAND_TIMEOUT = 600  # seconds; the slowest README command builds the sample (about 30 s)
SHELL_INFOS = {"", "sh", "shell", "bash"}
CONSOLE_INFOS = {"console", "shell-session"}
PYCON_INFOS = {"pycon"}
NOT_RUN = re.compile(r"\s#\s*(needs\b.*)$")
INSTALL = re.compile(r"^(?:pip3?|python3? -m (?:pip|venv))\s")
# commands that run until stopped: run unmarked, they would hold the test until its timeout
LONG_RUNNING = re.compile(r"^(?:\w+=\S*\s+)*(?:kg(?:\s+--?\S+)*\s+serve|oxigraph\s+serve|fuseki-server)\b")
SECRET_VARIABLES = ("GITHUB_TOKEN", "HF_TOKEN", "KG_ENDPOINT_USER", "KG_ENDPOINT_PASSWORD", "KG_PROGRESS")


@dataclass
class Step:
    """One thing the README tells a reader to run: a shell command or a Python session."""

    kind: str  # "shell" or "pycon"
    text: str
    line: int  # in the file, 1-based
    expected: list[str] | None = None  # the output the README shows, when it shows one
    skip: str | None = None  # why it is not run
    source: str = "README.md"
    block: int = 0  # which code block of its document it is in

    @property
    def label(self) -> str:
        first = self.text.splitlines()[0]
        return f"{self.source}:{self.line}: {first[:70]}"


def parse_readme(text: str, source: str = "README.md") -> list[Step]:
    """The steps of every code block, in file order."""
    steps = _parse(text)
    for step in steps:
        step.source = source
    return steps


def _parse(text: str) -> list[Step]:
    steps: list[Step] = []
    for block, token in enumerate(MarkdownIt("commonmark").parse(text)):
        if token.type not in ("fence", "code_block") or token.map is None:
            continue
        info = token.info.strip().split(" ")[0].lower() if token.type == "fence" else ""
        first_line = token.map[0] + (2 if token.type == "fence" else 1)
        found: list[Step] = []
        if info in CONSOLE_INFOS:
            found = console_steps(token.content, first_line)
        elif info in PYCON_INFOS:
            found = [Step("pycon", token.content, first_line)]
        elif info in SHELL_INFOS:
            found = command_steps(token.content, first_line)
        for step in found:
            step.block = block
        steps += found
    return steps


def command_steps(block: str, first_line: int) -> list[Step]:
    steps = []
    for offset, command in joined_lines(block):
        if command.strip() and not command.lstrip().startswith("#"):
            steps.append(Step("shell", command.strip(), first_line + offset, skip=skip_reason(command)))
    return steps


def console_steps(block: str, first_line: int) -> list[Step]:
    steps: list[Step] = []
    for offset, line in joined_lines(block):
        if line.startswith("$ "):
            command = line[2:].strip()
            steps.append(Step("shell", command, first_line + offset, expected=[], skip=skip_reason(command)))
        elif steps:
            steps[-1].expected.append(line)
        elif line.strip():
            raise ValueError(f"line {first_line + offset}: console output before any `$ ` command")
    return steps


def joined_lines(block: str) -> list[tuple[int, str]]:
    """The block's lines with their offsets, a line ending in a backslash joined to the next."""
    lines: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for offset, line in enumerate(block.splitlines()):
        if pending is not None:
            pending = (pending[0], pending[1][:-1] + " " + line.strip())
        else:
            pending = (offset, line)
        if not pending[1].endswith("\\"):
            lines.append(pending)
            pending = None
    if pending is not None:
        lines.append(pending)
    return lines


def skip_reason(command: str) -> str | None:
    marked = NOT_RUN.search(command)
    if marked:
        return marked.group(1)
    if INSTALL.match(command.strip()):
        return "an install command (the tests run in the installed environment)"
    return None


def output_matches(expected: list[str], actual: str) -> bool:
    """``actual`` is ``expected``, with ``...`` standing for any text (a whole ``...`` line: any lines)."""
    parts = []
    for line in _trimmed([line.rstrip() for line in expected]):
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(r"[^\n]*?".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    text = "".join(line.rstrip() + "\n" for line in _trimmed(actual.splitlines()))
    return re.fullmatch("".join(parts), text, flags=re.DOTALL) is not None


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


# the README, then the example queries' own README (it queries the store the quick start built)
DOCUMENTS = [README, ROOT / "queries" / "README.md"]
STEPS = [
    step
    for path in DOCUMENTS
    for step in parse_readme(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
]


# -- running in a fresh copy ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """The repository's files (git ls-files) copied to an empty folder: what a fresh clone holds."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell which files a clone has")
    listed = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    target = tmp_path_factory.mktemp("clone") / "kg"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


SESSION: dict[str, str] = {}  # what the README's `export` lines set, for the commands after them


def environment(clone: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SECRET_VARIABLES}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(clone)  # the copy's own kg package, not the checkout the venv points to
    env["NO_COLOR"] = "1"
    env["DBA_PASSWORD"] = VIRTUOSO_DBA_PASSWORD
    env.update(SESSION)
    return env


# -- servers the README's lines start or talk to ---------------------------------------------------------------

VIRTUOSO_PORTS = ("1111", "8890")  # Debian's service: SQL and HTTP
VIRTUOSO_DBA_PASSWORD = "dba"  # a new database's
_BIND = re.compile(r"--bind\s+(\S+):(\d+)")


@dataclass
class Servers:
    """The servers of the README run: each long-running line's process (by block), and one Virtuoso."""

    running: list[tuple[tuple[str, int], subprocess.Popen]] = field(default_factory=list)
    virtuoso: object = None  # tests.test_virtuoso's server context, once started

    def end_blocks_before(self, key: tuple[str, int]) -> None:
        for block, process in [entry for entry in self.running if entry[0] != key]:
            stop(process)
            self.running.remove((block, process))

    def start(self, step: Step, clone: Path) -> None:
        bind = _BIND.search(step.text)
        host, port = (bind.group(1), int(bind.group(2))) if bind else ("127.0.0.1", 7878)
        check_free(host, port, step)
        log = open(clone / "demo" / f"server-{step.line}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            ["bash", "-c", "exec " + step.text],
            cwd=clone,
            env=environment(clone),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append(((step.source, step.block), process))
        try:  # kg serve builds its search index before it listens: slow on a busy machine
            wait_until_ready(f"http://{host}:{port}/query", timeout=COMMAND_TIMEOUT, process=process)
        except EndpointError as error:
            log.flush()
            output = (clone / "demo" / f"server-{step.line}.log").read_text(errors="replace")
            pytest.fail(f"{step.label}: the server did not start: {error}\n{output}", pytrace=False)

    def need_virtuoso(self, step: Step, clone: Path) -> None:
        if self.virtuoso is not None:
            return
        from tests import virtuoso_server

        if virtuoso_server.VIRTUOSO is None or virtuoso_server.ISQL is None:
            pytest.skip(virtuoso_server.INSTALL_HINT)
        for port in VIRTUOSO_PORTS:
            check_free("127.0.0.1", int(port), step)
        server = virtuoso_server.started(
            clone / "demo" / "virtuoso", sql_port=1111, http_port=8890, cap=10_000
        )
        try:
            server.__enter__()
        except virtuoso_server.VirtuosoFailed as error:
            pytest.fail(f"{step.label}: {error}", pytrace=False)
        self.virtuoso = server

    def stop_all(self) -> None:
        self.end_blocks_before(("", -1))
        if self.virtuoso is not None:
            self.virtuoso.__exit__(None, None, None)
            self.virtuoso = None


def check_free(host: str, port: int, step: Step) -> None:
    with socket.socket() as probe:
        if probe.connect_ex((host, port)) == 0:
            pytest.fail(f"{step.label}: {host}:{port} is in use; the README's line needs it", pytrace=False)


def needs_virtuoso(step: Step) -> bool:
    return any(f":{port}" in step.text for port in VIRTUOSO_PORTS)


@pytest.fixture(scope="module")
def servers(clone: Path):
    (clone / "demo").mkdir(exist_ok=True)
    running = Servers()
    yield running
    running.stop_all()


def run_shell(command: str, clone: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command],
        check=False,
        cwd=clone,
        env=environment(clone),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


DOCTEST_RUNNER = """
import doctest, sys
test = doctest.DocTestParser().get_doctest(sys.stdin.read(), {}, "README", "README.md", 0)
runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
runner.run(test)
sys.exit(1 if runner.failures else 0)
"""


def run_pycon(session: str, clone: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DOCTEST_RUNNER],
        check=False,
        cwd=clone,
        env=environment(clone),
        input=session,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


@pytest.mark.parametrize("step", STEPS, ids=[step.label for step in STEPS])
def test_readme_step(step: Step, clone: Path, servers: Servers) -> None:
    """Each step in README order (pytest keeps the order of parameters): it succeeds and prints what the
    README shows. Servers the README starts run until their block ends."""
    servers.end_blocks_before((step.source, step.block))
    if step.skip:
        pytest.skip(step.skip)
    if step.kind == "shell" and needs_virtuoso(step):
        servers.need_virtuoso(step, clone)
    if step.kind == "shell" and LONG_RUNNING.match(step.text):
        servers.start(step, clone)
        return
    if step.kind == "pycon":
        result = run_pycon(step.text, clone)
        if result.returncode != 0:
            pytest.fail(f"{step.label}: the Python session differs:\n{result.stdout}", pytrace=False)
        return
    result = run_shell(step.text, clone)
    if result.returncode != 0:
        pytest.fail(f"{step.label}: exit status {result.returncode}\n{result.stdout}", pytrace=False)
    if step.text.startswith("export "):
        for word in shlex.split(step.text.split("#", 1)[0])[1:]:
            name, _, value = word.partition("=")
            SESSION[name] = value
    if step.expected and not output_matches(step.expected, result.stdout):
        expected = "\n".join(step.expected)
        pytest.fail(
            f"{step.label}: the README shows\n{expected}\n\nbut the command printed\n{result.stdout}",
            pytrace=False,
        )


def test_readme_leaves_tracked_files_as_they_were(clone: Path) -> None:
    """Run after the steps: every example wrote outside the tracked files (the quick start's outputs/
    excepted, whose tracked files a build rewrites byte for byte)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    changed = [
        name
        for name in filter(None, listed.decode().split("\0"))
        if (ROOT / name).is_file()
        and (clone / name).read_bytes() != (ROOT / name).read_bytes()
        and not name.startswith("outputs/")
    ]
    assert changed == []


# -- the examples in --help texts and query headers return rows on the sample ---------------------------------

HELP_EXAMPLE = re.compile(r"^\s+(kg .+)$", re.MULTILINE)


def help_examples() -> list[str]:
    from click.testing import CliRunner

    from kg.cli import main

    commands = []
    for name in main.list_commands(None):  # type: ignore[arg-type]
        command = main.get_command(None, name)  # type: ignore[arg-type]
        subcommands = list(getattr(command, "commands", {}) or [])
        for args in [[name]] + [[name, sub] for sub in subcommands]:
            text = CliRunner().invoke(main, [*args, "--help"]).output
            if "Example" in text:
                commands += HELP_EXAMPLE.findall(text.split("Example", 1)[1])
    return commands


def query_header_examples() -> list[str]:
    return [
        line.removeprefix("# Example:").strip()
        for path in sorted((ROOT / "queries").glob("*.rq"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# Example:")
    ]


def test_the_example_parsers_find_examples():
    assert any(command.startswith("kg query --file") for command in help_examples())
    assert len(query_header_examples()) == len(list((ROOT / "queries").glob("*.rq")))


def test_every_query_example_returns_rows_on_the_sample(clone: Path) -> None:
    if not (clone / "outputs" / "store").is_dir():
        assert run_shell("kg build", clone).returncode == 0
    examples = [c for c in help_examples() + query_header_examples() if c.startswith("kg query")]
    empty = []
    for command in examples:
        if "--endpoint" in command:
            command = re.sub(r"--(?:endpoint|graph) \S+ ?", "", command)  # the same query on the local store
        result = run_shell(command + " --format csv", clone)
        assert result.returncode == 0, f"{command}\n{result.stdout}"
        if len(result.stdout.splitlines()) < 2:
            empty.append(command)
    assert empty == []


def test_other_help_examples_run(clone: Path) -> None:
    examples = [
        c for c in help_examples() if not c.startswith(("kg query", "kg fetch", "kg serve", "kg push"))
    ]
    assert examples
    for command in examples:
        result = run_shell(command.replace(" -o ", " -o demo/help-"), clone)
        assert result.returncode == 0 and result.stdout.strip(), f"{command}\n{result.stdout}"


# -- the conventions themselves ------------------------------------------------------------------------------


def test_no_line_is_skipped_for_needing_a_server():
    """Only the network (GitHub, arXiv, Hugging Face) or the annotated set beside the repository excuse a
    line: a server the README needs, the test starts."""
    excused = [step.label for step in STEPS if step.skip and re.search(r"server|terminal|running", step.skip)]
    assert excused == []


def test_console_blocks_pair_commands_with_their_output():
    steps = parse_readme(
        "text\n\n```console\n$ kg one\nout 1\n...\n$ kg two  # needs network\nout 2\n```\n\n"
        "    kg three\n    # a comment\n\n```text\nnot run\n```\n\n```\npip install -e .\n```\n"
    )
    assert [(s.text, s.expected, s.skip, s.line) for s in steps] == [
        ("kg one", ["out 1", "..."], None, 4),
        ("kg two  # needs network", ["out 2"], "needs network", 7),
        ("kg three", None, None, 11),
        ("pip install -e .", None, "an install command (the tests run in the installed environment)", 19),
    ]


@pytest.mark.parametrize(
    ("command", "long_running"),
    [
        ("kg serve --bind 127.0.0.1:7878", True),
        ("KG_X=1 kg --no-progress serve", True),
        ("oxigraph serve --location x", True),
        ("kg query --file x", False),
        ("kg server-status", False),
    ],
)
def test_long_running_commands_are_recognised(command, long_running):
    assert bool(LONG_RUNNING.match(command)) is long_running


@pytest.mark.parametrize(
    ("expected", "actual", "matches"),
    [
        (["a", "b"], "a\nb\n", True),
        (["a", "b"], "a\nb\nc\n", False),
        (["a", "..."], "a\nb\nc\n", True),
        (["a ... s"], "a 12.5 s\n", True),
        (["a ... s"], "b 12.5 s\n", False),
        (["x", "...", "z"], "x\nz\n", True),
        (["n (1 row)"], "n (1 rows)\n", False),
    ],
)
def test_output_matching(expected, actual, matches):
    assert output_matches(expected, actual) is matches


def test_doctest_blocks_use_doctest_syntax():
    for step in STEPS:
        if step.kind == "pycon":
            assert doctest.DocTestParser().get_examples(step.text), step.label


def test_exit_statuses_are_the_same_in_kg_help_and_the_readme():
    from click.testing import CliRunner

    from kg.cli import main

    help_text = CliRunner().invoke(main, ["--help"]).stdout
    in_help: dict[str, str] = {}
    for line in help_text.split("Exit status:")[1].strip().splitlines():
        entry = re.match(r"\s*(\d)\s+(.*)", line)
        if entry:
            status = entry.group(1)
            in_help[status] = entry.group(2).strip()
        else:  # a wrapped line continues the last entry
            in_help[status] += " " + line.strip()
    section = README.read_text(encoding="utf-8").split("## Exit status")[1].split("\n## ")[0]
    in_readme = dict(re.findall(r"^\| (\d) \| (.+) \|$", section, re.MULTILINE))
    assert sorted(in_help) == ["0", "1", "2", "3", "4"]
    assert {s: m.replace("`", "") for s, m in in_help.items()} == {
        s: m.replace("`", "") for s, m in in_readme.items()
    }
