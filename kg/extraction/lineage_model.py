"""Lineage, decided: ``find_lineage`` (what extraction runs) and the learned decision: every (child, parent) pair a paper could state, described, and decided by a
logistic regression trained on the annotated papers (``training.lineage``).

The rules of ``kg.extraction.lineage`` stay the candidate generator and one of the features: their edges
(from names, titles and cue phrases) are candidates, and so is every other method or technique the text
names, paired with each of the paper's own methods. A pair is described by what the text says around the
two names: the cue phrases of ``lineage_cues.json`` between and before them, whether one sentence names both
(or the parent and "we"), how far apart they are, the words before the parent ("attacks", "than", "upon"),
whether the parent is a baseline being beaten, attacked or evaluated, how the names contain each other,
the parent's kind and place (title, first sentence), whether it is a generic topic word inside the child's
long form, and the rules' own decision. The weights ship as JSON (``models/lineage.json``), read without
scikit-learn; with no model file the rules decide alone.

A parent is always a method or technique the text writes: a pair whose parent is the child's own long
form, one of the paper's own components, or a string the text does not contain is never a candidate.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.core import identity
from kg.core.domain import BASED_ON, EXTENDS, IMPROVES_ON, RELATION_RANK
from kg.core.identity import family_name
from kg.core.papers import Paper
from kg.extraction.lineage import (
    CLAUSE_END,
    COMPARES,
    CONTRASTS,
    Cues,
    Fields,
    Mention,
    Node,
    _evidence,
    _is_long_form,
    _locate,
    _mentions,
    _pattern,
    _rules,
)
from kg.extraction.records import Evidence, Extraction, LineageEdge
from kg.extraction.vocabulary import VocabularyMatcher

MODEL_PATH = Path(__file__).parent / "models" / "lineage.json"
# what a parent being used, not built on, looks like: "attacks DenseNet-121", "evaluated on", "e.g."
ATTACKS = re.compile(r"\b(?:attack\w*|against|adversar\w*|fool\w*|victim|target(?:ed|s)?)\b", re.IGNORECASE)
EVALUATES = re.compile(
    r"\b(?:evaluat\w*|benchmark\w*|tested|test|experiments?|apply\w*|applied|applicable|compatible|"
    r"plug\w*|across|various|different|baselines?|models?\s+(?:like|such as))\b",
    re.IGNORECASE,
)
EXAMPLES = re.compile(r"\b(?:such as|e\.g\.?|including|like|namely|i\.e\.?)\W*$", re.IGNORECASE)
APPOSITION = re.compile(
    r"^\s*(?:\([^()]*\)\s*)?[,:(\u2013-]?\s*(?:which is\s+|is\s+)?(?:an?|the)\s", re.IGNORECASE
)
NAMING = re.compile(r"\b(?:called|named|dubbed|termed|namely|coined)\b", re.IGNORECASE)
EXAMPLE_WORDS = re.compile(r"\b(?:such as|e\.g|including|like|namely)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][\w'-]*")


@dataclass
class Pair:
    """One (child, parent) pair the paper may state, the rules' edge for it if any, and its features."""

    child: Node
    parent: Node
    rule: LineageEdge | None
    features: dict[str, float]
    evidence: Evidence
    relation: str
    probability: float = field(default=0.0)
    written: str = ""

    def edge(self) -> LineageEdge:
        if self.rule is not None:
            return LineageEdge(
                self.rule.child, self.rule.parent, self.rule.relation, self.confidence(), self.rule.evidence
            )
        return LineageEdge(self.child.name, self.name, self.relation, self.confidence(), self.evidence)

    @property
    def name(self) -> str:
        """The parent's name as the text writes it: its node's name, else its first form the text writes
        (a canonical "pretraining" where the text says "pre-training")."""
        return self.written or self.parent.name

    def confidence(self) -> float:
        return (
            round(self.probability, 3) if self.probability else (self.rule.confidence if self.rule else 0.5)
        )


