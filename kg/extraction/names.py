"""Coined and contextual names: what no vocabulary knows but the text marks as a name.

Rules, each a pure function of the text (offsets into it):
- coined tokens: mixed case or digit-bearing names (``HiCMAE``, ``aTLAS``, ``EAGLE-3``, ``DeFTAN-II``);
- the title's prefix before a colon (``HiCMAE: ...``) and "we propose / introduce / present X",
  "named / called / dubbed X": the paper's own names (``proposed``);
- cue phrases that type a name: "on the X and Y datasets", "benchmarks such as X, Y", "tasks like X",
  "in terms of X", "a technique named X", a title's "for <Task Phrase>".

``NameFinder`` adds its spans to the doc's mention list (``kg.extraction.mentions``): label the entity type,
or ``name`` when the type is unknown; ``id_`` "START:END:CUE", the cue saying whether the paper introduces
the name ("title", "proposal", "naming", "proposal-near").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extraction.abbreviations import Abbreviation, abbreviations_of
from kg.extraction.mentions import add_mentions
from kg.extraction.text import doc_text

# one name-like token: letters/digits with inner hyphens, carets, dots between digits, a trailing ++
TOKEN = r"[A-Za-z0-9][A-Za-z0-9^]*(?:(?:-|\.(?=\d)|'(?=\d))[A-Za-z0-9^]+)*(?:\+\+)?"
TOKEN_RE = re.compile(rf"(?<![\w\-/.@#])({TOKEN})(?![\w@/]|\.\w)")
WORD_OR_AMP = re.compile(rf"{TOKEN}|&")
WORD_OR_PUNCT = re.compile(rf"{TOKEN}|[,;:]")
FIRST_WORD = re.compile(rf"\s*(?:(?:a|an|the)\s+)?({TOKEN})")
UNIT_LIKE = re.compile(r"^\d+(?:\.\d+)?[A-Za-z]{1,3}$|^\d+[xX]\d+$|^\d+-(?:bit|d|D|way|shot|layer)s?$")
ROMAN = re.compile(r"^(?:I{1,3}|IV|V|VI{1,3}|IX|X)$")

TASK_HEADS = frozenset(
    [
        "recognition",
        "detection",
        "classification",
        "segmentation",
        "prediction",
        "estimation",
        "generation",
        "translation",
        "summarization",
        "summarisation",
        "retrieval",
        "answering",
        "parsing",
        "tracking",
        "forecasting",
        "completion",
        "identification",
        "synthesis",
        "inpainting",
        "captioning",
        "reconstruction",
        "localization",
        "localisation",
        "conversion",
        "enhancement",
        "separation",
        "verification",
        "recommendation",
        "personalization",
        "personalisation",
        "understanding",
        "editing",
        "matching",
        "acceleration",
        "finetuning",
        "fine-tuning",
        "extraction",
        "labeling",
        "labelling",
        "tagging",
        "restoration",
        "super-resolution",
        "denoising",
        "navigation",
        "manipulation",
        "composition",
        "modeling",
        "modelling",
        "reasoning",
        "grounding",
        "diarization",
        "transcription",
        "alignment",
        "interpretability",
    ]
)
PROPOSAL_VERB = re.compile(
    r"\b(?:we|We|paper|work|study|article|and)\s+(?:also\s+|further\s+|then\s+|first\s+)?"
    r"(?:propose|proposes|introduce|introduces|present|presents|develop|develops|design|designs|build|"
    r"release|releases|construct|create|devise|contribute)\b"
)
NAMING_CUE = re.compile(r"\b(?:named|called|dubbed|termed|coined|namely),?\s+(?:the\s+|as\s+)?")
NOUN_THEN_NAME = re.compile(
    r"\b(?:framework|model|method|approach|system|architecture|algorithm|module|network|library|toolkit|"
    r"pipeline|agent|benchmark|dataset|corpus),?\s+(?=[A-Z])"
)
DATASET_WORDS = r"(?:datasets?|benchmarks?|corpus|corpora|data\s+sets?|challenges?|suites?)"
DATASET_AFTER = re.compile(rf"\W*(?:\([^)]*\)\s*)?,?\s*(?:a|an|the)?\s*(?:[\w\-]+\s+){{0,4}}{DATASET_WORDS}")
DATASET_WORD_AT_END = re.compile(rf"{DATASET_WORDS}\W*$")
NAME_SEQ = rf"{TOKEN}(?:\s+(?=[A-Z0-9]){TOKEN}){{0,2}}"
DATASET_LIST = re.compile(
    rf"\b(?i:on|from|of|using|with|in|over|across)\s+(?:the\s+|two\s+|three\s+|four\s+|five\s+)?"
    rf"((?:{NAME_SEQ})(?:\s*,\s*(?:and\s+)?(?:{NAME_SEQ}))*(?:,?\s+(?:and|&)\s+(?:the\s+)?(?:{NAME_SEQ}))?)"
    rf"\s+{DATASET_WORDS}\b"
)
LIST_ITEM = rf"{NAME_SEQ}(?:\s+\([^(),]{{1,40}}\))?"  # "NASA-QA (extractive QA)"
SUCH_AS = re.compile(
    rf"\b{DATASET_WORDS}(?:\s+[a-z][\w\-]*){{0,5}}?\s*,?\s*\(?(?:such\s+as|like|including|e\.g\.,?|i\.e\.,?|namely),?\s+"
    rf"((?:{LIST_ITEM})(?:\s*,\s*(?:and\s+)?(?:{LIST_ITEM}))*(?:,?\s+(?:and|or)\s+(?:{LIST_ITEM}))?)"
)
DATASET_PAREN = re.compile(
    rf"\b{DATASET_WORDS}\s*\(\s*(?:e\.g\.,?\s*|i\.e\.,?\s*|including\s+)?"
    rf"((?:{NAME_SEQ})(?:\s*,\s*(?:and\s+)?(?:{NAME_SEQ}))*(?:,?\s+(?:and|&)\s+(?:{NAME_SEQ}))?)\s*\)"
)
TASK_LIST = re.compile(
    r"\btasks?\s*,?\s*(?:such\s+as|like|including|e\.g\.,?|i\.e\.,?|namely|-|:|\u2013|\u2014)\s+"
    r"([^.;:()\u2013\u2014]{3,200}?)(?=\s+-\s|\s*[.;:()\u2013\u2014]|\s+(?:with|on|and\s+(?:show|find|demonstrate))\b|$)"
)
GENERIC_QUALITIES = frozenset(
    [
        "performance",
        "efficiency",
        "effectiveness",
        "quality",
        "robustness",
        "speed",
        "cost",
        "accuracy",
        "generalization",
        "scalability",
        "theory",
        "practice",
        "both",
    ]
)
IN_TERMS_OF = re.compile(
    r"\bin\s+terms\s+of\s+(?:the\s+)?([a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}?)(?=\s*(?:[,.;)]|and\b|$))"
)
TECHNIQUE_NAMED = re.compile(r"\b(?:technique|strategy|trick|mechanism)\s+(?:named|called|dubbed|termed)\s+")
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "or",
        "by",
        "with",
        "in",
        "on",
        "to",
        "via",
        "from",
        "at",
        "as",
        "is",
        "are",
        "be",
        "our",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "we",
        "it",
        "which",
        "while",
        "into",
        "over",
        "under",
        "between",
        "than",
        "not",
        "no",
        "all",
        "any",
        "each",
        "both",
    ]
)
TITLE_SEPARATOR = re.compile(r"\s*(?::|\s--\s|\s\u2013\s|\s\u2014\s)\s*")
GENERIC_TITLE_WORDS = frozenset(
    [
        "rethinking",
        "towards",
        "toward",
        "beyond",
        "revisiting",
        "understanding",
        "on",
        "learning",
        "a",
        "an",
        "the",
        "what",
        "when",
        "why",
        "how",
        "do",
        "does",
        "is",
        "are",
        "survey",
        "review",
        "position",
    ]
)


@dataclass(frozen=True)
class NameMention:
    start: int
    end: int
    type: str | None  # entity type, or None when only the name is known
    cue: str  # which rule found it
    proposed: bool = False


@lru_cache(maxsize=65536)
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
    if has_digit and letters.islower() and re.search(r"[a-z]\d+[a-z]", token) and len(letters) >= 3:
        return True  # wav2vec, word2vec
    if len(parts) >= 2 and parts[0].isupper() and len(parts[0]) >= 2:
        return all(p.isupper() or p.isdigit() or ROMAN.match(p) for p in parts[1:])
    return False


def is_capitalised(token: str) -> bool:
    return token[:1].isupper() or is_coined(token)


AFFIX = re.compile(
    r"-(?:like|based|style|only|free|aware|specific|level|wise|driven|guided|enhanced|augmented|trained|"
    r"pretrained|pre-trained|finetuned|fine-tuned|tuned|generated|supervised|conditioned|powered)$",
    re.IGNORECASE,
)


MAYBE_COINED = re.compile(r".[A-Z]|\d|\^|\+\+")  # cheap test before ``is_coined``


def coined_tokens(text: str) -> list[tuple[int, int]]:
    """Offsets of coined names, a trailing "-like" / "-based" cut off (SENet-like -> SENet)."""
    found = []
    for m in TOKEN_RE.finditer(text):
        length = _coined_length(m.group(1))
        if length:
            found.append((m.start(1), m.start(1) + length))
    return found


@lru_cache(maxsize=65536)
def _coined_length(token: str) -> int:
    """The length of the coined name a token starts with (an affix cut off), 0 when it is none."""
    if not MAYBE_COINED.search(token):
        return 0
    token = AFFIX.sub("", token)
    return len(token) if is_coined(token) else 0


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?\n:"


def _name_run(text: str, start: int, max_words: int = 6, inner: bool = True) -> tuple[int, int] | None:
    """A run of capitalised words starting at ``start`` ("Unified Layer Skipping"), function words allowed
    inside ("Feature Generation by Convolutional Neural Network") but not at its ends."""
    pos, count, last_good = start, 0, None
    while count < max_words + 3:
        m = WORD_OR_AMP.match(text, pos)
        if not m:
            break
        w = m.group(0)
        if w.lower() in FUNCTION_WORDS or w == "&":
            if (
                not count
                or not inner
                or w.lower() not in {"of", "for", "by", "and", "&", "in", "on", "with", "to"}
            ):
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


def _head_run(text: str, start: int) -> tuple[int, int] | None:
    """A name run that is not a lone capitalised word modifying a noun ("an Inception mixer")."""
    run = _name_run(text, start)
    lone = run is not None and " " not in text[run[0] : run[1]] and not is_coined(text[run[0] : run[1]])
    if lone and re.match(r" [a-z]", text[run[1] : run[1] + 2]):
        return None
    return run


def title_prefix(title: str, abstract: str | None = None) -> NameMention | None:
    """The name before the title's colon: "HiCMAE: Hierarchical ...", "TM-TREK at SemEval-2024 Task 8: ..."."""
    sep = TITLE_SEPARATOR.search(title)
    if not sep or sep.start() == 0:
        return None
    prefix = title[: sep.start()]
    prefix = re.split(r"\s+(?:at|@)\s+", prefix)[0]
    prefix = re.sub(r"\s*\([^()]*\)$", "", prefix)  # "Prompt2Perturb (P2P)": the acronym is its own mention
    words = prefix.split()
    if not 1 <= len(words) <= 3 or words[0].lower() in GENERIC_TITLE_WORDS:
        return None
    if len(words) > 1 and words[0].endswith("ing") and not is_coined(words[0]):
        return None  # "Conceptualizing Suicidal Behavior: ..." is a phrase, not a name
    if len(words) > 1 and not any(is_coined(w) for w in words) and abstract is not None:
        # "Animated Stickers: ..." names a method only when the abstract presents it as one
        said = re.compile(
            rf"(?:introduce|introduces|propose|proposes|present|presents|called|named|termed|dubbed)\s+"
            rf"(?:the\s+)?(?:concept\s+of\s+)?{re.escape(prefix)}\b|{re.escape(prefix)}\s+\(",
            re.IGNORECASE,
        )
        if not said.search(abstract):
            return None
    if not all(is_capitalised(w) or re.fullmatch(r"v\d+(?:\.\d+)?", w) for w in words):
        return None
    is_dataset = re.match(
        r"\s*(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,4}?(?:dataset|benchmark|corpus)\b",
        title[sep.end() :],
        re.IGNORECASE,
    )
    return NameMention(0, len(prefix), "dataset" if is_dataset else "method", "title", True)


