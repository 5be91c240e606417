"""The Hugging Face daily-papers list of one day (`kg fetch hf --date`), saved as the API's JSON.

The API (``https://huggingface.co/api/daily_papers?date=YYYY-MM-DD``) answers with a JSON list of items,
each wrapping one paper (``{"paper": {"id", "title", "summary", "githubRepo", ...}, ...}``); `kg build`
reads the saved file as ``hf-api`` input.
"""

from __future__ import annotations

import datetime as dt
import json

import requests

from kg.sources.base import shorten
from kg.sources.http import FetchError, get, host_of

HF_DAILY_PAPERS = "https://huggingface.co/api/daily_papers"


def fetch_daily_papers(
    date: dt.date, *, base_url: str = HF_DAILY_PAPERS, session: requests.Session | None = None
) -> tuple[str, int]:
    """The API's answer for ``date`` as text, and the number of papers in it.

    Raises FetchError on a network failure, an HTTP error, or an answer that is not a list of papers.
    """
    response = get(base_url, {"date": date.isoformat()}, session=session)
    text = response.text
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        raise FetchError(
            f"{host_of(base_url)} did not answer with JSON (got {shorten(text, 80)!r})"
        ) from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise FetchError(
            f"{host_of(base_url)} did not answer with a list of daily papers (got {shorten(text, 80)!r})"
        )
    papers = sum(1 for item in items if isinstance(item.get("paper"), dict) or "title" in item)
    return text, papers
