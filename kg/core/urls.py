"""URLs in paper text: find them, tell code repositories from project pages, normalise repositories.

A repository URL is reduced to ``https://HOST/OWNER/NAME`` (no trailing punctuation, ``.git``, or path
below the repository; that path is kept apart). ``OWNER.github.io/NAME`` is a project page that *suggests*
``github.com/OWNER/NAME``: a low-confidence candidate the online step may confirm. Links to papers
(arXiv, DOI, OpenReview, ...) are references, not project pages.

>>> [(link.kind, link.url, link.path) for link in find_links("Code: https://github.com/a/b/tree/main.")]
[('repository', 'https://github.com/a/b', '/tree/main')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

REPOSITORY_HOSTS = {
    "github.com": "github.com",
    "www.github.com": "github.com",
    "gitlab.com": "gitlab.com",
    "www.gitlab.com": "gitlab.com",
    "bitbucket.org": "bitbucket.org",
    "www.bitbucket.org": "bitbucket.org",
    "huggingface.co": "huggingface.co",
    "www.huggingface.co": "huggingface.co",
}
# First path segments of a repository host that are site pages, not repository owners.
NOT_OWNERS = {
    "github.com": {
        "orgs",
        "topics",
        "features",
        "about",
        "sponsors",
        "marketplace",
        "settings",
        "search",
        "login",
        "explore",
        "trending",
        "collections",
        "pricing",
        "enterprise",
        "apps",
        "issues",
        "pulls",
        "notifications",
        "site",
        "contact",
        "security",
        "readme",
        "customer-stories",
        "team",
    },
    "gitlab.com": {"explore", "users", "help", "search", "dashboard", "-"},
    "bitbucket.org": {"product", "account", "dashboard"},
    "huggingface.co": {
        "papers",
        "docs",
        "blog",
        "learn",
        "models",
        "tasks",
        "posts",
        "collections",
        "join",
        "login",
        "settings",
        "pricing",
        "api",
        "organizations",
    },
}
HF_REPO_KINDS = {"spaces", "datasets"}
# Hosts of papers and bibliographic records: a link there cites a paper, it is not the paper's own page.
REFERENCE_HOSTS = {
    "arxiv.org",
    "export.arxiv.org",
    "doi.org",
    "dx.doi.org",
    "openreview.net",
    "aclanthology.org",
    "proceedings.neurips.cc",
    "papers.nips.cc",
    "proceedings.mlr.press",
    "openaccess.thecvf.com",
    "ieeexplore.ieee.org",
    "dl.acm.org",
    "link.springer.com",
    "scholar.google.com",
    "semanticscholar.org",
    "www.semanticscholar.org",
    "paperswithcode.com",
}

URL_PATTERN = re.compile(
    r"(?:https?://|www\.|(?<![\w@.-])(?=(?:github|gitlab|huggingface)\.(?:com|co)/|bitbucket\.org/"
    r"|[\w-]+\.github\.io\b))"
    # stop at spaces, quotes, brackets that never occur in URLs, and CJK/full-width punctuation
    r"[^\s<>\"'`{}|\\^\[\]\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019\u00ab\u00bb]+",
    re.IGNORECASE,
)
TRAILING = ".,;:!?)]}'\"*~\u2026"
SUGGESTION_CONFIDENCE = 0.3  # of the github.com repository an OWNER.github.io/NAME page suggests


@dataclass(frozen=True)
class FoundLink:
    raw: str  # the URL as written, trailing sentence punctuation removed
    start: int  # offsets of ``raw`` in the text
    end: int
    url: str  # normalised
    kind: str  # "repository", "project_page" or "reference" (a link to a paper: arXiv, DOI, ...)
    host: str
    path: str | None = None  # path below the repository, when the text links deeper
    suggested_repository: str | None = None  # for OWNER.github.io/NAME pages
    confidence: float = 1.0


def strip_trailing(raw: str) -> str:
    """Drop sentence punctuation glued to a URL, keeping a ``)`` that closes a ``(`` inside it."""
    while raw and raw[-1] in TRAILING:
        if raw[-1] == ")" and raw.count("(") >= raw.count(")"):
            break
        raw = raw[:-1]
    return raw


def repository_parts(url: str) -> tuple[str, str, str] | None:
    """``https://github.com/Owner/Name`` -> ``("github.com", "Owner", "Name")``; None for other URLs.

    Hugging Face spaces and datasets keep their kind in the owner: ``("huggingface.co", "spaces/o", "n")``.
    """
    link = classify(url)
    if link[0] != "repository":
        return None
    segments = urlsplit(link[1]).path.strip("/").split("/")
    return link[2], "/".join(segments[:-1]), segments[-1]


class UrlRejected(ValueError):
    """A value that is not a usable web address; the message says why, for a one-line warning."""


MAX_URL_LENGTH = 2048
MAX_SEGMENT_LENGTH = 100  # GitHub's limit on repository names; no host's owner or name is longer
GITHUB_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")  # GitHub: at most 39 characters
REPOSITORY_SEGMENT = re.compile(r"[A-Za-z0-9_.-]{1,100}")
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
SCHEME_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# never part of a URL kg keeps: spaces, quotes, brackets IRIs forbid, controls, bidi and zero-width marks
URL_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def normalise_url(raw: str) -> tuple[str, str, str, str | None, str | None]:
    """THE normaliser every URL goes through before it becomes an IRI, whatever its source (text, a
    record's ``url``/``repository``/``githubRepo``/``project_page``, an API answer).

    Returns (kind, normalised url, host, path below the repository, suggested repository), kind one of
    "repository", "project_page", "reference". Raises :class:`UrlRejected` for anything that is not an
    http(s) URL of a real-looking host: other schemes (``javascript:``), spaces, quotes, angle brackets,
    control characters, user names, bad ports, over-long values, over-long GitHub owners or names.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise UrlRejected("empty URL")
    if len(text) > MAX_URL_LENGTH:
        raise UrlRejected(f"URL longer than {MAX_URL_LENGTH} characters")
    if URL_FORBIDDEN.search(text):
        raise UrlRejected("not a URL: it holds spaces, quotes, angle brackets or control characters")
    scheme = SCHEME_PREFIX.match(text)
    if scheme and text[scheme.end() : scheme.end() + 2] == "//":
        if scheme.group(1).lower() not in ("http", "https"):
            raise UrlRejected(f"not an http(s) URL (scheme {scheme.group(1)[:20]!r})")
    elif scheme and "." not in scheme.group(1):
        raise UrlRejected(f"not an http(s) URL (scheme {scheme.group(1)[:20]!r})")
    else:
        text = "https://" + text
    parts = urlsplit(text)
    if "@" in parts.netloc:
        raise UrlRejected("URL with a user name or password")
    try:
        port = parts.port
    except ValueError:
        raise UrlRejected("URL with an invalid port") from None
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UrlRejected(f"not a valid host name: {host[:60]!r}") from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or len(ascii_host) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        raise UrlRejected(f"not a valid host name: {host[:60]!r}")
    if labels[-1].isdigit() and not all(label.isdigit() for label in labels):
        raise UrlRejected(f"not a valid host name: {host[:60]!r}")
    segments = [s for s in parts.path.split("/") if s]
    canonical_host = REPOSITORY_HOSTS.get(host)
    if canonical_host and segments and segments[0].lower() not in NOT_OWNERS.get(canonical_host, set()):
        size = 3 if canonical_host == "huggingface.co" and segments[0].lower() in HF_REPO_KINDS else 2
        repo_segments, rest = segments[:size], segments[size:]
        if len(repo_segments) == size:
            repo_segments[-1] = re.sub(r"\.git$", "", repo_segments[-1], flags=re.IGNORECASE)
            if size == 3:
                repo_segments[0] = repo_segments[0].lower()
            owner, name = repo_segments[-2], repo_segments[-1]
            if canonical_host == "github.com" and not GITHUB_OWNER.fullmatch(owner):
                raise UrlRejected(
                    f"not a GitHub owner (letters, digits and hyphens, at most 39): {owner[:40]!r}"
                )
            if not REPOSITORY_SEGMENT.fullmatch(name) or name in (".", ".."):
                raise UrlRejected(
                    f"not a repository name (letters, digits, '_.-', at most {MAX_SEGMENT_LENGTH}): {name[:40]!r}"
                )
            if len(owner) > MAX_SEGMENT_LENGTH:
                raise UrlRejected(f"repository owner longer than {MAX_SEGMENT_LENGTH} characters")
            url = f"https://{canonical_host}/" + "/".join(repo_segments)
            path = "/" + "/".join(rest) if rest else None
            return "repository", url, canonical_host, path, None
    netloc = host if port is None else f"{host}:{port}"
    url = f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}" + (
        f"?{parts.query}" if parts.query else ""
    )
    if host in REFERENCE_HOSTS or host.endswith(".arxiv.org"):
        return "reference", url, host, None, None
    suggested = None
    # a repository named like a site (``NAME.github.io``) holds the page itself, not the paper's code
    if host.endswith(".github.io") and segments and not segments[0].lower().endswith(".github.io"):
        owner = host[: -len(".github.io")]
        if GITHUB_OWNER.fullmatch(owner) and REPOSITORY_SEGMENT.fullmatch(segments[0]):
            suggested = f"https://github.com/{owner}/{segments[0]}"
    return "project_page", url, host, None, suggested


