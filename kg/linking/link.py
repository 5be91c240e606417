"""Papers linked to their code: links read from the text, and, opt-in, from the Hugging Face and GitHub APIs.

Offline (the default) a paper's repositories are the ones its title or abstract names, plus the one its
input record states (Hugging Face's ``githubRepo``). Online adds, in this order: the Hugging Face papers
API, confirmation of ``OWNER.github.io/NAME`` project pages as ``github.com/OWNER/NAME``, and, for papers
still without code, a GitHub search by the proposed method's name, the arXiv id and the title whose
candidates count only with evidence (the README or description names the arXiv id or the title). Every
GitHub repository then gets its facts (stars, forks, language, license, ...) with the time they were read.

When an API's rate limit is spent or it stays unreachable, the online step stops, the remaining papers
are still linked from their text, and :class:`LinkReport` says why it stopped.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kg.core.papers import Paper, normalise_title
from kg.core.urls import SUGGESTION_CONFIDENCE, classify, find_links, repository_parts
from kg.extraction.records import Extraction
from kg.linking.client import ApiClient, ApiError, ApiUnavailable, RateLimited

SOURCES = ("text", "hf-api", "github-io", "github-search")
CONFIDENCE = {
    "text": 1.0,
    "hf-api": 0.95,
    "github-io": 0.6,  # the github.io page's repository exists
    "github-io-homepage": 0.9,  # ... and its homepage is that page
    "search-arxiv": 0.9,  # a search candidate whose README or description names the arXiv id
    "search-title": 0.8,  # ... names the title
}
MIN_TITLE_WORDS = 4  # shorter titles are too common to count as evidence
MAX_SEARCH_QUERIES = 2
MAX_CANDIDATES = 3  # search candidates whose README is read, per paper
MAX_CITED_PAPERS = 5  # a README citing more arXiv ids than this is a reading list, not a paper's code
ARXIV_IDS = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?!\d)")

Progress = Callable[[int], Callable[[int], None]]  # progress(total) -> advance(n)


@dataclass
class RepositoryFacts:
    """What GitHub says about a repository, with the time it was read."""

    url: str
    stars: int | None
    forks: int | None
    language: str | None
    license: str | None  # SPDX id
    topics: list[str]
    description: str | None
    created: str | None  # ISO timestamps as GitHub gives them
    pushed: str | None
    archived: bool | None
    retrieved: str  # ISO timestamp of the read


@dataclass
class PaperLinks:
    paper_key: str
    repositories: list[tuple[str, str, float]] = field(default_factory=list)  # (url, source, confidence)
    project_pages: list[str] = field(default_factory=list)
    facts: dict[str, RepositoryFacts] = field(default_factory=dict)  # by repository url
    candidates: list[tuple[str, str, float]] = field(default_factory=list)  # suggested, not confirmed
    rejected: list[str] = field(default_factory=list)  # URLs an API stated that the normaliser refused

    def add_repository(self, url: str, source: str, confidence: float) -> None:
        """Keep the first source of a repository and the highest confidence any source gave it."""
        for index, (known, known_source, known_confidence) in enumerate(self.repositories):
            if known.lower() == url.lower():
                self.repositories[index] = (known, known_source, max(known_confidence, confidence))
                return
        self.repositories.append((url, source, confidence))
        self.candidates = [c for c in self.candidates if c[0].lower() != url.lower()]

    def add_project_page(self, url: str) -> None:
        if url not in self.project_pages:
            self.project_pages.append(url)

    def to_json(self) -> dict:
        return {
            "paper": self.paper_key,
            "repositories": [{"url": u, "source": s, "confidence": c} for u, s, c in self.repositories],
            "project_pages": self.project_pages,
            "candidates": [{"url": u, "source": s, "confidence": c} for u, s, c in self.candidates],
            "facts": {url: vars(facts) for url, facts in self.facts.items()},
        }


@dataclass
class LinkReport:
    linked: int  # papers with at least one repository
    by_source: dict[str, int]  # papers by the source of their first repository (sums to ``linked``)
    unlinked: int
    stopped: str | None  # why the online step stopped early (rate limit, API down), else None
    errors: list[str] = field(default_factory=list)  # requests that failed for one item only
    requests: dict[str, float] = field(default_factory=dict)  # the client's counters, online only
    facts: int = 0  # repositories with facts


def link_papers(
    papers_with_extractions: Iterable[tuple[Paper, Extraction]],
    *,
    online: bool = False,
    client: ApiClient | None = None,
    progress: Progress | None = None,
) -> tuple[list[PaperLinks], LinkReport]:
    """Link every paper to its repositories and project pages; online, also to GitHub's facts about them.

    ``client`` is used only when ``online``; a default :class:`ApiClient` (no cache) is made if none is given.
    An API that rate-limits or stays down is not asked again in this run; the other API and the text still
    are, so every paper gets what could be found.
    """
    pairs = list(papers_with_extractions)
    advance = progress(len(pairs)) if progress else None
    own_client = online and client is None
    run = OnlineRun(client or ApiClient()) if online else None
    results = []
    try:
        for paper, extraction in pairs:
            links = text_links(paper, extraction)
            if run:
                run.link(paper, extraction, links)
            results.append(links)
            if advance:
                advance(1)
    finally:
        if own_client:
            run.client.close()
    return results, summarise(results, run)


def summarise(links: list[PaperLinks], run: OnlineRun | None) -> LinkReport:
    by_source = Counter(item.repositories[0][1] for item in links if item.repositories)
    linked = sum(by_source.values())
    return LinkReport(
        linked=linked,
        by_source={source: by_source[source] for source in SOURCES if by_source[source]},
        unlinked=len(links) - linked,
        stopped="; ".join(run.stopped.values()) or None if run else None,
        errors=(run.errors if run else [])
        + [f"{item.paper_key}: {m}" for item in links for m in item.rejected],
        requests=run.client.stats.as_dict() if run else {},
        facts=len({url for item in links for url in item.facts}),
    )


def text_links(paper: Paper, extraction: Extraction) -> PaperLinks:
    """The offline links: URLs in the title and abstract, and the ones the input record states."""
    links = PaperLinks(paper_key=paper.key)
    found = [
        (link.url, link.kind, link.confidence, None) for link in extraction.repos + extraction.project_pages
    ]
    for text in (paper.title, paper.abstract):
        found += [
            (link.url, link.kind, link.confidence, link.suggested_repository) for link in find_links(text)
        ]
    for url, kind, confidence, suggested in found:
        if kind == "repository":
            links.add_repository(url, "text", confidence)
        elif kind == "project_page":
            links.add_project_page(url)
            if suggested and not any(c[0] == suggested for c in links.candidates):
                links.candidates.append((suggested, "github-io", SUGGESTION_CONFIDENCE))
    for url, is_repository in ((paper.repository, True), (paper.project_page, False)):
        if url:
            add_stated(links, url, "hf-api", repository_expected=is_repository)
    links.candidates = [c for c in links.candidates if not _known(links, c[0])]
    return links


def add_stated(links: PaperLinks, url: str, source: str, *, repository_expected: bool) -> None:
    """A URL an API or input record states: a repository if it looks like one, else a project page."""
    kind, normalised, *_ = classify(url)
    if kind == "repository":
        links.add_repository(normalised, source, CONFIDENCE[source])
    elif kind == "project_page" or (kind == "reference" and not repository_expected):
        links.add_project_page(normalised)
    elif kind == "invalid":
        links.rejected.append(f"{source} gave {shorten_url(url)}, which is not a usable http(s) URL; dropped")


@dataclass
class OnlineRun:
    """The online step's state across papers: facts already read, item errors, and APIs that stopped."""

    client: ApiClient
    facts: dict[str, RepositoryFacts | None] = field(default_factory=dict)  # by lower-case repository url
    errors: list[str] = field(default_factory=list)
    stopped: dict[str, str] = field(default_factory=dict)  # "github" or "hf" -> why it is not asked any more

    def attempt(self, api: str, paper: Paper, step: Callable[[], None]) -> None:
        if api in self.stopped:
            return
        try:
            step()
        except ApiError as error:
            self.errors.append(f"{paper.key}: {error}")
        except (RateLimited, ApiUnavailable) as error:
            self.stopped[api] = str(error)

    def link(self, paper: Paper, extraction: Extraction, links: PaperLinks) -> None:
        """Ask the APIs about one paper, in order of trust."""
        client = self.client
        if paper.arxiv_id and not paper.repository:
            self.attempt("hf", paper, lambda: hf_links(paper, links, client))
        for url, _, _ in list(links.candidates):
            self.attempt("github", paper, lambda url=url: confirm_github_io(url, links, client, self.facts))
        if not links.repositories:
            self.attempt(
                "github", paper, lambda: search_repository(paper, extraction, links, client, self.facts)
            )
        for url, _, _ in links.repositories:
            parts = repository_parts(url)
            if not parts or parts[0] != "github.com":
                continue
            if url.lower() not in self.facts:

                def read(url: str = url, owner: str = parts[1], name: str = parts[2]) -> None:
                    self.facts[url.lower()] = facts_from(url, client.github_repo(owner, name))

                self.attempt("github", paper, read)
            if self.facts.get(url.lower()):
                links.facts[url] = self.facts[url.lower()]


