"""Atomic file writes (a temporary file beside the target, renamed over it only when complete), and text
made safe for a terminal."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Write to ``path`` so an interrupted write never leaves a half-written file behind."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the pid in the name lets a later run tell a killed writer's leftovers from a live one's
    fd, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    text_options = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
    try:
        with os.fdopen(fd, mode, **text_options) as handle:
            yield handle
        os.chmod(temporary, 0o666 & ~_umask())  # as a plain open() would create it, not mkstemp's 0600
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files of :func:`atomic_writer` runs killed outright (SIGKILL, power loss) in
    ``folder``: those whose writing process is gone. Returns what was removed."""
    removed = []
    for path in Path(folder).glob(".*.tmp"):
        match = re.fullmatch(r"\..+\.(\d+)\.[^.]+\.tmp", path.name)
        if match and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# C0/C1 controls (ESC starts terminal escape codes), bidirectional overrides and isolates (U+202A-U+202E,
# U+2066-U+2069: "Trojan Source" reordering), zero-width and other invisible format characters
UNSAFE_FOR_TERMINAL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def terminal_safe(text: str) -> str:
    """``text`` with nothing that could move the cursor, recolour, retitle or reorder a terminal: control
    characters and escape codes, bidi overrides and invisible marks become U+FFFD; tabs and newlines stay.
    Everything kg prints from papers, records or API answers goes through this one function."""
    return UNSAFE_FOR_TERMINAL.sub("\ufffd", text.encode("utf-8", "replace").decode("utf-8"))
