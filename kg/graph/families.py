"""Which family a dataset version or split, or a method size or version, belongs to.

One identity for one thing: ImageNet-1K and ImageNet-2012 are ImageNet's, GPT-4 is GPT's, LLaMA2-Chat is
LLaMA-2's and LLaMA-2 is LLaMA's. The graph links each member to its family node (``skos:broader``, plus
``kg:versionOf`` for datasets and ``kg:variantOf`` for methods), so a query for the family finds the members
through ``skos:broader*``. Where a family comes from, first rule that answers:

1. the vocabulary (``ontologies/vocab/*.ttl``): the member's concept has a ``skos:broader`` concept;
2. the vocabulary's labels: the name is a label of a concept whose name has other version marks
   (``ImageNet-2012`` is listed under ImageNet-1K, ``GPT-3.5`` under GPT-3): a version of that concept;
3. the name (``kg.core.identity.version_parent``): ``LLaVA-1.5-7B`` is LLaVA-1.5's, ``LLaVA-1.5`` is LLaVA's. A
   method's family node is made when the graph has none; a dataset's family must be a vocabulary concept,
   because dataset names carry numbers that are not versions (CIFAR-10 and CIFAR-100 are no "CIFAR"s).

A dataset with a concept of its own has only the family its concept declares (rule 1): the vocabulary is
the catalogue there, not the name (PTB-XL is no Penn Treebank).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kg.core import identity
from kg.core.domain import FAMILY_TYPES
from kg.core.identity import family_name, version_parent
from kg.core.vocabularies import Concept, concepts

MAX_DEPTH = 8  # no family chain is deeper; a vocabulary cycle stops here


@dataclass(frozen=True)
class Family:
    """A family node one step up: its name (the node's label) and its vocabulary concept, if any."""

    name: str
    concept: str | None = None


class FamilyVocabulary:
    """The concepts of the shipped vocabularies, by IRI, by label (any case) and by identity key."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.by_iri = {concept.iri: concept for concept in concepts}
        labels = [(concept.iri, label) for concept in self.by_iri.values() for label in concept.labels]
        self.by_label: dict[tuple[str, str], Concept] = {}
        self.by_key: dict[tuple[str, str], Concept] = {}
        for iri, label in sorted(labels):
            concept = self.by_iri[iri]
            self.by_label.setdefault((concept.kind, label.casefold()), concept)
        # a prefLabel's key wins over an altLabel's
        for concept in sorted(self.by_iri.values(), key=lambda c: c.iri):
            self.by_key.setdefault((concept.kind, identity.key(concept.kind, concept.pref_label)), concept)
        for iri, label in sorted(labels):
            concept = self.by_iri[iri]
            self.by_key.setdefault((concept.kind, identity.key(concept.kind, label)), concept)

    def lookup(self, kind: str, name: str) -> Concept | None:
        """The concept a name is a label of (any case), else the one whose label has the name's key."""
        return self.by_label.get((kind, name.casefold())) or self.by_key.get((kind, identity.key(kind, name)))


@lru_cache(maxsize=1)
def family_vocabulary() -> FamilyVocabulary:
    """Made once per process: the concepts of the hand-written ``ontologies/vocab/*.ttl`` (not of the
    generated ones, whose names are no family catalogue) with their broader concepts."""
    return FamilyVocabulary(concepts(hand_written=True).values())


def version_marks(name: str) -> str:
    """What a name adds to its family's name, as a key: ``ImageNet-2012`` -> ``"2012"``, ``Seq2Seq`` -> ``""``.

    Two spellings with the same marks are one thing (``ImageNet-1k``, ``ImageNet-1K``); other marks make a
    version of its own (``ILSVRC-2012`` is not spelt as ``ImageNet-1K`` is, though the same data).
    """
    key, family = identity.key("method", name), identity.key("method", family_name(name))
    if key == family:
        return ""
    return key[len(family) :].strip("-") if key.startswith(family + "-") else key


def family_of(kind: str, name: str, concept: str | None = None) -> Family | None:
    """The family one step up from the dataset or method ``name`` (with its vocabulary concept), or None."""
    if kind not in FAMILY_TYPES:
        return None
    vocabulary = family_vocabulary()
    own = vocabulary.by_iri.get(concept) if concept else None
    if own is None:
        listed = vocabulary.lookup(kind, name)
        if listed is not None and version_marks(listed.pref_label) != version_marks(name):
            return Family(listed.pref_label, listed.iri)  # rule 2: a version the concept's own name lacks
        own = listed
    if own is not None and own.broader in vocabulary.by_iri:
        broader = vocabulary.by_iri[own.broader]
        return Family(broader.pref_label, broader.iri)  # rule 1
    if own is not None and kind == "dataset":
        return None
    parent = version_parent(name)
    while parent is not None:  # rule 3
        known = vocabulary.lookup(kind, parent)
        if known is not None:
            return Family(known.pref_label, known.iri)
        if kind == "method":
            return Family(parent)
        parent = version_parent(parent)
    return None


@lru_cache(maxsize=65536)
def family_chain(kind: str, name: str, concept: str | None = None) -> tuple[tuple[str, Family], ...]:
    """Every (member name, its family) step from ``name`` up to the top of its family.

    >>> [(member, family.name) for member, family in family_chain("method", "LLaVA-1.5-7B")]
    [('LLaVA-1.5-7B', 'LLaVA-1.5'), ('LLaVA-1.5', 'LLaVA')]
    """
    steps: list[tuple[str, Family]] = []
    seen = {identity.key(kind, name)}
    for _ in range(MAX_DEPTH):
        family = family_of(kind, name, concept)
        if family is None or identity.key(kind, family.name) in seen:
            break
        seen.add(identity.key(kind, family.name))
        steps.append((name, family))
        name, concept = family.name, family.concept
    return tuple(steps)
