"""Known names from the SKOS vocabularies, found with spaCy's PhraseMatcher.

The vocabularies are the hand-written ``ontologies/vocab/*.ttl`` and those ``scripts/make_vocabularies.py``
generates from the field's own libraries into ``ontologies/vocab/generated/``; both are read into one graph,
so a generated file may add altLabels to a hand-written concept.

A label written in lower case ("top-1 accuracy") matches case-insensitively, and so does a name with
capitals that is not made of ordinary English words ("BraTS" finds "BRATS"; the word list is
``generated/ordinary-words.txt``, from word frequencies). A name that is an ordinary word or phrase ("CLIP",
"GLUE", "Cars"), or shorter than four characters, matches only as written, so it does not fire on common
words ("clip", "glue"). The concept's kind is the first path segment of its IRI under ``KGV``
(``.../vocab/metric/bleu`` -> ``metric``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.core.resources import ontology_dir, vocabulary_paths
from kg.core.vocabularies import GENERATED, Concept, concepts
from kg.extraction.mentions import VOCABULARY, add_mentions

ORDINARY_WORDS = "ordinary-words.txt"
WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Label:
    text: str
    concept: Concept


def default_vocab_dir() -> Path:
    return ontology_dir() / "vocab"


def load_labels(paths: Iterable[Path]) -> list[Label]:
    """Every prefLabel and altLabel of every concept in the given Turtle files, read as one graph (a file
    may add labels to a concept another file defines; ``kg.core.vocabularies`` parses each file once)."""
    return [Label(name, concept) for concept in concepts(paths).values() for name in concept.labels]


@cache
def ordinary_words(directory: Path) -> frozenset[str]:
    """The lower-case English words common enough that a name spelt like one must match as written; empty
    (every name with capitals matches as written) when the list was never generated."""
    path = directory / GENERATED / ORDINARY_WORDS
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def plural_of(label: str) -> str | None:
    """ "contrastive loss" -> None, "attention" -> "attentions", "CNN" -> "CNNs": papers write both."""
    if (
        len(label) < 3
        or not label[-1].isalpha()
        or label[-1] in "sS"
        or label[-1].isupper()
        and not label.isupper()
    ):
        return None
    return label + "s"


NUMBER_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=\d)")


def spelling_variants(label: str) -> list[str]:
    """ "NTU-60" -> "NTU 60", "NTU60": papers join a name and its number all three ways, and the tokenizer
    keeps "NTU-60" one token but "NTU 60" two."""
    if not NUMBER_HYPHEN.search(label):
        return []
    return [NUMBER_HYPHEN.sub(" ", label), NUMBER_HYPHEN.sub("", label)]


TITLE_WORD = re.compile(r"[A-Z][a-z]+")
SENTENCE_ENDS = frozenset({".", "!", "?", ":", ";"})


def sentence_case(label: str) -> str | None:
    """ "Inception Score" -> "Inception score": papers write a title-case name in sentence case too."""
    words = label.split(" ")
    if len(words) < 2 or not all(TITLE_WORD.fullmatch(word) for word in words):
        return None
    return " ".join([words[0], *(word.lower() for word in words[1:])])


def is_case_insensitive(label: str, ordinary: frozenset[str] = frozenset()) -> bool:
    """Lower-case phrases match in any case, and so do names of four or more characters with a word that is
    not an ordinary English one ("BraTS", "ResNet-50"); the rest ("CLIP", "Cars", "SVM") match as written.
    With no word list (``ordinary`` empty) every name with capitals matches as written."""
    if label == label.lower():
        return True
    if not ordinary or len(label) < 4:
        return False
    return any(word not in ordinary for word in WORD.findall(label.lower()))


class VocabularyMatcher:
    """Marks known names in the doc's mention list (``kg.extraction.mentions``, ``id_`` "vocab"), each span's
    ``label_`` the concept type and ``kb_id_`` the concept IRI. Overlaps resolve to the longest match. Loaded from Turtle when built, not at import."""

    def __init__(self, nlp: Language, name: str = "kg_vocabulary", *, vocab_dir: str = "") -> None:
        self.name = name
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        # sentence-case forms of title-case names of ordinary words ("Inception score"), not where a
        # sentence starts: "Natural questions arise" is no data set
        self.mid_sentence = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.concepts: dict[str, Concept] = {}
        self.by_label: dict[str, Concept] = {}  # labels matched as written
        self.by_lower: dict[str, Concept] = {}  # labels matched in any case, lower-cased
        directory = Path(vocab_dir) if vocab_dir else default_vocab_dir()
        self.ordinary = ordinary_words(directory)
        self.add_labels(nlp, load_labels(vocabulary_paths(directory)))

    def add_labels(self, nlp: Language, labels: list[Label]) -> None:
        grouped: dict[tuple[str, bool], list[str]] = {}
        labels = labels + [
            Label(plural, label.concept) for label in labels if (plural := plural_of(label.text))
        ]
        labels = labels + [
            Label(variant, label.concept) for label in labels for variant in spelling_variants(label.text)
        ]
        mid_sentence: dict[str, list[str]] = {}
        for label in labels:
            variant = sentence_case(label.text)
            if variant and not is_case_insensitive(label.text, self.ordinary):
                mid_sentence.setdefault(label.concept.iri, []).append(variant)
        # labels written in lower case first: the concept whose label is "federated learning" owns that text,
        # not one whose label "Federated Learning" folds case
        for label in sorted(labels, key=lambda label: label.text != label.text.lower()):
            self.concepts[label.concept.iri] = label.concept
            owner = self.by_label.get(label.text) or self.by_lower.get(label.text.lower())
            if owner is not None and owner != label.concept:
                continue  # another concept has this name
            insensitive = is_case_insensitive(label.text, self.ordinary)
            if insensitive:
                self.by_lower.setdefault(label.text.lower(), label.concept)
            else:
                self.by_label.setdefault(label.text, label.concept)
            # the pattern as written, even when matched by LOWER: "ImageNet-1K" and "imagenet-1k" are not
            # cut into the same tokens
            grouped.setdefault((label.concept.iri, insensitive), []).append(label.text)
        for (iri, insensitive), texts in grouped.items():
            matcher = self.lower if insensitive else self.exact
            matcher.add(iri, list(nlp.tokenizer.pipe(texts)))
        for iri, texts in mid_sentence.items():
            self.mid_sentence.add(iri, list(nlp.tokenizer.pipe(texts)))

    def lookup(self, name: str) -> Concept | None:
        """The concept a name is a label of, by this matcher's case rule."""
        return self.by_label.get(name) or self.by_lower.get(name.lower())

    def lookup_folded(self, name: str) -> Concept | None:
        """Like ``lookup`` but ignoring case also for names with capitals ("BERTscore" is BERTScore); for
        typing a coined name, never for matching text."""
        if not hasattr(self, "_folded"):
            self._folded = {label.casefold(): c for label, c in self.by_label.items()}
        return self._folded.get(name.casefold())

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        strings = doc.vocab.strings
        for matcher in (self.lower, self.exact, self.mid_sentence):
            for match_id, start, end in matcher(doc):
                if matcher is self.mid_sentence and (
                    start == 0 or doc[start - 1].is_space or doc[start - 1].text in SENTENCE_ENDS
                ):
                    continue
                iri = strings[match_id]
                concept = self.concepts[iri]
                spans.append(Span(doc, start, end, label=concept.kind, kb_id=iri, span_id=VOCABULARY))
        add_mentions(doc, filter_spans(spans))
        return doc


@Language.factory("kg_vocabulary", assigns=["doc.spans"], default_config={"vocab_dir": ""})
def make_vocabulary_matcher(nlp: Language, name: str, vocab_dir: str) -> VocabularyMatcher:
    return VocabularyMatcher(nlp, name, vocab_dir=vocab_dir)
