"""Method lineage from one paper's text: which methods the paper's own method extends, varies or beats.

``find_lineage`` runs after the entities are found. Its children are the methods the paper proposes; its
parents come from two kinds of evidence, precision before recall (a wrong ancestry misleads more than a
missing one):

- the child's name: a version series (``EAGLE-3`` extends ``EAGLE``, ``DeFTAN-II`` extends ``DeFTAN``),
  a known method inside the name (``BERTurk``, ``AD-BERT``, ``WhiteningBERT`` on ``BERT``) or inside its
  long form (``recursive composition augmented Transformer``), a title apposition naming what the method
  is (``Combiner: Full Attention Transformer ...``);
- cue phrases in a sentence about the paper's own method (``our model is built on top of X``,
  ``X-based``, ``improves X``), whose cue lists live in ``lineage_cues.json``.

Every edge carries the sentence and the span it was read from, and a confidence by kind of evidence.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.extraction.records import Entity, Evidence, Extraction, LineageEdge
from kg.methods import family_name, method_key
from kg.papers import Paper

CUES_FILE = Path(__file__).with_name("lineage_cues.json")
MIN_CONFIDENCE = 0.5
# the strongest evidence wins when two rules relate the same pair
RELATION_RANK = {"extends": 0, "variant_of": 1, "improves_on": 2, "based_on": 3}
# how a clause ends: the parent must be named before this
CLAUSE_END = re.compile(
    r"[.;:!?()\[\]]|,\s*(?:which|while|whereas|but|and then|where|so)\b|\b(?:while|whereas|but)\b"
)
COORDINATION = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|as well as|&)\s+)(?:the\s+)?\s*")
VERSION_MARKER = re.compile(r"(?:[\s_-]*v?\d{1,2}(?:\.\d+)*|[\s_-]+[IVX]{2,4}|\+\+?)$")
ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "cf.", "Fig.", "Eq.", "approx.", "resp.")
# words allowed between a cue and the parent: "built on top of the state-of-the-art Emu"
MAX_WORDS_BEFORE_PARENT = 6
LINKING_WORDS = {"of", "in", "for", "with", "from", "to", "by", "than", "on", "at"}


@dataclass(frozen=True)
class Cues:
    """The cue phrases of ``lineage_cues.json``, compiled."""

    # relation, cue, confidence, whether the parent may be a technique, whether the child must be named
    relations: tuple[tuple[str, re.Pattern, float, bool, bool], ...]
    derived: re.Pattern
    comparison: re.Pattern
    self_reference: re.Pattern
    prior_work: re.Pattern
    negation: re.Pattern
    variant_markers: re.Pattern
    generic: frozenset[str]
    families: frozenset[str]


@cache
def load_cues(path: Path = CUES_FILE) -> Cues:
    data = json.loads(path.read_text(encoding="utf-8"))
    relations = []
    for relation, spec in data["relations"].items():
        for key, named in (("cues", False), ("cues_needing_name", True)):
            if spec.get(key):
                pattern = re.compile(r"\b(?:" + "|".join(spec[key]) + r")\b", re.IGNORECASE)
                confidence, technique_ok = float(spec["confidence"]), bool(spec["parent_may_be_technique"])
                relations.append((relation, pattern, confidence, technique_ok, named))
    return Cues(
        relations=tuple(relations),
        # "BERT-based", "SENet-like", "ResNet backbone"; never "X based on Y", where X is not the parent
        derived=re.compile(
            r"^(?:-(?:"
            + "|".join(data["derived_suffixes"])
            + r")|\s+(?:backbone|based(?!\s+(?:on|upon))))\b",
            re.IGNORECASE,
        ),
        comparison=re.compile(data["comparison"], re.IGNORECASE),
        self_reference=re.compile(data["self_reference"], re.IGNORECASE),
        prior_work=re.compile(data["prior_work"], re.IGNORECASE),
        negation=re.compile(data["negation"], re.IGNORECASE),
        variant_markers=re.compile(data["variant_markers"]),
        generic=frozenset(method_key(name) for name in data["generic_parents"]),
        families=frozenset(method_key(name) for name in data["architecture_families"]),
    )


@cache
def vocabulary_methods() -> dict[str, tuple[str, ...]]:
    """prefLabel -> every label of the shipped method vocabulary, for parents named only in a child's name."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    from kg.resources import ontology_dir
    from kg.vocab import KGV

    path = ontology_dir() / "vocab" / "methods.ttl"
    if not path.is_file():
        return {}
    graph = Graph().parse(path, format="turtle")
    scheme = URIRef(KGV["method/"])
    out: dict[str, tuple[str, ...]] = {}
    for concept in graph.subjects(SKOS.inScheme, scheme):
        pref = graph.value(concept, SKOS.prefLabel)
        if pref is None:
            continue
        alts = [str(alt) for alt in graph.objects(concept, SKOS.altLabel)]
        out[str(pref)] = (str(pref), *alts)
    return out


