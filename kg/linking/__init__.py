"""Papers linked to their code: repository URLs in the text, and opt-in facts from GitHub and Hugging Face."""

from kg.linking.client import ApiClient, ApiError, ApiUnavailable, RateLimited, default_cache_dir
from kg.linking.link import LinkReport, PaperLinks, RepositoryFacts, link_papers
from kg.linking.urls import FoundLink, find_links

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
