"""Coined and contextual names: what no vocabulary knows but the text marks as a name.

Rules, each a pure function of the text (offsets into it):
- coined tokens: mixed case or digit-bearing names (``HiCMAE``, ``aTLAS``, ``EAGLE-3``, ``DeFTAN-II``);
- the title's prefix before a colon (``HiCMAE: ...``) and "we propose / introduce / present X",
  "named / called / dubbed X": the paper's own names (``proposed``);
- cue phrases that type a name: "on the X and Y datasets", "benchmarks such as X, Y", "tasks like X",
  "in terms of X", "a technique named X", a title's "for <Task Phrase>".

``NameFinder`` writes ``doc.spans["kg_names"]`` (label: entity type, or ``name`` when the type is unknown) and
``doc.spans["kg_proposed"]`` (the names the paper introduces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

NAMES_KEY = "kg_names"
PROPOSED_KEY = "kg_proposed"

# one name-like token: letters/digits with inner hyphens, carets, dots between digits, a trailing ++
TOKEN = r"[A-Za-z0-9][A-Za-z0-9^]*(?:(?:-|\.(?=\d)|'(?=\d))[A-Za-z0-9^]+)*(?:\+\+)?"
TOKEN_RE = re.compile(rf"(?<![\w\-/.@#])({TOKEN})(?![\w@/]|\.\w)")
UNIT_LIKE = re.compile(r"^\d+(?:\.\d+)?[A-Za-z]{1,3}$|^\d+[xX]\d+$|^\d+-(?:bit|d|D|way|shot|layer)s?$")
ROMAN = re.compile(r"^(?:I{1,3}|IV|V|VI{1,3}|IX|X)$")

TASK_HEADS = frozenset(
    "recognition detection classification segmentation prediction estimation generation translation "
    "summarization summarisation retrieval answering parsing tracking forecasting completion identification "
    "synthesis inpainting captioning reconstruction localization localisation conversion enhancement "
    "separation verification recommendation personalization personalisation understanding editing matching "
    "acceleration finetuning fine-tuning extraction labeling labelling tagging restoration super-resolution "
    "denoising navigation manipulation composition modeling modelling reasoning grounding diarization "
    "transcription alignment interpretability".split()
)
PROPOSAL_VERB = re.compile(
    r"\b(?:we|We|paper|work|study|article|and)\s+(?:also\s+|further\s+|then\s+|first\s+)?"
    r"(?:propose|proposes|introduce|introduces|present|presents|develop|develops|design|designs|build|"
    r"release|releases|construct|create|devise|contribute)\b"
)
NAMING_CUE = re.compile(r"\b(?:named|called|dubbed|termed|coined|namely)\s+(?:the\s+|as\s+)?")
NOUN_THEN_NAME = re.compile(
    r"\b(?:framework|model|method|approach|system|architecture|algorithm|module|network|library|toolkit|"
    r"pipeline|agent|benchmark|dataset|corpus)\s+(?=[A-Z])"
)
DATASET_WORDS = r"(?:datasets?|benchmarks?|corpus|corpora|data\s+sets?|challenges?|suites?)"
NAME_SEQ = rf"{TOKEN}(?:\s+(?=[A-Z0-9]){TOKEN}){{0,2}}"
DATASET_LIST = re.compile(
    rf"\b(?i:on|from|of|using|with|in|over|across)\s+(?:the\s+|two\s+|three\s+|four\s+|five\s+)?"
    rf"((?:{NAME_SEQ})(?:\s*,\s*(?:and\s+)?(?:{NAME_SEQ}))*(?:,?\s+(?:and|&)\s+(?:the\s+)?(?:{NAME_SEQ}))?)"
    rf"\s+{DATASET_WORDS}\b"
)
SUCH_AS = re.compile(
    rf"\b{DATASET_WORDS}\s*,?\s*(?:such\s+as|like|including|e\.g\.,?|i\.e\.,?|namely)\s+"
    rf"((?:{NAME_SEQ})(?:\s*,\s*(?:and\s+)?(?:{NAME_SEQ}))*(?:,?\s+(?:and|or)\s+(?:{NAME_SEQ}))?)"
)
TASK_LIST = re.compile(
    r"\btasks?\s*,?\s*(?:such\s+as|like|including|e\.g\.,?|i\.e\.,?|namely|-|:|\u2013|\u2014)\s+"
    r"([^.;:()\u2013\u2014]{3,200}?)(?=\s+-\s|\s*[.;:()\u2013\u2014]|\s+(?:with|on|and\s+(?:show|find|demonstrate))\b|$)"
)
IN_TERMS_OF = re.compile(r"\bin\s+terms\s+of\s+(?:the\s+)?([a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}?)(?=\s*(?:[,.;)]|and\b|$))")
TECHNIQUE_NAMED = re.compile(r"\b(?:technique|strategy|trick|mechanism)\s+(?:named|called|dubbed|termed)\s+")
FUNCTION_WORDS = frozenset(
    "a an the of for and or by with in on to via from at as is are be our its their this that these those "
    "we it which while into over under between than not no all any each both".split()
)
TITLE_SEPARATOR = re.compile(r"\s*(?::|\s--\s|\s\u2013\s|\s\u2014\s)\s*")
GENERIC_TITLE_WORDS = frozenset(
    "rethinking towards toward beyond revisiting understanding on learning a an the what when why how do does "
    "is are survey review position".split()
)


@dataclass(frozen=True)
class NameMention:
    start: int
    end: int
    type: str | None  # entity type, or None when only the name is known
    cue: str  # which rule found it
    proposed: bool = False


def is_coined(token: str) -> bool:
    """A name no dictionary word looks like: inner capitals (HiCMAE, aTLAS, GPipe), letters with digits
    (EAGLE-3, wav2vec), capitals joined by hyphens (TM-TREK, DeFTAN-II), a caret (Met^2Net), ``++``."""
    if UNIT_LIKE.match(token) or not any(ch.isalpha() for ch in token):
        return False
    if re.fullmatch(r"[A-Z]{2,}s", token) or re.fullmatch(r"[A-Z]", token):
        return False
    parts = re.split(r"[-.]", token.rstrip("+"))
    letters = "".join(ch for ch in token if ch.isalpha())
    if ("^" in token or token.endswith("++")) and len(letters) >= 2:
        return True
    for part in parts:
        if any(ch.isupper() for ch in part[1:]) and any(ch.islower() for ch in part) and len(letters) >= 3:
            return True  # inner capital
    has_digit = any(ch.isdigit() for ch in token)
    if has_digit and letters and not letters.islower() and len(letters) >= 2:
        return not re.fullmatch(r"\d+[A-Za-z]", token)
    if has_digit and letters.islower() and re.search(r"[a-z]\d|\d[a-z]{2,}\d", token) and len(letters) >= 3:
        return True  # wav2vec, word2vec
    if len(parts) >= 2 and parts[0].isupper() and len(parts[0]) >= 2:
        return all(p.isupper() or p.isdigit() or ROMAN.match(p) for p in parts[1:])
    return False


def is_capitalised(token: str) -> bool:
    return token[:1].isupper() or is_coined(token)


AFFIX = re.compile(r"-(?:like|based|style|only|free|aware|specific|level|wise|driven|guided|enhanced|augmented)$", re.I)


def coined_tokens(text: str) -> list[tuple[int, int]]:
    """Offsets of coined names, a trailing "-like" / "-based" cut off (SENet-like -> SENet)."""
    found = []
    for m in TOKEN_RE.finditer(text):
        token = AFFIX.sub("", m.group(1))
        if is_coined(token):
            found.append((m.start(1), m.start(1) + len(token)))
    return found


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?\n:"


def _name_run(text: str, start: int, max_words: int = 6) -> tuple[int, int] | None:
    """A run of capitalised words starting at ``start`` ("Unified Layer Skipping"), function words allowed
    inside ("Feature Generation by Convolutional Neural Network") but not at its ends."""
    pos, count, last_good = start, 0, None
    word_re = re.compile(rf"{TOKEN}|&")
    while count < max_words + 3:
        m = word_re.match(text, pos)
        if not m:
            break
        w = m.group(0)
        if w.lower() in FUNCTION_WORDS or w == "&":
            if not count or w.lower() not in {"of", "for", "by", "and", "&", "in", "on", "with", "to"}:
                break
        elif is_capitalised(w) and count < max_words:
            last_good = m.end()
        else:
            break
        count += 1
        if text[m.end() : m.end() + 1] != " ":
            break
        pos = m.end() + 1
    return (start, last_good) if last_good else None


def title_prefix(title: str) -> NameMention | None:
    """The name before the title's colon: "HiCMAE: Hierarchical ...", "TM-TREK at SemEval-2024 Task 8: ..."."""
    sep = TITLE_SEPARATOR.search(title)
    if not sep or sep.start() == 0:
        return None
    prefix = title[: sep.start()]
    prefix = re.split(r"\s+(?:at|@)\s+", prefix)[0]
    words = prefix.split()
    if not 1 <= len(words) <= 3 or words[0].lower() in GENERIC_TITLE_WORDS:
        return None
    if not all(is_capitalised(w) for w in words):
        return None
    is_dataset = re.match(r"\s*(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,4}?(?:dataset|benchmark|corpus)\b", title[sep.end() :], re.I)
    return NameMention(0, len(prefix), "dataset" if is_dataset else "method", "title", True)