def shorten_url(value: str, width: int = 80) -> str:
    """A stated value fit for a one-line message (repr, so control characters show as escapes)."""
    return repr(value if len(value) <= width else value[: width - 1] + "…")


def hf_links(paper: Paper, links: PaperLinks, client: ApiClient) -> None:
    data = client.hf_paper(paper.arxiv_id)
    if not isinstance(data, dict):
        return
    for key, is_repository in (("githubRepo", True), ("projectPage", False)):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            add_stated(links, value, "hf-api", repository_expected=is_repository)


def confirm_github_io(
    url: str, links: PaperLinks, client: ApiClient, facts_by_url: dict[str, RepositoryFacts | None]
) -> None:
    """``OWNER.github.io/NAME`` -> ``github.com/OWNER/NAME`` if that repository exists."""
    _, owner, name = repository_parts(url)
    data = client.github_repo(owner, name)
    if not isinstance(data, dict):
        return
    homepage = (
        (data.get("homepage") or "")
        .strip()
        .rstrip("/")
        .lower()
        .removeprefix("https://")
        .removeprefix("http://")
    )
    pages = {page.lower().split("://", 1)[-1] for page in links.project_pages}
    confidence = CONFIDENCE["github-io-homepage" if homepage and homepage in pages else "github-io"]
    links.add_repository(url, "github-io", confidence)
    facts_by_url[url.lower()] = facts_from(url, data)


