"""From an annotated doc to an ``Extraction``: mentions -> entities (grouped, typed), aliases, results, links.

The doc is ``title + "\\n" + abstract``; every offset is mapped back to its field so that
``field_text[start:end] == name`` holds for each piece of evidence.

A mention is a stretch of text some rule names (vocabulary, coined name, cue phrase, acronym definition).
Overlapping mentions keep the longest; the same surface form elsewhere joins it; an acronym joins its long
form; names of one vocabulary concept join. Each group's type comes from its strongest rule (``WEIGHTS``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from dataclasses import dataclass, field

from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

from kg.core import identity
from kg.core.domain import FAMILY_TYPES, FIELD_FOR_TYPE, PROPOSABLE_TYPES
from kg.core.identity import UnionFind
from kg.core.urls import find_links
from kg.core.vocabularies import Concept
from kg.extraction import names as name_rules
from kg.extraction import resolver
from kg.extraction.abbreviations import Abbreviation, abbreviations_of
from kg.extraction.mentions import VOCABULARY, char_spans, mentions_by, name_mentions
from kg.extraction.records import Alias, Entity, Evidence, Extraction, Link, Result
from kg.extraction.results import Span as ResultSpan
from kg.extraction.results import find_results
from kg.extraction.text import doc_text, overlaps
from kg.extraction.vocabulary import VocabularyMatcher

# how much each rule's word on an entity's type counts; the strongest wins
WEIGHTS = {
    "title": 6,
    "proposal": 6,
    "proposal-near": 5,
    "naming": 5,
    "vocab": 4,
    "task-list": 3.6,
    "dataset-cue": 3.5,
    "abbreviation": 3,
    "title-task": 3,
    "version": 3,
    "vocab-extended": 2.5,
    "abbreviation-head": 2,
    "technique-named": 2.5,
    "in-terms-of": 2,
    "coined": 1,
    "recurrence": 0,
}
# head nouns that make a long form a method name; a long form ending in "framework" stays generic here
METHOD_HEADS = name_rules.METHOD_HEADS - {"framework"}
# "contextual inside-outside (CIO) layer": a noun after the acronym that makes the whole a method
PAREN_HEADS = frozenset(
    ["layer", "layers", "module", "modules", "block", "blocks", "network", "architecture", "algorithm"]
)
TECHNIQUE_HEADS = frozenset(
    ["learning", "biasing", "monitoring", "training", "tuning", "fusion", "distillation"]
)
VERSION = re.compile(
    r"(?:[-\u2010]|(?<=[A-Za-z])(?=\d)|'(?=\d))"
    r"(?:v?\d+(?:\.\d+)*[A-Za-z]?|[IVX]{1,3}|base|large|BASE|LARGE|Base|Large|small|tiny|XL|XXL)(?![\w-])"
    r"|\s(?:v?\d\.\d)(?!\w|\.\d)"
    r"|\s(?:(?:Competition|Shared)\s)?Task\s\d+(?!\w|\.\d)"
    r"|\s[A-Z][a-z]+-to-[A-Z][a-z]+(?![\w-])"
)
VERSION_TAIL = re.compile(
    r"(?:[-\u2010 ']?(?:v?\d+(?:\.\d+)*[A-Za-z]?|[IVX]{1,3}|base|large|small|tiny|XL|XXL)|"
    r"\s(?:(?:Competition|Shared)\s)?Task\s\d+|\s[A-Z][a-z]+-to-[A-Z][a-z]+)+$"
)
GENERIC_BEFORE_ATTENTION = frozenset(
    [
        "increasing",
        "significant",
        "much",
        "more",
        "great",
        "growing",
        "considerable",
        "little",
        "less",
        "widespread",
        "special",
        "particular",
        "careful",
        "close",
        "extensive",
        "substantial",
        "broad",
        "recent",
        "attracted",
        "received",
        "gained",
        "garnered",
        "draws",
        "drawn",
        "paid",
        "pay",
        "wide",
        "attract",
        "receive",
        "gain",
        "garner",
        "draw",
    ]
)
# nouns that make a technique word a mere modifier: "attention layers", "attention heads"
STRUCTURE_NOUNS = frozenset(
    [
        "layer",
        "layers",
        "head",
        "heads",
        "block",
        "blocks",
        "matrix",
        "matrices",
        "module",
        "modules",
        "weight",
        "weights",
        "map",
        "maps",
        "score",
        "scores",
        "computation",
        "pattern",
        "patterns",
        "span",
        "spans",
        "window",
        "windows",
        "value",
        "values",
    ]
)
NOT_METRIC_BEFORE = frozenset(
    [
        "bit",
        "bits",
        "half",
        "full",
        "single",
        "double",
        "mixed",
        "low",
        "high",
        "floating",
        "numerical",
        "arithmetic",
    ]
)
GENERIC_HYPHENATED = frozenset(
    [
        "large-scale",
        "high-quality",
        "real-world",
        "well-known",
        "so-called",
        "long-standing",
        "widely-used",
        "commonly-used",
        "fine-grained",
        "coarse-grained",
        "high-level",
        "low-level",
        "task-specific",
        "domain-specific",
        "data-driven",
        "open-source",
        "general-purpose",
        "state-of-the-art",
        "off-the-shelf",
        "well-studied",
        "well-established",
        "time-consuming",
        "cutting-edge",
        "non-trivial",
        "small-scale",
        "medium-sized",
        "large-sized",
        "multi-step",
    ]
)


@dataclass(eq=False)
class Mention:
    start: int
    end: int
    type: str | None
    source: str
    concept: Concept | None = None
    proposed: bool = False
    base: str | None = None  # the concept a versioned name extends ("ResNet" for "ResNet-32")
    pair: int = -1  # index of the acronym definition this mention belongs to

    @property
    def weight(self) -> float:
        return WEIGHTS.get(self.source, 1) if self.type else 0


@dataclass
class FieldMap:
    """Maps offsets in ``title\\nabstract`` to (field, offset in field) and finds evidence sentences."""

    title: str
    abstract: str
    sentences: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [s for s, _ in self.sentences]  # for bisection, computed once

    def evidence(self, start: int, end: int) -> Evidence:
        in_title = start <= len(self.title)
        name, offset = ("title", 0) if in_title else ("abstract", len(self.title) + 1)
        text = self.title if in_title else self.abstract
        i = bisect_right(self._starts, start) - 1
        s_start, s_end = self.sentences[i] if i >= 0 else (start, end)
        s_start, s_end = max(s_start, offset), min(max(s_end, end), offset + len(text))
        return Evidence(name, text[s_start - offset : s_end - offset].strip(), start - offset, end - offset)


def sentence_offsets(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of the doc's sentences, read from arrays (``doc.sents`` builds a Span
    per sentence and is several times slower)."""
    if not len(doc):
        return []
    arrays = doc.to_array([SENT_START, IDX])
    starts = arrays[arrays[:, 0] == 1, 1].tolist() or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    text = doc_text(doc)
    offsets = []
    for s, e in zip(starts, [*starts[1:], len(text)], strict=True):
        while e > s and text[e - 1].isspace():
            e -= 1
        offsets.append((s, e))
    return offsets


