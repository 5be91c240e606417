"""The SKOS vocabularies (``ontologies/vocab/*.ttl`` and ``vocab/generated/*.ttl``), read once per process.

Three parts of kg read them: the vocabulary matcher (every label of every concept), the family rules (the
hand-written concepts and their ``skos:broader``) and the graph build (every triple, into the store's
vocabulary graph). Each file is parsed here once, by Oxigraph (rdflib's Turtle parser takes a second over
the hand-written files alone), and each of those reads is a view of that one parse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

import pyoxigraph
from rdflib.namespace import SKOS

from kg.core.namespaces import KGV
from kg.core.resources import vocabulary_paths

GENERATED = "generated"  # the sub-folder of the generated vocabularies (and of the ordinary-word list)
PREF_LABEL, ALT_LABEL, BROADER = str(SKOS.prefLabel), str(SKOS.altLabel), str(SKOS.broader)


@dataclass(frozen=True)
class Concept:
    """A vocabulary concept: a thing with a name the field uses (a dataset, a method, ...), or a nonentity."""

    iri: str
    kind: str  # "method", "dataset", ..., or "nonentity": the first path segment of the IRI under KGV
    pref_label: str
    alt_labels: tuple[str, ...] = ()  # distinct, sorted
    # the family concept; the first read, though the shipped files give at most one
    broader: str | None = None
    # defined by a generated vocabulary (a library's name list), not by hand: a paper may be where the
    # name comes from, so knowing it says less against the paper proposing it
    generated: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        """The preferred and the alternative labels, distinct and sorted."""
        return tuple(sorted({self.pref_label, *self.alt_labels}))


def is_generated(path: Path) -> bool:
    """Whether a vocabulary file is one ``scripts/make_vocabularies.py`` generated."""
    return path.parent.name == GENERATED


@cache
def parsed(path: Path) -> tuple[pyoxigraph.Quad, ...]:
    """The statements of one Turtle file, parsed the first time they are asked for (a file changed after
    that is not read again in this process)."""
    return tuple(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))


def concepts(paths: Iterable[Path] | None = None, *, hand_written: bool = False) -> Mapping[str, Concept]:
    """The concepts of the given vocabulary files (all shipped ones by default), by IRI, read as one graph: a
    generated file may add labels to a hand-written concept. ``hand_written`` keeps only the files written by
    hand, as the family rules do."""
    chosen = vocabulary_paths() if paths is None else paths
    return _concepts(tuple(sorted(p for p in chosen if not (hand_written and is_generated(p)))))


@cache
def _concepts(paths: tuple[Path, ...]) -> Mapping[str, Concept]:
    prefs: dict[str, str] = {}
    alts: dict[str, set[str]] = {}
    broader: dict[str, str] = {}
    generated: set[str] = set()
    for path in paths:
        for quad in parsed(path):
            predicate, subject = quad.predicate.value, quad.subject.value
            if predicate == PREF_LABEL:
                prefs[subject] = quad.object.value
                if is_generated(path):
                    generated.add(subject)
            elif predicate == ALT_LABEL:
                alts.setdefault(subject, set()).add(quad.object.value)
            elif predicate == BROADER:
                broader.setdefault(subject, quad.object.value)  # the first, as rdflib's Graph.value gave
    base = str(KGV)
    found: dict[str, Concept] = {}
    for iri, pref in sorted(prefs.items()):
        if not iri.startswith(base) or iri.endswith("/"):
            continue  # a ConceptScheme
        kind = iri[len(base) :].split("/", 1)[0]
        found[iri] = Concept(
            iri, kind, pref, tuple(sorted(alts.get(iri, ()))), broader.get(iri), iri in generated
        )
    return MappingProxyType(found)
