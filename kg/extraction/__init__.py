"""Extraction: a paper's title and abstract -> methods, datasets, metrics, tasks, results, links, lineage.

A spaCy pipeline built on ``spacy.blank("en")``: a sentencizer, then the project's components
``kg_abbreviations`` (acronym definitions), ``kg_vocabulary`` (known names from the SKOS vocabularies) and
``kg_names`` (coined and contextual names). ``extract`` turns the annotated doc into an ``Extraction``; it
is a pure function of the title and abstract.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TypeVar

import spacy
from spacy.language import Language

from kg.extraction import abbreviations, names, vocabulary  # noqa: F401  (registers the factories)
from kg.extraction.assemble import build_extraction, sentence_offsets
from kg.extraction.records import Extraction
from kg.extraction.text import make_doc
from kg.papers import Paper

__all__ = ["batched", "build_pipeline", "default_workers", "extract", "extract_many"]

T = TypeVar("T")

PAPERS_PER_EXTRA_WORKER = 500  # a worker takes ~2 s to load the pipeline: worth it past a few hundred papers


def default_workers(papers: int) -> int:
    """Worker processes for ``papers`` papers when the user names none: one per available core, fewer for
    small inputs (1 for the bundled sample), where starting workers costs more than it saves."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, papers // PAPERS_PER_EXTRA_WORKER))


@lru_cache(maxsize=1)
def build_pipeline() -> Language:
    """The extraction pipeline, built once per process (loading the vocabularies takes a moment)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "\n"]})
    nlp.add_pipe("kg_abbreviations")
    nlp.add_pipe("kg_vocabulary")
    nlp.add_pipe("kg_names")
    return nlp


def _extraction(doc, paper: Paper, nlp: Language, **resolver_options) -> Extraction:
    from kg.extraction.lineage import find_lineage

    matcher = nlp.get_pipe("kg_vocabulary")
    extraction = build_extraction(doc, paper.id, paper.title, paper.abstract, matcher, **resolver_options)
    # lineage reads the doc's sentences and the same vocabulary as the entities, not its own
    extraction.lineage = find_lineage(paper, extraction, sentence_offsets(doc), matcher)
    return extraction


def extract(paper: Paper, nlp: Language | None = None, **resolver_options) -> Extraction:
    """Everything the title and abstract of ``paper`` say, with evidence offsets into each field.

    ``resolver_options`` (``model``, ``collect``) are for training and evaluating the resolver."""
    nlp = nlp or build_pipeline()
    return _extraction(nlp(make_doc(nlp, paper.text)), paper, nlp, **resolver_options)


def extract_many(
    papers: Iterable[Paper], *, workers: int | None = 1, batch_size: int = 64
) -> Iterator[tuple[Paper, Extraction]]:
    """Extract from many papers, streaming in input order; ``workers > 1`` runs worker processes (None:
    ``default_workers``, which needs a sized input).

    Each worker does the whole extraction (pipeline, assembly, lineage) for batches of papers: with spaCy's
    ``n_process`` only the pipeline ran in parallel and the assembly, half the work, stayed serial."""
    if workers is None:
        workers = default_workers(len(papers))  # type: ignore[arg-type]
    if workers > 1:
        with multiprocessing.Pool(workers) as pool:
            batches = pool.imap(_extract_batch, batched(papers, batch_size))
            for batch, extractions in batches:
                yield from zip(batch, extractions, strict=True)
        return
    nlp = build_pipeline()
    docs = ((make_doc(nlp, paper.text), paper) for paper in papers)
    for doc, paper in nlp.pipe(docs, as_tuples=True, batch_size=batch_size):
        yield paper, _extraction(doc, paper, nlp)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items in order, the last one shorter (itertools.batched from Python 3.12)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extract_batch(batch: list[Paper]) -> tuple[list[Paper], list[Extraction]]:
    """A worker process's share: one batch of papers and their extractions, in order."""
    return batch, [extraction for _, extraction in extract_many(batch, batch_size=len(batch))]