def _extend_left(text: str, start: int, surface: str, words: int = 4) -> int:
    """ "multi-layer" + "feature fusion", "Human-Machine Mixed" + "Text Detection", "Moving" + "MNIST": a
    known phrase with the modifiers the text puts before it (at most ``words`` capitalised ones)."""
    if surface == surface.lower():
        m = re.search(r"(?<![\w-])([a-z]+-[a-z]+) $", text[max(0, start - 40) : start])
        if m and m.group(1) not in GENERIC_HYPHENATED:
            return start - len(m.group(0))
        return start
    if all(w[:1].isupper() for w in surface.split()):
        new_start = start
        for _ in range(words):
            m = re.search(r"(?<![\w-])([A-Z][\w]*(?:-[\w]+)*) $", text[max(0, new_start - 40) : new_start])
            if (
                not m
                or m.group(1).lower() in name_rules.FUNCTION_WORDS
                or name_rules.EVALUATIVE.fullmatch(m.group(0))
            ):
                break
            candidate = new_start - len(m.group(0))
            if name_rules._sentence_start(text, candidate):
                break
            new_start = candidate
        return new_start
    return start


def _vocab_mentions(doc: Doc, concepts: dict[str, Concept]) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Known names, minus phrases that are only modifiers here ("high-precision", "attention heads",
    "received attention"); the second list is where non-entity names (GitHub, LLMs) sit."""
    text = doc_text(doc)
    mentions, blocked = [], []
    for span in mentions_by(doc, VOCABULARY):
        start, end = span.start_char, span.end_char
        if span.label_ == "nonentity":
            blocked.append((start, end))
            continue
        surface = text[start:end]
        lower = surface.lower()
        prev_words = re.findall(r"[\w]+", text[max(0, start - 30) : start])
        next_word = re.match(r"\s+([\w]+)", text[end : end + 30])
        if surface == lower:
            if (start > 0 and text[start - 1] in "/") or re.match(r"-[A-Za-z]", text[end : end + 2]):
                continue
            if start > 0 and text[start - 1] == "-" and span.label_ != "task":
                continue
        if span.label_ == "technique" and next_word and next_word.group(1).lower() in STRUCTURE_NOUNS:
            continue
        if lower in ("attention", "attentions") and (
            (prev_words and prev_words[-1].lower() in GENERIC_BEFORE_ATTENTION)
            or (next_word and next_word.group(1) == "to")
        ):
            continue
        if span.label_ == "metric" and prev_words and prev_words[-1].lower() in NOT_METRIC_BEFORE:
            continue
        source = "vocab"
        if span.label_ in ("technique", "task", "dataset"):
            capitalised_words = {"dataset": 1, "task": 4}.get(
                span.label_, 0
            )  # "Moving MNIST", not "Decoupled Mixup"
            new_start = _extend_left(text, start, surface, capitalised_words)
            if (
                span.label_ == "dataset"
                and new_start < start
                and not text[new_start:start].strip()[:1].isupper()
            ):
                new_start = start
            source, start = ("vocab-extended" if new_start < start else source), new_start
        # "multi-layer feature fusion" still is feature fusion; "Moving MNIST" is not MNIST, nor is
        # "Decoupled Mixup" Mixup: a capitalised modifier makes a new name
        renamed = source == "vocab-extended" and text[start : start + 1].isupper()
        concept = None if renamed else concepts.get(span.kb_id_)
        mentions.append(Mention(start, end, span.label_, source, concept))
    return mentions, blocked


def _extend_version(text: str, m: Mention) -> Mention:
    """ "ResNet" + "-50", "SemEval" + "-2024 Task 8", "wav2vec" + " 2.0": a known name with its version."""
    if m.type not in FAMILY_TYPES:  # the kinds whose names carry versions
        return m
    match = VERSION.match(text, m.end)
    while match and match.end() > m.end and "\n" not in match.group(0):
        base = m.base or (m.concept.iri if m.concept else None)
        m = Mention(
            m.start,
            match.end(),
            m.type,
            "version" if m.source == "coined" else m.source,
            None,
            m.proposed,
            base,
        )
        match = VERSION.match(text, m.end)
    return m


def _known_part(name: str, lookup) -> Concept | None:
    """ "Camelyon17-WILDS" is a WILDS dataset, "LLaMA-Adapter" a LLaMA method: the type of a known part."""
    for part in sorted(re.split(r"[-/]", name), key=len, reverse=True):
        known = lookup(part) if len(part) > 1 else None
        if known is not None and known.kind != "nonentity":
            return known
    return None


def _version_key(name: str) -> str:
    """What tells versions apart: "SemEval-2024 Task 8" and "SemEval'24 Competition Task 8" -> "24 8",
    "BERT-LARGE" -> "large"."""
    marks = re.findall(r"\d+|(?<![a-z])(?:base|large|small|tiny|xl|xxl)(?![a-z])", name.lower())
    return " ".join(d[-2:] if len(d) == 4 and d.isdigit() else d for d in marks)


def _type_of_long_form(long: str) -> str | None:
    words = re.findall(r"[\w'-]+", long.lower())
    head = words[-1].split("-")[-1] if words else ""
    if head in name_rules.TASK_HEADS:
        return "task"
    if head in METHOD_HEADS:
        return "method"
    if head in TECHNIQUE_HEADS:
        return "technique"
    return None


def _abbreviation_mentions(text: str, abbreviations: list[Abbreviation], lookup) -> list[Mention]:
    """Short and long form of each definition, typed by a known name, the long form's head noun, or the noun
    after the parenthesis ("contextual inside-outside (CIO) layer"); mixed-case coinages are methods."""
    mentions = []
    for i, a in enumerate(abbreviations):
        kind = None
        for candidate in (a.long, a.short):
            known = lookup(candidate)
            if known is not None:
                kind = known.kind
                break
        source = "abbreviation" if kind else "abbreviation-head"
        if kind is None:
            kind = _type_of_long_form(a.long)
        after = re.match(r"\)\s+([\w-]+)", text[a.short_end : a.short_end + 40])
        full = None
        if after and a.long_start < a.short_start and kind is None:
            head = after.group(1).lower()
            head_type = "task" if head in name_rules.TASK_HEADS else "method" if head in PAREN_HEADS else None
            if head_type:
                kind = head_type
                full = Mention(a.long_start, a.short_end + after.end(), kind, source, pair=i)
        parts_known = [lookup(part) for part in re.split(r"[-/]", a.short)]
        capitalised = sum(w[:1].isupper() for w in a.long.split()) * 2 >= len(a.long.split())
        coinage = any(ch.islower() for ch in a.short.rstrip("s")) and capitalised
        if kind is None and coinage and not any(parts_known):
            kind = "method"
        if kind == "nonentity":
            kind = None
        mentions += [
            Mention(a.short_start, a.short_end, kind, source, pair=i),
            Mention(a.long_start, a.long_end, kind, source, pair=i),
        ]
        if full is not None:
            mentions.append(full)
    return mentions


def _stronger(m: Mention, other: Mention) -> bool:
    """Does ``m`` decide the type over ``other``? "tasks like transfer learning": the text's word beats a
    technique vocabulary, not a known dataset or method."""
    if not m.type:
        return False
    if m.source == "task-list" and other.type == "technique":
        return True
    if other.source == "vocab" and other.type in ("dataset", "method") and m.source == "task-list":
        return False
    return m.weight > other.weight


def _drop_nested(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions (a tie goes to the stronger rule). A mention at the same
    offsets as a kept one lends it its type, concept and flags; an acronym stays inside its own definition."""
    ordered = sorted(mentions, key=lambda m: (-(m.end - m.start), m.pair < 0, -m.weight, m.start))
    kept: list[Mention] = []
    # (start, index in kept), sorted: a kept mention clashing with m starts less than the longest kept
    # mention's length before m, so only those are looked at
    starts: list[tuple[int, int]] = []
    longest = 0
    at: dict[tuple[int, int], Mention] = {}
    for m in ordered:
        same = at.get((m.start, m.end))
        if same is not None:
            if _stronger(m, same):
                same.type, same.source = m.type, m.source
            same.proposed = same.proposed or m.proposed
            same.concept = same.concept or m.concept
            same.base = same.base or m.base
            same.pair = same.pair if same.pair >= 0 else m.pair
            continue
        nearby = starts[bisect_left(starts, (m.start - longest + 1,)) : bisect_left(starts, (m.end,))]
        clash = [kept[i] for _, i in nearby if m.start < kept[i].end]
        if clash and not all(k.pair >= 0 and k.pair == m.pair for k in clash):
            continue
        insort(starts, (m.start, len(kept)))
        longest = max(longest, m.end - m.start)
        kept.append(m)
        at[(m.start, m.end)] = m
    return sorted(kept, key=lambda m: m.start)


