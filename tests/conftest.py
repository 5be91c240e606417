"""Shared fixtures: a hand-made paper with its extraction, and the shared eval/seed folders."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kg.core.papers import Paper
from kg.extraction.records import Entity, Evidence, Extraction, LineageEdge, Link, Result

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def load_script(path: Path) -> ModuleType:
    """A script of ``scripts/`` or ``bench/`` as a module (neither folder is a package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def span(text: str, name: str, field: str = "abstract") -> Evidence:
    """Evidence for the first occurrence of ``name`` in ``text``."""
    start = text.index(name)
    return Evidence(field=field, sentence=text, start=start, end=start + len(name))


@pytest.fixture
def eagle_paper() -> tuple[Paper, Extraction]:
    """A small paper whose extraction has one fact of every kind, built by hand."""
    abstract = (
        "We present EAGLE-3, which extends EAGLE. EAGLE-3 reaches a speedup ratio of 6.5x on MT-bench. "
        "Code: https://github.com/SafeAILab/EAGLE."
    )
    paper = Paper(
        title="EAGLE-3: Scaling up Inference Acceleration",
        abstract=abstract,
        arxiv_id="2503.01840v2",
        date="2025-03-03",
        authors=["Yuhui Li"],
    )
    sentence = "EAGLE-3 reaches a speedup ratio of 6.5x on MT-bench."

    def entity(name: str, kind: str, canonical: str | None = None) -> Entity:
        return Entity(
            name=name, type=kind, canonical=canonical or name, confidence=0.9, evidence=span(abstract, name)
        )

    extraction = Extraction(
        paper_id=paper.id,
        methods=[entity("EAGLE-3", "method"), entity("EAGLE", "method")],
        datasets=[entity("MT-bench", "dataset")],
        metrics=[entity("speedup ratio", "metric")],
        tasks=[
            Entity(
                name="Inference Acceleration",
                type="task",
                canonical="inference acceleration",
                confidence=0.8,
                evidence=span(paper.title, "Inference Acceleration", "title"),
            )
        ],
        proposed=[entity("EAGLE-3", "method")],
        repos=[
            Link(
                url="https://github.com/SafeAILab/EAGLE",
                kind="repository",
                evidence=span(abstract, "https://github.com/SafeAILab/EAGLE"),
            )
        ],
        results=[
            Result(
                metric="speedup ratio",
                value="6.5x",
                kind="ratio",
                dataset="MT-bench",
                method="EAGLE-3",
                confidence=0.8,
                evidence=Evidence(
                    "abstract", sentence, abstract.index(sentence), abstract.index(sentence) + len(sentence)
                ),
            )
        ],
        lineage=[
            LineageEdge(
                child="EAGLE-3",
                parent="EAGLE",
                relation="extends",
                confidence=0.9,
                evidence=span(abstract, "extends EAGLE"),
            )
        ],
    )
    return paper, extraction


@pytest.fixture
def eval_dev() -> Path:
    path = SHARED / "eval" / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not beside the project")
    return path


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """What `kg build` (no arguments) makes of the bundled sample: (out folder, summary); built once."""
    from kg.builder import build

    out = tmp_path_factory.mktemp("sample")
    summary = build(None, out)
    return out, summary