def proposals(text: str, body_start: int, defined: list[tuple[int, int]] = ()) -> list[NameMention]:
    """Names after "we propose / introduce / present" and "named / called X". ``defined`` holds the offsets
    of defined acronyms: one defined later in the same sentence is the proposed name."""
    found = []
    for cue in list(PROPOSAL_VERB.finditer(text, body_start)) + list(NAMING_CUE.finditer(text, body_start)):
        sentence_end = _next_sentence_end(text, cue.end())
        window = text[cue.end() : sentence_end]
        naming = cue.re is NAMING_CUE
        best = None
        if not naming:
            inside = sorted((s, e) for s, e in defined if cue.end() <= s < sentence_end)
            if inside:
                best = inside[0]
        # a coined token within the first words, or right after "named"
        limit = 1 if naming else 9
        for i, m in enumerate(re.finditer(rf"{TOKEN}|[,;:]", window) if best is None else ()):
            if i > limit + 1 or m.group(0) in ",;:":
                break
            w = m.group(0)
            if is_coined(w):
                best = (cue.end() + m.start(), cue.end() + m.end())
                break
            if i <= (0 if naming else 2) and w[:1].isupper() and w.lower() not in FUNCTION_WORDS:
                run = _name_run(text, cue.end() + m.start())
                if run:
                    best = run
                    break
        if best is None and not naming:
            noun = NOUN_THEN_NAME.search(window)
            if noun and noun.start() < 60:
                m = TOKEN_RE.match(window, noun.end()) or re.match(TOKEN, window[noun.end() :])
                if m:
                    best = (cue.end() + noun.end(), cue.end() + noun.end() + len(m.group(0)))
        if best is None:
            continue
        start, end = best
        name = text[start:end]
        tail = text[end : end + 60].lower()
        kind = "dataset" if re.match(r"\W*(?:\([^)]*\)\s*)?,?\s*(?:a|an|the)?\s*(?:[\w\-]+\s+){0,4}(?:dataset|benchmark|corpus)", tail) else "method"
        if name.lower() not in FUNCTION_WORDS:
            found.append(NameMention(start, end, kind, "naming" if naming else "proposal", True))
    return found


