"""Readers: every input format becomes a stream of ``Paper`` records, and every bad input one ``Problem``.

Formats are told apart by content, not by file name (see :func:`detect_format`):

- ``hf-dump``: text saved from the Hugging Face daily-papers pages (:mod:`kg.sources.hf_dump`);
- ``json`` / ``jsonl``: our records, ``{"id", "title", "abstract", ...}`` (:mod:`kg.sources.json_records`);
- ``arxiv``: a saved arXiv API Atom feed (:mod:`kg.sources.arxiv`);
- ``hf-api``: the Hugging Face papers API's JSON (:mod:`kg.sources.json_records`).

Reading never raises on bad input: a missing file, a directory, binary or non-UTF-8 data, an empty file, a
malformed line or a record without a title each yield one :class:`Problem` ("path:line: message"), and the
good records of the same run are kept.

>>> from kg.sources import detect_format
>>> detect_format(Path("x"), '{"id": "a1", "title": "T", "abstract": "A"}\\n')
'jsonl'
"""

from __future__ import annotations

import json
import os
import select
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.core.papers import MAX_FIELD_CHARS, Paper, deduplicate, over_long_fields
from kg.core.urls import UrlRejected, normalise_url
from kg.sources.arxiv import FetchError, fetch_arxiv, looks_like_atom, read_atom
from kg.sources.base import MAX_LINE_BYTES, Problem, shorten, stream_chunks, text_lines
from kg.sources.hf_dump import read_dump
from kg.sources.json_records import loads, looks_like_hf_api, read_json, read_jsonl

__all__ = [
    "FORMATS",
    "FetchError",
    "Problem",
    "Reading",
    "detect_format",
    "fetch_arxiv",
    "iter_papers",
    "read_all",
    "read_papers",
]

FORMATS = ("hf-dump", "json", "jsonl", "arxiv", "hf-api")
HEAD_SIZE = 1 << 14  # bytes read to detect the format
# a stored title or abstract, in UTF-8: Oxigraph refuses a term past 16 MB ("Reached the buffer maximal
# size"), and the whole paper then; a real abstract has 2,000 characters
MAX_STORED_BYTES = 4 * 2**20
MAX_PROBLEMS_PER_FILE = 20  # past this, one closing line counts the rest
STDIN = "-"
PIPE_WAIT = 10.0  # seconds a named pipe may take to get a writer


def detect_format(path: Path, head: str) -> str | None:
    """The format of a file from the start of its text (``head``, at least its first line when the file
    has more than one); None when it is none of ours.

    ``path`` is only named in messages; a ``.json`` file of JSON Lines is still read as JSON Lines, and a
    bare JSON value (``42``) as JSON, whose reader then says it is not a paper.
    """
    if _binary(head):
        return None
    if "\x00" in head:  # a line holding a NUL is reported by the reader; the others tell the format
        head = "\n".join(line for line in head.split("\n") if "\x00" not in line)
    text = head.lstrip("\ufeff \t\r\n")
    if not text:
        return None
    if text[0] in '"-0123456789tfn' and _is_json_scalar(text):
        return "json"
    if text.startswith("<"):
        return "arxiv" if looks_like_atom(text) else None
    if text.startswith("["):
        return "hf-api" if looks_like_hf_api(text) else "json"
    if text.startswith("{"):
        lines = [line for line in text.splitlines() if line.strip()]
        records = sum(1 for line in lines if line.startswith("{") and _is_object(line))
        if records and len(lines) > 1:
            return "jsonl"  # one record a line (a pretty-printed document indents its inner objects)
        return "hf-api" if looks_like_hf_api(text) else "jsonl" if records else "json"
    return "hf-dump"


def _is_json_scalar(text: str) -> bool:
    try:
        value = loads(text)
    except json.JSONDecodeError:
        return False
    return not isinstance(value, (dict, list))


def _is_object(line: str) -> bool:
    try:
        return isinstance(loads(line), dict)  # bounded nesting: a hostile line cannot stop detection
    except json.JSONDecodeError:
        return False


