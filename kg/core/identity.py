"""Method identity: one node per method, however papers spell it, while versions stay apart.

``method_key`` is the merge key the graph mints method IRIs from (``kgr:method/<key>``): surface variants
that differ in case, separators, plural or a ``-based``/``-style``/``-like`` suffix share a key, while a
version or size marker is kept (EAGLE, EAGLE-2 and EAGLE-3 are three methods of one family).
``MethodIndex`` goes further across papers: it merges an acronym with its long form from the acronym
definitions papers make and keeps every variant for ``skos:altLabel``.

>>> method_key("Transformers"), method_key("transformer-based"), method_key("EAGLE-3")
('transformer', 'transformer', 'eagle-3')
>>> family_name("EAGLE-3"), family_name("wav2vec 2.0"), family_name("T5")
('EAGLE', 'wav2vec', 'T5')
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.extraction.records import Extraction

# suffixes that make an adjective of a name without naming another method: "BERT-based" is BERT
DERIVING_SUFFIX = re.compile(r"[\s_-]*(?:based|style|like|inspired|type)$", re.IGNORECASE)
# leading words that qualify a mention, not the method: "vanilla Transformer" is the Transformer
QUALIFIER_PREFIX = re.compile(r"^(?:the|a|an|vanilla|standard|original)\s+(?=\S)", re.IGNORECASE)
# trailing head nouns dropped after a name-like word: "BERT model" is BERT, "Residual Network" stays
GENERIC_HEADS = {
    "model",
    "models",
    "architecture",
    "architectures",
    "network",
    "networks",
    "framework",
    "method",
    "approach",
    "algorithm",
    "system",
}
# heads that never name a method on their own: "transformer architecture" is the Transformer
ALWAYS_GENERIC = {"model", "models", "architecture", "architectures"}
ROMAN = {"II": "2", "III": "3", "IV": "4", "VI": "6", "VII": "7", "VIII": "8", "IX": "9"}
# plural "s" not to strip: Pegasus, Atlas, Adaptive Loss, Paris
NOT_PLURAL = ("ss", "us", "is", "as", "os", "ys")
SIZE_WORDS = {
    "tiny",
    "small",
    "base",
    "medium",
    "large",
    "huge",
    "giant",
    "xl",
    "xxl",
    "mini",
    "nano",
    "lite",
    "pro",
    "plus",
    "max",
    "ultra",
    "instruct",
    "chat",
}


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return (
        "".join(ch for ch in text if not unicodedata.combining(ch)).encode("ascii", "ignore").decode("ascii")
    )


def _is_name_like(word: str) -> bool:
    """An acronym or coined name (an inner capital or a digit): ``BERT``, ``SENet``, ``ResNet50``."""
    return any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


def _strip_decoration(name: str) -> str:
    """Drop what qualifies a mention without changing the method: qualifiers, suffixes, generic heads."""
    text = " ".join(name.replace("\u2010", "-").replace("\u2011", "-").replace("\u2013", "-").split())
    text = text.strip(" .,;:()[]{}\"'")
    previous = None
    while previous != text:
        previous = text
        text = QUALIFIER_PREFIX.sub("", text)
        stripped = DERIVING_SUFFIX.sub("", text)
        text = stripped if stripped.strip(" -_") else text
        words = text.split()
        head = words[-1].casefold() if len(words) >= 2 else ""
        if (head in GENERIC_HEADS and _is_name_like(words[-2])) or (
            len(words) == 2 and head in ALWAYS_GENERIC
        ):
            text = " ".join(words[:-1])
    return text


def _tokens(name: str) -> list[str]:
    """Lower-case tokens of a name, split at separators and at letter/digit boundaries, markers spelt out."""
    text = _ascii(_strip_decoration(name))
    text = text.replace("++", " plusplus ").replace("+", " plus ").replace("&", " and ")
    text = re.sub(r"(\d)\.0\b", r"\1", text)  # "wav2vec 2.0" is "wav2vec2"
    raw = re.findall(r"[A-Za-z]+|\d+", text)
    tokens: list[str] = []
    for i, word in enumerate(raw):
        follows_digit = i + 1 < len(raw) and raw[i + 1].isdigit()
        if follows_digit and word in ("v", "V"):
            continue  # "YOLO v5" is "YOLO-5"
        if follows_digit and re.fullmatch(r"[A-Z][A-Za-z]*[A-Z]v", word):
            word = word[:-1]  # "YOLOv5", "LLaVAv1"
        if word in ROMAN and i > 0:
            word = ROMAN[word]  # "DeFTAN-II" is "DeFTAN-2"
        tokens.append(word)
    if tokens:
        last = tokens[-1]
        acronym_plural = len(last) >= 3 and re.fullmatch(r"[A-Z0-9][A-Za-z0-9]*[A-Z0-9]s", last)
        word_plural = len(last) > 3 and last.endswith("s") and not last.casefold().endswith(NOT_PLURAL)
        if acronym_plural or (word_plural and not last.isupper()):
            tokens[-1] = last[:-1]
    return [token.casefold() for token in tokens]


@lru_cache(maxsize=65536)
def method_key(name: str) -> str:
    """The identity key of a method name: ASCII, lower case, ``[a-z0-9-]``, never empty.

    >>> [method_key(n) for n in ("BERT", "bert", "BERT-based", "the BERT model", "BERTs")]
    ['bert', 'bert', 'bert', 'bert', 'bert']
    >>> [method_key(n) for n in ("EAGLE", "EAGLE-2", "EAGLE 3", "EAGLE3")]
    ['eagle', 'eagle-2', 'eagle-3', 'eagle-3']
    >>> method_key("wav2vec 2.0") == method_key("wav2vec2"), method_key("DyGIE++")
    (True, 'dygie-plusplus')
    """
    tokens = _tokens(name)
    if tokens:
        return "-".join(tokens)
    return "m" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]


# a version or size marker written apart from the name: "-3", " 8B", "-base", "-II", " v2", "-4o"
_MARKER = (
    r"(?:\d+(?:\.\d+)*[a-zA-Z]?|[IVX]{2,4}|v\d+(?:\.\d+)*|\d+(?:\.\d+)?[BMK]|" + "|".join(SIZE_WORDS) + r")"
)
_SEPARATED_MARKER = re.compile(rf"[\s_-]+({_MARKER})$", re.IGNORECASE)
# a version glued to a name of at least three letters ("MossFormer2", "YOLOv5", "GPT4", "DeepSeekV3"), but not
# a digit that belongs to a one-letter part of a camel-case name ("CodeT5", "SpeechT5" are names of their own)
_GLUED_VERSION = re.compile(r"(?<=[A-Za-z]{3})(?:[vV]\d+(?:\.\d+)*|(?<![a-z][A-Z])\d+(?:\.\d+)*)$")
# what a marker cannot be cut from: "Zero-1-to-3", "SemEval-2024 Task 8" are names, not versions
_BOUND_BEFORE_MARKER = re.compile(
    r"\b(?:to|of|and|or|for|in|on|the|vs|task|track|part|phase|stage|level)$", re.IGNORECASE
)
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)$")


@lru_cache(maxsize=65536)
def version_parent(name: str) -> str | None:
    """The name one version or size step up, or None when the name carries no marker.

    Each call strips one marker, the last: ``LLaVA-1.5-7B`` -> ``LLaVA-1.5`` -> ``LLaVA``, so a graph can
    link a size to its version and the version to its family. A size word is stripped only from a name-like
    rest (``BERT-base`` is BERT's, ``Self-Instruct`` is a name of its own).

    >>> [version_parent(n) for n in ("LLaVA-1.5-7B", "LLaVA-1.5", "LLaMA2-Chat", "GPT-4o", "CodeT5", "EAGLE")]
    ['LLaVA-1.5', 'LLaVA', 'LLaMA2', 'GPT', None, None]
    """
    text = _strip_decoration(_TRAILING_PARENTHESIS.sub("", name.strip())).strip(" -_")
    separated = _SEPARATED_MARKER.search(text)
    if separated:
        candidate = text[: separated.start()]
        size_word = separated.group(1).casefold() in SIZE_WORDS
        if (
            (re.search(r"[A-Za-z]{2,}", candidate) or re.fullmatch(r"[A-Za-z]\d+", candidate))
            and not _BOUND_BEFORE_MARKER.search(candidate)
            and (not size_word or _is_name_like(candidate.split()[-1]))
        ):
            return candidate.strip(" -_")
    candidate = _GLUED_VERSION.sub("", text)
    if candidate != text and not re.search(r"\d[A-Za-z]+$", candidate):
        return candidate.strip(" -_")
    return None


@lru_cache(maxsize=65536)
def family_name(name: str) -> str:
    """The series a method belongs to: its name without version, size or variant markers.

    A digit glued to a short name is part of it (``T5``, ``GPT``'s ``GPT-4`` is ``GPT``).

    >>> [family_name(n) for n in ("EAGLE", "EAGLE-2", "EAGLE-3", "MossFormer2", "DeFTAN-II")]
    ['EAGLE', 'EAGLE', 'EAGLE', 'MossFormer', 'DeFTAN']
    >>> [family_name(n) for n in ("ResNet-50", "BERT-base", "Llama 3 8B", "YOLOv5", "GPT-4o", "Met^2Net")]
    ['ResNet', 'BERT', 'Llama', 'YOLO', 'GPT', 'Met^2Net']
    """
    text = _strip_decoration(_TRAILING_PARENTHESIS.sub("", name.strip())).strip(" -_") or name
    while (parent := version_parent(text)) is not None:
        text = parent
    text = re.sub(r"(?<=[A-Z]{2})v$", "", text)
    return text.strip(" -_") or name


def _looks_like_acronym(text: str) -> bool:
    return len(text.split()) == 1 and sum(ch.isupper() for ch in text) >= 2


@dataclass
class MethodRecord:
    """One method node: the key it is filed under, every surface form seen, the papers naming it."""

    key: str
    forms: Counter = field(default_factory=Counter)
    papers: set[str] = field(default_factory=set)
    preferred: str | None = None  # a vocabulary's prefLabel when a paper gave one

    @property
    def label(self) -> str:
        """The preferred label: a vocabulary's, else the most used short form (acronyms first)."""
        if self.preferred:
            return self.preferred
        if not self.forms:
            return self.key
        return min(self.forms, key=lambda f: (not _looks_like_acronym(f), -self.forms[f], len(f), f))

    @property
    def alt_labels(self) -> list[str]:
        return sorted(set(self.forms) - {self.label})

    @property
    def family(self) -> str:
        return family_name(self.label)


class MethodIndex:
    """Methods across papers, one record per method: surface variants and acronym/long form merged.

    >>> index = MethodIndex()
    >>> _ = index.add("BERT", paper="p1")
    >>> _ = index.add("Bidirectional Encoder Representations from Transformers", paper="p2")
    >>> index.add_alias("BERT", "Bidirectional Encoder Representations from Transformers")
    >>> index.key("bidirectional encoder representations from transformers"), index.label("bert")
    ('bert', 'BERT')
    """

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._records: dict[str, MethodRecord] = {}

    def _find(self, key: str) -> str:
        while self._parent.get(key, key) != key:
            self._parent[key] = self._parent.get(self._parent[key], self._parent[key])
            key = self._parent[key]
        return key

    def _record(self, key: str) -> MethodRecord:
        root = self._find(key)
        if root not in self._records:
            self._parent[root] = root
            self._records[root] = MethodRecord(root)
        return self._records[root]

    def add(
        self,
        name: str,
        *,
        paper: str | None = None,
        aliases: Iterable[str] = (),
        preferred: str | None = None,
    ) -> str:
        """File a method mention (with its other forms in that paper); returns the method's key."""
        record = self._record(method_key(preferred or name))
        record.forms[name] += 1
        if paper:
            record.papers.add(paper)
        if preferred:
            record.preferred = record.preferred or preferred
            record.forms[preferred] += 0
        for alias in aliases:
            self._record(method_key(alias)).forms[alias] += 0
            self._union(self.key(name), method_key(alias))
        return self.key(name)

    def add_extraction(self, extraction: Extraction, paper: str | None = None) -> None:
        """File one paper's methods (and proposed methods) with their forms, then its acronym definitions."""
        paper = paper or extraction.paper_id
        for entity in [*extraction.methods, *extraction.proposed]:
            if entity.type == "method":
                preferred = entity.canonical if entity.concept else None
                self.add(
                    entity.name, paper=paper, aliases=[entity.canonical, *entity.aliases], preferred=preferred
                )
        for alias in extraction.aliases:
            self.add_alias(alias.short, alias.long)

    def add_alias(self, short: str, long: str) -> None:
        """Merge an acronym with its long form, when at least one of them is a known method."""
        short_key, long_key = method_key(short), method_key(long)
        if short_key in self._parent or long_key in self._parent:
            self._record(short_key).forms[short] += 0
            self._record(long_key).forms[long] += 0
            self._union(short_key, long_key)

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._record(a), self._record(b)
        if ra.key == rb.key:
            return
        keep, drop = sorted((ra, rb), key=lambda r: (not _looks_like_acronym(r.label), len(r.key), r.key))
        keep.forms.update(drop.forms)
        keep.papers |= drop.papers
        keep.preferred = keep.preferred or drop.preferred
        self._parent[drop.key] = keep.key
        del self._records[drop.key]

    def key(self, name: str) -> str:
        """The key of the method this name stands for (its own ``method_key`` when unknown)."""
        key = method_key(name)
        return self._find(key) if key in self._parent else key

    def __contains__(self, name: str) -> bool:
        return method_key(name) in self._parent

    def __iter__(self) -> Iterator[MethodRecord]:
        return iter(sorted(self._records.values(), key=lambda r: (-len(r.papers), r.key)))

    def __len__(self) -> int:
        return len(self._records)

    def get(self, name: str) -> MethodRecord | None:
        return self._records.get(self.key(name)) if name in self else None

    def label(self, name: str) -> str:
        record = self.get(name)
        return record.label if record else name

    def family(self, name: str) -> str:
        """The family label: EAGLE, EAGLE-2 and EAGLE-3 all give ``EAGLE``."""
        return family_name(self.label(name))

    def members(self, family: str) -> list[MethodRecord]:
        """Every method whose family is this one's."""
        key = method_key(family_name(family))
        return [r for r in self if method_key(r.family) == key]

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Labels close to an unknown name, for "did you mean" messages."""
        return suggest(name, [form for record in self for form in record.forms], n=n)


def suggest(name: str, labels: Iterable[str], n: int = 5, cutoff: float = 0.6) -> list[str]:
    """The labels most like ``name`` (case-insensitive difflib ratio), best first, without repeats."""
    by_folded: dict[str, str] = {}
    for label in labels:
        by_folded.setdefault(label.casefold(), label)
    close = difflib.get_close_matches(name.casefold(), list(by_folded), n=n * 2, cutoff=cutoff)
    seen: set[str] = set()
    out = []
    for folded in close:
        label = by_folded[folded]
        if method_key(label) not in seen:
            seen.add(method_key(label))
            out.append(label)
    return out[:n]
