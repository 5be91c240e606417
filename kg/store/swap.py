"""A ``--fresh`` build replaces a store only when the new one is complete.

The new store is built in a sibling folder (:func:`fresh_sibling`) while the old one stays where it is,
answering readers; when the build has finished and the new store is closed, :func:`swap_in` exchanges the
two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, a moment apart) and
removes the old one. A build killed before that leaves the old store as it was, and a left-over sibling
is removed by the next build.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

from kg.core.errors import StoreError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def fresh_sibling(store: Path) -> Path:
    """Where a fresh build of ``store`` is made: beside it (same file system, so a rename moves it)."""
    return store.with_name(f".{store.name}.fresh")


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (no renameat2, or a file system without
    RENAME_EXCHANGE)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return done == 0


def swap_in(new: Path, store: Path) -> None:
    """Put the complete store at ``new`` in the place of ``store`` and remove the old one."""
    try:
        if not _exchange(new, store):
            old = store.with_name(f".{store.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(store, old)
            os.rename(new, store)
            new = old
        shutil.rmtree(new, ignore_errors=True)
    except OSError as error:
        raise StoreError(f"could not put the new store in place of {store}: {error}") from None
