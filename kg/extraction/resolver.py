"""The resolver: one learned decision over every candidate entity, whichever rule proposed it.

The rules (vocabulary, acronym definitions, coined names, cue phrases) propose typed mention groups; a
plain word n-gram generator proposes the spans no rule named ("the nuPlan planning benchmark", "joint goal
accuracy"). Each candidate becomes a bag of features (what the rules said, its words, shape and context)
and a multinomial logistic regression, trained on the annotated papers (``training.resolver``), says
whether it is an entity and of which kind. Rules keep what they know best (a known name, an acronym's long
form); the model learns when to trust them and what they miss.

The trained weights ship in ``kg/extraction/models/resolver.json`` and load with no network. Inference is
a sparse dot product in NumPy, one call per paper.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from kg.core.domain import ENTITY_TYPES
from kg.core.identity import fold_plurals

MODEL_PATH = Path(__file__).parent / "models" / "resolver.json"
CLUSTERS_PATH = Path(__file__).parent / "models" / "word_clusters.json"  # scripts/make_word_clusters.py
FIELD_NAMES_PATH = Path(__file__).parent / "models" / "field_names.json"  # scripts/make_field_names.py
NONE = "none"
CLASSES: tuple[str, ...] = (NONE, *ENTITY_TYPES)
MAX_WORDS = 6
WORD = re.compile(r"[A-Za-z0-9][\w]*(?:[-'\u2019.][\w]+)*(?:\+\+|\+)?")
STOP = frozenset(STOP_WORDS) | {"et", "al", "e.g", "i.e", "vs", "via"}


@dataclass
class Candidate:
    """One thing that may be an entity: a rule's mention group, or a word n-gram no rule named."""

    start: int  # offsets of its first mention in the doc text
    end: int
    rule_kind: str | None  # the rules' type, None for an n-gram
    sources: frozenset[str] = frozenset()
    forms: tuple[str, ...] = ()
    concept_kind: str | None = None
    paired: bool = False  # an acronym definition's short or long form
    proposed: bool = False
    occurrences: int = 1
    ngram: bool = False  # proposed by the n-gram generator, not by a rule
    features: list[str] = field(default_factory=list)
    spans: tuple[tuple[int, int], ...] = ()  # every mention of a rule's group
    known: str = ""  # "hand" or "library" when a vocabulary lists the name
    proposal_features: list[str] = field(default_factory=list)
    proposal_label: bool = False  # training only: the gold paper proposes it


def word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(text, start, end)]


@lru_cache(maxsize=1 << 16)  # words recur across papers: a hot path of every candidate's features
def _shape(word: str) -> str:
    if any(ch.isdigit() for ch in word):
        return "d"
    if word.isupper():
        return "X"
    if word[:1].isupper():
        return "Xx" if word[1:].islower() or len(word) == 1 else "xX"
    return "x" if word.islower() else "xX"


@cache
def word_clusters() -> dict[str, int]:
    """Word classes learned from raw ML text: a feature that reaches words no annotated paper holds."""
    if not CLUSTERS_PATH.exists():
        return {}
    return json.loads(CLUSTERS_PATH.read_text(encoding="utf-8"))["clusters"]


@cache
def field_names() -> dict[str, dict[str, int]]:
    """The field's task, data set and metric names (Papers with Code and kin): normalised name -> {type:
    papers using it}. A feature, not a rule: the model learns how far a listing is to be trusted."""
    if not FIELD_NAMES_PATH.exists():
        return {}
    return json.loads(FIELD_NAMES_PATH.read_text(encoding="utf-8"))["names"]


@lru_cache(maxsize=1 << 16)
def word_form(word: str) -> str:
    """``scorer_form`` of one word, cached (every word of every paper is keyed once for the features)."""
    return scorer_form(word)


@cache
def field_name_prefixes() -> frozenset[str]:
    """Every leading run of words of a listed name ("cifar", "cifar 10"): a run of a doc's words that is
    none of these starts no listed name, so the search for listed runs stops there."""
    out = set()
    for name in field_names():
        words = name.split(" ")
        out.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
    return frozenset(out)


