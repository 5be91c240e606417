"""JSON records: our own ``{"id", "title", "abstract", ...}`` and the Hugging Face papers API's objects.

One mapping reads both shapes, so a JSON Lines file of API objects works too:

- ours: ``id``, ``title``, ``abstract``, optional ``arxiv_id``, ``date``, ``authors`` (strings or
  ``{"name"}``), ``url``;
- the HF API: a single paper ``{"id": "2401.01234", "title", "summary", "publishedAt", "authors",
  "githubRepo", "projectPage", "upvotes"}``, or a daily-papers item wrapping one as ``{"paper": {...},
  "title", "publishedAt", ...}``. ``githubRepo`` becomes ``Paper.repository``.

A JSON file may hold one record, a list of records or ``{"papers": [...]}``; it is read whole, so keep
big inputs in JSON Lines, which is read line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from kg.core.papers import Paper, clean_text, normalise_arxiv_id
from kg.sources.base import Line, Problem, iso_date, shorten

ARXIV_ID_ONLY = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
MAX_DEPTH = 100  # JSON nesting a record may have (a paper has 4); Python's decoder recurses past ~1,000
MAX_DIGITS = 1_000  # of a JSON integer (Python refuses to convert past 4,300 digits)
HF_PAPER_URL = "https://huggingface.co/papers/{}"
HF_MARKERS = (re.compile(r'"paper"\s*:\s*\{'), re.compile(r'"(?:summary|publishedAt|githubRepo)"\s*:'))
WHITESPACE = " \t\r\n"


class _Invalid(ValueError):
    """A record that cannot become a paper; its message is the Problem's."""


class HugeNumber(str):
    """A JSON integer of more than MAX_DIGITS digits, kept as its text: the record holding it is refused."""


class Record(dict):
    """A JSON object as read: ``duplicates`` names the keys it held more than once (the last one wins)."""

    duplicates: tuple[str, ...] = ()


def _integer(text: str) -> int | HugeNumber:
    return HugeNumber(text) if len(text) > MAX_DIGITS else int(text)


def _object(pairs: list[tuple[str, object]]) -> Record:
    record = Record(pairs)
    if len(record) < len(pairs):
        seen: set[str] = set()
        record.duplicates = tuple(dict.fromkeys(key for key, _ in pairs if key in seen or seen.add(key)))
    return record


DECODER = json.JSONDecoder(parse_int=_integer, object_pairs_hook=_object)


_STRUCTURE = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?|[\[\]{},\n]')  # strings unrolled: no per-char state


def nesting(text: str, start: int = 0) -> tuple[int, int]:
    """(deepest nesting, end offset) of the JSON value at ``start``, read without recursion or parsing:
    a value nested past MAX_DEPTH is refused before Python's recursive decoder sees it."""
    depth = deepest = 0
    for match in _STRUCTURE.finditer(text, start):
        char = match.group(0)[0]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
            if depth <= 0:
                return deepest, match.end()
        elif depth == 0 and char in ",\n":
            return deepest, match.start()
    return deepest, len(text)


def loads(text: str) -> object:
    """One JSON value, as :data:`DECODER` reads it; JSONDecodeError also when it nests past MAX_DEPTH."""
    deepest, _ = nesting(text, _skip(text, 0))
    if deepest > MAX_DEPTH:
        raise json.JSONDecodeError(f"nested {deepest:,} levels deep (the limit is {MAX_DEPTH})", text, 0)
    try:
        return DECODER.decode(text)
    except RecursionError:
        raise json.JSONDecodeError(f"nested deeper than {MAX_DEPTH} levels", text, 0) from None


def _huge_number(value: object) -> HugeNumber | None:
    """The first over-long integer anywhere in a record (walked without recursion)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, HugeNumber):
            return item
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def looks_like_hf_api(head: str) -> bool:
    """True when JSON text carries the HF papers API's field names rather than ours."""
    return any(marker.search(head) for marker in HF_MARKERS) and '"abstract"' not in head


