"""Acronym definitions: "long form (SF)" and "SF (long form)", after Schwartz & Hearst (2003).

``find_abbreviations(text)`` is the algorithm on a plain string; ``AbbreviationDetector`` puts its result on
``doc._.abbreviations`` (tuples; ``abbreviations_of(doc)`` reads them as ``Abbreviation``, offsets into ``doc.text``).
A title of the form "SF: Long Form for ..." defines SF too when the words after the colon spell it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extraction.mentions import ABBREVIATION, add_mentions
from kg.extraction.text import doc_text

SHORT_FORM = re.compile(r"^[A-Za-z0-9][\w'^+&.\-/]{0,14}$")
PAREN = re.compile(r"\(([^()]{1,200})\)")
WORD_BEFORE = re.compile(r"([\w][\w'^+&.\-/]*)\s*$")


class Abbreviation(NamedTuple):
    """A definition; a tuple so docs carrying it serialise (``nlp.pipe(n_process=...)``)."""

    short: str
    short_start: int  # character offsets into the text searched
    long: str
    long_start: int

    @property
    def short_end(self) -> int:
        return self.short_start + len(self.short)

    @property
    def long_end(self) -> int:
        return self.long_start + len(self.long)


def is_short_form(text: str) -> bool:
    """An acronym candidate: one token, 2-15 characters, a capital letter, not mostly digits."""
    if not SHORT_FORM.match(text) or len(text) < 2:
        return False
    letters = sum(ch.isalpha() for ch in text)
    return any(ch.isupper() for ch in text) and letters >= 2 and letters >= len(text) / 2


def best_long_form(short: str, long: str) -> int | None:
    """Start index in ``long`` of the shortest suffix that spells ``short`` (Schwartz-Hearst), or None.

    Every character of the short form must appear in order, right to left; its first character must
    begin a word. The start is moved back to the preceding space so hyphenated words stay whole.
    """
    s, i = len(short) - 1, len(long) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while i >= 0 and (long[i].lower() != ch or (s == 0 and i > 0 and long[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    return long.rfind(" ", 0, i + 1) + 1


def _valid_pair(short: str, long: str) -> bool:
    words = long.split()
    letters = sum(ch.isalnum() for ch in short)
    return (
        len(long) > len(short)
        and short.lower() not in re.split(r"[\s\-/]+", long.lower())
        and 1 <= len(words) <= min(letters + 5, letters * 2)
        and long[:1].isalnum()
        and "(" not in long
        and ")" not in long
        and words[0].lower() not in FUNCTION_WORDS
        and not _spelled_out(short, words)
    )


def _spelled_out(short: str, words: list[str]) -> bool:
    """ "AD-BERT" is not defined by "a BERT model for AD": every part of it appears as a word already."""
    parts = [p for p in re.split(r"[-/]", short) if p]
    lowered = {w.lower().strip(",.;:") for w in words}
    return len(parts) > 1 and all(p.lower() in lowered for p in parts)


def _core(short: str) -> str:
    """The acronym part of a name like "PCB-Merging": its leading capitals."""
    match = re.match(r"[A-Z]{2,}(?=-)", short)
    return match.group(0) if match else short


FOR_SHORT = re.compile(
    r",?\s+(?:or\s+|i\.e\.,?\s+)?\(?([\w][\w'^+&.\-]*)\s+for\s+short\b"
    r"|,?\s+(?:a\.k\.a\.?|also\s+known\s+as|abbreviated\s+as|or\s+simply)\s+([\w][\w'^+&\-]*[\w])"
)


def _last_words(text: str, start: int, end: int, count: int) -> int:
    """Where the last ``count`` space-separated words of ``text[start:end]`` begin, as
    ``" ".join(text[start:end].split(" ")[-count:])`` would have them, without splitting a whole line."""
    position = end
    for _ in range(count):
        position = text.rfind(" ", start, position)
        if position < 0:
            return start
    return position + 1


def _last_word_start(text: str) -> int:
    """Where the last run of non-space characters of ``text`` begins (0 when there is none)."""
    stripped = text.rstrip()
    return len(stripped) - len(stripped.rsplit(None, 1)[-1]) if stripped else 0


def _long_before(text: str, short: str, end: int) -> tuple[str, int] | None:
    """The long form ending at ``end`` that spells ``short``, within the line."""
    line_start = text.rfind("\n", 0, end) + 1
    before_end = line_start + len(text[line_start:end].rstrip())
    window_start = _last_words(text, line_start, before_end, min(len(short) + 5, len(short) * 2) + 1)
    window = text[window_start:before_end]
    start = best_long_form(short, window)
    if start is None:
        return None
    long = re.sub(r"^[^\w]+", "", window[start:].strip())
    long_start = window_start + start
    long_start = text.find(long, long_start)
    return (long, long_start) if long and long_start >= 0 and _valid_pair(short, long) else None


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Acronym definitions in ``text`` with offsets, in order of appearance."""
    found: list[Abbreviation] = []
    for match in FOR_SHORT.finditer(text):  # "Inception Transformer, or iFormer for short", "X, a.k.a. SF"
        group = 1 if match.group(1) else 2
        short = match.group(group)
        long = _long_before(text, short, match.start()) if is_short_form(short) else None
        if long:
            found.append(Abbreviation(short, match.start(group), long[0], long[1]))
    for match in PAREN.finditer(text):
        inner = match.group(1)
        inner_stripped = inner.strip()
        inner_start = match.start(1) + (len(inner) - len(inner.lstrip()))
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        # "long form (SF)"
        first = re.split(r"[;,]\s", inner_stripped)[0].strip()
        if is_short_form(first) and " " not in first:
            before_end = line_start + len(before.rstrip())
            window_start = _last_words(text, line_start, before_end, min(len(first) + 5, len(first) * 2) + 1)
            window = text[window_start:before_end]
            start = best_long_form(first, window)
            if start is not None:
                long = window[start:].strip()
                long = re.sub(r"^[^\w]+", "", long)
                if long and _valid_pair(first, long):
                    long_start = text.find(long, window_start + start)
                    if long_start >= 0:
                        found.append(Abbreviation(first, inner_start, long, long_start))
                        continue
        # "SF (long form)"
        word = WORD_BEFORE.search(before, _last_word_start(before))  # the word is within the last one
        if word and " " in inner_stripped and is_short_form(word.group(1)):
            short = word.group(1)
            long = re.split(r"[;,]\s|\s[-\u2013\u2014]\s", inner_stripped)[0].strip()
            start = best_long_form(_core(short), long)
            if start == 0 and _valid_pair(_core(short), long) and len(long.split()) >= 2:
                found.append(Abbreviation(short, line_start + word.start(1), long, inner_start))
    return found