def scorer_form(text: str | None) -> str:
    """A name as the eval scorer (``score.py``) compares it: case, hyphens, punctuation and a plural "s" do not
    count. Not an identity key (that is ``kg.core.identity.key``): the field-name list and the training labels
    are matched in this form, so the features follow it. None is ""."""
    if text is None:
        return ""
    s = str(text).casefold().replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[-_/]+", " ", s)
    return fold_plurals(re.sub(r"[^\w\s.+%*]", " ", s).split(), ".")


class Context:
    """A doc's words with their offsets, for the features of any span in it."""

    def __init__(self, text: str, title_end: int, sentences: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.title_end = title_end
        self.words = word_spans(text, 0, len(text))
        self.starts = [s for s, _ in self.words]
        self.lower = [text[s:e].lower() for s, e in self.words]
        colon = text.find(": ", 0, title_end)
        self.title_colon = colon if colon >= 0 else -1
        self.sentence_starts = {s for s, _ in sentences}
        self.sentence_order = sorted(self.sentence_starts)
        self.title_words = {w for w in self.lower[: self.index(title_end)] if w not in STOP}
        self.keys = [word_form(w) for w in self.lower]  # each word's share of a name's key
        self._listed_runs: dict[tuple[int, int], dict[str, int]] | None = None  # _find_listed_runs
        self._run_starts: set[int] = set()
        self._run_ends: set[int] = set()

    def index(self, offset: int) -> int:
        """The first word starting at or after ``offset``."""
        return bisect_left(self.starts, offset)

    def _edge(self, k: int, offset: int, before: bool) -> str:
        """What bounds a span on one side: the sentence's edge, punctuation, a function word, a
        capitalised word or a plain word. A name rarely starts or ends inside a run of content words."""
        if k < 0 or k >= len(self.words):
            return "edge"
        gap = self.text[self.words[k][1] : offset] if before else self.text[offset : self.words[k][0]]
        if gap.strip():
            return "punct"
        if offset in self.sentence_starts or (before and offset == self.title_end + 1):
            return "edge"
        word = self.lower[k]
        if word in STOP:
            return "stop"
        surface = self.text[self.words[k][0] : self.words[k][1]]
        return "cap" if surface != word else "word"

    def _word_features(self) -> None:
        """Each word's shape, class and feature strings, computed once per doc: n-gram candidates
        overlap, so the same word is described for dozens of them."""
        classes = word_clusters()
        surfaces = [self.text[s:e] for s, e in self.words]
        self.shapes = [_shape(w) for w in surfaces]
        self.classes = [str(classes.get(w, "?")) for w in self.lower]
        self.word_feats = [f"w={w}" for w in self.lower]
        self.class_feats = [f"c={c}" for c in self.classes]
        self.capitalised = [w[:1].isupper() for w in surfaces]

    def features(self, candidate: Candidate) -> list[str]:
        text, start, end = self.text, candidate.start, candidate.end
        first, last = self.index(start), self.index(end) - 1
        if not hasattr(self, "shapes"):
            self._word_features()
        if first <= last:
            words = self.lower[first : last + 1]
            shape = " ".join(self.shapes[first : min(last + 1, first + 4)])
            class_of = self.classes
            head_class, first_class = class_of[last], class_of[first]
            class_feats = self.class_feats[first : min(last + 1, first + MAX_WORDS)]
            word_feats = self.word_feats[first : min(last + 1, first + MAX_WORDS)]
            capitalised = all(self.capitalised[first : last + 1])
        else:  # a span inside one word: described from its own text
            classes = word_clusters()
            words = [text[start:end].lower()]
            shape = _shape(text[start:end])
            head_class = first_class = str(classes.get(words[0], "?"))
            class_feats, word_feats = [f"c={head_class}"], [f"w={words[0]}"]
            capitalised = text[start:end][:1].isupper()
        rule = "ngram" if candidate.ngram else candidate.rule_kind or "untyped"
        lower = self.lower
        prev1 = lower[first - 1] if first >= 1 else "<s>"
        prev2 = lower[first - 2] if first >= 2 else "<s>"
        next1 = lower[last + 1] if last + 1 < len(lower) else "</s>"
        next2 = lower[last + 2] if last + 2 < len(lower) else "</s>"
        prev_class = self.classes[first - 1] if first >= 1 else "?"
        next_class = self.classes[last + 1] if last + 1 < len(lower) else "?"
        before = text[max(0, start - 2) : start]
        after = text[end : end + 2]
        head = words[-1]
        left, right = self._edge(first - 1, start, before=True), self._edge(last + 1, end, before=False)
        feats = [
            f"rule={rule}|L={left}|R={right}",
            f"L={left}|shape={shape}",
            f"R={right}|head={head}",
            f"rule={rule}",
            f"first={words[0]}",
            f"head={head}",
            f"suf={head[-3:]}",
            f"prev={prev1}",
            f"prev2={prev2} {prev1}",
            f"next={next1}",
            f"next2={next1} {next2}",
            f"shape={shape}",
            f"len={min(len(words), MAX_WORDS)}",
            f"rule={rule}|head={head}",
            f"rule={rule}|shape={shape}",
            f"rule={rule}|prev={prev1}",
            f"rule={rule}|next={next1}",
            f"hc={head_class}",
            f"fc={first_class}",
            f"pc={prev_class}",
            f"nc={next_class}",
            f"rule={rule}|hc={head_class}",
            f"pc={prev_class}|hc={head_class}",
            *class_feats,
            *word_feats,
        ]
        feats.append("form=" + " ".join(words))
        feats += [f"src={s}" for s in sorted(candidate.sources)]
        feats += [f"rule={rule}|src={s}" for s in sorted(candidate.sources)]
        if candidate.concept_kind:
            feats.append(f"vocab={candidate.concept_kind}")
            feats.append(f"rule={rule}|vocab={candidate.concept_kind}")
        if start < self.title_end:
            feats.append(f"rule={rule}|in_title")
            if 0 <= self.title_colon and end <= self.title_colon:
                feats.append(f"rule={rule}|title_prefix")
        if after.startswith((" (", "(")):
            feats.append("paren_after")
        if before.endswith("(") and after[:1] in (")", ",", ";"):
            feats.append("in_paren")
        if start in self.sentence_starts or start == self.title_end + 1:
            feats.append("sentence_start")
        if candidate.paired:
            feats.append(f"rule={rule}|acronym_pair")
        if candidate.proposed:
            feats.append(f"rule={rule}|proposed")
        if len(candidate.forms) > 1:
            feats.append(f"rule={rule}|forms>1")
        feats.append(f"rule={rule}|occ={min(candidate.occurrences, 3)}")
        feats += self._field_name_features(candidate, first, last, rule)
        if capitalised:
            feats.append(f"rule={rule}|all_capitalised")
        return feats

    def _find_listed_runs(self) -> dict[tuple[int, int], dict[str, int]]:
        """Every run of up to ``MAX_WORDS`` words of the doc that the field's name list holds, found once
        per doc (n-gram candidates share their runs), growing a run only while it begins a listed name."""
        names, prefixes, keys = field_names(), field_name_prefixes(), self.keys
        runs: dict[tuple[int, int], dict[str, int]] = {}
        for a in range(len(keys)):
            run = ""
            for b in range(a, min(a + MAX_WORDS, len(keys))):
                if not keys[b]:
                    break
                run = f"{run} {keys[b]}" if run else keys[b]
                if run not in prefixes:
                    break
                kinds = names.get(run)
                if kinds:
                    runs[a, b] = kinds
        self._listed_runs = runs
        self._run_starts = {a for a, _ in runs}
        self._run_ends = {b for _, b in runs}
        return runs

    def _field_name_features(self, candidate: Candidate, first: int, last: int, rule: str) -> list[str]:
        """The candidate's type in the field's name list: the whole name (any of a group's forms), else the
        longest listed run of its first or last words ("ImageNet" of "ImageNet validation images")."""
        names = field_names()
        if not names:
            return []
        if first > last or not all(self.keys[first : last + 1]):  # a run with a word of no key: read afresh
            keys = [k for k in self.keys[first : last + 1] if k]
            runs = [" ".join(keys[:n]) for n in range(len(keys), 0, -1)]
            whole = names.get(runs[0], {}) if runs else {}
            prefixes = (names.get(run, {}) for run in runs[1:])
            suffixes = (names.get(" ".join(keys[-n:]), {}) for n in range(len(keys) - 1, 0, -1))
        elif last - first >= MAX_WORDS:  # longer than any run found below
            whole = names.get(" ".join(self.keys[first : last + 1]), {})
            prefixes = (names.get(" ".join(self.keys[first:b]), {}) for b in range(last, first, -1))
            suffixes = (names.get(" ".join(self.keys[a : last + 1]), {}) for a in range(first + 1, last + 1))
        else:
            runs = self._listed_runs if self._listed_runs is not None else self._find_listed_runs()
            whole = runs.get((first, last), {})
            prefixes = (
                (runs.get((first, b), {}) for b in range(last - 1, first - 1, -1))
                if first in self._run_starts
                else ()
            )
            suffixes = (
                (runs.get((a, last), {}) for a in range(first + 1, last + 1))
                if last in self._run_ends
                else ()
            )
        listed = dict(whole)
        for form in candidate.forms[1:]:
            for kind, papers in names.get(scorer_form(form), {}).items():
                listed[kind] = max(listed.get(kind, 0), papers)
        if listed:
            out = []
            for kind, papers in listed.items():
                out += [f"fv={kind}", f"rule={rule}|fv={kind}", f"fv={kind}|papers={min(papers, 10) // 5}"]
            return out
        out = []
        for kinds in prefixes:
            if kinds:
                out += [f"fvpre={kind}" for kind in kinds]
                break
        for kinds in suffixes:
            if kinds:
                out += [f"fvsuf={kind}" for kind in kinds]
                break
        return out

    def proposal_features(self, candidate: Candidate, proposing_groups: int) -> list[str]:
        """What says a method or dataset is the paper's own: where it is named (title, its prefix, the
        first or last sentences), the words before its mentions ("we propose", "our"), the verbs of its
        sentences, how it is spelled, whether a vocabulary knows it, and how many other names the rules
        call proposed."""
        text = self.text
        spans = candidate.spans or ((candidate.start, candidate.end),)
        feats = {f"known={candidate.known or 'no'}", f"occ={min(len(spans), 4)}"}
        feats.update(f"src={s}" for s in candidate.sources)
        feats.add(f"rule_proposed={candidate.proposed}|others={min(proposing_groups, 2)}")
        if candidate.paired:
            feats.add("acronym_pair")
        name = text[spans[0][0] : spans[0][1]]
        feats.add(
            f"shape={_shape(name.split()[0]) if name.split() else ''}|words={min(len(name.split()), 3)}"
        )
        sentence_starts, title_words = self.sentence_order, self.title_words
        for start, end in spans:
            first, last = self.index(start), self.index(end) - 1
            if start < self.title_end:
                feats.add("in_title")
                if 0 <= self.title_colon and end <= self.title_colon:
                    feats.add("title_prefix")
                if start == 0 and end >= self.title_end - 1:
                    feats.add("whole_title")
                continue
            order = bisect_left(sentence_starts, start + 1) - 1
            feats.add(f"sentence={min(order, 4)}")
            if order >= len(sentence_starts) - 2:
                feats.add("late_sentence")
            prev = [self.lower[k] if k >= 0 else "<s>" for k in (first - 2, first - 1)]
            feats.add(f"prev={prev[1]}")
            feats.add(f"prev2={prev[0]} {prev[1]}")
            feats.add(f"next={self.lower[last + 1] if last + 1 < len(self.lower) else '</s>'}")
            s_start = sentence_starts[order] if order >= 0 else 0
            s_end = sentence_starts[order + 1] if order + 1 < len(sentence_starts) else len(text)
            for word in self.lower[self.index(s_start) : self.index(s_end)]:
                if word in PROPOSAL_WORDS:
                    feats.add(f"sentence_has={word}")
        words = [w for w in re.split(r"[\s\-]+", " ".join(candidate.forms).lower()) if w and w not in STOP]
        if words and "in_title" not in feats:
            shared = sum(w in title_words for w in words) / len(words)
            feats.add(
                "title_words=all" if shared == 1 else "title_words=some" if shared else "title_words=none"
            )
        return sorted(feats)


# words of English scientific writing that mark what a paper itself brings (the model learns their weights)
_PROPOSAL_WORDS = """
we our propose proposes proposed introduce introduces introduced present presents presented novel new
called named dubbed termed coined release releases develop develops design designs baseline baselines
existing prior previous compared outperforms than
"""
PROPOSAL_WORDS = frozenset(_PROPOSAL_WORDS.split())


def ngram_candidates(
    context: Context,
    sentences: Sequence[tuple[int, int]],
    blocked: Sequence[tuple[int, int]],
    mentions: Sequence[tuple[int, int]],
    heads: frozenset[str] | None,
) -> list[Candidate]:
    """Runs of up to ``MAX_WORDS`` words inside one sentence, separated by spaces only, that start and end
    on a content word and end on a learned head word or a name-like word (any word when ``heads`` is None).
    A run never touches a ``blocked`` span (URLs) and never cuts a rule's mention: it may hold one whole
    ("joint goal accuracy" around "accuracy"), so the resolver can settle the boundary."""
    text = context.text
    words, lower = context.words, context.lower
    # for each word, the word range of the rule mention over it; a mention not on word boundaries poisons it
    cover: dict[int, tuple[int, int]] = {}
    for m_start, m_end in mentions:
        first, last = context.index(m_start), context.index(m_end) - 1
        aligned = first <= last and words[first][0] == m_start and words[last][1] == m_end
        for k in range(max(first - 1, 0), min(last + 2, len(words))):
            if words[k][0] < m_end and m_start < words[k][1]:
                cover[k] = (first, last) if aligned else (-1, len(words))
    exact = set(mentions)
    # the words a blocked span touches: a run holding one is dropped (words are joined by single spaces)
    touched = set()
    for b_start, b_end in blocked:
        k = max(context.index(b_start) - 1, 0)
        while k < len(words) and words[k][0] < b_end:
            if b_start < words[k][1]:
                touched.add(k)
            k += 1
    found: list[Candidate] = []
    for s_start, s_end in sentences:
        i, j_end = context.index(s_start), context.index(s_end)
        for i0 in range(i, j_end):
            if lower[i0] in STOP:
                continue
            need = i0
            hit = False
            for j in range(i0, min(i0 + MAX_WORDS, j_end)):
                if j > i0 and text[words[j - 1][1] : words[j][0]] != " ":
                    break
                hit = hit or j in touched
                if j in cover:
                    first, last = cover[j]
                    if first < i0:
                        break
                    need = max(need, last)
                if j < need:
                    continue
                word = lower[j]
                if word in STOP:
                    continue
                if not ends_on_head(text[words[j][0] : words[j][1]], heads):
                    continue
                if hit:
                    break
                start, end = words[i0][0], words[j][1]
                if (start, end) in exact:
                    continue
                found.append(Candidate(start, end, None, forms=(text[start:end],), ngram=True))
    return found


def ends_on_head(last_word: str, heads: frozenset[str] | None) -> bool:
    """May an n-gram end on ``last_word``? A learned head word, or a name-like one (a capital or a digit:
    any case but all lower); any word when ``heads`` is None (collecting every n-gram for training)."""
    return heads is None or last_word != last_word.lower() or last_word.lower() in heads


@dataclass
class Model:
    classes: tuple[str, ...]
    index: dict[str, int]
    weights: np.ndarray  # (features + 1, classes); the last row is zeros, for unknown features
    intercept: np.ndarray
    heads: frozenset[str]
    accept: float  # minimum probability of the winning kind for an n-gram candidate
    group_accept: dict[str, float]  # the same for a rule's mention group, by kind
    ngram_accept: dict[str, float] = field(default_factory=dict)  # an n-gram's, by kind (else ``accept``)
    proposal: dict[str, float] = field(default_factory=dict)  # weights of "the paper's own" (binary)
    proposal_bias: float = 0.0
    proposal_accept: float = 0.5  # None of these: the rules' proposal cues decide

    @classmethod
    def from_json(cls, data: dict) -> Model:
        features = list(data["weights"])
        weights = np.array([data["weights"][f] for f in features] + [[0.0] * len(data["classes"])])
        return cls(
            classes=tuple(data["classes"]),
            index={f: i for i, f in enumerate(features)},
            weights=weights,
            intercept=np.array(data["intercept"]),
            heads=frozenset(data["heads"]),
            accept=float(data.get("accept", 0.5)),
            group_accept={kind: float(value) for kind, value in data.get("group_accept", {}).items()},
            ngram_accept={kind: float(value) for kind, value in data.get("ngram_accept", {}).items()},
            proposal=dict(data.get("proposal", {}).get("weights", {})),
            proposal_bias=float(data.get("proposal", {}).get("intercept", 0.0)),
            proposal_accept=float(data.get("proposal", {}).get("accept", 0.5)),
        )

    def proposal_probability(self, features: Sequence[str]) -> float:
        """How likely a method or dataset is the paper's own (a logistic regression over its features)."""
        score = self.proposal_bias + sum(self.proposal.get(f, 0.0) for f in features)
        return 1 / (1 + np.exp(-score))

    def probabilities(self, feature_lists: Sequence[list[str]]) -> np.ndarray:
        """One row of class probabilities per candidate."""
        if not feature_lists:
            return np.zeros((0, len(self.classes)))
        unknown, get = repeat(len(self.index)), self.index.get
        rows: list[int] = []
        offsets = []
        for feats in feature_lists:
            offsets.append(len(rows))
            rows.extend(map(get, feats, unknown))
        scores = np.add.reduceat(self.weights[rows], offsets, axis=0) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


@cache
def load_model(path: str = str(MODEL_PATH)) -> Model | None:
    """The shipped model; None when none was trained (the rules then decide alone)."""
    file = Path(path)
    if not file.exists():
        return None
    return Model.from_json(json.loads(file.read_text(encoding="utf-8")))


def decide(model: Model, candidates: Sequence[Candidate]) -> list[tuple[str | None, float]]:
    """Each candidate's kind (None: not an entity) and the model's probability for it: the likeliest entity
    kind, kept when its probability reaches the model's threshold (tuned by cross-validation for F1)."""
    probs = model.probabilities([c.features for c in candidates])
    out: list[tuple[str | None, float]] = []
    for candidate, row in zip(candidates, probs, strict=True):
        best = 1 + int(row[1:].argmax())
        kind = model.classes[best]
        if candidate.ngram:
            threshold = model.ngram_accept.get(kind, model.accept)
        else:
            threshold = model.group_accept.get(kind, 0.5)
        out.append((kind, float(row[best])) if row[best] >= threshold else (None, float(row[0])))
    return out


def select_ngrams(
    candidates: Sequence[Candidate], decisions: Sequence[tuple[str | None, float]]
) -> list[tuple[Candidate, str, float]]:
    """Accepted n-grams, most probable first, none overlapping another."""
    accepted = sorted(
        ((c, k, p) for c, (k, p) in zip(candidates, decisions, strict=True) if k is not None),
        key=lambda item: (-item[2], item[0].start),
    )
    chosen: list[tuple[Candidate, str, float]] = []
    for candidate, kind, prob in accepted:
        if not any(c.start < candidate.end and candidate.start < c.end for c, _, _ in chosen):
            chosen.append((candidate, kind, prob))
    return sorted(chosen, key=lambda item: item[0].start)


def confidence(prob: float) -> float:
    return round(min(1.0, max(0.05, prob)), 2)
