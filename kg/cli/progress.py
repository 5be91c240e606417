"""One status line on stderr for steps that take more than a moment: a stage, a count, the seconds so far.

Shown on a terminal only (or with `kg --progress`, or KG_PROGRESS=1), so pipes, logs and tests stay quiet;
`kg --no-progress` turns it off. A thread redraws the line a few times a second, so a step that reports
nothing while it works (validation, a screenshot) still shows that it is alive.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

REDRAW_SECONDS = 0.2
SPINNER = "|/-\\"

_setting: bool | None = None  # set by `kg --progress/--no-progress`; None: on a terminal only


def configure(enabled: bool | None) -> None:
    global _setting
    _setting = enabled


def enabled(stream: TextIO | None = None) -> bool:
    if _setting is not None:
        return _setting
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class StatusLine:
    """``stage(label, total)`` starts a step; ``advance(n)`` counts it on; ``close()`` clears the line."""

    def __init__(self, stream: TextIO | None = None, *, show: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.show = enabled(self.stream) if show is None else show
        self.label = ""
        self.total: int | None = None
        self.done = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._width = 0

    def stage(self, label: str, total: int | None = None) -> None:
        with self._lock:
            self.label, self.total, self.done, self.started = label, total, 0, time.monotonic()
        if self.show and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kg-progress", daemon=True)
            self._thread.start()

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.done += count

    def text(self, tick: int = 0) -> str:
        """The line as drawn: 'extracting 120/215 papers 4 s' or 'validating / 3 s'."""
        with self._lock:
            seconds = int(time.monotonic() - self.started)
            if self.total:
                return f"{self.label} {self.done}/{self.total} ({100 * self.done // self.total}%) {seconds} s"
            return f"{self.label} {SPINNER[tick % len(SPINNER)]} {seconds} s"

    def _run(self) -> None:
        tick = 0
        while not self._stop.wait(REDRAW_SECONDS):
            line = self.text(tick)
            self._write("\r" + line.ljust(self._width))
            self._width = len(line)
            tick += 1

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on
            self._stop.set()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self._write("\r" + " " * self._width + "\r")


@contextmanager
def status(label: str | None = None, total: int | None = None) -> Iterator[StatusLine]:
    """A status line for the duration of the block, cleared at its end (also on an error)."""
    line = StatusLine()
    if label:
        line.stage(label, total)
    try:
        yield line
    finally:
        line.close()