@dataclass(frozen=True)
class Node:
    """A method (or technique) as this paper names it: the name to report and every form it takes."""

    name: str
    forms: tuple[str, ...]
    kind: str  # "child", "method" or "technique"
    in_text: bool = True


@dataclass(frozen=True)
class Mention:
    node: Node
    field: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    field: str
    text: str
    start: int  # offset of the sentence within the field


def find_lineage(paper: Paper, extraction: Extraction) -> list[LineageEdge]:
    """The lineage edges one paper states, its proposed methods as children; empty when it proposes none."""
    cues = load_cues()
    children = _children(extraction)
    if not children:
        return []
    parents = _parents(extraction, children, cues)
    fields = {"title": paper.title, "abstract": paper.abstract}
    mentions = _mentions(fields, children + parents)
    edges: list[LineageEdge] = []
    for child in children:
        edges += _from_version(child, parents, fields)
        edges += _from_name(child, parents, fields, mentions, cues)
    edges += _from_title(paper.title, children, parents, mentions)
    for sentence in _sentences(fields):
        inside = [
            m
            for m in mentions
            if m.field == sentence.field and sentence.start <= m.start < sentence.start + len(sentence.text)
        ]
        edges += _from_sentence(sentence, inside, children, cues)
    own = _own_components(extraction, children)
    return _best([e for e in edges if method_key(e.parent) not in own], children, cues)


# -- the methods in play ----------------------------------------------------------------------------------


def _forms(entity: Entity, extraction: Extraction) -> tuple[str, ...]:
    forms = [entity.name, entity.canonical, *entity.aliases]
    keys = {method_key(form) for form in forms}
    for alias in extraction.aliases:
        if method_key(alias.short) in keys or method_key(alias.long) in keys:
            forms += [alias.short, alias.long]
    return tuple(dict.fromkeys(form for form in forms if form and form.strip()))


def _children(extraction: Extraction) -> list[Node]:
    """The paper's own methods; a name the paper also uses for a metric, dataset or task is none."""
    others = {method_key(e.canonical) for e in extraction.metrics + extraction.datasets + extraction.tasks}
    others |= {method_key(e.name) for e in extraction.metrics + extraction.datasets + extraction.tasks}
    out: dict[str, Node] = {}
    for entity in extraction.proposed:
        if (
            entity.type not in ("method", "technique")
            or {method_key(entity.canonical), method_key(entity.name)} & others
        ):
            continue
        out.setdefault(
            method_key(entity.canonical), Node(entity.canonical, _forms(entity, extraction), "child")
        )
    return list(out.values())


def _parents(extraction: Extraction, children: list[Node], cues: Cues) -> list[Node]:
    """Candidate parents: the paper's other methods and techniques, then vocabulary methods not in the text."""
    taken = {method_key(form) for child in children for form in child.forms}
    out: dict[str, Node] = {}
    for kind, entities in (("method", extraction.methods), ("technique", extraction.techniques)):
        for entity in entities:
            forms = _forms(entity, extraction)
            keys = {method_key(form) for form in forms}
            if keys & taken or keys & cues.generic:
                continue
            out.setdefault(method_key(entity.canonical), Node(entity.canonical, forms, kind))
    for pref, labels in vocabulary_methods().items():
        key = method_key(pref)
        if key not in out and key not in taken and key not in cues.generic:
            out[key] = Node(pref, labels, "method", in_text=False)
    return list(out.values())


def _pattern(form: str) -> re.Pattern:
    flags = 0 if any(ch.isupper() for ch in form) else re.IGNORECASE
    return re.compile(r"(?<![\w+])" + re.escape(form) + r"(?![\w+]|-(?:\d|[A-Z]{2}))", flags)


