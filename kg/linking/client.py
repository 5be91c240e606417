"""One HTTP client for the GitHub and Hugging Face APIs: timeouts, retries, rate limits and an ETag cache.

Why a cache with ETags: GitHub answers a conditional request (``If-None-Match``) that matches with
``304 Not Modified``, which does not count against the rate limit, so a second run over the same papers
costs almost nothing and still reads fresh facts. Tokens come from the environment (``GITHUB_TOKEN``,
``HF_TOKEN``), travel only in request headers, and are never written to the cache or put in a message.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3

from kg.core.errors import KgError

GITHUB_API = "https://api.github.com"
HF_API = "https://huggingface.co/api"
USER_AGENT = "kg-linking/0.1 (+https://w3id.org/kg-ml)"
GITHUB_SEGMENT = re.compile(r"[A-Za-z0-9_.-]{1,100}")
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7}")
MAX_ANSWER_BYTES = 32 << 20  # no answer kg asks for is near this; a larger one is not read


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/kg/api`` (``~/.cache/kg/api``): API answers and their ETags, never tokens."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg" / "api"


class ApiError(KgError):
    """One request failed in a way retrying will not fix (malformed JSON, 401, 422, ...): skip that item."""


class ApiUnavailable(KgError):
    """The API stayed unreachable (timeouts, connection errors, 5xx) after every retry: stop going online."""


class RateLimited(KgError):
    """The API's rate limit is spent and resets later than we are willing to wait."""


@dataclass
class ClientStats:
    requests: int = 0  # HTTP requests sent, retries included
    full: int = 0  # 200 responses whose body was read
    not_modified: int = 0  # 304 answers: the cached body was reused
    cached: int = 0  # answered from the cache without a request (a recent 404)
    retries: int = 0
    waited: float = 0.0  # seconds slept for rate limits and backoff

    def as_dict(self) -> dict[str, float]:
        return dict(vars(self))


@dataclass
class _Limit:
    remaining: int | None = None
    reset: float | None = None  # epoch seconds


