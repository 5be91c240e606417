"""Extraction: a paper's title and abstract -> methods, datasets, metrics, tasks, results, links, lineage.

A spaCy pipeline built on ``spacy.blank("en")``: a sentencizer, then the project's components
``kg_abbreviations`` (acronym definitions), ``kg_vocabulary`` (known names from the SKOS vocabularies) and
``kg_names`` (coined and contextual names). ``extract`` turns the annotated doc into an ``Extraction``; it
is a pure function of the title and abstract.

Over-long fields are extracted up to ``MAX_FIELD_CHARS`` characters (the readers warn about them), so no
input can exceed spaCy's ``max_length``; a "word" longer than ``MAX_WORD_CHARS`` (base64, a pasted blob)
is read as a run of dots of the same length, so offsets hold and no rule spends quadratic time on it; and a
name longer than ``MAX_NAME_CHARS`` is left out of the extraction.

Importing this package (or ``kg.extraction.records``) does not load spaCy: the pipeline loads on first use.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import re
import signal
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from kg.core.domain import ENTITY_FIELDS
from kg.core.papers import MAX_FIELD_CHARS, Paper, over_long_fields
from kg.extraction.records import Extraction

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "MAX_FIELD_CHARS",
    "batched",
    "build_pipeline",
    "default_workers",
    "extract",
    "extract_many",
    "over_long_fields",
]

T = TypeVar("T")

MAX_WORD_CHARS = 1_000  # longer than any URL or name kg keeps
LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
MAX_NAME_CHARS = 200  # of an entity, alias, metric or method name; the longest real ones have ~100
PAPERS_PER_EXTRA_WORKER = 500  # a worker takes ~2 s to load the pipeline: worth it past a few hundred papers


def default_workers(papers: int) -> int:
    """Worker processes for ``papers`` papers when the user names none: one per available core, fewer for
    small inputs (1 for the bundled sample), where starting workers costs more than it saves."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, papers // PAPERS_PER_EXTRA_WORKER))


def extractable(paper: Paper) -> Paper:
    """The paper as extraction reads it: fields cut at MAX_FIELD_CHARS, giant words as dots (a prefix and a
    same-length replacement, so every offset into it is an offset into the paper's own text)."""
    title, abstract = paper.title[:MAX_FIELD_CHARS], paper.abstract[:MAX_FIELD_CHARS]
    if MAX_WORD_CHARS < max(len(title), len(abstract)):
        title, abstract = (LONG_WORD.sub(lambda m: "." * len(m.group(0)), text) for text in (title, abstract))
    if title == paper.title and abstract == paper.abstract:
        return paper
    copy = dataclasses.replace(paper)
    copy.title, copy.abstract = title, abstract  # not through __post_init__: no re-cleaning, same offsets
    return copy


@lru_cache(maxsize=1)
def build_pipeline() -> Language:
    """The extraction pipeline, built once per process (loading the vocabularies takes a moment)."""
    import spacy

    from kg.extraction import abbreviations, names, vocabulary  # noqa: F401  (registers the factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "\n"]})
    nlp.add_pipe("kg_abbreviations")
    nlp.add_pipe("kg_vocabulary")
    nlp.add_pipe("kg_names")
    return nlp


def _extraction(doc, paper: Paper, nlp: Language, **resolver_options) -> Extraction:
    from kg.extraction.assemble import build_extraction, sentence_offsets
    from kg.extraction.lineage_model import find_lineage

    matcher = nlp.get_pipe("kg_vocabulary")
    extraction = build_extraction(doc, paper.id, paper.title, paper.abstract, matcher, **resolver_options)
    # lineage reads the doc's sentences and the same vocabulary as the entities, not its own
    extraction.lineage = find_lineage(paper, extraction, sentence_offsets(doc), matcher)
    return without_long_names(extraction)


def without_long_names(extraction: Extraction) -> Extraction:
    """Drop what names something in more than MAX_NAME_CHARS characters: no 100,000-character method."""

    def short(*names: str | None) -> bool:
        return all(name is None or len(name) <= MAX_NAME_CHARS for name in names)

    for kind in (*ENTITY_FIELDS, "proposed"):
        kept = [e for e in getattr(extraction, kind) if short(e.name, e.canonical)]
        for entity in kept:
            entity.aliases = [alias for alias in entity.aliases if short(alias)]
        setattr(extraction, kind, kept)
    extraction.aliases = [a for a in extraction.aliases if short(a.short, a.long)]
    extraction.results = [r for r in extraction.results if short(r.metric, r.value, r.dataset, r.method)]
    extraction.lineage = [edge for edge in extraction.lineage if short(edge.child, edge.parent)]
    return extraction


def extract(paper: Paper, nlp: Language | None = None, **resolver_options) -> Extraction:
    """Everything the title and abstract of ``paper`` say, with evidence offsets into each field.

    ``resolver_options`` (``model``, ``collect``) are for training and evaluating the resolver."""
    from kg.extraction.text import make_doc

    nlp = nlp or build_pipeline()
    readable = extractable(paper)
    return _extraction(nlp(make_doc(nlp, readable.text)), readable, nlp, **resolver_options)


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
        with multiprocessing.Pool(workers, initializer=ignore_interrupts) as pool:
            batches = pool.imap(_extract_batch, batched(papers, batch_size))
            for batch, extractions in batches:
                yield from zip(batch, extractions, strict=True)
        return
    from kg.extraction.text import make_doc

    nlp = build_pipeline()
    docs = ((make_doc(nlp, extractable(paper).text), paper) for paper in papers)
    for doc, paper in nlp.pipe(docs, as_tuples=True, batch_size=batch_size):
        yield paper, _extraction(doc, extractable(paper), nlp)


def ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the main process, which stops the pool: one message, not a
    traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
