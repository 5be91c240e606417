"""What every reader shares: the one-line ``Problem`` report and UTF-8 lines read without holding the file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from kg.papers import clean_text

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


def byte_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Split a stream of byte chunks on LF; memory holds one chunk and the current line, not the file."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        yield from complete
    if pending:
        yield pending


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