class ApiClient:
    """GET JSON from GitHub's REST API and Hugging Face's API, politely.

    - an overall deadline on every request (``timeout``: connection, headers and body together); errors, timeouts and 5xx are retried ``retries`` times with
      exponential backoff (``backoff`` seconds, doubled each time; 0 in tests);
    - rate limits (``X-RateLimit-Remaining``/``X-RateLimit-Reset``, ``Retry-After``): when the reset is at
      most ``max_wait`` seconds away we wait, otherwise :class:`RateLimited` says when to come back;
    - with ``cache_dir``, each 200 body is stored with its ETag and sent back as ``If-None-Match``; a 304
      reuses the stored body. A 404 is remembered for ``negative_ttl`` seconds.
    """

    def __init__(
        self,
        *,
        github_api: str = GITHUB_API,
        hf_api: str = HF_API,
        cache_dir: Path | str | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        negative_ttl: float = 86400.0,
        github_token: str | None = None,
        hf_token: str | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.github_api = github_api.rstrip("/")
        self.hf_api = hf_api.rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.negative_ttl = negative_ttl
        # kept private and out of __repr__ so a token never reaches a log or a traceback's locals dump
        self._tokens = {
            self.github_api: github_token if github_token is not None else os.environ.get("GITHUB_TOKEN"),
            self.hf_api: hf_token if hf_token is not None else os.environ.get("HF_TOKEN"),
        }
        self.session = session or requests.Session()
        self.sleep = sleep
        self.stats = ClientStats()
        self._limits: dict[str, _Limit] = {}  # by API and resource: GitHub's search has its own limit

    def __repr__(self) -> str:
        return (
            f"ApiClient(github_api={self.github_api!r}, hf_api={self.hf_api!r}, cache_dir={self.cache_dir!r})"
        )

    def close(self) -> None:
        self.session.close()

    # -- the APIs kg uses ---------------------------------------------------------------------------

    def github_repo(self, owner: str, name: str) -> dict | None:
        """``GET /repos/{owner}/{name}``; None when GitHub has no such repository."""
        return self.get_json(f"{self.github_api}/repos/{_segment(owner)}/{_segment(name)}")

    def github_readme(self, owner: str, name: str) -> dict | None:
        """``GET /repos/{owner}/{name}/readme``: ``content`` is base64."""
        return self.get_json(f"{self.github_api}/repos/{_segment(owner)}/{_segment(name)}/readme")

    def github_search(self, query: str, *, per_page: int = 5) -> list[dict]:
        """``GET /search/repositories?q=...``: the first ``per_page`` items, best match first."""
        data = self.get_json(f"{self.github_api}/search/repositories", {"q": query, "per_page": per_page})
        items = data.get("items") if isinstance(data, dict) else None
        if data is not None and not isinstance(items, list):
            raise ApiError(f"GitHub search answered without an item list for {query!r}")
        return [item for item in items or [] if isinstance(item, dict)]

    def hf_paper(self, arxiv_id: str) -> dict | None:
        """``GET {hf_api}/papers/{arxiv_id}``: ``githubRepo``, ``projectPage``, ...; None when not indexed."""
        if not ARXIV_ID.fullmatch(arxiv_id):
            raise ApiError(f"not an arXiv id: {arxiv_id[:40]!r}")
        return self.get_json(f"{self.hf_api}/papers/{arxiv_id}")

    # -- the machinery ------------------------------------------------------------------------------

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any | None:
        """The JSON body of ``url``, None for a 404. Raises ApiError, ApiUnavailable or RateLimited."""
        full_url = url + ("?" + urlencode(sorted(params.items())) if params else "")
        base = self._base(full_url)
        entry = self._cache_read(full_url)
        if entry and entry.get("status") == 404 and time.time() - entry.get("stored", 0) < self.negative_ttl:
            self.stats.cached += 1
            return None
        headers = {"User-Agent": USER_AGENT}
        if base == self.github_api:
            headers["Accept"] = "application/vnd.github+json"
            headers["X-GitHub-Api-Version"] = "2022-11-28"
        token = self._tokens.get(base)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if entry and entry.get("status") == 200:
            if entry.get("etag"):
                headers["If-None-Match"] = entry["etag"]
            if entry.get("last_modified"):
                headers["If-Modified-Since"] = entry["last_modified"]

        response = self._send(full_url, headers, base)
        if response.status_code == 304 and entry and entry.get("status") == 200:
            self.stats.not_modified += 1
            return self._parse(full_url, entry["body"])
        if response.status_code == 404:
            self._cache_write(full_url, {"status": 404})
            return None
        if response.status_code != 200:
            raise ApiError(f"{_short(full_url)} answered HTTP {response.status_code}{_message(response)}")
        self.stats.full += 1
        text = response.content.decode("utf-8", "replace")  # JSON is UTF-8; no charset guessing
        data = self._parse(full_url, text)
        self._cache_write(
            full_url,
            {
                "status": 200,
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
                "body": text,
            },
        )
        return data

    def _send(self, url: str, headers: dict[str, str], base: str) -> requests.Response:
        """One GET with retries on connection errors and 5xx, waiting out short rate limits."""
        attempt = 0
        while True:
            bucket = base + ("#search" if "/search/" in url else "#core")
            self._respect_limit(base, bucket)
            self.stats.requests += 1
            try:
                response = self._get_within_deadline(url, headers)
            except (requests.ConnectionError, requests.Timeout, _DeadlinePassed) as error:
                if attempt >= self.retries:
                    raise ApiUnavailable(
                        f"{self._api_name(base)} {_failure(error, self.timeout)} after {attempt + 1} tries "
                        f"({_short(url)})"
                    ) from None
                self._backoff(attempt)
                attempt += 1
                continue
            self._record_limit(bucket, response)
            if _is_rate_limited(response):
                wait = self._limit_wait(bucket, response)
                if wait > self.max_wait:
                    raise RateLimited(self._limit_message(base, wait))
                self.stats.waited += wait
                self.sleep(wait)
                if bucket in self._limits:
                    self._limits[bucket].remaining = None  # waited it out; the next answer says anew
                attempt += 1
                if attempt > self.retries + 3:
                    raise RateLimited(self._limit_message(base, wait))
                continue
            if response.status_code >= 500:
                if attempt >= self.retries:
                    raise ApiUnavailable(
                        f"{self._api_name(base)} answered HTTP {response.status_code} after "
                        f"{attempt + 1} tries ({_short(url)})"
                    )
                self._backoff(attempt)
                attempt += 1
                continue
            return response

    def _get_within_deadline(self, url: str, headers: dict[str, str]) -> requests.Response:
        """One GET whose whole answer (connection, headers and body) must arrive within ``timeout``
        seconds: a server trickling a byte a second is cut off, not waited on for ever."""
        deadline = time.monotonic() + self.timeout
        response = self.session.get(
            url, headers=headers, timeout=self.timeout, allow_redirects=True, stream=True
        )
        try:
            body = bytearray()
            while True:
                if time.monotonic() > deadline:
                    raise _DeadlinePassed
                chunk = response.raw.read1(65536, decode_content=True)  # what has arrived, at once
                if not chunk:
                    break
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise ApiError(f"{_short(url)} answered with more than {MAX_ANSWER_BYTES >> 20} MB")
            response._content = bytes(body)
        except (OSError, urllib3.exceptions.HTTPError) as error:
            if isinstance(error, urllib3.exceptions.ReadTimeoutError) or "timed out" in str(error):
                raise requests.Timeout(str(error)) from None
            raise requests.ConnectionError(str(error)) from None
        finally:
            response.close()
        return response

    def _backoff(self, attempt: int) -> None:
        self.stats.retries += 1
        delay = self.backoff * 2**attempt
        if delay:
            self.stats.waited += delay
            self.sleep(delay)

    def _base(self, url: str) -> str:
        for base in (self.github_api, self.hf_api):
            if url.startswith(base + "/"):
                return base
        return url.split("/", 3)[2] if "://" in url else url

    def _record_limit(self, bucket: str, response: requests.Response) -> None:
        remaining, reset = (
            response.headers.get("X-RateLimit-Remaining"),
            response.headers.get("X-RateLimit-Reset"),
        )
        if remaining is None:
            return
        limit = self._limits.setdefault(bucket, _Limit())
        limit.remaining = _int(remaining)
        limit.reset = _int(reset)

    def _respect_limit(self, base: str, bucket: str) -> None:
        """Before sending: when the last answer said no request is left, wait for the reset or stop."""
        limit = self._limits.get(bucket)
        if not limit or limit.remaining != 0 or limit.reset is None:
            return
        wait = limit.reset - time.time() + 1
        if wait <= 0:
            return
        if wait > self.max_wait:
            raise RateLimited(self._limit_message(base, wait))
        self.stats.waited += wait
        self.sleep(wait)
        limit.remaining = None

    def _limit_wait(self, bucket: str, response: requests.Response) -> float:
        retry_after = _int(response.headers.get("Retry-After"))
        if retry_after is not None:
            return float(max(retry_after, 0))
        limit = self._limits.get(bucket)
        if limit and limit.reset is not None:
            return max(limit.reset - time.time() + 1, 0.0)
        return 60.0

    def _limit_message(self, base: str, wait: float) -> str:
        resume = datetime.fromtimestamp(time.time() + wait, tz=UTC).strftime("%H:%M UTC")
        hint = ""
        if not self._tokens.get(base):
            hint = " Set GITHUB_TOKEN for a higher limit." if base == self.github_api else " Set HF_TOKEN."
        return (
            f"{self._api_name(base)} rate limit reached; it resets at {resume} (in {wait / 60:.0f} min). "
            f"Run again later: the links found so far are kept and cached answers are reused.{hint}"
        )

    def _api_name(self, base: str) -> str:
        return {self.github_api: "GitHub API", self.hf_api: "Hugging Face API"}.get(base, base)

    def _parse(self, url: str, text: str) -> Any:
        try:
            return json.loads(text)
        except ValueError:
            raise ApiError(f"{_short(url)} answered with malformed JSON") from None

    # -- the on-disk cache: one JSON file per URL, named by its hash; never any header we sent ----------

    def _cache_path(self, url: str) -> Path | None:
        if not self.cache_dir:
            return None
        return self.cache_dir / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:32] + ".json")

    def _cache_read(self, url: str) -> dict | None:
        path = self._cache_path(url)
        if not path or not path.is_file():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # a damaged entry is just a miss
        return entry if isinstance(entry, dict) and entry.get("url") == url else None

    def _cache_write(self, url: str, entry: dict) -> None:
        path = self._cache_path(url)
        if not path:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"url": url, "stored": time.time(), **entry}), encoding="utf-8")
        os.replace(temporary, path)


