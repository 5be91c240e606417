"""arXiv API Atom feeds: fetching one (`kg fetch arxiv`) and reading a saved one into papers.

Each ``<entry>`` gives the arXiv id (its ``<id>`` URL, version dropped), title, summary (the abstract),
``<published>`` date, authors and the abstract page link. The feed is parsed as it is read (one entry in
memory at a time); documents that declare a DTD or entities are refused, never expanded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

import requests

from kg.core.papers import Paper, normalise_arxiv_id
from kg.sources.base import Line, Problem, iso_date, shorten
from kg.sources.http import FetchError, get

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_API = "https://export.arxiv.org/api/query"
MAX_RESULTS = 2000  # the API's limit for one request
ERROR_ID = "arxiv.org/api/errors"


def looks_like_atom(head: str) -> bool:
    return "<feed" in head and "http://www.w3.org/2005/Atom" in head


def read_atom(lines: Iterable[Line | Problem], source: str) -> Iterator[Paper | Problem]:
    """Papers of a saved arXiv API feed, each with ``source`` "path:line-of-its-entry"."""
    parser = ET.XMLPullParser(events=("start", "end"))
    entry_line = 0
    number = 0
    try:
        for item in lines:
            if isinstance(item, Problem):
                yield Problem(item.source, item.line, f"{item.message}; the rest of the feed is skipped")
                return
            number = item.number
            if "<!DOCTYPE" in item.text or "<!ENTITY" in item.text:
                yield Problem(
                    source, number, "the feed declares a DTD or entities, which are not read; skipped"
                )
                return
            parser.feed(item.text + "\n")
            for event, element in parser.read_events():
                if element.tag != f"{ATOM}entry":
                    continue
                if event == "start":
                    entry_line = number
                else:
                    yield _entry(element, source, entry_line)
                    element.clear()
        parser.close()
    except ET.ParseError as error:
        line = error.position[0] if error.position else number
        yield Problem(source, line, f"invalid XML: {str(error).split(':')[0]}")


def _entry(entry: ET.Element, source: str, line: int) -> Paper | Problem:
    entry_id = _child_text(entry, "id")
    title = _child_text(entry, "title")
    summary = _child_text(entry, "summary")
    if ERROR_ID in entry_id:
        return Problem(source, line, f"the arXiv API reported an error: {shorten(summary, 160)}")
    if not title.strip():
        return Problem(source, line, f"entry {entry_id or '(no id)'} has no title; skipped")
    link = next(
        (
            element.get("href")
            for element in entry.iterfind(f"{ATOM}link")
            if element.get("rel", "alternate") == "alternate" and element.get("href")
        ),
        None,
    )
    authors = [
        name for author in entry.iterfind(f"{ATOM}author") if (name := (_child_text(author, "name")).strip())
    ]
    return Paper(
        title=title,
        abstract=summary,
        arxiv_id=normalise_arxiv_id(entry_id) if entry_id else None,
        date=iso_date(_child_text(entry, "published")),
        authors=authors,
        url=link or entry_id or None,
        source=f"{source}:{line}",
    )


def _child_text(element: ET.Element, name: str) -> str:
    child = element.find(f"{ATOM}{name}")
    return "".join(child.itertext()).strip() if child is not None else ""


def fetch_arxiv(
    query: str, *, max_results: int, base_url: str = ARXIV_API, session: requests.Session | None = None
) -> str:
    """The Atom feed the arXiv API returns for ``query`` (its ``search_query`` syntax, e.g. ``cat:cs.CL``).

    Raises FetchError on a network failure, an HTTP error, a reply that is not an Atom feed, or an API
    error entry (a malformed query).
    """
    if not 1 <= max_results <= MAX_RESULTS:
        raise FetchError(f"max_results must be between 1 and {MAX_RESULTS}, not {max_results}")
    params = {"search_query": query, "start": 0, "max_results": max_results}
    response = get(base_url, params, session=session)
    text = response.text
    if not looks_like_atom(text[:4096]):
        raise FetchError(f"{base_url} did not answer with an Atom feed (got {shorten(text, 80)!r})")
    lines = (Line(number, line) for number, line in enumerate(text.split("\n"), start=1))
    for item in read_atom(lines, base_url):
        if isinstance(item, Problem) and "has no title" not in item.message:  # an entry may lack one
            raise FetchError(item.message)
    return text
