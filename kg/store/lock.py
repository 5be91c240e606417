"""Who may use a store: one writer (``kg build``), or any number of readers (``kg serve``, ``kg query``).

A lock file in the store folder (``kg.lock``) carries an advisory ``flock``: a writer takes it exclusive,
a reader shared, and neither waits. So a second ``kg build`` into a store, or a build into a store that
``kg serve`` is serving, gets a clear refusal instead of fighting over RocksDB or leaving the server on
old data. The operating system drops the lock when its process ends, however it ends (even SIGKILL), so
a crashed build never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.core.errors import StoreError

LOCK_NAME = "kg.lock"


def lock_path(store: Path | str) -> Path:
    return Path(store) / LOCK_NAME


@contextmanager
def _locked(store: Path | str, mode: int, refusal: str) -> Iterator[None]:
    path = lock_path(store)
    if path.parent.exists() and not path.parent.is_dir():
        raise StoreError(f"{store} is a file, not a store folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        if mode == fcntl.LOCK_SH and path.parent.is_dir():
            yield  # a store on a read-only disk: no writer can be there, and a reader needs no lock
            return
        raise StoreError(f"cannot lock the store at {store}: {error.strerror or error}") from None
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(refusal) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def write_lock(store: Path | str) -> Iterator[None]:
    """Hold the store for writing; StoreError at once if any other writer or reader holds it."""
    with _locked(
        store,
        fcntl.LOCK_EX,
        f"the store at {store} is in use by another process (a kg build writing it, or kg serve serving it); "
        "stop that process or build into another --store",
    ):
        yield


@contextmanager
def read_lock(store: Path | str) -> Iterator[None]:
    """Hold the store for reading (kg serve, for as long as it serves); StoreError at once if a writer
    holds it. Readers do not exclude each other."""
    with _locked(
        store,
        fcntl.LOCK_SH,
        f"the store at {store} is being written by another process (kg build?); try again when it has finished",
    ):
        yield


def read_lock_for_exec(store: Path | str) -> int:
    """Take the read lock on a descriptor that survives ``os.exec*``, so the program that replaces this
    process (``kg serve`` execs Oxigraph's server) holds it for as long as it runs. Returns the descriptor."""
    path = lock_path(store)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreError(
            f"the store at {store} is being written by another process (kg build?); try again when it has finished"
        ) from None
    os.set_inheritable(fd, True)
    return fd
