"""Where an untrusted query runs: a thread that cannot open a network socket, on a stack deep enough for it.

pyoxigraph has no switch for SERVICE: given one, Oxigraph opens a connection to whatever host the query
names. The guard (:mod:`kg.store.guard`) refuses SERVICE on the text, but a tokenizer can be walked around
(issue 24: ``:a\\#`` hid a line from it). So the engine's remote access is switched off underneath it: on
Linux (x86-64, arm64) the thread that evaluates a user's query installs a seccomp filter that makes
``socket(AF_INET|AF_INET6, ...)`` fail with EACCES. The filter is the kernel's, per thread (and the
threads it starts): the rest of the process keeps its network. Unix socket pairs (the query pool's pipes)
still work.

Oxigraph's parser, optimiser and evaluator recurse on the query's algebra; a left-deep chain of a few
thousand ``+``, ``UNION`` or ``MINUS`` overflows a default 8 MB thread stack and kills the process with
SIGSEGV. The guard bounds a query's size in algebra terms; the thread's stack (:data:`QUERY_STACK`) is
sized for many times that bound, so the bound, not the stack, is what a user meets.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

QUERY_STACK = 512 * 1024 * 1024  # bytes of address space; only the pages a query touches are used
_ARCH = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}  # AUDIT_ARCH_*, __NR_socket
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _program() -> list[tuple[int, int, int, int]] | None:
    """The BPF program: deny socket() for IP families (and every syscall of a foreign ABI), allow the rest."""
    if platform.system() != "Linux" or platform.machine() not in _ARCH:
        return None
    arch, socket_nr = _ARCH[platform.machine()]
    load, equal, at_least, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | errno.EACCES
    return [
        (load, 0, 0, 4),  # seccomp_data.arch
        (equal, 1, 0, arch),
        (ret, 0, 0, deny),  # another ABI (i386 on x86-64): refused outright
        (load, 0, 0, 0),  # seccomp_data.nr
        (at_least, 5, 0, 0x40000000),  # the x32 ABI's numbers: refused
        (equal, 0, 3, socket_nr),
        (load, 0, 0, 16),  # args[0]: the address family
        (equal, 2, 0, socket.AF_INET),
        (equal, 1, 0, socket.AF_INET6),
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]


def forbid_network() -> bool:
    """Make this thread (and the threads it starts) unable to open IP sockets; False where the platform
    has no seccomp filter (the guard's refusal of SERVICE is then the only barrier)."""
    program = _program()
    if program is None:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    filters = (_SockFilter * len(program))(*(_SockFilter(*step) for step in program))
    fprog = _SockFprog(len(program), filters)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


_STACK_LOCK = threading.Lock()


def query_thread(target: Callable[[], None], name: str = "kg-query") -> threading.Thread:
    """A daemon thread, started, that runs ``target`` without network access, on a deep stack."""

    def run() -> None:
        forbid_network()
        target()

    with _STACK_LOCK:  # threading.stack_size is process-wide: set it only around this thread's creation
        previous = threading.stack_size(QUERY_STACK)
        try:
            thread = threading.Thread(target=run, daemon=True, name=name)
            thread.start()
        finally:
            threading.stack_size(previous)
    return thread


def run_sandboxed(work: Callable[[], T], name: str = "kg-query") -> T:
    """``work()`` run in a :func:`query_thread` while this thread waits (Ctrl-C raises here at once; the
    abandoned thread cannot be stopped: a caller that catches it should end the process)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread as is
            outcome["error"] = error

    thread = query_thread(run, name)
    while thread.is_alive():
        thread.join(0.1)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