def paper_from_record(record: object, where: str, *, hf_api: bool = False) -> Paper:
    """The Paper a JSON record describes; raises _Invalid with a one-line reason."""
    if not isinstance(record, dict):
        raise _Invalid(f"expected a JSON object for a paper, found {_json_type(record)}")
    huge = _huge_number(record)
    if huge is not None:
        raise _Invalid(f"a number of {len(huge.lstrip('-')):,} digits (the limit is {MAX_DIGITS:,}); skipped")
    fields = dict(record)
    inner = fields.pop("paper", None)
    if isinstance(inner, dict):  # a daily-papers item: the paper's own fields win
        fields.update({key: value for key, value in inner.items() if value not in (None, "", [])})
        hf_api = True
    record_id = fields.get("id")
    usable = isinstance(record_id, (str, int)) and not isinstance(record_id, bool) and str(record_id).strip()
    record_id = clean_text(str(record_id)) if usable else ""
    title = fields.get("title")
    if not isinstance(title, str) or not title.strip():
        if isinstance(fields.get("error"), str):
            raise _Invalid(f"an error response, not a paper: {shorten(fields['error'], 120)!r}")
        label = f" {shorten(record_id, 40)!r}" if record_id else ""
        raise _Invalid(
            f"record{label} has no title"
            if title is None or isinstance(title, str)
            else f"record{label} has a title that is {_json_type(title)}, not text"
        )
    abstract = fields["abstract"] if "abstract" in fields else fields.get("summary")
    if abstract is not None and not isinstance(abstract, str):
        raise _Invalid(f"the abstract of {shorten(title)!r} is {_json_type(abstract)}, not text")
    arxiv_id = _text(fields.get("arxiv_id")) or _text(fields.get("arxivId"))
    if not arxiv_id and ARXIV_ID_ONLY.fullmatch(record_id):
        arxiv_id = record_id
    url = _text(fields.get("url"))
    if not arxiv_id and url and "arxiv.org/" in url:
        arxiv_id = normalise_arxiv_id(url)
    if not url and hf_api and record_id:
        url = HF_PAPER_URL.format(record_id)
    upvotes = fields.get("upvotes")
    paper = Paper(
        title=title,
        abstract=abstract or "",
        record_id=record_id,
        arxiv_id=arxiv_id,
        date=iso_date(fields.get("date") or fields.get("publishedAt") or fields.get("published")),
        authors=_authors(fields.get("authors")),
        url=url,
        repository=_text(fields.get("repository")) or _text(fields.get("githubRepo")),
        project_page=_text(fields.get("project_page")) or _text(fields.get("projectPage")),
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) else None,
        source=where,
    )
    if not paper.title:
        raise _Invalid(
            f"record{' ' + repr(record_id) if record_id else ''} has a title with no printable text"
        )
    return paper


def read_jsonl(
    lines: Iterable[Line | Problem], source: str, *, hf_api: bool = False
) -> Iterator[Paper | Problem]:
    """One paper per line; a bad line is reported with its number and the others are still read."""
    for item in lines:
        if isinstance(item, Problem):
            yield item
            continue
        if not item.text.strip():
            continue
        try:
            record = loads(item.text)
        except json.JSONDecodeError as error:
            yield Problem(source, item.number, f"invalid JSON: {error.msg} (column {error.colno})")
            continue
        yield from _paper_or_problem(record, source, item.number, hf_api)


def read_json(
    lines: Iterable[Line | Problem], source: str, *, hf_api: bool = False
) -> Iterator[Paper | Problem]:
    """A JSON document: one record, a list of them or ``{"papers": [...]}``.

    Records before a syntax error are kept (a truncated download loses only its tail).
    """
    parts: list[str] = []
    for item in lines:
        if isinstance(item, Problem):
            yield Problem(item.source, item.line, f"{item.message}; the file is skipped")
            return
        parts.append(item.text)
    text = "\n".join(parts)
    start = _skip(text, 0)
    ends: list[int] = []
    try:
        if text.startswith("[", start):
            records = _array(text, start, ends)
        elif text.startswith("{", start) and _holds_papers(text, start):
            records = _papers_member(text, start, ends)
        else:
            records = _sequence(text, start, ends)
        for position, record in records:
            if isinstance(record, _TooDeep):
                yield Problem(source, _line_of(text, position), f"invalid JSON: {record}; skipped")
            else:
                yield from _paper_or_problem(record, source, _line_of(text, position), hf_api)
        end = _skip(text, ends[-1]) if ends else len(text)
        if end < len(text):
            raise json.JSONDecodeError("Extra data after the JSON document", text, end)
    except json.JSONDecodeError as error:
        yield Problem(source, error.lineno, f"invalid JSON: {error.msg} (column {error.colno})")