METHOD_HEADS = frozenset(
    [
        "network",
        "networks",
        "net",
        "nets",
        "model",
        "models",
        "transformer",
        "transformers",
        "engine",
        "machine",
        "machines",
        "architecture",
        "encoder",
        "decoder",
        "autoencoder",
        "layer",
        "layers",
        "algorithm",
        "agents",
        "agent",
        "framework",
    ]
)
EVALUATIVE = re.compile(
    r"(?:Efficient|Effective|Robust|Scalable|Fast|Accurate|Improved|Better|Towards?|Unified|General|"
    r"Generalizable|Simple|Novel|Practical|Reliable|Enhanced|Rethinking|Revisiting|Improving|Boosting|"
    r"Accelerating|Scaling|Enhancing|Advancing|Exploring|Learning|Understanding|On|Efficiently|Improve|Enhance|"
    r"Boost|Accelerate|Scale|Leverage|Leveraging|Harnessing)\s+"
)


def _names_a_method(short: str, long: str) -> bool:
    """A defined acronym that names a new method: a coinage (PreludeNet, CoRe) or a capitalised
    "... Network" long form (lower-case long forms are usually established terms)."""
    if any(ch.islower() for ch in short.rstrip("s")):
        return True
    return long.split()[-1].lower() in METHOD_HEADS and sum(w[:1].isupper() for w in long.split()) >= 2


