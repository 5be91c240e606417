"""Where the data files shipped with kg live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # kg/


def _data_dir(name: str) -> Path:
    installed = PACKAGE_DIR / name  # the wheel force-includes top-level folders here
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def ontology_dir() -> Path:
    """``ontologies/``: kg.ttl, shapes.ttl and the SKOS vocabularies under vocab/."""
    return _data_dir("ontologies")


def vocabulary_paths(directory: Path | None = None) -> list[Path]:
    """The SKOS vocabularies: the hand-written ``vocab/*.ttl`` and those ``scripts/make_vocabularies.py``
    generated into ``vocab/generated/`` (which may add labels to hand-written concepts)."""
    directory = directory or ontology_dir() / "vocab"
    return sorted(directory.glob("*.ttl")) + sorted((directory / "generated").glob("*.ttl"))


def queries_dir() -> Path:
    """``queries/``: the documented example SPARQL queries."""
    return _data_dir("queries")


def sample_paths() -> list[Path]:
    """The sample corpus `kg build` reads when given no input."""
    return sorted((PACKAGE_DIR / "data" / "sample").glob("*.txt"))