def _recurrences(text: str, kept: list[Mention], excluded: list[tuple[int, int]]) -> list[Mention]:
    """Every other occurrence of a name already found ("Unified Layer Skipping" in the title too), as a
    whole word, plural "s" allowed; lower-case names in any case."""
    found, seen = [], set()
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ".lower() is two code points: keep every offset where it was
        lowered = "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)
    for m in kept:
        surface = text[m.start : m.end]
        if not (m.type or m.proposed or m.pair >= 0) or surface in seen or len(surface) < 2:
            continue
        seen.add(surface)
        haystack, needle = (lowered, surface) if surface == surface.lower() else (text, surface)
        pos = haystack.find(needle)
        while pos >= 0:
            end = pos + len(needle)
            if (
                end < len(text)
                and text[end] == "s"
                and (end + 1 == len(text) or not _word_char(text[end + 1]))
            ):
                end += 1
            before_ok = pos == 0 or not _word_char(text[pos - 1])
            after_ok = end == len(text) or not _word_char(text[end])
            if before_ok and after_ok and not overlaps(pos, end, excluded) and "\n" not in text[pos:end]:
                found.append(Mention(pos, end, None, "recurrence"))
            pos = haystack.find(needle, pos + 1)
    return found


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def _group_type(ms: list[Mention]) -> tuple[str | None, Mention | None]:
    typed = [m for m in ms if m.type]
    if not typed:
        return None, None
    best = typed[0]
    for m in typed[1:]:
        if _stronger(m, best):
            best = m
    return best.type, best