def proposals(text: str, body_start: int, defined: Sequence[Abbreviation] = ()) -> list[NameMention]:
    """Names after "we propose / introduce / present" and "named / called X". ``defined`` holds the offsets
    of defined acronyms: one defined later in the same sentence is the proposed name."""
    found = []
    for cue in list(PROPOSAL_VERB.finditer(text, body_start)) + list(NAMING_CUE.finditer(text, body_start)):
        sentence_end = _next_sentence_end(text, cue.end())
        window = text[cue.end() : sentence_end]
        naming = cue.re is NAMING_CUE
        best = None
        near_only = False  # found further from the verb: only a name no vocabulary knows is the paper's own
        if naming:
            right_after = [
                a for a in defined if cue.end() <= a.long_start <= cue.end() + 2 or a.short_start == cue.end()
            ]
            if right_after:
                best = (right_after[0].short_start, right_after[0].short_end)
        else:
            first = FIRST_WORD.match(window)
            if first and (is_coined(first.group(1)) or first.group(1)[:1].isupper()):
                start = cue.end() + first.start(1)
                best = (
                    _head_run(text, start)
                    if not is_coined(first.group(1))
                    else (start, cue.end() + first.end(1))
                )
            near = cue.end() + len(" ".join(window.split(" ")[:16]))
            inside = sorted(
                (a.short_start, a.short_end)
                for a in defined
                if cue.end() <= a.long_start < sentence_end
                and a.long_start <= near
                and _names_a_method(a.short, a.long)
            )
            if best is None and inside:
                best, near_only = inside[0], True
        if best is not None:  # a name inside a defined long form stands for its acronym
            for a in defined:
                if a.long_start <= best[0] < a.long_end and a.long_start < a.short_start:
                    best = (a.short_start, a.short_end)
        # a coined token within the first words, or right after "named"
        limit = 1 if naming else 9
        for i, m in enumerate(WORD_OR_PUNCT.finditer(window) if best is None else ()):
            if i > limit + 1 or m.group(0) in ",;:":
                break
            w = m.group(0)
            if is_coined(w):
                best = (cue.end() + m.start(), cue.end() + m.end())
                near_only = i > 1
                break
            if i <= (0 if naming else 2) and w[:1].isupper() and w.lower() not in FUNCTION_WORDS:
                run = _head_run(text, cue.end() + m.start())
                if run:
                    best = run
                    break
        if best is None and not naming:
            noun = NOUN_THEN_NAME.search(window)
            if noun and noun.start() < 60:
                best = _name_run(text, cue.end() + noun.end())
        if best is None:
            continue
        start, end = best
        name = text[start:end]
        tail = text[end : end + 60].lower()
        head = text[max(0, cue.start() - 40) : cue.start()].lower() if naming else ""
        is_dataset = DATASET_AFTER.match(tail)
        kind = "dataset" if is_dataset or DATASET_WORD_AT_END.search(head) else "method"
        if name.lower() not in FUNCTION_WORDS:
            cue_name = "naming" if naming else "proposal-near" if near_only else "proposal"
            found.append(NameMention(start, end, kind, cue_name, True))
    return found