def iter_papers(paths: Sequence[str | Path], fmt: str | None = None) -> Iterator[Paper | Problem]:
    """Papers and Problems from each input in turn, as they are read; ``-`` is stdin (JSON Lines).

    Memory holds one record at a time for JSON Lines, dumps and feeds (a JSON document is read whole).
    ``fmt`` forces one format for every input; otherwise each file's content decides.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    for path in paths:
        yield from _capped(_read_one(path, fmt))


@dataclass
class Reading:
    """What reading the inputs gave: each paper once, the problems met, and how many records there were."""

    papers: list[Paper]
    problems: list[Problem]
    records: int  # paper records read, before the same paper's records were merged

    @property
    def merged(self) -> int:
        """Records merged into another record of the same paper."""
        return self.records - len(self.papers)


def read_all(paths: Sequence[str | Path], fmt: str | None = None) -> Reading:
    """Every paper once (merged by arXiv id, else normalised title), every problem, and the record count."""
    problems: list[Problem] = []
    records = 0

    def papers() -> Iterator[Paper]:
        nonlocal records
        for item in iter_papers(paths, fmt):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                records += 1
                yield item

    kept = list(deduplicate(papers()))
    return Reading(kept, problems, records)


def read_papers(paths: Sequence[str | Path], fmt: str | None = None) -> tuple[list[Paper], list[Problem]]:
    """Every paper once (merged by arXiv id, else normalised title), and every problem met on the way."""
    reading = read_all(paths, fmt)
    return reading.papers, reading.problems


def _read_one(path: str | Path, fmt: str | None) -> Iterator[Paper | Problem]:
    if str(path) == STDIN:
        yield from _read_stream(sys.stdin.buffer, "<stdin>", fmt or "jsonl", b"")
        return
    source = str(path)
    file = Path(path)
    try:
        if file.is_dir():
            yield Problem(source, None, "is a directory; give the files in it")
            return
        stream = _open_pipe(file) if file.is_fifo() else file.open("rb")
        if stream is None:
            yield Problem(
                source, None, f"a named pipe that no program wrote to within {PIPE_WAIT:g} s; skipped"
            )
            return
    except FileNotFoundError:
        yield Problem(source, None, "no such file")
        return
    except OSError as error:
        yield Problem(source, None, f"cannot open: {error.strerror or error}")
        return
    with stream:
        try:
            head = stream.read(HEAD_SIZE)
        except OSError as error:
            yield Problem(source, None, f"cannot read: {error.strerror or error}")
            return
        while not head.strip():  # blank lines before the content, or nothing at all
            more = stream.read(HEAD_SIZE)
            if not more:
                yield Problem(source, None, "empty file")
                return
            head += more
        if _binary(head.decode("utf-8", "replace")):
            yield Problem(source, None, "binary data, not text (UTF-16 text must be saved as UTF-8)")
            return
        try:
            head = _through_first_line(head, stream)
        except OSError as error:
            yield Problem(source, None, f"cannot read: {error.strerror or error}")
            return
        found = fmt or detect_format(file, head.decode("utf-8", "replace"))
        if found is None:
            yield Problem(source, None, f"not a format kg reads ({', '.join(FORMATS)})")
            return
        yield from _read_stream(stream, source, found, head)


def _open_pipe(path: Path) -> BinaryIO | None:
    """A named pipe opened for reading once a program writes to it (or has written and closed it); None
    when none has within PIPE_WAIT seconds: opening it plainly would wait for a writer forever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    if not poller.poll(PIPE_WAIT * 1000):
        os.close(fd)
        return None
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _binary(head: str) -> bool:
    """Binary (or UTF-16) data: NUL bytes on most of the lines of the file's head, or beside bytes no text
    has (not UTF-8, control bytes). A NUL on one line of a text file costs that line (the reader reports
    it), not the file."""
    if "\x00" not in head:
        return False
    lines = head.split("\n")
    if sum("\x00" in line for line in lines) * 2 > len(lines) or len(lines) == 1:
        return True
    rest = "".join(line for line in lines[:-1] if "\x00" not in line)  # the last may be cut short
    return any(char == "\ufffd" or (char < " " and char not in "\t\r\f\x1b") for char in rest)


def _through_first_line(head: bytes, stream: BinaryIO) -> bytes:
    """``head`` extended to hold the first line of content whole (a JSON Lines record can be longer than
    HEAD_SIZE): format detection must see one complete record, or it takes JSON Lines for one document.
    A first line past MAX_LINE_BYTES is not held whole: its reader reports it."""
    content = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"\n" in content:
        return head
    pieces, size = [head], len(head)
    while size <= MAX_LINE_BYTES:
        more = stream.read(max(HEAD_SIZE, size))  # doubling: a long line costs a few reads, not thousands
        if not more:
            break
        pieces.append(more)
        size += len(more)
        if b"\n" in more:
            break
    return b"".join(pieces)


