"""Headless Chromium driven over the DevTools protocol on a pipe, to check and measure the viz page.

``--remote-debugging-pipe`` makes Chromium read NUL-terminated JSON commands on fd 3 and answer on fd 4, so
no websocket library, driver binary or TCP port is needed. Used by the viz tests, ``bench/bench_viz.py`` and
screenshots; the network is switched off for every page, and every request the page makes is recorded.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from kg.core.errors import KgError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class BrowserError(KgError):
    """Chromium is missing, died, or did not answer in time."""


def find_chromium() -> str | None:
    """The Chromium executable: ``$KG_CHROMIUM`` if set, else the usual install paths."""
    candidates = (os.environ["KG_CHROMIUM"],) if os.environ.get("KG_CHROMIUM") else CHROMIUM_CANDIDATES
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _above(fd: int, lowest: int) -> int:
    """The descriptor moved to a number >= ``lowest`` (the original is closed)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, lowest)
    os.close(fd)
    return moved


@dataclass
class Page:
    """One tab. ``console`` holds (level, text) of console calls and browser log entries, ``exceptions``
    uncaught script errors, ``requests`` every URL the page asked for."""

    browser: Chromium
    session: str
    target: str
    console: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    loaded: bool = False

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> dict:
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled":
            text = " ".join(
                str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])
            )
            self.console.append((params.get("type", "log"), text))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.console.append((entry.get("level", "info"), entry.get("text", "")))
        elif method == "Network.requestWillBeSent":
            self.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Page.loadEventFired":
            self.loaded = True

    @property
    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions: what a clean page must not have."""
        return [text for level, text in self.console if level == "error"] + self.exceptions

    def goto(self, url: str, timeout: float = 30.0) -> None:
        """Navigate and wait for the load event (all inline scripts have run by then)."""
        self.loaded = False
        reply = self.send("Page.navigate", {"url": url}, timeout=timeout)
        if reply.get("errorText"):
            raise BrowserError(f"cannot open {url}: {reply['errorText']}")
        self.browser.pump_until(lambda: self.loaded, timeout)

    def evaluate(self, expression: str, timeout: float = 30.0) -> Any:
        """The JSON value of a JavaScript expression (promises awaited); a thrown error raises."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text", ""))
        return reply.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30.0, interval: float = 0.05) -> Any:
        """Poll until the expression is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression, timeout=max(1.0, deadline - time.monotonic()))
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out after {timeout:.0f} s waiting for {expression}")
            time.sleep(interval)

    def close(self) -> None:
        """Close the tab (its target); the browser keeps running."""
        self.browser.pages.pop(self.session, None)
        self.browser.send("Target.closeTarget", {"targetId": self.target})

    def screenshot(self, path: str | os.PathLike[str]) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        target = Path(path)
        target.write_bytes(base64.b64decode(data))
        return target


class Chromium:
    """A headless Chromium process; use as a context manager so the process and its profile go away."""

    def __init__(
        self, executable: str | None = None, *, width: int = 1280, height: int = 800, timeout: float = 30.0
    ) -> None:
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise BrowserError("Chromium not found (looked in " + ", ".join(CHROMIUM_CANDIDATES) + ")")
        self.width, self.height, self.timeout = width, height, timeout
        self.profile = tempfile.mkdtemp(prefix="kg-chromium-")
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the browser; closed in close()
        commands_read, self._commands = os.pipe()  # we write commands, Chromium reads fd 3
        self._replies, replies_write = os.pipe()  # Chromium writes fd 4, we read
        # the child's ends must not sit on 3 or 4 themselves, or wiring them there would clobber one
        commands_read, replies_write = (_above(fd, 10) for fd in (commands_read, replies_write))
        # bash (dash takes one-digit fds only) moves the pipe ends to fds 3 and 4, closes the originals and
        # execs Chromium: no preexec_fn, which is unsafe in a threaded parent
        wire = f'exec "$@" 3<&{commands_read} 4>&{replies_write} {commands_read}<&- {replies_write}>&-'
        args = [
            "/bin/bash",
            "-c",
            wire,
            "bash",
            self.executable,
            *FLAGS,
            f"--user-data-dir={self.profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            pass_fds=(commands_read, replies_write),
        )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._next_id = 0
        self._replies_by_id: dict[int, dict] = {}
        self.pages: dict[str, Page] = {}
        try:
            self.send("Browser.getVersion")
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self._commands, data)
            data = data[written:]

    def _read_one(self, deadline: float) -> None:
        """Read and dispatch whatever arrived: replies are kept by id, events go to their page."""
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self._replies], [], [], min(remaining, 0.5))
            if ready:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise BrowserError("Chromium exited: " + self._stderr_tail())
                self._buffer += chunk
            elif self.process.poll() is not None:
                raise BrowserError("Chromium exited: " + self._stderr_tail())
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "id" in message:
            self._replies_by_id[message["id"]] = message
        elif message.get("sessionId") in self.pages:
            self.pages[message["sessionId"]].on_event(message["method"], message.get("params", {}))

    def pump_until(self, done: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            self._read_one(deadline)

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float | None = None,
    ) -> dict:
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(message)
        self.pump_until(lambda: ident in self._replies_by_id, timeout or self.timeout)
        reply = self._replies_by_id.pop(ident)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def new_page(self, *, offline: bool = True) -> Page:
        """A fresh tab with console, errors and requests recorded and, by default, the network off."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, target)
        self.pages[session] = page
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False},
        )
        if offline:
            page.send(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
        return page

    def _stderr_tail(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")[-500:]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self._write({"id": 0, "method": "Browser.close", "params": {}})
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for fd in (self._commands, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass
        self.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def screenshot(
    html: str | os.PathLike[str], png: str | os.PathLike[str], *, width: int = 1400, height: int = 900
) -> Path:
    """A PNG of a kg viz page once it has drawn and its layout has settled; the network stays off."""
    with Chromium(width=width, height=height) as browser:
        page = browser.new_page()
        page.goto(Path(html).resolve().as_uri(), timeout=120)
        page.wait_for("window.kgViz && kgViz.readyMs !== null", timeout=120)
        try:  # live physics (small graphs) comes to rest within seconds; take the picture anyway if not
            page.wait_for("kgViz.settled", timeout=20)
        except BrowserError:
            pass
        page.wait_for(
            "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
        )
        target = Path(png)
        target.parent.mkdir(parents=True, exist_ok=True)
        return page.screenshot(target)