def search_queries(paper: Paper, extraction: Extraction) -> list[str]:
    """GitHub search queries, most specific first: the proposed method's name, the arXiv id, the title."""
    queries = []
    for entity in extraction.proposed[:1]:
        name = " ".join(re.sub(r'[":()]', " ", entity.name).split())  # no search qualifiers from the text
        if 2 < len(name) <= 40:
            queries.append(f"{name} in:name")
    if paper.arxiv_id:
        queries.append(f'"{paper.arxiv_id}" in:readme')
    words = normalise_title(paper.title).split()
    if len(words) >= MIN_TITLE_WORDS:
        queries.append(" ".join(words[:8]) + " in:name,description,readme")
    return queries[:MAX_SEARCH_QUERIES]


def search_repository(
    paper: Paper,
    extraction: Extraction,
    links: PaperLinks,
    client: ApiClient,
    facts_by_url: dict[str, RepositoryFacts | None],
) -> None:
    """Search GitHub; accept the first candidate whose description or README names the paper."""
    seen: set[str] = set()
    read = 0
    for query in search_queries(paper, extraction):
        for item in client.github_search(query):
            full_name, url = item.get("full_name"), item.get("html_url")
            if not isinstance(full_name, str) or "/" not in full_name or full_name.lower() in seen:
                continue
            seen.add(full_name.lower())
            url = url if isinstance(url, str) else f"https://github.com/{full_name}"
            kind, url, *_ = classify(url)
            if kind != "repository":
                continue
            confidence = evidence_confidence(paper, item.get("description"))
            if confidence is None and read < MAX_CANDIDATES:
                read += 1
                owner, name = full_name.split("/", 1)
                confidence = evidence_confidence(paper, readme_text(client.github_readme(owner, name)))
            if confidence is not None:
                links.add_repository(url, "github-search", confidence)
                facts_by_url[url.lower()] = facts_from(url, item)
                return