def _mentions(fields: dict[str, str], nodes: list[Node]) -> list[Mention]:
    """Every place a node's forms occur, longest first so ``AD-BERT`` is not also a ``BERT``."""
    found = []
    for node in nodes:
        for form in node.forms:
            if len(form) < 2:
                continue
            for field, text in fields.items():
                for match in _pattern(form).finditer(text):
                    found.append(Mention(node, field, match.start(), match.end()))
    found.sort(key=lambda m: (m.field, -(m.end - m.start), m.node.kind != "child", m.start))
    kept: list[Mention] = []
    for mention in found:
        if not any(
            k.field == mention.field and k.start < mention.end and mention.start < k.end for k in kept
        ):
            kept.append(mention)
    return sorted(kept, key=lambda m: (m.field, m.start))


def _sentences(fields: dict[str, str]) -> list[Sentence]:
    out = []
    for field, text in fields.items():
        start = 0
        for match in re.finditer(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])", text):
            if text[: match.start()].endswith(ABBREVIATIONS):
                continue
            out.append(Sentence(field, text[start : match.start()], start))
            start = match.end()
        if text[start:].strip():
            out.append(Sentence(field, text[start:], start))
    return out


def _evidence(fields: dict[str, str], field: str, start: int, end: int) -> Evidence:
    text = fields[field]
    sentence = next((s for s in _sentences({field: text}) if s.start <= start < s.start + len(s.text)), None)
    return Evidence(field, sentence.text if sentence else text, start, end)


def _locate(fields: dict[str, str], node: Node) -> tuple[str, int, int] | None:
    for field, text in fields.items():
        for form in node.forms:
            match = _pattern(form).search(text)
            if match:
                return field, match.start(), match.end()
    return None


def _own_components(extraction: Extraction, children: list[Node]) -> set[str]:
    """Keys of names the paper coins for parts of its own method: ``MoLE`` in ``LLaVA-MoLE``, defined there.

    A method the vocabulary knows (``BERT`` in ``AD-BERT``) is never one, even when the paper spells it out.
    """
    known = {method_key(label) for labels in vocabulary_methods().values() for label in labels}
    own: set[str] = set()
    for alias in extraction.aliases:
        keys = {method_key(alias.short), method_key(alias.long)}
        if keys & known or len(alias.short) < 2:
            continue
        if any(
            alias.short in form and method_key(form) not in keys for child in children for form in child.forms
        ):
            own |= keys
    return own


# -- evidence from names ----------------------------------------------------------------------------------


def _version_number(name: str) -> float | None:
    match = re.search(r"(\d+(?:\.\d+)?)\D*$", name) or None
    if match:
        return float(match.group(1))
    roman = re.search(r"\b([IVX]{2,4})$", name)
    return float({"II": 2, "III": 3, "IV": 4}.get(roman.group(1), 0)) if roman else None


def _from_version(child: Node, parents: list[Node], fields: dict[str, str]) -> list[LineageEdge]:
    """``EAGLE-3`` extends ``EAGLE`` (named or not) and earlier versions the text names (``EAGLE-2``)."""
    edges = []
    where = _locate(fields, child)
    if where is None:
        return []
    evidence = _evidence(fields, *where)
    for form in child.forms:
        marker = VERSION_MARKER.search(form)
        base = family_name(form) if marker else None
        if marker and form.endswith("+"):
            base = form.rstrip("+")
        if (
            not base
            or base == form
            or method_key(base) == method_key(form)
            or len(re.sub(r"\W", "", base)) < 2
        ):
            continue
        if re.search(r"(?:19|20)\d\d$", form):  # a year, not a version: "SemEval-2024"
            continue
        known = next((p for p in parents if method_key(base) in {method_key(f) for f in p.forms}), None)
        edges.append(LineageEdge(child.name, known.name if known else base, "extends", 0.9, evidence))
        number = _version_number(form)
        for parent in parents:
            if not parent.in_text or parent is known:
                continue
            same_family = any(method_key(family_name(f)) == method_key(base) for f in parent.forms)
            older = number is not None and (_version_number(parent.name) or 1.0) < number
            if same_family and older:
                edges.append(LineageEdge(child.name, parent.name, "extends", 0.7, evidence))
        break
    return edges