def classify(raw: str) -> tuple[str, str, str, str | None, str | None]:
    """(kind, normalised url, host, path below the repository, suggested repository) of one URL;
    kind "invalid" (and the raw value) when :func:`normalise_url` rejects it."""
    try:
        return normalise_url(raw)
    except UrlRejected:
        return "invalid", raw, "", None, None


def web_iri(raw: str | None) -> str | None:
    """The normalised URL of any web page (a paper's own page, a project page), None when rejected."""
    if not raw:
        return None
    kind, url, *_ = classify(raw)
    return None if kind == "invalid" else url


def find_links(text: str) -> list[FoundLink]:
    """Every URL in ``text`` with its offsets, classified and normalised, in order of appearance."""
    links = []
    for match in URL_PATTERN.finditer(text):
        raw = strip_trailing(match.group(0))
        host = urlsplit(raw if "://" in raw else "https://" + raw).hostname or ""
        if "." not in host or len(raw) < 8:
            continue
        kind, url, host, path, suggested = classify(raw)
        if kind == "invalid":
            continue
        links.append(
            FoundLink(
                raw=raw,
                start=match.start(),
                end=match.start() + len(raw),
                url=url,
                kind=kind,
                host=host,
                path=path,
                suggested_repository=suggested,
                confidence=1.0 if kind == "repository" else 0.9,
            )
        )
    return links