def _next_sentence_end(text: str, pos: int) -> int:
    match = re.compile(r"[.!?](?=\s|$)|\n").search(text, pos)
    return match.start() if match else len(text)


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Items of "A, B, and the C" between ``start`` and ``end``, as offsets, connectives dropped."""
    items, pos = [], start
    for sep in list(re.finditer(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+", text[start:end])) + [None]:
        stop = start + sep.start() if sep else end
        item = text[pos:stop]
        lead = re.match(r"\s*(?:(?:and|or|the)\s+)*", item).end()
        s, e = pos + lead, pos + len(item.rstrip())
        if e > s:
            items.append((s, e))
        if sep:
            pos = start + sep.end()
    return items


def dataset_cues(text: str) -> list[NameMention]:
    found = []
    for pattern in (DATASET_LIST, SUCH_AS):
        for m in pattern.finditer(text):
            for s, e in _split_list(text, m.start(1), m.end(1)):
                name = text[s:e]
                words = name.split()
                if words and all(is_capitalised(w) for w in words) and name.lower() not in FUNCTION_WORDS:
                    found.append(NameMention(s, e, "dataset", "dataset-cue"))
    return found


def task_cues(text: str, title_end: int) -> list[NameMention]:
    found = []
    for m in TASK_LIST.finditer(text):
        for s, e in _split_list(text, m.start(1), m.end(1)):
            words = text[s:e].split()
            if 1 <= len(words) <= 4 and not any(w.lower() in FUNCTION_WORDS for w in words):
                found.append(NameMention(s, e, "task", "task-list"))
    # a title's "for Click-Through Rate Prediction": capitalised run ending in a task word
    title = text[:title_end]
    starts = [m.end() for m in re.finditer(r"\b(?:for|of|via|in|towards|with|to)\s+", title)]
    first = TITLE_SEPARATOR.search(title)
    starts.append(first.end() if first else 0)
    for start in starts:
        while (adjective := re.match(r"(?:Efficient|Effective|Robust|Scalable|Fast|Accurate|Improved|Better|Towards?|"
                                     r"Unified|General|Generalizable|Simple|Novel|Practical|Reliable|Enhanced|Rethinking|Revisiting|"
                                     r"Improving|Boosting|Accelerating|Scaling|Enhancing|Advancing|Exploring|Learning|"
                                     r"Understanding|On|Efficiently|Better)\s+", title[start:])):
            start += adjective.end()
        run = _name_run(title, start, max_words=6)
        if not run:
            continue
        words = title[run[0] : run[1]].split()
        for k in range(len(words), 0, -1):
            if words[k - 1].lower() in TASK_HEADS:
                end = run[0] + len(" ".join(words[:k]))
                found.append(NameMention(run[0], end, "task", "title-task"))
                break
    return found


def metric_cues(text: str) -> list[NameMention]:
    found = []
    for m in IN_TERMS_OF.finditer(text):
        phrase = m.group(1)
        if phrase.split()[0] not in FUNCTION_WORDS and len(phrase) > 2:
            found.append(NameMention(m.start(1), m.end(1), "metric", "in-terms-of"))
    return found


def technique_cues(text: str) -> list[NameMention]:
    found = []
    for m in TECHNIQUE_NAMED.finditer(text):
        words = re.match(r"[\w\-]+(?:\s+[\w\-]+){0,3}", text[m.end() :])
        if words and not is_capitalised(words.group(0)):
            phrase = re.split(r"\s+(?:which|that|to|for|and|in|on|with)\b", words.group(0))[0]
            found.append(NameMention(m.end(), m.end() + len(phrase), "technique", "technique-named"))
    return found


def find_names(text: str, title_end: int | None = None, defined: list[tuple[int, int]] = ()) -> list[NameMention]:
    """Every name the rules find in ``text`` (title, newline, abstract), in no particular order.

    ``defined``: offsets of the short forms of acronym definitions (see ``proposals``)."""
    title_end = text.find("\n") if title_end is None else title_end
    if title_end < 0:
        title_end = len(text)
    mentions = [NameMention(s, e, None, "coined") for s, e in coined_tokens(text)]
    prefix = title_prefix(text[:title_end])
    if prefix:
        mentions.append(prefix)
    mentions += proposals(text, 0, defined)
    mentions += dataset_cues(text)
    mentions += task_cues(text, title_end)
    mentions += metric_cues(text)
    mentions += technique_cues(text)
    return [m for m in mentions if 0 <= m.start < m.end <= len(text) and text[m.start : m.end].strip()]


class NameFinder:
    """Writes ``doc.spans["kg_names"]`` (label: the type, or ``name``) and ``doc.spans["kg_proposed"]``.

    Character offsets are snapped outward to token boundaries; the assembly step keeps the exact
    characters in each span's ``id_`` as "start:end" so evidence offsets always slice to the name."""

    def __init__(self, nlp: Language, name: str = "kg_names") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        names, proposed = [], []
        defined = [(a.short_start, a.short_end) for a in (doc._.abbreviations or [])]
        for mention in find_names(doc.text, None, defined):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            span = Span(doc, span.start, span.end, label=mention.type or "name", span_id=f"{mention.start}:{mention.end}:{mention.cue}")
            (proposed if mention.proposed else names).append(span)
        doc.spans[NAMES_KEY] = names
        doc.spans[PROPOSED_KEY] = proposed
        return doc


@Language.factory("kg_names", assigns=["doc.spans"])
def make_name_finder(nlp: Language, name: str) -> NameFinder:
    return NameFinder(nlp, name)
