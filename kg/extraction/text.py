"""The text of a doc, computed once: spaCy rebuilds ``doc.text`` from the tokens on every access."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, cached in ``doc.user_data["kg_text"]`` (every kg component reads it)."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def make_doc(nlp: Language, text: str) -> Doc:
    """The tokenized doc of ``text``, its text already cached: the caller has it, no need to rebuild it."""
    doc = nlp.make_doc(text)
    doc.user_data["kg_text"] = text
    return doc


def overlaps(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    """Does ``[start, end)`` share a character with any of ``ranges``?"""
    return any(s < end and start < e for s, e in ranges)