def build_extraction(
    doc: Doc,
    paper_id: str,
    title: str,
    abstract: str,
    vocabulary: VocabularyMatcher,
    *,
    model: resolver.Model | None | bool = True,
    collect: list[resolver.Candidate] | None = None,
) -> Extraction:
    """Everything the components marked on ``doc``, as one paper's ``Extraction``.

    ``vocabulary`` resolves concept IRIs and finds known names (it types "ResNet-32" by "ResNet").
    ``model`` is the resolver's model (True: the shipped one; None or False: the rules decide alone);
    ``collect`` gathers every candidate with its features, for training."""
    if model is True:
        model = resolver.load_model()
    lookup = vocabulary.lookup
    text = doc_text(doc)
    fmap = FieldMap(title, abstract, sentence_offsets(doc))
    title_end = len(title)
    extraction = Extraction(paper_id=paper_id)

    # links, per field; names inside URLs are not entities
    url_ranges: list[tuple[int, int]] = []
    for field_text, offset in ((title, 0), (abstract, title_end + 1)):
        for link in find_links(field_text):
            url_ranges.append((offset + link.start, offset + link.end))
            evidence = fmap.evidence(offset + link.start, offset + link.end)
            record = Link(link.url, link.kind, evidence, link.raw, link.path, link.host, link.confidence)
            (extraction.repos if link.kind == "repository" else extraction.project_pages).append(record)

    abbreviations = [
        a
        for a in abbreviations_of(doc)
        if not overlaps(a.short_start, a.short_end, url_ranges)
        and not overlaps(a.long_start, a.long_end, url_ranges)
    ]
    for a in abbreviations:
        extraction.aliases.append(Alias(a.short, a.long, fmap.evidence(a.short_start, a.short_end)))
    defined = {a.short for a in abbreviations}

    mentions, blocked = _vocab_mentions(doc, vocabulary.concepts)
    for span in name_mentions(doc):
        start_s, end_s, source = span.id_.split(":", 2)
        start, end = int(start_s), int(end_s)
        kind = None if span.label_ == "name" else span.label_
        concept = base = known = None
        cue = source
        surface = text[start:end]
        if kind is None:
            known = lookup(surface) or vocabulary.lookup_folded(surface)
            base_concept = known or lookup(VERSION_TAIL.sub("", surface)) or _known_part(surface, lookup)
            if base_concept is not None and base_concept.kind == "nonentity":
                continue
            if base_concept is not None:
                kind, source, concept = base_concept.kind, "version", known
                base = None if known else base_concept.iri
            elif surface not in defined:
                kind = "method"  # a coined name: a method unless a cue says otherwise
        elif (known := lookup(surface)) is not None and known.kind == "nonentity":
            continue
        # a name a library lists (timm's IFormer) is still the paper's own when its title or a proposal
        # cue says so; a hand-written vocabulary name (BERT) is not
        library_name = known is not None and known.generated
        if library_name:
            source = cue
        proposed = source in ("title", "proposal") or (
            source in ("naming", "proposal-near") and (lookup(surface) is None or library_name)
        )
        mentions.append(Mention(start, end, kind, source, concept, proposed, base))
    mentions = [_extend_version(text, m) for m in mentions]
    mentions += _abbreviation_mentions(text, abbreviations, lookup)

    excluded = url_ranges + [(title_end, title_end + 1)]
    mentions = [
        m
        for m in mentions
        if not overlaps(m.start, m.end, excluded)
        and not (m.source in ("coined", "version") and overlaps(m.start, m.end, blocked))
        and text[m.start : m.end].strip()
    ]
    kept = _drop_nested(mentions)
    kept = _drop_nested(kept + _recurrences(text, kept, excluded))
    # an acronym the text defines otherwise than the vocabulary ("FCN" = Fusing Cross Network) is not
    # the vocabulary's concept
    redefined = set()
    for a in abbreviations:
        known = lookup(a.short)
        if known is not None and lookup(a.long) is not known:
            redefined.add(identity.key(None, a.short))
    for m in kept:
        if m.concept is not None and identity.key(None, text[m.start : m.end]) in redefined:
            m.concept = None

    groups: UnionFind[int] = UnionFind()
    first_by_key: dict[tuple, int] = {}
    for i, m in enumerate(kept):
        keys = [("surface", identity.key(None, text[m.start : m.end]))]
        if m.concept is not None:
            keys.append(
                ("concept", m.concept.iri, _version_key(text[m.start : m.end]))
            )  # NTU-60 is not NTU-120
        if m.base is not None:
            keys.append(("version", m.base, _version_key(text[m.start : m.end])))
        if m.pair >= 0:
            keys.append(("pair", m.pair))
        for key in keys:
            groups.union(i, first_by_key.setdefault(key, i))
    for a in abbreviations:  # a definition whose forms were absorbed elsewhere still joins them
        ids = [
            first_by_key.get(("surface", identity.key(None, a.short))),
            first_by_key.get(("surface", identity.key(None, a.long))),
        ]
        if None not in ids:
            groups.union(ids[0], ids[1])

    members: dict[int, list[Mention]] = {}
    for i, m in enumerate(kept):
        members.setdefault(groups.find(i), []).append(m)

    long_forms = {identity.key(None, a.short): a.long for a in abbreviations}
    groups_in_order = sorted(members.values(), key=lambda ms: min(m.start for m in ms))
    context = resolver.Context(text, title_end, fmap.sentences) if model or collect is not None else None
    decided = _resolve(text, context, fmap, groups_in_order, kept, excluded, model or None, collect)
    if model and model.proposal and context is not None:
        proposed_flags = _proposed_by_model(text, context, decided, model)
    else:
        proposed_flags = [any(m.proposed for m in ms) for ms, _, _ in decided]
    proposed_entities: list[tuple[int, Entity]] = []
    typed_groups: list[tuple[str, list[Mention]]] = []
    for (ms, kind, probability), is_proposed in zip(decided, proposed_flags, strict=True):
        if kind not in FIELD_FOR_TYPE:
            continue
        best = _group_type(ms)[1] or ms[0]
        typed_groups.append((kind, ms))
        forms: list[str] = []
        for m in ms:
            surface = text[m.start : m.end]
            if surface not in forms:
                forms.append(surface)
        first = ms[0]
        name = text[first.start : first.end]
        concept = next((m.concept for m in ms if m.concept is not None), None)
        if concept is not None and _version_key(concept.pref_label) != _version_key(name):
            concept = None  # "NTU-60" is a label of "NTU RGB+D" but a dataset of its own
        entity = Entity(
            name=name,
            type=kind,
            canonical=concept.pref_label if concept else long_forms.get(identity.key(None, name), name),
            confidence=resolver.confidence(probability)
            if probability is not None
            else round(min(1.0, 0.5 + best.weight / 12), 2),
            evidence=fmap.evidence(first.start, first.end),
            aliases=forms[1:],
            concept=concept.iri if concept else None,
        )
        getattr(extraction, FIELD_FOR_TYPE[kind]).append(entity)
        if is_proposed and kind in PROPOSABLE_TYPES:
            proposing = [m for m in ms if m.proposed] or ms
            proposed_entities.append((min(m.start for m in proposing), entity))
    extraction.proposed = [e for _, e in sorted(proposed_entities, key=lambda p: p[0])]
    char_spans(
        doc, [(m.start, m.end, kind) for kind, ms in typed_groups for m in ms]
    )  # the resolved entities

    spans_of: dict[str, list[ResultSpan]] = {"metric": [], "method": [], "dataset": []}
    for kind, ms in typed_groups:
        if kind in spans_of:
            spans_of[kind] += [ResultSpan(m.start, m.end, text[m.start : m.end]) for m in ms]
    own = next((e for e in extraction.proposed if e.type == "method"), None)  # the paper's own method
    for found in find_results(
        text,
        fmap.sentences,
        spans_of["metric"],
        spans_of["method"],
        spans_of["dataset"],
        ResultSpan(own.evidence.start, own.evidence.end, own.name) if own else None,
    ):
        if overlaps(found.start, found.end, url_ranges):
            continue
        extraction.results.append(
            Result(
                metric=found.metric.name,
                value=found.value,
                kind=found.kind,
                dataset=found.dataset.name if found.dataset else None,
                method=found.method.name if found.method else None,
                confidence=0.7,
                evidence=fmap.evidence(found.start, found.end),
            )
        )
    return extraction


