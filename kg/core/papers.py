"""The Paper record that flows from the readers to every later stage, its ids and de-duplication."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

MAX_TEXT_CHARS = 4 * 2**20  # of a title or abstract as read; the store keeps at most 4 MB of each
MAX_FIELD_CHARS = 100_000  # of a title or an abstract that extraction reads; a real abstract has 2,000
ARXIV_ID = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![\w])")


@dataclass
class Paper:
    """One paper as read from any source. Only ``title`` is required."""

    title: str
    abstract: str = ""
    record_id: str = ""  # the id a JSON record gave, kept for output; the graph uses ``key``
    arxiv_id: str | None = None
    date: str | None = None  # ISO 8601: YYYY-MM-DD, or YYYY-MM when the day is unknown
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    repository: str | None = None  # a code repository URL a source states outright (HF API's githubRepo)
    project_page: str | None = None
    upvotes: int | None = None
    source: str = ""  # "path:line" of the record, for messages

    def __post_init__(self) -> None:
        # a giant field is cut before it is cleaned (cleaning 50 MB of words took 1 GB); ``cut`` keeps the
        # lengths as read, for the reader's warning (an attribute, not a field: it never reaches the graph)
        self.cut: dict[str, int] = {}
        for name in ("title", "abstract"):
            text = getattr(self, name) or ""
            if len(text) > MAX_TEXT_CHARS:
                self.cut[name] = len(text)
                text = text[:MAX_TEXT_CHARS]
            setattr(self, name, clean_text(text))
        if self.arxiv_id:
            self.arxiv_id = normalise_arxiv_id(self.arxiv_id)

    @property
    def key(self) -> str:
        """Stable across runs and sources: the arXiv id, else a hash of the normalised title."""
        return paper_key(self)

    @property
    def id(self) -> str:
        """The id to report: the record's own when it had one, else ``key``."""
        return self.record_id or self.key

    @property
    def text(self) -> str:
        """Title and abstract as one string, the title first."""
        return f"{self.title}\n{self.abstract}" if self.abstract else self.title


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC) and whitespace runs; drop control characters and lone surrogates."""
    if SURROGATES.search(text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = CONTROL_CHARACTERS.sub(" ", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip()


def over_long_fields(paper: Paper) -> list[tuple[str, int]]:
    """(field, length) of the paper's fields that extraction reads only the first MAX_FIELD_CHARS of: the
    readers warn about them, extraction cuts them."""
    return [
        (name, len(text))
        for name, text in (("title", paper.title), ("abstract", paper.abstract))
        if len(text) > MAX_FIELD_CHARS
    ]


def normalise_title(title: str) -> str:
    """A title reduced to lower-case words, so that punctuation and spacing variants compare equal."""
    text = title.casefold() if title.isascii() else unicodedata.normalize("NFKD", title).casefold()
    if not text.isascii():  # accents off: "Café" and "Cafe" are one title
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", text))


def normalise_arxiv_id(value: str) -> str | None:
    """``https://arxiv.org/abs/2401.01234v2`` -> ``2401.01234``; None when no arXiv id is in the value."""
    match = ARXIV_ID.search(value.strip())
    return match.group(1) if match else None


def paper_key(paper: Paper) -> str:
    """The stable identity of a paper: its arXiv id, else a hash of its normalised title."""
    if paper.arxiv_id:
        return paper.arxiv_id
    digest = hashlib.sha1(normalise_title(paper.title).encode("utf-8")).hexdigest()
    return f"t{digest[:16]}"


def identity(paper: Paper) -> str:
    """The key two records of the same paper share (the id a record gave does not count)."""
    return f"arxiv:{paper.arxiv_id}" if paper.arxiv_id else f"title:{normalise_title(paper.title)}"


def merge(kept: Paper, other: Paper) -> Paper:
    """Combine two records of one paper, keeping the richest value of each field."""
    for f in fields(Paper):
        if f.name == "source":
            continue
        mine, theirs = getattr(kept, f.name), getattr(other, f.name)
        if isinstance(mine, str) and isinstance(theirs, str):
            if len(theirs) > len(mine):
                setattr(kept, f.name, theirs)
        elif not mine and theirs:
            setattr(kept, f.name, theirs)
    return kept


def deduplicate(papers: Iterable[Paper]) -> Iterator[Paper]:
    """Merge records of the same paper (same arXiv id, else same normalised title), first-seen order.

    Yields each paper once, after the whole input is read, since a later record may enrich it.
    """
    by_arxiv: dict[str, Paper] = {}
    by_title: dict[str, Paper] = {}
    order: list[Paper] = []
    for paper in papers:
        title_key = normalise_title(paper.title)
        found = by_arxiv.get(paper.arxiv_id) if paper.arxiv_id else None
        if found is None:
            candidate = by_title.get(title_key)
            # two different arXiv ids under one title are two papers
            if candidate is not None and not (paper.arxiv_id and candidate.arxiv_id):
                found = candidate
        if found is None:
            order.append(paper)
            found = paper
        else:
            merge(found, paper)
        if found.arxiv_id:
            by_arxiv[found.arxiv_id] = found
        by_title.setdefault(title_key, found)
    yield from order
