"""Name identity: when two names are one entity. One key, ``key(kind, text)``, and one union-find.

``key`` is what every stage files a name under. Extraction groups a paper's mentions by ``key(None, text)``
before their kind is known (case, separators, punctuation and a plural "s" do not matter). The graph mints
an entity's IRI from ``key(kind, name)``: a method's key also drops what decorates a mention without
changing the method (``the``, ``-based``, ``model``) while keeping a version or size marker (EAGLE, EAGLE-2
and EAGLE-3 are three methods of one family); other kinds are filed by slug. Lineage trees and name lookup
find nodes by the same key. ``UnionFind`` merges what the keys alone do not (an acronym and its long form).

>>> key("method", "Transformers"), key("method", "transformer-based"), key("method", "EAGLE-3")
('transformer', 'transformer', 'eagle-3')
>>> key(None, "Vision-Transformers"), key("metric", "Top-1 Accuracy")
('vision transformer', 'top-1-accuracy')
>>> family_name("EAGLE-3"), family_name("wav2vec 2.0"), family_name("T5")
('EAGLE', 'wav2vec', 'T5')
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)

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
def _method_key(name: str) -> str:
    """The identity key of a method name: ASCII, lower case, ``[a-z0-9-]``, never empty.

    >>> [_method_key(n) for n in ("BERT", "bert", "BERT-based", "the BERT model", "BERTs")]
    ['bert', 'bert', 'bert', 'bert', 'bert']
    >>> [_method_key(n) for n in ("EAGLE", "EAGLE-2", "EAGLE 3", "EAGLE3")]
    ['eagle', 'eagle-2', 'eagle-3', 'eagle-3']
    >>> _method_key("wav2vec 2.0") == _method_key("wav2vec2"), _method_key("DyGIE++")
    (True, 'dygie-plusplus')
    """
    tokens = _tokens(name)
    if tokens:
        return "-".join(tokens)
    return "m" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def slug(name: str) -> str:
    """``"Top-1 Accuracy"`` -> ``"top-1-accuracy"``: ASCII, lower case, hyphen-separated, never empty."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    text = re.sub(r"[^a-z0-9+]+", "-", text).strip("-").replace("+", "plus")
    return text or "x" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def fold_plurals(words: Iterable[str], strip: str) -> str:
    """Words stripped of ``strip``, a plural "s" dropped from words over three letters, joined by spaces: the
    last step of the surface key (and of the eval scorer's normalisation the resolver's features follow)."""
    out = []
    for w in words:
        w = w.strip(strip)
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        if w:
            out.append(w)
    return " ".join(out)


SURFACE_SEPARATORS = re.compile(r"[-_/\u2010\u2013]+")
SURFACE_PUNCTUATION = re.compile(r"[^\w\s.+^%*&']")


@lru_cache(maxsize=65536)
def _surface_key(text: str) -> str:
    """A surface form's key: case-folded, hyphens as spaces, a plural "s" dropped."""
    s = SURFACE_SEPARATORS.sub(" ", text.casefold())
    return fold_plurals(SURFACE_PUNCTUATION.sub(" ", s).split(), ".'")


def key(kind: str | None, text: str) -> str:
    """The identity key of a name: two names of one kind with one key are one entity.

    ``kind`` None keys a surface form whose kind is not decided yet (extraction's mention groups); a method's
    key merges surface variants but keeps versions (``_method_key``); any other kind is filed by ``slug``.

    >>> key(None, "Top-1 Accuracy"), key("metric", "Top-1 Accuracy"), key("method", "the BERT models")
    ('top 1 accuracy', 'top-1-accuracy', 'bert')
    """
    if kind is None:
        return _surface_key(text)
    if kind == "method":
        return _method_key(text)
    return slug(text)


class UnionFind(Generic[T]):
    """Disjoint sets: the one merge every stage uses (mention groups, method nodes).

    ``union`` keeps the smaller root, or the one ``prefer`` picks, so a merge's outcome does not depend on
    the order of the unions' arguments.

    >>> groups = UnionFind[int]()
    >>> groups.union(3, 1), groups.union(1, 7), groups.find(7)
    (1, 1, 1)
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.parent: dict[T, T] = {item: item for item in items}

    def find(self, item: T) -> T:
        parent = self.parent
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]  # path halving
            item = parent[item]
        return item

    def union(self, a: T, b: T, prefer: Callable[[T, T], T] | None = None) -> T:
        """Merge the sets of ``a`` and ``b``; returns the root kept (``prefer(root_a, root_b)``, else the smaller)."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return root_a
        keep = prefer(root_a, root_b) if prefer else min(root_a, root_b)
        self.parent[root_b if keep == root_a else root_a] = keep
        return keep

    def __contains__(self, item: object) -> bool:
        return item in self.parent


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
        if _method_key(label) not in seen:
            seen.add(_method_key(label))
            out.append(label)
    return out[:n]
