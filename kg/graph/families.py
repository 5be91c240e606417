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

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph
from rdflib.namespace import SKOS

from kg.core import identity
from kg.core.identity import family_name, version_parent
from kg.core.namespaces import KGV
from kg.core.resources import ontology_dir

FAMILY_KINDS = ("method", "dataset")
MAX_DEPTH = 8  # no family chain is deeper; a vocabulary cycle stops here


@dataclass(frozen=True)
class Concept:
    """A vocabulary concept as far as families go: its kind, preferred label and broader concept."""

    iri: str
    kind: str
    label: str
    broader: str | None = None


@dataclass(frozen=True)
class Family:
    """A family node one step up: its name (the node's label) and its vocabulary concept, if any."""

    name: str
    concept: str | None = None


class FamilyVocabulary:
    """The concepts of the shipped vocabularies, by IRI, by label (any case) and by identity key."""

    def __init__(self, concepts: list[Concept], labels: list[tuple[str, str]]) -> None:
        self.by_iri = {concept.iri: concept for concept in concepts}
        self.by_label: dict[tuple[str, str], Concept] = {}
        self.by_key: dict[tuple[str, str], Concept] = {}
        for iri, label in sorted(labels):
            concept = self.by_iri[iri]
            self.by_label.setdefault((concept.kind, label.casefold()), concept)
        for concept in sorted(concepts, key=lambda c: c.iri):  # a prefLabel's key wins over an altLabel's
            self.by_key.setdefault((concept.kind, identity.key(concept.kind, concept.label)), concept)
        for iri, label in sorted(labels):
            concept = self.by_iri[iri]
            self.by_key.setdefault((concept.kind, identity.key(concept.kind, label)), concept)

    def lookup(self, kind: str, name: str) -> Concept | None:
        """The concept a name is a label of (any case), else the one whose label has the name's key."""
        return self.by_label.get((kind, name.casefold())) or self.by_key.get((kind, identity.key(kind, name)))


@lru_cache(maxsize=1)
def family_vocabulary() -> FamilyVocabulary:
    """Read once per process: the concepts of ``ontologies/vocab/*.ttl`` with their broader concepts."""
    graph = Graph()
    for path in sorted((ontology_dir() / "vocab").glob("*.ttl")):
        graph.parse(path, format="turtle")
    concepts, labels = [], []
    base = str(KGV)
    for iri, pref in graph.subject_objects(SKOS.prefLabel):
        text = str(iri)
        if not text.startswith(base) or text.endswith("/"):
            continue  # a ConceptScheme
        broader = graph.value(iri, SKOS.broader)
        concepts.append(Concept(text, text[len(base) :].split("/", 1)[0], str(pref), _text(broader)))
        labels.append((text, str(pref)))
        labels.extend((text, str(alt)) for alt in graph.objects(iri, SKOS.altLabel))
    return FamilyVocabulary(concepts, labels)


def _text(term: object) -> str | None:
    return None if term is None else str(term)


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
    if kind not in FAMILY_KINDS:
        return None
    vocabulary = family_vocabulary()
    own = vocabulary.by_iri.get(concept) if concept else None
    if own is None:
        listed = vocabulary.lookup(kind, name)
        if listed is not None and version_marks(listed.label) != version_marks(name):
            return Family(listed.label, listed.iri)  # rule 2: a version the concept's own name lacks
        own = listed
    if own is not None and own.broader in vocabulary.by_iri:
        broader = vocabulary.by_iri[own.broader]
        return Family(broader.label, broader.iri)  # rule 1
    if own is not None and kind == "dataset":
        return None
    parent = version_parent(name)
    while parent is not None:  # rule 3
        known = vocabulary.lookup(kind, parent)
        if known is not None:
            return Family(known.label, known.iri)
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
