"""Text copied from the Hugging Face daily-papers pages: titles and abstracts, with or without page chrome.

The pages were saved in three layouts, all read by one line-by-line state machine:

(a) a title line, then its abstract line, with no blank lines; "Subscribe" glued to the first title;
(b) the same, with blank lines between them and a page header ("Daily Papers", a date like "Oct 31");
(c) (b) plus, after each abstract, "• 4 authors", a "·" line and the paper's date, e.g. "Dec 18, 2020"
    or "Apr 10, 2024 2" (2 upvotes). A date without a year ("Feb 3") is the current year on the page,
    which the dump does not say, so the paper's date is left unknown rather than guessed.

A title is a line of at most ``TITLE_MAX`` characters; an abstract is the line after it. A record cut off
by the end of the file (a title with no abstract, or an abstract that stops mid-sentence) is reported and
skipped, as is a paragraph found where a title was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, pairwise

from kg.core.papers import Paper
from kg.sources.base import Line, Problem, month_day_year, shorten

# Lines of the page around the papers; never a title.
CHROME = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
SUBSCRIBE = "Subscribe"
MARKERS = ("Get trending papers in your email inbox", "byAK and the research community", "Daily Papers")
TITLE_MAX = 300
MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
PAGE_DATE = re.compile(rf"{MONTH} \d{{1,2}}")
PAPER_DATE = re.compile(rf"{MONTH} (\d{{1,2}})(?:, (\d{{4}}))?(?: (\d+))?")
AUTHORS = re.compile(r"[•·]?\s*\d+\s+authors?", re.IGNORECASE)
SEPARATOR = "·"
SENTENCE_END = re.compile(r"""[.!?…。][\"'”’)\]]*$""")
URL_END = re.compile(r"(?:https?://|www\.)\S+$|[\w-]+(?:\.[\w-]+)+/\S*$")


def looks_like_dump(head: str) -> bool:
    """True when the text carries the daily-papers page chrome."""
    return any(marker in head for marker in MARKERS)


@dataclass
class _Record:
    title: str
    line: int
    abstract: str | None = None
    abstract_line: int = 0
    date: str | None = None
    upvotes: int | None = None
    has_details: bool = False  # the "• N authors" / "·" / date lines of layout (c) were seen

    def take_detail(self, text: str) -> None:
        self.has_details = True
        match = PAPER_DATE.fullmatch(text)
        if match:
            month, day, year, upvotes = match.groups()
            self.date = month_day_year(month, day, year) if year else None
            self.upvotes = int(upvotes) if upvotes else None

    def paper(self, source: str) -> Paper:
        return Paper(
            title=self.title,
            abstract=self.abstract or "",
            date=self.date,
            upvotes=self.upvotes,
            source=f"{source}:{self.line}",
        )


def _is_detail(text: str) -> bool:
    return text == SEPARATOR or bool(AUTHORS.fullmatch(text) or PAPER_DATE.fullmatch(text))


def _content(lines: Iterable[Line | Problem]) -> Iterator[Line | Problem]:
    """Non-blank lines, stripped, without the page chrome; "Subscribe" unglued from the first title."""
    in_header, seen_chrome = True, False
    for item in lines:
        if isinstance(item, Problem):
            yield item
            return
        text = item.text.strip()
        if not text or text in CHROME:
            seen_chrome = seen_chrome or bool(text)
            continue
        if in_header:
            if seen_chrome and PAGE_DATE.fullmatch(text):
                continue
            if seen_chrome and text.startswith(SUBSCRIBE):
                text = text[len(SUBSCRIBE) :].lstrip()
            in_header = False
        yield Line(item.number, text)


def _cut_off(abstract: str) -> bool:
    return not (SENTENCE_END.search(abstract) or URL_END.search(abstract))


def read_dump(lines: Iterable[Line | Problem], source: str) -> Iterator[Paper | Problem]:
    """Papers of a daily-papers dump, one at a time, each with ``source`` "path:line-of-title"."""
    record: _Record | None = None
    stopped = False
    dropped = False  # the record just reported had no abstract: its detail lines go with it
    for item, following in pairwise(chain(_content(lines), [None])):
        if isinstance(item, Problem):
            yield Problem(item.source, item.line, f"{item.message}; the rest of the file is skipped")
            stopped = True
            break
        text = item.text
        if record is not None and record.abstract is not None and _is_detail(text):
            record.take_detail(text)
        elif record is None or record.abstract is not None:  # a title is expected
            if record is not None:
                yield record.paper(source)
                record = None
            if _is_detail(text):
                if not dropped:
                    yield Problem(
                        source, item.number, f"{shorten(text)!r} does not follow an abstract; skipped"
                    )
                continue
            elif len(text) > TITLE_MAX:
                yield Problem(
                    source,
                    item.number,
                    f"a {len(text)}-character paragraph where a title was expected; skipped",
                )
            else:
                record = _Record(title=text, line=item.number)
            dropped = False
        elif _is_detail(text) or _title_then_abstract(text, following):
            yield Problem(
                source, record.line, f"no abstract after the title {shorten(record.title)!r}; skipped"
            )
            record = None if _is_detail(text) else _Record(title=text, line=item.number)
            dropped = record is None
        else:
            record.abstract, record.abstract_line = text, item.number
    if record is None:
        return
    ending = "the read stopped" if stopped else "the file ends"
    if record.abstract is None:
        yield Problem(
            source,
            record.line,
            f"{ending} after the title {shorten(record.title)!r}, before its abstract; skipped",
        )
    elif not record.has_details and _cut_off(record.abstract):
        yield Problem(
            source,
            record.abstract_line,
            f"the abstract of {shorten(record.title)!r} is cut off where {ending}; skipped",
        )
    else:
        yield record.paper(source)


def _title_then_abstract(text: str, following: Line | Problem | None) -> bool:
    """A short line before a long one, where an abstract was expected: the previous title lacked one."""
    return (
        len(text) <= TITLE_MAX
        and isinstance(following, Line)
        and len(following.text) > TITLE_MAX
        and not _is_detail(following.text)
    )
