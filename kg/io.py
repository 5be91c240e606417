"""Atomic file writes: a temporary file beside the target, renamed over it only when complete."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


@contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Write to ``path`` so an interrupted write never leaves a half-written file behind."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        mode, dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False,
        **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}),
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
