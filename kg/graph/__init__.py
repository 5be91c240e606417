"""Papers, their extractions and their links as RDF (rdflib terms): IRIs, method and dataset families, link triples."""

from __future__ import annotations

from typing import Any

__all__ = ["build_graph", "paper_triples", "vocabulary_triples"]


def __getattr__(name: str) -> Any:
    """The builder is imported when first used: ``kg.graph.iris`` alone (name lookups) needs no spaCy."""
    if name in __all__:
        from kg.graph import build

        return getattr(build, name)
    raise AttributeError(f"module 'kg.graph' has no attribute {name!r}")