FUNCTION_WORDS = {"a", "an", "the", "of", "for", "and", "by", "with", "in", "on", "to", "via"}
HEAD_NOUNS = {"system", "model", "framework", "network", "method", "architecture", "approach", "algorithm"}


def spelled_by_initials(short: str, words: list[str]) -> bool:
    """True when the content words' initials are exactly the short form's capitals: HaLP = Hallucinating
    Latent Positives, ITCFN = Incomplete Triple-Modal Co-Attention Fusion Network."""
    capitals = [ch.lower() for ch in short if ch.isupper()]
    initials = [w[0].lower() for w in words if w.lower() not in FUNCTION_WORDS and w[:1].isalpha()]
    return len(capitals) >= 2 and capitals == initials


def _initials_definition(short: str, text: str, offset: int) -> tuple[str, int] | None:
    """The shortest run of words at the start of ``text`` spelling ``short`` by initials."""
    words = list(re.finditer(r"[^\s,;:()]+", text))
    for n in range(2, min(len(words), len(short) + 4) + 1):
        end = words[n - 1].end()
        if (
            spelled_by_initials(short, [w.group(0) for w in words[:n]])
            and best_long_form(short, text[:end]) == 0
        ):
            if (
                n < len(words)
                and words[n].group(0).lower() in HEAD_NOUNS
                and text[end : words[n].start()] == " "
            ):
                end = words[n].end()
            return text[:end], offset
    return None


def title_abbreviation(title: str) -> Abbreviation | None:
    """ "HaLP: Hallucinating Latent Positives for ..." defines HaLP when the words after the colon spell it."""
    match = re.match(r"\s*([\w][\w'^+&.\-]*)\s*:\s+", title)
    if not match or not is_short_form(match.group(1)):
        return None
    found = _initials_definition(_core(match.group(1)), title[match.end() :], match.end())
    if found:
        return Abbreviation(match.group(1), match.start(1), found[0], found[1])
    return None


APPOSITIVE = re.compile(r"(?<![\w-])([A-Za-z][\w^+&\-]*[A-Z][\w^+&\-]*), (?:(?:a|an|the) )?(?=\S)")


def appositive_abbreviations(text: str) -> list[Abbreviation]:
    """ "we present ReCAT, a recursive composition augmented Transformer": SF, then words spelling it."""
    found = []
    for match in APPOSITIVE.finditer(text):
        short = match.group(1)
        if not is_short_form(short):
            continue
        rest = text[match.end() : match.end() + 200].split("\n", 1)[0]
        definition = _initials_definition(short, rest, match.end())
        if definition and _valid_pair(short, definition[0]):
            found.append(Abbreviation(short, match.start(1), definition[0], definition[1]))
    return found


class AbbreviationDetector:
    """Sets ``doc._.abbreviations``: a list of ``(short, short_start, long, long_start)`` tuples (read them
    with ``abbreviations_of(doc)``), offsets into ``doc.text``.

    The doc's first line is taken as the title (the pipeline joins title and abstract with a newline); a
    title definition is kept only when the text does not define the same short form itself.
    """

    def __init__(self, nlp: Language, name: str = "kg_abbreviations") -> None:
        self.name = name
        if not Doc.has_extension("abbreviations"):
            Doc.set_extension("abbreviations", default=None)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found = find_abbreviations(text)
        known = {a.short for a in found}
        found += [a for a in appositive_abbreviations(text) if a.short not in known]
        title = text.split("\n", 1)[0]
        from_title = title_abbreviation(title)
        if from_title and from_title.short not in {a.short for a in found}:
            found.append(from_title)
        doc._.abbreviations = [tuple(a) for a in found]
        forms = []
        for a in found:  # both forms join the mention list; the pairs stay in doc._.abbreviations
            for start, end in ((a.short_start, a.short_end), (a.long_start, a.long_end)):
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None and len(span):
                    forms.append(Span(doc, span.start, span.end, label="name", span_id=ABBREVIATION))
        add_mentions(doc, forms)
        return doc


def abbreviations_of(doc: Doc) -> list[Abbreviation]:
    """The definitions ``AbbreviationDetector`` found (plain tuples survive serialisation between processes)."""
    return [Abbreviation(*a) for a in (doc._.abbreviations or [])]


@Language.factory("kg_abbreviations", assigns=["doc._.abbreviations", "doc.spans"])
def make_abbreviation_detector(nlp: Language, name: str) -> AbbreviationDetector:
    return AbbreviationDetector(nlp, name)