def _affix_boundary(name: str, start: int, end: int, parent_in_text: bool) -> bool:
    """Whether a parent's name at ``name[start:end]`` is a component of the child's name, not an accident."""
    before = name[start - 1] if start > 0 else ""
    after = name[end] if end < len(name) else ""
    if start == 0 and after:
        return after.islower() or after in "-_ "
    if end == len(name) and before:
        return before.islower() or before in "-_ +" or (parent_in_text and before.isupper())
    return False


def _from_name(
    child: Node, parents: list[Node], fields: dict[str, str], mentions: list[Mention], cues: Cues
) -> list[LineageEdge]:
    """``BERTurk`` / ``AD-BERT`` on ``BERT``; a long form that names a method (``... augmented Transformer``)."""
    edges = []
    where = _locate(fields, child)
    if where is None:
        return []
    evidence = _evidence(fields, *where)
    variant = _says_variant(fields, child, cues)
    for parent in parents:
        if parent.kind != "method":
            continue
        hit = False
        for form in child.forms:
            for pform in parent.forms:
                if len(pform) < 3 or method_key(pform) == method_key(form):
                    continue
                if " " not in form and " " not in pform and sum(ch.isupper() for ch in pform) >= 2:
                    start = form.find(pform)
                    rest = form[:start] + form[start + len(pform) :] if start >= 0 else ""
                    if (
                        start >= 0
                        and not VERSION_MARKER.fullmatch(rest)
                        and _affix_boundary(form, start, start + len(pform), parent.in_text)
                    ):
                        hit = True
                elif (
                    " " in form
                    and parent.in_text
                    and _is_long_form(form, child)
                    and _pattern(pform).search(form)
                ):
                    hit = " " in pform or any(ch.isupper() for ch in pform) or form.endswith(pform)
                if hit:
                    break
            if hit:
                break
        if hit:
            family = method_key(parent.name) in cues.families
            relation = "variant_of" if variant and not family else "based_on"
            edges.append(
                LineageEdge(child.name, parent.name, relation, 0.8 if parent.in_text else 0.7, evidence)
            )
    return edges


def _is_long_form(form: str, child: Node) -> bool:
    """A several-word form of a child that also has a one-word name: an acronym's expansion."""
    return any(" " not in other and other != form for other in child.forms)


def _says_variant(fields: dict[str, str], child: Node, cues: Cues) -> bool:
    """The text presents the child as a model pre-trained for a language or domain."""
    text = " ".join(fields.values())
    return bool(cues.variant_markers.search(text) or re.search(r"\bpre-?train", text, re.IGNORECASE))


def _from_title(
    title: str, children: list[Node], parents: list[Node], mentions: list[Mention]
) -> list[LineageEdge]:
    """``Combiner: Full Attention Transformer with ...``: the title says what kind of method the child is."""
    match = re.match(r"^\s*([^:]{2,60}?)\s*:\s*(?:an?\s+|the\s+)?(.+)$", title, re.IGNORECASE)
    if not match:
        return []
    child = next(
        (c for c in children if any(method_key(f) == method_key(match.group(1)) for f in c.forms)), None
    )
    if child is None:
        return []
    description = match.group(2)
    head = re.split(r"\s+(?:for|with|via|by|in|using|through|towards|on|to|from|of)\s+|[,:]", description)[0]
    if re.match(r"\w+ing\b", head) or re.search(r"\s(?:and|or|&)\s", head):
        return []  # "Fusing Exponential and Linear Cross Network": not a noun phrase naming one method
    head_end = match.start(2) + len(head)
    for mention in mentions:
        if mention.field == "title" and mention.end == head_end and mention.node.kind == "method":
            surface = title[mention.start : mention.end]
            if surface.endswith("s") and not surface.endswith("ss"):
                continue  # "Long-Range Transformers" is a class the method belongs to, not what it is
            evidence = Evidence("title", title, mention.start, mention.end)
            return [LineageEdge(child.name, mention.node.name, "based_on", 0.65, evidence)]
    return []


# -- evidence from cue phrases ----------------------------------------------------------------------------