def _resolve(
    text: str,
    context: resolver.Context | None,
    fmap: FieldMap,
    groups: list[list[Mention]],
    kept: list[Mention],
    excluded: list[tuple[int, int]],
    model: resolver.Model | None,
    collect: list[resolver.Candidate] | None,
) -> list[tuple[list[Mention], str | None, float | None]]:
    """Each mention group with its final kind (None: not an entity) and the model's probability: the rules'
    groups, then word n-grams no rule named. Without a model the rules' types stand and no n-gram is added."""
    for ms in groups:
        ms.sort(key=lambda m: m.start)
    if context is None or (model is None and collect is None):
        return _rule_kinds(groups)
    candidates = [_candidate(text, ms) for ms in groups]
    heads = model.heads if model is not None and collect is None else None
    spans = [(m.start, m.end) for m in kept]
    ngrams = resolver.ngram_candidates(context, fmap.sentences, excluded, spans, heads)
    repeats = Counter(text[c.start : c.end].lower() for c in ngrams)  # a name recurs; a chance phrase rarely
    for candidate in ngrams:
        candidate.occurrences = repeats[text[candidate.start : candidate.end].lower()]
    for candidate in (*candidates, *ngrams):
        candidate.features = context.features(candidate)
    if collect is not None:
        proposing = sum(c.proposed for c in candidates)
        for candidate in candidates:
            candidate.proposal_features = context.proposal_features(candidate, proposing - candidate.proposed)
        collect.extend(candidates)
        collect.extend(ngrams)
    if model is None:
        return _rule_kinds(groups)
    decided = [
        [ms, kind, probability]
        for ms, (kind, probability) in zip(groups, resolver.decide(model, candidates), strict=True)
    ]
    group_of = {id(m): g for g, (ms, _, _) in enumerate(decided) for m in ms}
    by_key: dict[str, int] = {}
    for candidate, kind, probability in resolver.select_ngrams(ngrams, resolver.decide(model, ngrams)):
        inside = [
            (m, decided[group_of[id(m)]])
            for m in kept
            if candidate.start <= m.start and m.end <= candidate.end and id(m) in group_of
        ]
        if any(rival[1] and rival[2] >= probability for _, rival in inside):
            continue  # a rule's mention the resolver trusts more than this longer reading
        for (
            m,
            rival,
        ) in inside:  # the longer reading wins: the shorter one is no mention of its group any more
            rival[0].remove(m)
        key = identity.key(None, text[candidate.start : candidate.end])
        mention = Mention(candidate.start, candidate.end, kind, "learned")
        if key in by_key:
            decided[by_key[key]][0].append(mention)
            continue
        by_key[key] = len(decided)
        decided.append([[mention], kind, probability])
    # an n-gram whose name an earlier group already holds (under another span) adds nothing: dropped
    keys = {}
    for index, (ms, kind, _) in enumerate(decided):
        for m in ms:
            keys.setdefault(identity.key(None, text[m.start : m.end]), index)
    out = []
    for index, (ms, kind, probability) in enumerate(decided):
        if not ms:
            continue
        if (
            ms[0].source == "learned"
            and keys.get(identity.key(None, text[ms[0].start : ms[0].end]), index) != index
        ):
            continue
        ms.sort(key=lambda m: m.start)
        out.append((ms, kind, probability))
    return sorted(out, key=lambda item: item[0][0].start)