PASSIVE = re.compile(
    r"\s+(?:is|are)\s+(?:thus\s+|then\s+|hence\s+|also\s+)?(?:proposed|introduced|presented|developed)\b"
)


def passive_proposals(
    text: str, defined: Sequence[Abbreviation] = (), coined: Sequence[tuple[int, int]] = ()
) -> list[NameMention]:
    """ "a multi-domain feature relation learning network (MD-FRN) is proposed"."""
    found = []
    for a in defined:
        after = PASSIVE.match(text, a.short_end + 1) if text[a.short_end : a.short_end + 1] == ")" else None
        if after:
            found.append(NameMention(a.short_start, a.short_end, "method", "proposal", True))
    for s, e in coined:
        if PASSIVE.match(text, e):
            found.append(NameMention(s, e, None, "proposal", True))
    return found


def _next_sentence_end(text: str, pos: int) -> int:
    match = re.compile(r"[.!?](?=\s|$)|\n").search(text, pos)
    return match.start() if match else len(text)


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Items of "A, B, and the C" between ``start`` and ``end``, as offsets, connectives dropped."""
    items, pos = [], start
    for sep in list(re.finditer(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+", text[start:end])) + [None]:
        stop = start + sep.start() if sep else end
        item = text[pos:stop].split(" (", 1)[0]
        lead = re.match(r"\s*(?:(?:and|or|the)\s+)*", item).end()
        s, e = pos + lead, pos + len(item.rstrip())
        if e > s:
            items.append((s, e))
        if sep:
            pos = start + sep.end()
    return items


SENTENCE_ON = re.compile(rf"(?:^|(?<=[.!?]\s)|(?<=\n))(?:On|Across)\s+(?:the\s+)?({NAME_SEQ}),")


def dataset_cues(text: str) -> list[NameMention]:
    found = []
    for m in SENTENCE_ON.finditer(text):  # "On Moving MNIST, X achieves ..."
        words = m.group(1).split()
        if all(is_capitalised(w) for w in words) and m.group(1).lower() not in FUNCTION_WORDS:
            found.append(NameMention(m.start(1), m.end(1), "dataset", "dataset-cue"))
    for pattern in (DATASET_LIST, SUCH_AS, DATASET_PAREN):
        for m in pattern.finditer(text):
            for s, e in _split_list(text, m.start(1), m.end(1)):
                name = text[s:e]
                words = name.split()
                if words and all(is_capitalised(w) for w in words) and name.lower() not in FUNCTION_WORDS:
                    found.append(NameMention(s, e, "dataset", "dataset-cue"))
    return found


NOT_TASK_START = frozenset(
    [
        "can",
        "could",
        "may",
        "might",
        "will",
        "would",
        "including",
        "such",
        "better",
        "faster",
        "improved",
        "higher",
        "lower",
        "more",
        "less",
        "significant",
        "significantly",
        "train",
        "use",
        "using",
        "also",
        "only",
    ]
)
NOUN_ENDING = re.compile(r"(?:tion|sion|ing|ment|sis|ity|ance|ence|ison|isons|ics|QA)$")


def _task_like(words: list[str]) -> bool:
    """A list item that reads as a task name: a task word or a noun ending last ("kNN evaluation",
    "docstring completion"), not a clause ("can confer significant advantages")."""
    last = words[-1].lower().rstrip(".,")
    if words[0].lower() in NOT_TASK_START:
        return False
    return (
        last in TASK_HEADS or bool(NOUN_ENDING.search(words[-1])) or (len(words) == 1 and is_coined(words[0]))
    )


def task_cues(text: str, title_end: int) -> list[NameMention]:
    found = []
    for m in TASK_LIST.finditer(text):
        for s, e in _split_list(text, m.start(1), m.end(1)):
            words = text[s:e].split()
            if (
                1 <= len(words) <= 4
                and not any(w.lower() in FUNCTION_WORDS for w in words)
                and _task_like(words)
            ):
                found.append(NameMention(s, e, "task", "task-list"))
    # a title's "for Click-Through Rate Prediction": capitalised run ending in a task word
    title = text[:title_end]
    starts = [m.end() for m in re.finditer(r"\b(?:for|of|via|in|towards|with|to)\s+", title)]
    first = TITLE_SEPARATOR.search(title)
    starts.append(first.end() if first else 0)
    for start in starts:
        while adjective := EVALUATIVE.match(title, start):
            start = adjective.end()
        run = _name_run(title, start, max_words=6, inner=False)
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
        words = phrase.split()
        if (
            words[0] not in FUNCTION_WORDS
            and len(phrase) > 2
            and not (len(words) == 1 and words[0] in GENERIC_QUALITIES)
        ):
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


def find_names(
    text: str, title_end: int | None = None, defined: Sequence[Abbreviation] = ()
) -> list[NameMention]:
    """Every name the rules find in ``text`` (title, newline, abstract), in no particular order.

    ``defined``: the acronym definitions in ``text`` (see ``proposals``)."""
    title_end = text.find("\n") if title_end is None else title_end
    if title_end < 0:
        title_end = len(text)
    coined = coined_tokens(text)
    mentions = [NameMention(s, e, None, "coined") for s, e in coined]
    prefix = title_prefix(text[:title_end], text[title_end + 1 :])
    if prefix:
        mentions.append(prefix)
    mentions += proposals(text, 0, defined)
    mentions += passive_proposals(text, defined, coined)
    mentions += dataset_cues(text)
    mentions += task_cues(text, title_end)
    mentions += metric_cues(text)
    mentions += technique_cues(text)
    return [m for m in mentions if 0 <= m.start < m.end <= len(text) and text[m.start : m.end].strip()]


class NameFinder:
    """Adds the names to ``doc.spans["kg_mentions"]`` (label: the type, or ``name``).

    Character offsets are snapped outward to token boundaries; the assembly step keeps the exact
    characters in each span's ``id_`` as "start:end" so evidence offsets always slice to the name."""

    def __init__(self, nlp: Language, name: str = "kg_names") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        names = []
        defined = abbreviations_of(doc)
        for mention in find_names(doc_text(doc), None, defined):
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            span = Span(
                doc,
                span.start,
                span.end,
                label=mention.type or "name",
                span_id=f"{mention.start}:{mention.end}:{mention.cue}",
            )
            names.append(span)
        add_mentions(doc, names)
        return doc


@Language.factory("kg_names", assigns=["doc.spans"])
def make_name_finder(nlp: Language, name: str) -> NameFinder:
    return NameFinder(nlp, name)
