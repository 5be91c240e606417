"""kg: a knowledge graph of machine-learning papers, their methods, datasets, metrics, tasks, results and code.

The Python API (``kg.__all__``) is what the commands run::

    import kg

    summary = kg.build(["examples/papers.jsonl"], "demo/api")  # the store, graph.ttl and graph.html
    result = kg.run_query("SELECT ?title WHERE { ?p a kg:Paper ; schema:name ?title }", store="demo/api/store")
    papers, problems = kg.read_papers(["examples/papers.jsonl"])
    extraction = kg.extract(papers[0])  # methods, datasets, ..., each with its evidence

Names are imported on first use, so ``import kg`` stays light (spaCy loads with the first extraction).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "BuildSummary": "kg.builder",
    "Extraction": "kg.extraction.records",
    "Paper": "kg.core.papers",
    "Problem": "kg.sources",
    "QueryResult": "kg.store",
    "build": "kg.builder",
    "deduplicate": "kg.core.papers",
    "extract": "kg.extraction",
    "extract_many": "kg.extraction",
    "read_papers": "kg.sources",
    "run_query": "kg.api",
}

__all__ = [
    "BuildSummary",
    "Extraction",
    "Paper",
    "Problem",
    "QueryResult",
    "__version__",
    "build",
    "deduplicate",
    "extract",
    "extract_many",
    "read_papers",
    "run_query",
]

if TYPE_CHECKING:
    from kg.api import run_query
    from kg.builder import BuildSummary, build
    from kg.core.papers import Paper, deduplicate
    from kg.extraction import extract, extract_many
    from kg.extraction.records import Extraction
    from kg.sources import Problem, read_papers
    from kg.store import QueryResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
