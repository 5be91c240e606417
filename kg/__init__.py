"""kg: a knowledge graph of machine-learning papers, their methods, datasets, metrics, tasks, results and code."""

from kg.papers import Paper, deduplicate

__version__ = "0.1.0"

__all__ = ["Paper", "__version__", "deduplicate"]