def _paper_or_problem(record: object, source: str, line: int, hf_api: bool) -> Iterator[Paper | Problem]:
    """The record's paper (and a warning when it repeats a key), or the Problem that it is not one."""
    try:
        paper = paper_from_record(record, f"{source}:{line}", hf_api=hf_api)
    except _Invalid as error:
        yield Problem(source, line, str(error))
        return
    yield paper
    inner = record.get("paper") if isinstance(record, dict) else None
    repeated = [*getattr(record, "duplicates", ()), *getattr(inner, "duplicates", ())]
    if repeated:
        keys = ", ".join(repr(key) for key in dict.fromkeys(repeated))
        yield Problem(
            source,
            line,
            f"the record of {shorten(paper.title)!r} gives {keys} more than once; the last is used",
            record_kept=True,
        )


class _TooDeep(str):
    """An array element nested past MAX_DEPTH, in place of its value: reported, and the next one read."""


def _decode(text: str, position: int) -> tuple[object, int]:
    """The JSON value at ``position`` and its end, or a _TooDeep and the end of the over-deep value."""
    deepest, end = nesting(text, position)
    if deepest > MAX_DEPTH:
        return _TooDeep(f"a value nested {deepest:,} levels deep (the limit is {MAX_DEPTH})"), end
    try:
        return DECODER.raw_decode(text, position)
    except RecursionError:
        return _TooDeep(f"a value nested deeper than {MAX_DEPTH} levels"), end


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in WHITESPACE:
        position += 1
    return position


def _expect(text: str, position: int, char: str) -> int:
    position = _skip(text, position)
    if position >= len(text) or text[position] != char:
        found = "the end of the file" if position >= len(text) else repr(text[position])
        raise json.JSONDecodeError(f"Expecting {char!r}, found {found}", text, min(position, len(text)))
    return position + 1


def _array(text: str, position: int, ends: list[int]) -> Iterator[tuple[int, object]]:
    """(offset, element) for each element of the array at ``position``; its end offset goes to ``ends``."""
    position = _skip(text, _expect(text, position, "["))
    if text.startswith("]", position):
        ends.append(position + 1)
        return
    while True:
        position = _skip(text, position)
        element, end = _decode(text, position)
        yield position, element
        end = _skip(text, end)
        if text.startswith("]", end):
            ends.append(end + 1)
            return
        position = _expect(text, end, ",")


def _sequence(text: str, position: int, ends: list[int]) -> Iterator[tuple[int, object]]:
    """(offset, value) for one JSON value or several in a row (JSON Lines, concatenated JSON): a file read
    as one document whose first value is followed by more keeps them all."""
    while position < len(text):
        try:
            value, end = _decode(text, position)
        except json.JSONDecodeError as error:
            if not ends:
                raise
            raise json.JSONDecodeError(
                f"Extra data after the JSON document ({error.msg})", text, position
            ) from None
        ends.append(end)
        yield position, value
        position = _skip(text, end)


def _members(text: str, position: int) -> Iterator[tuple[str, int]]:
    """(key, offset of its value) for each member of the object at ``position``, read as it goes."""
    position = _skip(text, _expect(text, position, "{"))
    if text.startswith("}", position):
        return
    while True:
        position = _skip(text, position)
        key, position = DECODER.raw_decode(text, position)
        position = _skip(text, _expect(text, position, ":"))
        yield key, position
        _, end = _decode(text, position)
        end = _skip(text, end)
        if text.startswith("}", end):
            return
        position = _expect(text, end, ",")


def _holds_papers(text: str, start: int) -> bool:
    """``{"papers": [...]}``, or a broken object that may be one (to keep the records before the break)."""
    try:
        document, _ = _decode(text, start)
    except json.JSONDecodeError:
        return True
    return isinstance(document, dict) and isinstance(document.get("papers"), list)


def _papers_member(text: str, start: int, ends: list[int]) -> Iterator[tuple[int, object]]:
    for key, value in _members(text, start):
        if key == "papers" and text.startswith("[", value):
            yield from _array(text, value, ends)
            ends.append(nesting(text, start)[1])
            return
    raise json.JSONDecodeError('Expecting a "papers" list', text, start)


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _text(value: object) -> str | None:
    return clean_text(value) or None if isinstance(value, str) else None


def _authors(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    names = (item.get("name") if isinstance(item, dict) else item for item in value)
    return [clean for name in names if isinstance(name, str) and (clean := clean_text(name))]


def _json_type(value: object) -> str:
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