@dataclass(frozen=True)
class LineageModel:
    """A logistic regression over pair features; accepts a pair whose probability reaches ``threshold``."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1 / (1 + math.exp(-max(min(z, 40.0), -40.0)))

    def to_json(self) -> dict:
        return {"weights": self.weights, "bias": self.bias, "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict) -> LineageModel:
        return cls(
            {k: float(v) for k, v in data["weights"].items()}, float(data["bias"]), float(data["threshold"])
        )


@cache
def load_model(path: Path = MODEL_PATH) -> LineageModel | None:
    """The shipped model, or None (the rules decide) when there is none."""
    if not path.is_file():
        return None
    return LineageModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def decide(pairs: list[Pair], model: LineageModel) -> list[LineageEdge]:
    """The accepted pairs as edges, one per (child, parent), surest first."""
    for pair in pairs:
        pair.probability = model.probability(pair.features)
    accepted = [pair.edge() for pair in pairs if pair.probability >= model.threshold]
    return sorted(accepted, key=lambda e: (e.child, -e.confidence, e.parent))


def find_lineage(
    paper: Paper,
    extraction: Extraction,
    sentences: list[tuple[int, int]] | None = None,
    vocabulary: VocabularyMatcher | None = None,
) -> list[LineageEdge]:
    """The lineage edges one paper states, its proposed methods as children; empty when it proposes none.

    ``sentences`` are the extraction doc's sentences, as (start, end) offsets into ``paper.text``, and
    ``vocabulary`` the pipeline's matcher: lineage reads what entity extraction read. Without them (a
    caller holding no doc) the pipeline makes both.

    With the shipped model, the rules' edges and every other method or
    technique the text names beside a child are candidates it decides; without one the rules decide."""
    rules, context = _rules(paper, extraction, sentences, vocabulary)
    model = load_model()
    if model is None or context is None:
        return rules
    return decide(_pairs(rules, *context, extraction), model)


def lineage_pairs(
    paper: Paper,
    extraction: Extraction,
    sentences: list[tuple[int, int]] | None = None,
    vocabulary: VocabularyMatcher | None = None,
) -> list[Pair]:
    """Every (child, parent) pair the paper could state, with its features."""
    rules, context = _rules(paper, extraction, sentences, vocabulary)
    if not context:
        return []
    children, parents, mentions, fields, cues, own = context
    return _pairs(rules, children, parents, mentions, fields, cues, own, extraction)


def _text_writes(fields: Fields, name: str) -> bool:
    folded = name.casefold()
    return bool(folded.strip()) and any(folded in text.casefold() for text in fields.values())


def _pairs(
    rules: list[LineageEdge],
    children: list[Node],
    parents: list[Node],
    mentions: list[Mention],
    fields: Fields,
    cues: Cues,
    own: set[str],
    extraction: Extraction,
) -> list[Pair]:
    child_keys = {key for child in children for key in child.keys}
    by_key: dict[str, Node] = {}
    for node in parents:
        if not (node.keys & child_keys) and not (node.keys & cues.generic):
            by_key.setdefault(identity.key("method", node.name), node)
    rule_for: dict[tuple[str, str], LineageEdge] = {}
    extra: dict[str, Node] = {}  # parents only the rules relate: named inside a name, or the paper's own
    for edge in rules:
        parent_key = identity.key("method", edge.parent)
        child = next((c for c in children if identity.key("method", edge.child) in c.keys), None)
        if child is None or parent_key in child.keys or not _text_writes(fields, edge.parent):
            continue  # never the child's own form, never a name the text does not write
        if parent_key not in by_key:
            extra.setdefault(
                parent_key,
                next(
                    (p for p in parents + children if parent_key in p.keys),
                    Node(edge.parent, (edge.parent,), "method", False),
                ),
            )
        rule_for[(identity.key("method", child.name), parent_key)] = edge
    pieces = _name_pieces(children, fields, {**by_key, **extra}, child_keys | own | cues.generic)
    if pieces:
        by_key.update({identity.key("method", node.name): node for node in pieces})
        mentions = _mentions(fields, [*children, *by_key.values()])
    reader = _Reader(fields, mentions, cues)
    concepts = {
        key
        for entity in extraction.methods + extraction.techniques
        if entity.concept
        for key in (identity.key("method", entity.name), identity.key("method", entity.canonical))
    }
    aliases = {identity.key("method", a.short) for a in extraction.aliases} | {
        identity.key("method", a.long) for a in extraction.aliases
    }
    out = []
    for child in children:
        for parent_key, parent in {**by_key, **extra}.items():
            rule = rule_for.get((identity.key("method", child.name), parent_key))
            if rule is None and (parent_key in extra or not parent.in_text):
                continue
            features, evidence, relation = reader.describe(child, parent, children, by_key)
            features.update(_rule_features(rule))
            features.update(_name_features(child, parent, cues))
            features["p_vocabulary"] = float(bool(parent.keys & concepts))
            features["p_defined"] = float(bool(parent.keys & aliases))
            features["p_own_component"] = float(bool(parent.keys & own))
            features["children=" + str(min(len(children), 3))] = 1.0
            features["parents=" + str(min(len(by_key) // 4, 4))] = 1.0
            named_in_child = bool(features.get("p_in_c_name") or features.get("p_in_c_long"))
            if rule is not None:
                relation, evidence = rule.relation, rule.evidence
            elif evidence is None and named_in_child:
                where = _locate(fields, child)  # "Siamese Masked Autoencoders": named inside the child only
                if where is None:
                    continue
                evidence = _evidence(fields, *where)
                features["p_only_in_child"] = 1.0
                relation = EXTENDS.name if features.get("c_version_of_p") else BASED_ON.name
            elif evidence is None:
                continue  # no sentence names the parent: only the rules can relate it
            written = next((f for f in (parent.name, *parent.forms) if _text_writes(fields, f)), "")
            if rule is None and not written:
                continue
            out.append(Pair(child, parent, rule, features, evidence, relation, written=written))
    return out


CAMEL_CUT = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[-_]")
ORDINARY_HEADS = frozenset(
    [
        "network",
        "networks",
        "net",
        "nets",
        "model",
        "models",
        "learning",
        "method",
        "methods",
        "framework",
        "system",
        "systems",
        "layer",
        "layers",
        "algorithm",
        "algorithms",
        "approach",
        "module",
        "modules",
        "encoder",
        "decoder",
    ]
)


def _name_pieces(children: list[Node], fields: Fields, known: dict[str, Node], taken: set[str]) -> list[Node]:
    """Names a child's name proposes that the text also writes on its own, outside the child's name:
    ``Memory Networks`` of ``Key-Value Memory Networks``, ``ACO`` of ``DeepACO``. Only name-like pieces (a
    capital after the first letter, a digit, or several words ending on a name), never a bare common word."""
    out: dict[str, Node] = {}
    texts = list(fields.values())
    for child in children:
        stripped = texts
        for form in sorted(child.forms, key=len, reverse=True):
            stripped = [_blank(text, form) for text in stripped] if len(form) >= 2 else stripped
        for form in child.forms:
            if " " in form:
                words = form.split()
                cuts = [" ".join(words[i:]) for i in range(1, len(words))]
                cuts += [" ".join(words[:i]) for i in range(1, len(words))]
            else:
                segments = [seg for seg in CAMEL_CUT.split(form) if seg]
                cuts = [
                    "".join(segments[i:j])
                    for i in range(len(segments))
                    for j in range(i + 1, len(segments) + 1)
                ]
                cuts = [cut for cut in cuts if cut != form]
            for cut in cuts:
                key = identity.key("method", cut)
                if len(cut) < 3 or key in taken or key in known or key in out:
                    continue
                words = cut.split()
                if words[-1].casefold() in ORDINARY_HEADS and len(words) == 1:
                    continue
                if not (
                    sum(ch.isupper() for ch in cut) >= 2 or any(ch.isdigit() for ch in cut) or len(words) >= 2
                ):
                    continue
                spelt = _pattern(cut.casefold() if " " in cut else cut)
                if any(spelt.search(text) for text in stripped):
                    out[key] = Node(cut, (cut,), "piece")
    return list(out.values())


def _blank(text: str, form: str) -> str:
    """``text`` with every occurrence of ``form`` as a name blanked out."""
    for start, end in reversed(list(_pattern(form).spans(text))):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _rule_features(rule: LineageEdge | None) -> dict[str, float]:
    if rule is None:
        return {"rule_none": 1.0}
    in_name = rule.evidence.start < rule.evidence.end and rule.parent not in rule.evidence.sentence
    return {
        "rule": 1.0,
        "rule_rel=" + rule.relation: 1.0,
        f"rule_conf={rule.confidence:.2f}": 1.0,
        "rule_in_name": float(in_name),
        "rule_title": float(rule.evidence.field == "title"),
    }


def _name_features(child: Node, parent: Node, cues: Cues) -> dict[str, float]:
    """How the two names contain each other, and what kind of name the parent is."""
    f: dict[str, float] = {}
    pforms = [p for p in parent.forms if len(p) >= 2]
    for cform in child.forms:
        long = " " in cform and _is_long_form(cform, child)
        for pform in pforms:
            if identity.key("method", pform) == identity.key("method", cform):
                continue
            if " " not in cform and pform in cform:
                f["p_in_c_name"] = 1.0
                if cform.startswith(pform):
                    f["p_prefix_of_c"] = 1.0
                elif cform.endswith(pform):
                    f["p_suffix_of_c"] = 1.0
                if identity.key("method", family_name(cform)) == identity.key("method", pform):
                    f["c_version_of_p"] = 1.0
            if long and _pattern(pform.casefold() if " " in pform else pform).search(cform):
                f["p_in_c_long"] = 1.0
                if cform.casefold().endswith(pform.casefold()):
                    f["p_head_of_c_long"] = 1.0
                    if parent.kind == "technique" or pform.islower():
                        f["p_topic_of_c"] = 1.0  # "Graph Contrastive Learning" is about contrastive learning
    name = parent.name
    # "V2V-PoseNet: Voxel-to-Voxel Prediction Network": the child's own long form, never defined as such
    initials = "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w[0].isalpha()).casefold()
    if len(initials) >= 2 and any(
        " " not in cform and _subsequence(initials, cform.casefold()) for cform in child.forms
    ):
        f["p_initials_of_c"] = 1.0
    f["p_kind=" + ("own" if parent.kind == "child" else parent.kind)] = 1.0
    f["p_in_text"] = float(parent.in_text)
    f["p_family"] = float(identity.key("method", name) in cues.families)
    f["p_words=" + str(min(len(name.split()), 3))] = 1.0
    f["p_lower"] = float(name.islower())
    f["p_caps"] = float(sum(ch.isupper() for ch in name) >= 2)
    f["p_plural"] = float(name.endswith("s") and not name.endswith("ss") and len(name) > 3)
    f["p_digit"] = float(any(ch.isdigit() for ch in name))
    return f


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


class _Reader:
    """The paper's sentences with the mentions in each, and where "we" speaks."""

    def __init__(self, fields: Fields, mentions: list[Mention], cues: Cues) -> None:
        self.cues = cues
        self.sentences = list(fields.sentences)
        self.starts = [(s.field != "title", s.start) for s in self.sentences]
        self.by_sentence: list[list[Mention]] = [[] for _ in self.sentences]
        for mention in mentions:
            i = bisect_right(self.starts, (mention.field != "title", mention.start)) - 1
            if i >= 0:
                self.by_sentence[i].append(mention)
        self.we = [
            [m.span() for m in cues.self_reference.finditer(s.text)]
            + ([(0, 0)] if s.field == "title" else [])
            for s in self.sentences
        ]
        self.first_abstract = next((i for i, s in enumerate(self.sentences) if s.field == "abstract"), -1)

    def describe(
        self, child: Node, parent: Node, children: list[Node], parents: dict[str, Node]
    ) -> tuple[dict[str, float], Evidence | None, str]:
        f: dict[str, float] = {}
        child_at = [i for i, ms in enumerate(self.by_sentence) if any(m.node is child for m in ms)]
        parent_at = [i for i, ms in enumerate(self.by_sentence) if any(m.node is parent for m in ms)]
        f["p_mentions=" + str(min(len(parent_at), 3))] = 1.0
        f["c_mentions=" + str(min(len(child_at), 3))] = 1.0
        if not parent_at:
            return f, None, BASED_ON.name
        f["p_title"] = float(self.sentences[parent_at[0]].field == "title")
        title = self.sentences[0] if self.sentences and self.sentences[0].field == "title" else None
        if title is not None and parent_at[0] == 0:
            lead = re.split(r"\s*[:\u2013\u2014]\s*|\s+-+\s+", title.text, maxsplit=1)
            if len(lead) == 2 and identity.key("method", lead[0]) in child.keys:
                f["p_title_description"] = 1.0  # "SwiDeN: Convolutional Neural Networks For ..."
        f["p_first_sentence"] = float(parent_at[0] == self.first_abstract)
        f["p_first_named"] = float(parent_at[0] <= min(child_at, default=len(self.sentences)))
        f["p_only_before_child"] = float(bool(child_at) and max(parent_at) < min(child_at))
        f["p_last_sentence"] = float(parent_at[-1] == len(self.sentences) - 1)
        if child_at:
            distance = min(abs(i - j) for i in parent_at for j in child_at)
            f["dist=" + str(min(distance, 3))] = 1.0
        else:
            f["child_unnamed"] = 1.0
        best: tuple[int, Evidence | None, str] = (-1, None, BASED_ON.name)
        for i in parent_at:
            sentence, here = self.sentences[i], self.by_sentence[i]
            text, offset = sentence.text, sentence.start
            with_child = [m for m in here if m.node is child]
            for mention in (m for m in here if m.node is parent):
                start, end = mention.start - offset, mention.end - offset
                self._context(f, text, start, end)
                if with_child:
                    subject = min(with_child, key=lambda m: abs(m.start - mention.start))
                    s_start, s_end = subject.start - offset, subject.end - offset
                    kind = "c"
                elif self.we[i]:
                    s_start, s_end = min(self.we[i], key=lambda span: abs(span[0] - start))
                    kind = "we"
                else:
                    continue
                relation = self._between(f, kind, text, s_start, s_end, start, end, here, offset, parents)
                rank = 2 if kind == "c" else 1
                if rank > best[0]:
                    best = (rank, Evidence(sentence.field, text, mention.start, mention.end), relation)
        f["shared=" + {2: "child", 1: "we", -1: "none"}[best[0]]] = 1.0
        first = next(m for m in self.by_sentence[parent_at[0]] if m.node is parent)
        evidence = best[1] or Evidence(
            self.sentences[parent_at[0]].field, self.sentences[parent_at[0]].text, first.start, first.end
        )
        return f, evidence, best[2]

    def _context(self, f: dict[str, float], text: str, start: int, end: int) -> None:
        """The words around one mention of the parent."""
        before = text[max(0, start - 80) : start]
        words = WORD.findall(before)[-4:]
        lowered = [w.casefold() for w in words]
        if lowered:
            f["prev=" + lowered[-1]] = 1.0
        if len(lowered) > 1:
            f["prev2=" + " ".join(lowered[-2:])] = 1.0
        after = WORD.findall(text[end : end + 40])[:2]
        if after:
            f["next=" + after[0].casefold()] = 1.0
        near = " ".join(words)
        for name, regex in (
            ("compares", COMPARES),
            ("contrasts", CONTRASTS),
            ("prior", self.cues.prior_work),
            ("attacks", ATTACKS),
            ("evaluates", EVALUATES),
        ):
            if regex.search(near):
                f["near_" + name] = 1.0
        if EXAMPLES.search(before):
            f["example"] = 1.0
        if self.cues.negation.search(before):
            f["negated"] = 1.0
        if self.cues.derived.match(text[end:]):
            f["derived_after"] = 1.0
        if text[end : end + 1] == "-" or text[start - 1 : start] == "-":
            f["hyphen_joined"] = 1.0
        for relation, pattern, *_ in self.cues.relations:
            if pattern.search(before[-50:]):
                f["cue_before=" + relation] = 1.0

    def _between(
        self,
        f: dict[str, float],
        kind: str,
        text: str,
        s_start: int,
        s_end: int,
        start: int,
        end: int,
        here: list[Mention],
        offset: int,
        parents: dict[str, Node],
    ) -> str:
        """Features of the text between the subject (the child or "we") and the parent in one sentence; the
        relation its cue says."""
        order = "cp" if s_end <= start else "pc"
        f[f"{kind}_{order}"] = 1.0
        lo, hi = (s_end, start) if order == "cp" else (end, s_start)
        between = text[lo:hi] if lo <= hi else ""
        words = WORD.findall(between)
        f[f"{kind}_gap=" + str(min(len(words) // 4, 4))] = 1.0
        if CLAUSE_END.search(between):
            f[f"{kind}_clause_break"] = 1.0
        others = sum(
            1
            for m in here
            if lo <= m.start - offset < hi
            and m.node.kind != "child"
            and identity.key("method", m.node.name) in parents
        )
        if others:
            f[f"{kind}_names_between"] = 1.0
        relation = BASED_ON.name
        found: list[str] = []
        for rel, pattern, *_ in self.cues.relations:
            if pattern.search(between):
                f[f"{kind}_{order}_cue={rel}"] = 1.0
                found.append(rel)
        for name, regex in (
            ("compares", COMPARES),
            ("contrasts", CONTRASTS),
            ("attacks", ATTACKS),
            ("evaluates", EVALUATES),  # "is tested in ImageNet classification using ResNet-50"
            ("examples", EXAMPLE_WORDS),
        ):
            if regex.search(between):
                f[f"{kind}_between_{name}"] = 1.0
        if order == "cp" and len(words) <= 12:
            for word in {w.casefold() for w in words}:
                f["between=" + word] = 1.0
            if APPOSITION.match(between) and not CLAUSE_END.search(between.lstrip(" ,:(")):
                f[f"{kind}_apposition"] = 1.0  # "NuTrea, a tree search-based GNN model": what the child is
        if order == "pc" and NAMING.search(between) and len(words) <= 12:
            f[f"{kind}_then_named"] = 1.0  # "a contrastive learning-based framework, namely FedICON"
        if found:
            relation = min(found, key=RELATION_RANK.__getitem__)
        elif COMPARES.search(between):
            relation = IMPROVES_ON.name
        return relation
