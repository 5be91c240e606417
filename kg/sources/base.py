"""What every reader shares: the one-line ``Problem`` report and UTF-8 lines read without holding the file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from kg.core.papers import clean_text

CHUNK_SIZE = 1 << 16
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?=$|[T\s])")


@dataclass(frozen=True)
class Problem:
    """One bad input (a file, a line, a record), reported as one line instead of a traceback."""

    source: str  # the file path, "-" for stdin, or a URL
    line: int | None  # 1-based line the problem is on, when known
    message: str
    record_kept: bool = False  # only a field of the record was dropped or cut; the paper itself was read

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}" if self.line else f"{self.source}: {self.message}"


class Line(NamedTuple):
    number: int  # 1-based
    text: str  # without the line ending


NUL = b"\x00"
NUL = b"\x00"
MAX_LINE_BYTES = 64 * 2**20  # a longer line is skipped as it streams, never held whole


class LongLine(bytes):
    """The start of a line longer than MAX_LINE_BYTES (the rest was not kept); ``size`` is its length."""

    size = 0


def byte_lines(chunks: Iterable[bytes], limit: int | None = None) -> Iterator[bytes]:
    """Split a stream of byte chunks on LF; memory holds one chunk and the current line, not the file (a
    line past ``limit`` bytes comes as a :class:`LongLine` holding its first bytes only)."""
    limit = MAX_LINE_BYTES if limit is None else limit
    pending: list[bytes] = []  # the current line's pieces: joined once, never copied per chunk
    size = 0  # of the current line so far

    def add(piece: bytes) -> None:
        nonlocal size, pending
        if size <= limit < size + len(piece):  # just went over: keep the start only, for the message
            pending = [b"".join([*pending, piece])[:1024]]
        elif size <= limit:
            pending.append(piece)
        size += len(piece)

    def line() -> bytes:
        if size > limit:
            long = LongLine(b"".join(pending))
            long.size = size
            return long
        return b"".join(pending)

    for chunk in chunks:
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            add(chunk[start:end])
            yield line()
            pending, size, start = [], 0, end + 1
        if start < len(chunk):
            add(chunk[start:])
    if size:
        yield line()


def stream_chunks(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    """The bytes already read for format detection, then the rest of the stream."""
    if head:
        yield head
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def text_lines(chunks: Iterable[bytes], source: str) -> Iterator[Line | Problem]:
    """Decoded lines (CRLF or LF, an initial BOM dropped); a line that is not UTF-8 becomes a Problem.

    Readers decide whether to go on after such a line: JSON Lines can, a dump or a feed cannot.
    """
    for number, raw in enumerate(byte_lines(chunks), start=1):
        if isinstance(raw, LongLine):
            yield Problem(
                source, number, f"a line of {raw.size:,} bytes (the limit is {MAX_LINE_BYTES:,}); skipped"
            )
            continue
        if NUL in raw:
            column = raw.index(NUL) + 1
            yield Problem(source, number, f"a NUL byte at column {column}: binary data; skipped")
            continue
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            bad = raw[error.start]
            yield Problem(source, number, f"not UTF-8 text (byte 0x{bad:02x} at column {error.start + 1})")
            continue
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield Line(number, text)


def iso_date(value: object) -> str | None:
    """``2024-01-02T18:59:59Z`` -> ``2024-01-02``; ``2024-01`` stays; anything else -> None."""
    if not isinstance(value, str):
        return None
    match = ISO_DATE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None
    return f"{year}-{month}-{day}" if day else f"{year}-{month}"


def month_day_year(month: str, day: str, year: str) -> str | None:
    """``("Jan", "11", "2024")`` -> ``2024-01-11``, without the locale-dependent ``strptime``."""
    number = MONTHS.get(month[:3].lower())
    return iso_date(f"{year}-{number:02d}-{int(day):02d}") if number else None


def shorten(text: str, width: int = 60) -> str:
    """A title fit for a one-line message."""
    text = clean_text(text)
    return text if len(text) <= width else text[: width - 1] + "…"