def _proposed_by_model(
    text: str,
    context: resolver.Context,
    decided: list[tuple[list[Mention], str | None, float | None]],
    model: resolver.Model,
) -> list[bool]:
    """For each decided group, whether the model calls it the paper's own method or dataset."""
    candidates = [_candidate(text, ms) for ms, _, _ in decided]
    proposing = sum(c.proposed for c in candidates)
    out = []
    for candidate, (_, kind, _) in zip(candidates, decided, strict=True):
        if kind not in PROPOSABLE_TYPES:
            out.append(False)
            continue
        features = context.proposal_features(candidate, proposing - candidate.proposed) + [f"kind={kind}"]
        out.append(model.proposal_probability(features) >= model.proposal_accept)
    return out


def _rule_kinds(groups: list[list[Mention]]) -> list[tuple[list[Mention], str | None, float | None]]:
    """Each group with the type its strongest rule gives (no model: the rules decide alone)."""
    return [(ms, _group_type(ms)[0], None) for ms in groups]


def _candidate(text: str, ms: list[Mention]) -> resolver.Candidate:
    kind = _group_type(ms)[0]
    forms = tuple(dict.fromkeys(text[m.start : m.end] for m in ms))
    concept = next((m.concept for m in ms if m.concept is not None), None)
    return resolver.Candidate(
        ms[0].start,
        ms[0].end,
        kind,
        frozenset(m.source for m in ms),
        forms,
        concept.kind if concept else None,
        any(m.pair >= 0 for m in ms),
        any(m.proposed for m in ms),
        len(ms),
        spans=tuple((m.start, m.end) for m in ms),
        known="" if concept is None else "library" if concept.generated else "hand",
    )