class _DeadlinePassed(Exception):
    """An answer did not arrive whole within the client's timeout."""


def _failure(error: Exception, timeout: float) -> str:
    """What went wrong with a request, in words: the right cause, never a guess."""
    text = str(error)
    if isinstance(error, _DeadlinePassed):
        return f"did not answer in full within {timeout:g} s"
    if isinstance(error, requests.Timeout) or "timed out" in text.lower():
        return "timed out"
    if "refused" in text.lower():
        return "refused the connection"
    return "could not be reached (the connection failed)"


def _is_rate_limited(response: requests.Response) -> bool:
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    headers = response.headers
    return (
        headers.get("X-RateLimit-Remaining") == "0"
        or "Retry-After" in headers
        or ("rate limit" in response.content[:500].decode("utf-8", "replace").lower())
    )


def _segment(value: str) -> str:
    """An owner or repository name as GitHub allows them, so text from a paper cannot reshape the API path."""
    if not GITHUB_SEGMENT.fullmatch(value) or value in {".", ".."}:
        raise ApiError(f"not a GitHub owner or repository name: {value[:60]!r}")
    return value


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "..."


def _message(response: requests.Response) -> str:
    try:
        message = response.json().get("message")
    except (ValueError, AttributeError):
        return ""
    return f": {str(message)[:200]}" if message else ""
