"""A throwaway Virtuoso (Debian's virtuoso-opensource 7) for the tests: a fresh database in a folder, on
the ports given, its dba password the new database's (dba); stopped (checkpointed) on leaving."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
INSTALL_HINT = "Virtuoso is not installed (apt-get install virtuoso-opensource: virtuoso-t and isql-vt)"
INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = {cap}
MaxQueryExecutionTime = 60
"""


@dataclass
class Virtuoso:
    base: str  # http://127.0.0.1:PORT
    sql_port: int

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"


class VirtuosoFailed(RuntimeError):
    """The server did not start; the message holds its console output."""


def isql(sql_port: int, statements: str) -> str:
    """Run SQL as the database administrator (a new database's dba password is dba)."""
    done = subprocess.run(
        [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0 or "Error" in done.stdout:
        raise VirtuosoFailed(done.stdout + done.stderr)
    return done.stdout


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # Virtuoso checkpoints and exits on SIGTERM
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@contextlib.contextmanager
def started(folder: Path, *, sql_port: int, http_port: int, cap: int) -> Iterator[Virtuoso]:
    """A running Virtuoso with a fresh database in ``folder``, answering SPARQL on ``http_port``."""
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port, cap=cap))
    with (folder / "console.log").open("wb") as log:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{http_port}"
            deadline = time.monotonic() + 180  # a new database takes 5-30 s to set up
            while True:
                if process.poll() is not None:
                    raise VirtuosoFailed(
                        f"virtuoso-t exited ({process.returncode}): {(folder / 'console.log').read_text()}"
                    )
                try:
                    if requests.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=5).ok:
                        break
                except requests.ConnectionError:
                    pass
                if time.monotonic() > deadline:
                    raise VirtuosoFailed(
                        f"Virtuoso did not answer within 180 s: {(folder / 'console.log').read_text()}"
                    )
                time.sleep(0.3)
            yield Virtuoso(base, sql_port)
        finally:
            stop(process)