def _read_stream(stream: BinaryIO, source: str, fmt: str, head: bytes) -> Iterator[Paper | Problem]:
    lines = text_lines(stream_chunks(head, stream), source)
    if fmt == "hf-dump":
        items = read_dump(lines, source)
    elif fmt == "jsonl":
        items = read_jsonl(lines, source)
    elif fmt == "arxiv":
        items = read_atom(lines, source)
    else:
        items = read_json(lines, source, hf_api=fmt == "hf-api")
    found_any = False
    try:
        for item in items:
            found_any = True
            yield item
            if isinstance(item, Paper):
                yield from checked_fields(item, source)
    except OSError as error:
        yield Problem(source, None, f"reading stopped: {error.strerror or error}")
        return
    if not found_any:
        yield Problem(source, None, f"no papers found (read as {fmt})")


def checked_fields(paper: Paper, source: str) -> Iterator[Problem]:
    """Check what a record states before it reaches the graph, fixing the paper in place: every URL goes
    through the one normaliser (kg.core.urls), and what is not a usable one is dropped; an over-long
    title or abstract is flagged (extraction reads its first MAX_FIELD_CHARS characters)."""
    where, _, line_text = paper.source.rpartition(":")
    line = int(line_text) if line_text.isdigit() else None
    where = where if line is not None else source
    label = shorten(paper.title)
    cut = getattr(paper, "cut", {})
    for field_name, length in over_long_fields(paper):
        text = getattr(paper, field_name)
        length = cut.get(field_name, length)  # as read, before Paper cut a giant field
        kept = cut_utf8(text, MAX_STORED_BYTES)
        if len(kept) < length:
            setattr(paper, field_name, kept)
            yield Problem(
                where,
                line,
                f"the {field_name} of {label!r} has {length:,} characters; kg keeps the first "
                f"{len(kept):,} ({MAX_STORED_BYTES // 2**20} MB) and extraction reads the first "
                f"{MAX_FIELD_CHARS:,}",
                record_kept=True,
            )
            continue
        yield Problem(
            where,
            line,
            f"the {field_name} of {label!r} has {length:,} characters; "
            f"extraction reads the first {MAX_FIELD_CHARS:,}",
            record_kept=True,
        )
    if paper.url:
        try:
            paper.url = normalise_url(paper.url)[1]
        except UrlRejected as error:
            yield Problem(
                where, line, f"url {_quoted(paper.url)} of {label!r} dropped: {error}", record_kept=True
            )
            paper.url = None
    if paper.repository:
        try:
            kind, url, *_ = normalise_url(paper.repository)
        except UrlRejected as error:
            yield Problem(
                where,
                line,
                f"repository {_quoted(paper.repository)} of {label!r} dropped: {error}",
                record_kept=True,
            )
            paper.repository = None
        else:
            paper.repository = url if kind == "repository" else None
            if kind == "project_page" and not paper.project_page:
                paper.project_page = url
            if kind != "repository":
                yield Problem(
                    where,
                    line,
                    f"repository {_quoted(url)} of {label!r} is not on a code host; "
                    + ("kept as its project page" if paper.project_page == url else "dropped"),
                    record_kept=True,
                )
    if paper.project_page:
        try:
            paper.project_page = normalise_url(paper.project_page)[1]
        except UrlRejected as error:
            yield Problem(
                where,
                line,
                f"project page {_quoted(paper.project_page)} of {label!r} dropped: {error}",
                record_kept=True,
            )
            paper.project_page = None


def cut_utf8(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` bytes of UTF-8, on a character boundary."""
    if len(text) * 4 <= size:
        return text
    data = text.encode("utf-8", "surrogatepass")
    return text if len(data) <= size else data[:size].decode("utf-8", "ignore")


def _quoted(value: str, width: int = 60) -> str:
    """A value from a record fit for a one-line message: shortened, control characters escaped (repr)."""
    return repr(value if len(value) <= width else value[: width - 1] + "…")


def _capped(items: Iterable[Paper | Problem]) -> Iterator[Paper | Problem]:
    """Every paper, but at most MAX_PROBLEMS_PER_FILE problems and then one line counting the rest."""
    shown = hidden = 0
    last: Problem | None = None
    for item in items:
        if isinstance(item, Problem):
            last = item
            if shown >= MAX_PROBLEMS_PER_FILE:
                hidden += 1
                continue
            shown += 1
        yield item
    if hidden and last is not None:
        yield Problem(last.source, None, f"{hidden} more problems not shown")
