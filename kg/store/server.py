"""The SPARQL server: Oxigraph's own HTTP server (the ``oxigraph`` PyPI package) over a kg store.

``kg serve`` runs ``oxigraph serve-read-only``: SPARQL 1.1 Protocol at ``/query``, the store untouched,
any number of readers. The server binary and pyoxigraph must share a storage format: both come from the
same Oxigraph release (checked by ``version_mismatch``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import requests

from kg.errors import EndpointError, StoreError
from kg.store.oxigraph import check_readable


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable: beside this Python (the venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError("the oxigraph server is not installed: pip install oxigraph")
    return found


def server_version(binary: str | None = None) -> str:
    out = subprocess.run(
        [binary or oxigraph_binary(), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    match = re.search(r"(\d+\.\d+\.\d+)", out.stdout)
    return match.group(1) if match else "unknown"


def version_mismatch(binary: str | None = None) -> str | None:
    """A warning when the server and pyoxigraph come from different releases (major.minor)."""
    server, library = server_version(binary), pyoxigraph.__version__
    if server.split(".")[:2] != library.split(".")[:2]:
        return (
            f"oxigraph server {server} and pyoxigraph {library} differ; the store format may not match "
            f"(pip install 'oxigraph=={library}')"
        )
    return None


def parse_bind(bind: str) -> tuple[str, int]:
    host, sep, port = bind.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise StoreError(f"--bind takes HOST:PORT (e.g. 127.0.0.1:7878), not {bind!r}")
    return host, int(port)


def serve_args(store_dir: Path, bind: str, *, read_only: bool = True) -> list[str]:
    """The server's command line; a read-only server first checks the store exists and is not being written."""
    parse_bind(bind)
    if read_only:
        check_readable(store_dir)
        mode = "serve-read-only"
    else:
        mode = "serve"
    # kg keeps each paper in a named graph: queries see their union, as `kg query` does
    union = ["--union-default-graph"] if read_only else []
    return [oxigraph_binary(), mode, "--location", str(store_dir), "--bind", bind, *union]


def start(store_dir: Path, bind: str, *, read_only: bool = True, wait: float = 20.0) -> subprocess.Popen:
    """Start a server in the background and return once it answers queries (or raise)."""
    args = serve_args(store_dir, bind, read_only=read_only)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    host, port = parse_bind(bind)
    try:
        wait_until_ready(f"http://{host}:{port}/query", timeout=wait, process=process)
    except BaseException:
        stop(process)
        raise
    return process


def wait_until_ready(url: str, *, timeout: float = 20.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            error = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
            raise EndpointError(f"the server stopped at start: {error or 'exit ' + str(process.returncode)}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise EndpointError(f"the server did not answer at {url} within {timeout:g} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