def evidence_confidence(paper: Paper, text: str | None) -> float | None:
    """How sure a text (README, description) makes us that its repository is the paper's code.

    A text citing many papers is a reading list ("awesome-..."), which names the paper without being its code.
    """
    if not text or len(set(ARXIV_IDS.findall(text))) > MAX_CITED_PAPERS:
        return None
    if paper.arxiv_id and re.search(rf"(?<![\d.]){re.escape(paper.arxiv_id)}(?!\d)", text):
        return CONFIDENCE["search-arxiv"]
    title = normalise_title(paper.title)
    if len(title.split()) >= MIN_TITLE_WORDS and f" {title} " in f" {normalise_title(text)} ":
        return CONFIDENCE["search-title"]
    return None


def readme_text(data: dict | None) -> str | None:
    if not isinstance(data, dict) or not isinstance(data.get("content"), str):
        return None
    try:
        return base64.b64decode(data["content"]).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,63}")
MAX_FACT_TEXT = 2000  # characters of a description kept
MAX_TOPICS = 50


def facts_from(url: str, data: dict | None) -> RepositoryFacts | None:
    """GitHub's repository JSON (from /repos or a search item) as facts read now.

    Every value is checked before it can become a typed literal or an IRI: a licence that is not an SPDX id
    ("MIT License"), a date that is not an ISO timestamp, a negative count are left out, not stored."""
    if not isinstance(data, dict):
        return None
    license_ = data.get("license") if isinstance(data.get("license"), dict) else {}
    spdx = license_.get("spdx_id")
    topics = data.get("topics") if isinstance(data.get("topics"), list) else []
    description = _str(data.get("description"))
    return RepositoryFacts(
        url=url,
        stars=_count(data.get("stargazers_count")),
        forks=_count(data.get("forks_count")),
        language=_str(data.get("language"), 100),
        license=spdx if isinstance(spdx, str) and SPDX_ID.fullmatch(spdx) and spdx != "NOASSERTION" else None,
        topics=[topic for topic in topics if isinstance(topic, str) and 0 < len(topic) <= 100][:MAX_TOPICS],
        description=description[:MAX_FACT_TEXT] if description else None,
        created=_timestamp(data.get("created_at")),
        pushed=_timestamp(data.get("pushed_at")),
        archived=data.get("archived") if isinstance(data.get("archived"), bool) else None,
        retrieved=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _timestamp(value: object) -> str | None:
    """An ISO 8601 timestamp with a time zone as GitHub gives it (``2024-01-02T03:04:05Z``), else None."""
    if not isinstance(value, str) or not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})", value
    ):
        return None
    try:
        datetime.fromisoformat(value)  # Python 3.11 reads the "Z"
    except ValueError:
        return None
    return value


def _count(value: object) -> int | None:
    number = _int(value)
    return number if number is not None and number >= 0 else None


def _known(links: PaperLinks, url: str) -> bool:
    return any(known.lower() == url.lower() for known, _, _ in links.repositories)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object, limit: int | None = None) -> str | None:
    if not isinstance(value, str) or not value.strip() or (limit is not None and len(value) > limit):
        return None
    return value