def _from_sentence(
    sentence: Sentence, mentions: list[Mention], children: list[Node], cues: Cues
) -> list[LineageEdge]:
    text = sentence.text
    rel = [Mention(m.node, m.field, m.start - sentence.start, m.end - sentence.start) for m in mentions]
    child_mentions = [m for m in rel if m.node.kind == "child"]
    subjects = [(m.start, m.end) for m in child_mentions]
    subjects += [(m.start(), m.end()) for m in cues.self_reference.finditer(text)]
    if sentence.field == "title":
        subjects.append((0, 0))
    if not subjects:
        return []

    def child_for(position: int) -> Node:
        before = [m for m in child_mentions if m.start <= position]
        return (before[-1] if before else child_mentions[0]).node if child_mentions else children[0]

    def evidence(mention: Mention) -> Evidence:
        return Evidence(sentence.field, text, mention.start + sentence.start, mention.end + sentence.start)

    edges = []
    named = bool(child_mentions) or sentence.field == "title"
    for relation, pattern, confidence, technique_ok, needs_name in cues.relations:
        if needs_name and not named:
            continue  # "we study pretraining a Vision Transformer": weak cues need the method's name
        for cue in pattern.finditer(text):
            if cues.negation.search(text[: cue.start()]):
                continue
            subject = [s for s in subjects if s[1] <= cue.start()]
            if relation == "improves_on" and cue.group(0).casefold() == "unlike":
                subject = subjects  # "Unlike X, our model ..."
            if not subject:
                continue
            last = max(s[1] for s in subject)
            if subject is not subjects and cues.prior_work.search(text[last : cue.start()]):
                continue
            for parent in _parents_after(text, cue.end(), rel, technique_ok):
                child = child_for(cue.start())
                edges.append(
                    LineageEdge(child.name, parent.node.name, relation, confidence, evidence(parent))
                )
    # "X-based", "X-like": the paper's method is built on X
    for mention in rel:
        if mention.node.kind != "method" or not cues.derived.match(text[mention.end :]):
            continue
        if not [s for s in subjects if s[1] <= mention.start] and sentence.field != "title":
            continue
        before = text[: mention.start].split()
        if cues.prior_work.search(" ".join(before[-3:])) or cues.comparison.search(" ".join(before[-2:])):
            continue  # "existing BERT-based models", "compared to GPT-like models", "workings of X-based"
        child = child_for(mention.start)
        edges.append(LineageEdge(child.name, mention.node.name, "based_on", 0.7, evidence(mention)))
    return edges


def _parents_after(text: str, position: int, mentions: list[Mention], technique_ok: bool) -> list[Mention]:
    """The parent named right after a cue, with those coordinated with it: ``such as BART and Longformer``."""
    end = CLAUSE_END.search(text, position)
    limit = end.start() if end else len(text)
    candidates = [m for m in mentions if position <= m.start < limit and m.node.kind != "child"]
    if not candidates:
        return []
    first = candidates[0]
    between = text[position : first.start].split()
    if len(between) > MAX_WORDS_BEFORE_PARENT or (set(between) & LINKING_WORDS and "such" not in between):
        return []  # "builds on these properties of task vectors": the parent is not what is built on
    chain = [first]
    for mention in candidates[1:]:
        if COORDINATION.fullmatch(text[chain[-1].end : mention.start]) or (
            text[chain[-1].end : mention.start].strip() in ("", "-")
        ):
            chain.append(mention)
        else:
            break
    return [m for m in chain if m.node.kind == "method" or technique_ok]


# -- choosing ---------------------------------------------------------------------------------------------


def _best(edges: list[LineageEdge], children: list[Node], cues: Cues) -> list[LineageEdge]:
    """One edge per (child, parent): the surest, the strongest relation on a tie; none to itself or a sibling."""
    child_keys = {method_key(form) for child in children for form in child.forms}
    best: dict[tuple[str, str], LineageEdge] = {}
    for edge in edges:
        parent_key = method_key(edge.parent)
        if parent_key in child_keys or parent_key in cues.generic or edge.confidence < MIN_CONFIDENCE:
            continue
        pair = (method_key(edge.child), parent_key)
        current = best.get(pair)
        if current is None or (edge.confidence, -RELATION_RANK[edge.relation]) > (
            current.confidence,
            -RELATION_RANK[current.relation],
        ):
            best[pair] = edge
    return sorted(best.values(), key=lambda e: (e.child, -e.confidence, e.parent))
