"""Where the data files shipped with kg live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = PACKAGE_DIR / name  # the wheel force-includes top-level folders here
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def ontology_dir() -> Path:
    """``ontologies/``: kg.ttl, shapes.ttl and the SKOS vocabularies under vocab/."""
    return _data_dir("ontologies")


def queries_dir() -> Path:
    """``queries/``: the documented example SPARQL queries."""
    return _data_dir("queries")


def sample_paths() -> list[Path]:
    """The sample corpus `kg build` reads when given no input."""
    return sorted((PACKAGE_DIR / "data" / "sample").glob("*.txt"))
