"""The one typed mention list on a spaCy ``Doc``: every component writes its candidates there.

``doc.spans["kg_mentions"]`` holds what each rule found, overlapping spans allowed (a ``SpanGroup``, as
spaCy's own ``SpanRuler`` and ``spancat`` keep theirs). A span's ``label_`` is its kind (one of
``kg.core.domain.ENTITY_TYPES``, ``name`` when the rule knows only that it is a name, ``nonentity`` for a known
non-entity such as "GitHub") and its ``id_`` says which rule wrote it: ``vocab`` for the vocabulary matcher
(whose concept IRI is the ``kb_id_``), ``abbreviation`` for an acronym definition's forms, and
``START:END:CUE`` for the name rules, whose exact characters may lie inside the token-aligned span.

The resolver (``kg.extraction.assemble`` with ``kg.extraction.resolver``) reads this list, settles kind
and boundaries, and writes its decisions to ``doc.spans["kg_entities"]``: one span per entity mention,
labelled with its kind. Results and lineage read those entities and the doc's sentences.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span

MENTIONS_KEY = "kg_mentions"
ENTITIES_KEY = "kg_entities"
VOCABULARY = "vocab"
ABBREVIATION = "abbreviation"


def add_mentions(doc: Doc, spans: Iterable[Span]) -> None:
    """Append ``spans`` to the doc's mention list (components run in turn; none overwrites another's)."""
    spans = list(spans)
    if MENTIONS_KEY in doc.spans:
        doc.spans[MENTIONS_KEY].extend(spans)
    else:
        doc.spans[MENTIONS_KEY] = spans


def mentions_by(doc: Doc, rule: str | None = None) -> list[Span]:
    """The doc's mentions, or those one rule wrote (``vocab``, ``abbreviation``; None for every rule)."""
    spans = list(doc.spans.get(MENTIONS_KEY, []))
    if rule is None:
        return spans
    return [span for span in spans if span.id_ == rule]


def name_mentions(doc: Doc) -> list[Span]:
    """The name rules' mentions (``id_`` = ``START:END:CUE``)."""
    return [span for span in doc.spans.get(MENTIONS_KEY, []) if span.id_.count(":") >= 2]


def char_spans(doc: Doc, offsets: Iterable[tuple[int, int, str]], key: str = ENTITIES_KEY) -> None:
    """Write ``(start, end, label)`` character ranges as a span group, snapped outward to tokens; the exact
    characters stay in each span's ``id_`` ("start:end")."""
    spans = []
    for start, end, label in offsets:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            spans.append(Span(doc, span.start, span.end, label=label, span_id=f"{start}:{end}"))
    doc.spans[key] = spans
