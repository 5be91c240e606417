"""Answering untrusted SPARQL: a pool of query worker processes, and Oxigraph's own HTTP server.

:class:`QueryPool` is what ``kg serve``'s ``/query`` endpoint runs queries on. pyoxigraph cannot cancel a
query once it runs, so each query runs in a worker process with the store opened read-only; a query past
its time limit gets its worker killed (its CPU and memory are freed at once) and a fresh worker takes its
place, while the other workers go on answering. Every query passes :func:`kg.store.guard.check_query`
first, so updates, SERVICE and over-deep or over-long queries never reach Oxigraph.

The ``oxigraph`` binary (``start``/``stop``) is a plain Oxigraph server: the tests push to it as to any
remote SPARQL store. Binary and pyoxigraph must share a storage format: both come from the same Oxigraph
release (checked by ``version_mismatch``).
"""

from __future__ import annotations

import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Self

import pyoxigraph
import requests

from kg.core.errors import EndpointError, QueryError, StoreError
from kg.store.guard import TOO_COMPLEX, check_query
from kg.store.oxigraph import check_readable
from kg.store.sandbox import query_thread

DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 3


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


def check_bindable(host: str, port: int) -> None:
    """EndpointError unless this process can listen on ``host:port`` (checked before the slow start-up)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise EndpointError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def serve_args(store_dir: Path, bind: str, *, read_only: bool = True) -> list[str]:
    """The server's command line; a read-only server first checks the store exists and is not being written."""
    parse_bind(bind)
    if read_only:
        check_readable(store_dir)
        mode = "serve-read-only"
    else:
        mode = "serve"
    # the default graph holds the union of the papers' graphs, each triple once: no union flag needed
    return [oxigraph_binary(), mode, "--location", str(store_dir), "--bind", bind]


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


# -- the query pool ------------------------------------------------------------------------------------------


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


class PoolBusy(QueryError):
    """Every worker stayed busy for the whole time limit: the server is overloaded."""


def _worker_main(store_dir: str, fd: int) -> None:
    """A query worker: open the store read-only, then answer ``(query, results format, graph format,
    default graphs, named graphs)`` requests
    on the socket ``fd`` with ``("ok", kind, bytes)`` or ``("error", message)`` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on `kg serve` is the parent's to handle
    connection = Connection(fd)
    from kg.core.errors import KgError
    from kg.store.oxigraph import Store

    try:
        store = Store(Path(store_dir), read_only=True)
    except KgError as error:
        connection.send(("error", str(error)))
        return
    connection.send(("ready",))
    # queries run on a thread that cannot open a network socket and has a deep stack (kg.store.sandbox)
    query_thread(lambda: _answer_queries(store, connection), "kg-query-worker").join()


def _answer_queries(store, connection: Connection) -> None:
    from kg.core.errors import KgError

    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        text, results_format, graph_format, default_graphs, named_graphs = request
        try:
            kind, data = store.query_serialized(
                text,
                results_format=results_format,
                graph_format=graph_format,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
            )
            reply = ("ok", kind, data)
        except KgError as error:
            reply = ("error", str(error))
        except Exception as error:  # noqa: BLE001 - a worker answers every request, whatever failed
            reply = ("error", f"the query failed: {error}")
        try:
            connection.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    """One worker: a plain child process (``python -c``, so no main module is re-imported, as
    multiprocessing's spawn would) talking pickled messages over a socket pair."""

    def __init__(self, store_dir: Path) -> None:
        ours, theirs = socket.socketpair()
        code = f"from kg.store.server import _worker_main; _worker_main(sys.argv[1], {theirs.fileno()})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import sys; " + code, str(store_dir)],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal is for `kg serve`, which stops the pool
        )
        theirs.close()
        self.connection = Connection(ours.detach())

    def wait_ready(self, timeout: float) -> None:
        if not self.connection.poll(timeout):
            self.kill()
            raise StoreError(f"a query worker did not start within {timeout:g} s")
        try:
            reply = self.connection.recv()
        except EOFError:
            reply = ("error", "the query worker exited at start")
        if reply[0] != "ready":
            self.kill()
            raise StoreError(reply[1])

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.connection.close()


class QueryPool:
    """``workers`` processes answering guarded queries on a read-only store, each within ``timeout`` s.

    Thread-safe: any number of threads may call :meth:`run`; each takes an idle worker (waiting up to the
    time limit for one) and gives it back when answered, or has it killed and replaced when it overruns.
    """

    def __init__(
        self, store_dir: Path | str, *, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.store_dir = Path(store_dir)
        self.size = max(1, workers)
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers stopped for overrunning: for tests and the log

    def start(self, wait: float = 60.0) -> Self:
        check_readable(self.store_dir)
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                worker.wait_ready(wait)
                self._idle.put(worker)
        except BaseException:
            self.close()
            raise
        return self

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_dir)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` now and start its successor in the background (a start takes a second)."""
        self._retire(worker)

        def respawn() -> None:
            if self._closed:
                return
            try:
                fresh = self._spawn()
                fresh.wait_ready(60.0)
            except StoreError as error:
                print(f"warning: a query worker could not be restarted: {error}", file=sys.stderr)
                return
            if self._closed:
                self._retire(fresh)
            else:
                self._idle.put(fresh)

        threading.Thread(target=respawn, daemon=True, name="kg-query-respawn").start()

    def run(
        self,
        sparql: str,
        *,
        results_format: str = "json",
        graph_format: str = "ntriples",
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> tuple[str, bytes]:
        """``(kind, serialized answer)`` of a guarded query; QueryError (QueryTimeout, PoolBusy) otherwise.

        ``default_graphs``/``named_graphs``: the protocol's dataset (default-graph-uri, named-graph-uri)."""
        check_query(sparql)
        if self._closed:
            raise QueryError("the server is shutting down")
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolBusy(
                f"every query worker stayed busy for {self.timeout:g} s; try again later"
            ) from None
        try:
            worker.connection.send(
                (sparql, results_format, graph_format, list(default_graphs or []), list(named_graphs or []))
            )
            if not worker.connection.poll(self.timeout):
                self.killed += 1
                self._replace(worker)
                raise QueryTimeout(f"the query ran past the {self.timeout:g} s time limit and was stopped")
            reply = worker.connection.recv()
        except (EOFError, OSError) as error:
            try:
                code = worker.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            self._replace(worker)
            if code is not None and code < 0:  # the engine died of the query (a stack overflow, SIGSEGV)
                raise QueryError(TOO_COMPLEX) from None
            raise QueryError(f"the query worker failed ({error or 'it exited'}); try again") from None
        self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1], reply[2]
        raise QueryError(reply[1])

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            try:
                worker.connection.send(None)
            except (OSError, ValueError):
                pass
        for worker in workers:
            try:
                worker.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            self._retire(worker)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
