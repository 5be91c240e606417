"""Papers linked to their code: repository URLs in the text, and opt-in facts from GitHub and Hugging Face.

The names below load on first use, so the URL normaliser (``kg.core.urls``, which every reader uses)
does not pull in the HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.core.urls import FoundLink, find_links
    from kg.linking.client import ApiClient, ApiError, ApiUnavailable, RateLimited, default_cache_dir
    from kg.linking.link import LinkReport, PaperLinks, RepositoryFacts, link_papers

_HOMES = {
    "ApiClient": "kg.linking.client",
    "ApiError": "kg.linking.client",
    "ApiUnavailable": "kg.linking.client",
    "RateLimited": "kg.linking.client",
    "default_cache_dir": "kg.linking.client",
    "LinkReport": "kg.linking.link",
    "PaperLinks": "kg.linking.link",
    "RepositoryFacts": "kg.linking.link",
    "link_papers": "kg.linking.link",
    "FoundLink": "kg.core.urls",
    "find_links": "kg.core.urls",
}
__all__ = [
    "ApiClient",
    "ApiError",
    "ApiUnavailable",
    "FoundLink",
    "LinkReport",
    "PaperLinks",
    "RateLimited",
    "RepositoryFacts",
    "default_cache_dir",
    "find_links",
    "link_papers",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kg.linking' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
