"""Method lineage from one paper's text: which methods the paper's own method extends, varies or beats.

These are the rules ``kg.extraction.lineage_model.find_lineage`` runs after the entities are found. Their children are the methods the paper proposes; its
parents come from two kinds of evidence, precision before recall (a wrong ancestry misleads more than a
missing one):

- the child's name: a version series (``EAGLE-3`` extends ``EAGLE``, ``DeFTAN-II`` extends ``DeFTAN``),
  a known method inside the name (``BERTurk``, ``AD-BERT``, ``WhiteningBERT`` on ``BERT``) or inside its
  long form (``recursive composition augmented Transformer``), a title apposition naming what the method
  is (``Combiner: Full Attention Transformer ...``) or what it is built on (``Marsellus: A Heterogeneous
  RISC-V SoC``);
- cue phrases in a sentence about the paper's own method (``our model is built on top of X``,
  ``X-based``, ``improves X``, ``Foo ... by using X``), whose cue lists live in ``lineage_cues.json``.

The paper's own variants the text names beside its method (``LadleNet+``, ``iFormer-S``, ``AlexNet-PCN16``)
are children too. A name the child's is built on may be one the text only defines as others' work
(``COMBINER`` in ``RECOMBINER``); a family named only inside the child's name is reported as the one version
of it the text names (``LLaVA-MoLE`` on ``LLaVA-1.5``).

Every edge carries the sentence and the span it was read from, and a confidence by kind of evidence.
With the shipped model (``kg.extraction.lineage_model``) these rules propose and the model decides; the
rules alone (``rule_lineage``) are its fallback and are measured beside it (``bench/cv_lineage.py``). This
module knows nothing of the model: the model reads the rules, never the other way round.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from kg.core import identity
from kg.core.domain import (
    BASED_ON,
    EXTENDS,
    FIELD_FOR_TYPE,
    IMPROVES_ON,
    LINEAGE_TYPES,
    RELATION_BY_NAME,
    RELATION_RANK,
    VARIANT_OF,
)
from kg.core.identity import family_name
from kg.core.namespaces import KGV
from kg.core.papers import Paper
from kg.extraction.records import Alias, Entity, Evidence, Extraction, LineageEdge
from kg.extraction.vocabulary import VocabularyMatcher

CUES_FILE = Path(__file__).with_name("lineage_cues.json")
MIN_CONFIDENCE = 0.5
# how a clause ends: the parent must be named before this
CLAUSE_END = re.compile(
    r"[.;:!?()\[\]]|,\s*(?:which|while|whereas|but|and then|where|so)\b|\b(?:while|whereas|but)\b"
)
COORDINATION = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|as well as|&)\s+)(?:the\s+)?\s*")
VERSION_MARKER = re.compile(
    r"(?:[\s_-]*v?\d{1,2}(?:\.\d+)*|[\s_-]+[IVX]{2,4}|\+\+?|[\s_-]\d+(?:\.\d+)?[BMK])$"
)
# words allowed between a cue and the parent: "built on top of the state-of-the-art Emu"
MAX_WORDS_BEFORE_PARENT = 6
# a "name" that is a piece of a sentence: "and then pretrained a BERT model for AD"
FRAGMENT = re.compile(
    r"^(?:and|then|we|our|the|a|an|to|of|in|for|with|which|that|this|it|is)\s", re.IGNORECASE
)
# "outperform the results of mBERT", "improvements over variants of Transformers": what is beaten is still
# the named method
RESULTS_OF = re.compile(
    r"\b(?:the\s+)?(?:results?|performance|scores?|accuracy|variants?|versions?|variations?)\s+of\b",
    re.IGNORECASE,
)
LINKING_WORDS = {"of", "in", "for", "with", "from", "to", "by", "than", "on", "at"}
TITLE_LEAD = re.compile(r"\s*[:\u2013\u2014]\s*|\s+-+\s+")
TITLE_APPOSITION = re.compile(r"^\s*([^:]{2,60}?)\s*:\s*(?:an?\s+|the\s+)?(.+)$", re.IGNORECASE)
TITLE_HEAD_END = re.compile(
    r"\s+(?:for|with|via|by|in|using|through|towards|on|to|from|of)\s+|[,:]", re.IGNORECASE
)
GERUND = re.compile(r"\w+ing\b")
# "X: Combining A and B", "X: Rethinking A": a title whose description acts on named methods
COMBINING_GERUNDS = frozenset(["combining", "integrating", "unifying", "marrying", "fusing", "bridging"])
TITLE_GERUND = re.compile(
    r"(combining|integrating|unifying|marrying|fusing|bridging|improving|enhancing|boosting|extending"
    r"|rethinking|revisiting|reimagining|scaling|accelerating)\s+(?:the\s+|a\s+)?",
    re.IGNORECASE,
)
CONJUNCTION = re.compile(r"\s(?:and|or|&)\s")
PRETRAIN = re.compile(r"\bpre-?train", re.IGNORECASE)
SIZE_SUFFIX = re.compile(r"[\s_-]\d+(?:\.\d+)?[BMK]$")
YEAR_END = re.compile(r"(?:19|20)\d\d$")
NON_WORD = re.compile(r"\W")
NUMBER_END = re.compile(r"(\d+(?:\.\d+)?)\D*$")
ROMAN_END = re.compile(r"\b([IVX]{2,4})$")


@dataclass(frozen=True)
class Cues:
    """The cue phrases of ``lineage_cues.json``, compiled."""

    # relation, cue, confidence, whether the parent may be a technique, whether the child must be named
    relations: tuple[tuple[str, re.Pattern, float, bool, bool], ...]
    relation_literals: tuple[str, ...] | None  # a piece of text every cue needs (casefolded); None: unknown
    derived: re.Pattern
    comparison: re.Pattern
    self_reference: re.Pattern
    prior_work: re.Pattern
    negation: re.Pattern
    variant_markers: re.Pattern
    generic: frozenset[str]
    families: frozenset[str]


PLAIN = re.compile(r"[^()\[\]\\.^$*+?{}|]+")


def required_texts(cue: str) -> frozenset[str] | None:
    """Texts one of which every match of the regex ``cue`` contains, casefolded: its most telling plain
    run ("an? variant of" -> {" variant of"}) or alternation group ("(?:version|variant) of" ->
    {"version", "variant"}); None when it has none of three characters or more.

    Reads the pattern's top level only: groups, classes, escapes and optional characters end a run."""
    candidates: list[frozenset[str]] = []
    current, i = "", 0

    def end_run(text: str) -> None:
        candidates.append(frozenset([text]))

    while i < len(cue):
        ch = cue[i]
        following = cue[i + 1] if i + 1 < len(cue) else ""
        if ch == "|":
            return None  # alternatives at the top: no text common to all of them
        if ch == "(":
            end_run(current)
            current, depth, j = "", 1, i + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(cue[j], 0)
                j += 1
            body = cue[i + 1 : j - 1].removeprefix("?:")
            optional = j < len(cue) and cue[j] in "?*{"
            if not optional and all(PLAIN.fullmatch(part) for part in body.split("|")):
                candidates.append(frozenset(body.split("|")))
            i = j
            continue
        if ch in "[\\.^$":
            end_run(current)
            current = ""
            if ch == "[":
                i = cue.index("]", i + 2)  # a class's first character may be "]"
            elif ch == "\\":
                i += 1
        elif ch in "?*+{":
            if ch == "{":  # a repeat count: "{0,3}" is no text
                i = cue.index("}", i)
        elif following in ("?", "*", "{"):  # an optional character ends the run before it
            end_run(current)
            current = ""
        elif following == "+":  # one or more: the character is there, what follows it may not be
            end_run(current + ch)
            current = ""
        else:
            current += ch
        i += 1
    end_run(current)
    best = max(candidates, key=lambda texts: min(map(len, texts)))
    return frozenset(text.casefold() for text in best) if min(map(len, best)) >= 3 else None


def _required_literals(cues: list[str]) -> tuple[str, ...] | None:
    """Texts one of which any sentence a cue matches contains: a sentence with none of them matches none."""
    required = [required_texts(cue) for cue in cues]
    if None in required:
        return None
    texts = {text for needed in required for text in needed}  # type: ignore[union-attr]
    return tuple(sorted(t for t in texts if not any(other != t and other in t for other in texts)))


def may_state_relation(text: str, cues: Cues) -> bool:
    """False only when no relation cue can match ``text``: a substring test per cue, ten times cheaper than
    running the cues, and most sentences have none."""
    if cues.relation_literals is None:
        return True
    folded = text.casefold()
    return any(literal in folded for literal in cues.relation_literals)


@cache
def load_cues(path: Path = CUES_FILE) -> Cues:
    """The cue file compiled; its ``relations`` keys must be kg.core.domain's lineage relations."""
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = sorted(set(data["relations"]) - set(RELATION_BY_NAME))
    if unknown:
        raise ValueError(
            f"{path}: {', '.join(map(repr, unknown))} in 'relations' is no lineage relation; "
            f"kg.core.domain has {', '.join(RELATION_BY_NAME)}"
        )
    relations = []
    for relation, spec in data["relations"].items():
        for key, named in (("cues", False), ("cues_needing_name", True)):
            if spec.get(key):
                pattern = re.compile(r"\b(?:" + "|".join(spec[key]) + r")\b", re.IGNORECASE)
                # a weak cue ("uses a", "fine-tunes a") names a component: its parent must be a method
                confidence = float(spec["confidence"])
                technique_ok = bool(spec["parent_may_be_technique"]) and not named
                relations.append((relation, pattern, confidence, technique_ok, named))
    return Cues(
        relations=tuple(relations),
        relation_literals=_required_literals(
            [
                cue
                for spec in data["relations"].values()
                for key in ("cues", "cues_needing_name")
                for cue in spec.get(key, [])
            ]
        ),
        # "BERT-based", "SENet-like", "ResNet backbone"; never "X based on Y", where X is not the parent
        derived=re.compile(
            r"^(?:-(?:"
            + "|".join(data["derived_suffixes"])
            + r")|\s+(?:as\s+(?:the\s+|a\s+|its\s+|our\s+)?)?backbone|\s+based(?!\s+(?:on|upon)))\b",
            re.IGNORECASE,
        ),
        comparison=re.compile(data["comparison"], re.IGNORECASE),
        self_reference=re.compile(data["self_reference"], re.IGNORECASE),
        prior_work=re.compile(data["prior_work"], re.IGNORECASE),
        negation=re.compile(data["negation"], re.IGNORECASE),
        variant_markers=re.compile(data["variant_markers"]),
        generic=frozenset(identity.key("method", name) for name in data["generic_parents"]),
        families=frozenset(identity.key("method", name) for name in data["architecture_families"]),
    )


@lru_cache(maxsize=4)
def vocabulary_methods(vocabulary: VocabularyMatcher) -> dict[str, tuple[str, ...]]:
    """prefLabel -> every label of the pipeline's method vocabulary (the one entity extraction matched
    with), for parents named only in a child's name."""
    out: dict[str, list[str]] = {}
    for labels in (vocabulary.by_label, vocabulary.by_lower):
        for label, concept in labels.items():
            if concept.kind == "method":
                out.setdefault(concept.pref_label, [concept.pref_label]).append(label)
    return {pref: tuple(dict.fromkeys(labels)) for pref, labels in out.items()}


@lru_cache(maxsize=4)
def _vocabulary_index(vocabulary: VocabularyMatcher) -> dict[str, str]:
    """method key of every label -> the preferred label."""
    return {
        identity.key("method", label): pref
        for pref, labels in vocabulary_methods(vocabulary).items()
        for label in labels
    }


@dataclass(frozen=True)
class Node:
    """A method (or technique) as this paper names it: the name to report and every form it takes."""

    name: str
    forms: tuple[str, ...]
    kind: str  # "child", "method" or "technique"
    in_text: bool = True

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(identity.key("method", form) for form in self.forms)

    @cached_property
    def coinable(self) -> frozenset[str]:
        """The forms another name can be coined on: one word of three letters or more, two of them capitals
        (``_coined_on`` asks for the rest)."""
        return frozenset(
            form
            for form in self.forms
            if len(form) >= 3
            and " " not in form
            and (sum(map(str.isupper, form)) >= 2 or (self.in_text and _capitalised_word(form)))
        )


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


def rule_lineage(
    paper: Paper,
    extraction: Extraction,
    sentences: list[tuple[int, int]] | None = None,
    vocabulary: VocabularyMatcher | None = None,
) -> list[LineageEdge]:
    """The rules' edges alone: the model's candidates and fallback, measured beside it."""
    return _rules(paper, extraction, sentences, vocabulary)[0]


def _rules(
    paper: Paper,
    extraction: Extraction,
    sentences: list[tuple[int, int]] | None,
    vocabulary: VocabularyMatcher | None,
) -> tuple[list[LineageEdge], tuple | None]:
    """The rules' edges, and what they were read from (for ``kg.extraction.lineage_model``)."""
    if sentences is None or vocabulary is None:
        sentences, vocabulary = _read_with_pipeline(paper)
    cues = load_cues()
    children = _children(extraction, paper.title, vocabulary)
    if not children:
        return [], None
    fields = Fields(paper, sentences)
    own_variants = _own_variants(extraction, children, fields)
    children += [node for node, _ in own_variants]
    parents, unnamed = _parents(extraction, children, cues, vocabulary)
    mentions = _mentions(fields, children + parents)
    edges: list[LineageEdge] = []
    defined = _defined_names(extraction, children + parents, cues)
    variant = _says_variant(fields, cues)
    for child in children:
        if not any(node is child for node, _ in own_variants):  # their version edge is made already
            edges += _from_version(child, parents, unnamed, fields)
        edges += _from_name(child, parents + defined, unnamed, fields, cues, variant)
    edges += _from_title(paper.title, children, mentions)
    # mentions are sorted by (field, start): each sentence's are a slice, found by bisection
    positions = [(m.field, m.start) for m in mentions]
    for sentence in fields.sentences:
        first = bisect_left(positions, (sentence.field, sentence.start))
        last = bisect_left(positions, (sentence.field, sentence.start + len(sentence.text)))
        edges += _from_sentence(sentence, mentions[first:last], children, cues)
    own = _own_components(extraction, children, vocabulary, cues)
    rules = _best([e for e in edges if identity.key("method", e.parent) not in own], children, cues)
    rules += [edge for _, edge in own_variants]
    return rules, (children, parents, mentions, fields, cues, own)


def _read_with_pipeline(paper: Paper) -> tuple[list[tuple[int, int]], VocabularyMatcher]:
    from kg.extraction import build_pipeline
    from kg.extraction.assemble import sentence_offsets
    from kg.extraction.text import make_doc

    nlp = build_pipeline()
    doc = nlp(make_doc(nlp, paper.text))
    return sentence_offsets(doc), nlp.get_pipe("kg_vocabulary")


class Fields(dict):
    """The paper's fields by name (``{"title": ..., "abstract": ...}``) and their sentences, as the
    extraction doc split them (offsets into ``title + "\\n" + abstract``), per field."""

    def __init__(self, paper: Paper, offsets: list[tuple[int, int]]) -> None:
        super().__init__(title=paper.title, abstract=paper.abstract)
        title_end = len(paper.title)
        sentences = []
        for start, end in offsets:  # a sentence across the title's end is cut in two
            for field, offset, text in (
                ("title", 0, paper.title),
                ("abstract", title_end + 1, paper.abstract),
            ):
                piece_start, piece_end = max(start - offset, 0), min(end - offset, len(text))
                if piece_start < piece_end and text[piece_start:piece_end].strip():
                    sentences.append(Sentence(field, text[piece_start:piece_end], piece_start))
        self.sentences: tuple[Sentence, ...] = tuple(sentences)


# -- the methods in play ----------------------------------------------------------------------------------


def _written_forms(entity: Entity, extraction: Extraction) -> list[str]:
    """The forms the paper writes for an entity: its name, its other forms, their acronym definitions."""
    forms = [entity.name, *entity.aliases]
    keys = {identity.key("method", form) for form in forms}
    for alias in extraction.aliases:
        if identity.key("method", alias.short) in keys or identity.key("method", alias.long) in keys:
            forms += [alias.short, alias.long]
    return [form for form in forms if form and form.strip() and not FRAGMENT.match(form)]


def _forms(entity: Entity, extraction: Extraction) -> tuple[str, ...]:
    """Every form to look for: the written ones and the canonical name, when that is a sound one."""
    name = _name(entity, extraction)
    return tuple(dict.fromkeys([name, *_written_forms(entity, extraction)]))


def _name(entity: Entity, extraction: Extraction) -> str:
    """The name an edge reports: the canonical one (the graph's node) when it is a vocabulary's label or
    a form the paper writes; else the surface name, rather than a canonical the text does not support."""
    if FRAGMENT.match(entity.canonical):
        return entity.name
    written = {identity.key("method", form) for form in _written_forms(entity, extraction)}
    # a concept of the entity's own type (not "pretraining" for CLIP) vouches for its canonical name
    vouched = bool(entity.concept) and entity.concept.startswith(str(KGV[entity.type + "/"]))
    if vouched and _versioned_member(entity.name, entity.canonical):
        return entity.name  # "Wav2Vec 2.0", not its family "wav2vec": the graph links the two
    return entity.canonical if vouched or identity.key("method", entity.canonical) in written else entity.name


def _versioned_member(name: str, family: str) -> bool:
    """Whether ``name`` is a version or size of ``family`` (``Wav2Vec 2.0`` of ``wav2vec``)."""
    return identity.key("method", name) != identity.key("method", family) and identity.key(
        "method", family_name(name)
    ) == identity.key("method", family)


def _is_own_method(
    entity: Entity, forms: tuple[str, ...], title: str, others: set[str], vocabulary: VocabularyMatcher
) -> bool:
    """Whether a proposed entity can be a child: a method or technique, not a metric's or dataset's name,
    not a phrase fragment, and not a well-known method unless the title leads with it (``BERT: ...``)."""
    if entity.type not in LINEAGE_TYPES or FRAGMENT.match(entity.name):
        return False
    if {identity.key("method", entity.canonical), identity.key("method", entity.name)} & others:
        return False
    if entity.concept and not entity.concept.startswith(str(KGV["method/"])):
        return False  # the vocabulary knows the name as a metric, dataset or task
    if entity.concept or identity.key("method", entity.canonical) in _vocabulary_index(vocabulary):
        lead = TITLE_LEAD.split(title, maxsplit=1)[0]
        return identity.key("method", lead) in {identity.key("method", form) for form in forms}
    return True


def _children(extraction: Extraction, title: str, vocabulary: VocabularyMatcher) -> list[Node]:
    """The paper's own methods, as children of its lineage edges."""
    entities = extraction.metrics + extraction.datasets + extraction.tasks
    others = {identity.key("method", e.canonical) for e in entities} | {
        identity.key("method", e.name) for e in entities
    }
    out: dict[str, Node] = {}
    for entity in extraction.proposed:
        forms = _forms(entity, extraction)
        if not _is_own_method(entity, forms, title, others, vocabulary):
            continue
        name = forms[0]  # _forms puts the reported name first
        out.setdefault(identity.key("method", name), Node(name, forms, "child"))
    return list(out.values())


# a size or edition after a name: "iFormer-S", "ViT-L", "DeepStack-Lite"; "+" and numbers are VERSION_MARKER's
SIZE_MARKER = re.compile(
    r"[\s_-](?:[STBLHMG]|XS|XL|XXL|tiny|small|base|medium|large|huge|giant|mini|lite|light|plus|pro)$",
    re.IGNORECASE,
)


def _own_variants(
    extraction: Extraction, children: list[Node], fields: Fields
) -> list[tuple[Node, LineageEdge]]:
    """Methods the text names that are the paper's own method in another version or size (``LadleNet+``
    of ``LadleNet``, ``iFormer-S`` of ``iFormer``) or built with it (``AlexNet-PCN16`` on ``PCN``): children
    too, each with its edge to the method it is a variant of."""
    child_keys = {identity.key("method", form) for child in children for form in child.forms}
    out: list[tuple[Node, LineageEdge]] = []
    for entity in extraction.methods:
        forms = tuple(dict.fromkeys(f for f in (entity.name, *entity.aliases) if f and not FRAGMENT.match(f)))
        if not forms or {identity.key("method", f) for f in forms} & child_keys:
            continue
        node = Node(forms[0], forms, "child")
        edge = next(
            (
                edge
                for child in children
                for form in forms
                if (edge := _variant_edge(node, form, child, fields)) is not None
            ),
            None,
        )
        if edge is not None:
            out.append((node, edge))
            child_keys |= node.keys
    return out


def _variant_edge(node: Node, form: str, child: Node, fields: Fields) -> LineageEdge | None:
    """The edge from a variant's form to the child it varies, or None when it is none of its variants."""
    relation = None
    for base in child.forms:
        if not form.startswith(base) or len(base) < 3:
            continue
        rest = form[len(base) :]
        if VERSION_MARKER.fullmatch(rest) and not YEAR_END.search(rest):
            relation = EXTENDS.name
        elif SIZE_MARKER.fullmatch(rest):
            relation = VARIANT_OF.name
    if relation is None and any(
        re.search(rf"(?:^|[-_ ]){re.escape(pform)}(?:\d*$|[-_ ])", form) for pform in child.coinable
    ):
        relation = BASED_ON.name  # "AlexNet-PCN16": a part of the name between separators
    if relation is None:
        return None
    where = _locate(fields, node)
    if where is None:
        return None
    return LineageEdge(node.name, child.name, relation, 0.85, _evidence(fields, *where))


@dataclass(frozen=True)
class Unnamed:
    """The vocabulary's methods a paper does not name, as candidate parents, in vocabulary order: found by
    key or by the pieces a child's name is coined from, never by walking all of them for every paper."""

    nodes: tuple[Node, ...]
    skipped: frozenset[int]  # positions of the methods the text names: those are in-text parents instead
    by_key: dict[str, list[int]]
    by_coinable: dict[str, list[int]]

    def with_key(self, key: str) -> Node | None:
        return next((self.nodes[i] for i in self.by_key.get(key, ()) if i not in self.skipped), None)

    def coinable_in(self, pieces: set[str] | None) -> list[Node]:
        """Those one of whose coinable forms is among ``pieces`` (None: any piece, so all of them)."""
        if pieces is None:
            positions: Iterable[int] = range(len(self.nodes))
        else:
            positions = sorted({i for piece in pieces for i in self.by_coinable.get(piece, ())})
        return [self.nodes[i] for i in positions if i not in self.skipped]


def _parents(
    extraction: Extraction, children: list[Node], cues: Cues, vocabulary: VocabularyMatcher
) -> tuple[list[Node], Unnamed]:
    """Candidate parents: the paper's other methods and techniques, then the vocabulary's methods."""
    taken = {identity.key("method", form) for child in children for form in child.forms}
    out: dict[str, Node] = {}
    for kind in LINEAGE_TYPES:
        for entity in getattr(extraction, FIELD_FOR_TYPE[kind]):
            forms = _forms(entity, extraction)
            keys = {identity.key("method", form) for form in forms}
            if keys & taken or keys & cues.generic:
                continue
            name = _name(entity, extraction)
            if kind == "method" and not entity.concept:
                # "Bidirectional Encoder Representations from Transformers (BERT)" is the vocabulary's BERT
                index = _vocabulary_index(vocabulary)
                known = next(
                    (index[identity.key("method", f)] for f in forms if identity.key("method", f) in index),
                    name,
                )
                name = name if _versioned_member(name, known) else known
            if kind == "technique" and any(CAMEL_NAME.fullmatch(form) for form in forms):
                kind_here = "method"  # "EncoderFusion", "LoRA": a coined name is a method's, whatever its use
            else:
                kind_here = kind
            out.setdefault(identity.key("method", name), Node(name, forms, kind_here))
    named = taken | {identity.key("method", form) for node in out.values() for form in node.forms}
    nodes, by_key, by_coinable = _vocabulary_nodes(cues, vocabulary)
    skipped = frozenset(
        i for key in named for i in by_key.get(key, ())
    )  # a method the text names is its own node
    return list(out.values()), Unnamed(nodes, skipped, by_key, by_coinable)


# one word with a capital after a lower-case letter: a coined name ("EncoderFusion", "LoRA")
CAMEL_NAME = re.compile(r"[\w.+^-]*[a-z][A-Z][\w.+^-]*")


@lru_cache(maxsize=4)
def _vocabulary_nodes(
    cues: Cues, vocabulary: VocabularyMatcher
) -> tuple[tuple[Node, ...], dict[str, list[int]], dict[str, list[int]]]:
    """The vocabulary's methods as parents not named in the text, generic ones left out, built once; the
    positions of those with each label key, and with each coinable form."""
    nodes: list[Node] = []
    by_key: dict[str, list[int]] = {}
    by_coinable: dict[str, list[int]] = {}
    for pref, labels in vocabulary_methods(vocabulary).items():
        keys = {identity.key("method", label) for label in labels}
        if keys & cues.generic:
            continue
        node = Node(pref, labels, "method", in_text=False)
        for key in keys:
            by_key.setdefault(key, []).append(len(nodes))
        for form in node.coinable:
            by_coinable.setdefault(form, []).append(len(nodes))
        nodes.append(node)
    return tuple(nodes), by_key, by_coinable


# a form occurs as a name, not as part of a word or of a versioned name ("BERT" in "BERT-2" or "BERT-XL")
NAME_START = re.compile(r"(?<![\w+])")
NAME_END = {flags: re.compile(r"(?![\w+]|-(?:\d|[A-Z]{2}))", flags) for flags in (0, re.IGNORECASE)}
EMPTY_NAME = re.compile(NAME_START.pattern + NAME_END[0].pattern, re.IGNORECASE)


@dataclass(frozen=True)
class FormPattern:
    """Where a form occurs as a name, case-insensitively when it has no capital.

    Equivalent to searching ``NAME_START + re.escape(form) + NAME_END``, but the form is found with
    ``str.find`` (or a plain literal pattern) and only the ends are checked by regex: compiling a regex
    with look-arounds for every name of every paper cost more than the searching."""

    form: str
    literal: re.Pattern | None  # for a case-insensitive form; None: ``str.find``
    end: re.Pattern

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each occurrence, left to right, without overlaps (as ``finditer``)."""
        if not self.form:  # names nothing; found where the whole pattern would match
            yield from (match.span() for match in EMPTY_NAME.finditer(text))
            return
        position = 0
        while True:
            if self.literal is None:
                start = text.find(self.form, position)
                if start < 0:
                    return
                end = start + len(self.form)
            else:
                match = self.literal.search(text, position)
                if match is None:
                    return
                start, end = match.span()
            if NAME_START.match(text, start) and self.end.match(text, end):
                yield start, end
                position = end
            else:
                position = start + 1

    def search(self, text: str) -> tuple[int, int] | None:
        """The first occurrence's (start, end), or None."""
        return next(self.spans(text), None)


@lru_cache(maxsize=16384)
def _pattern(form: str) -> FormPattern:
    if any(ch.isupper() for ch in form):
        return FormPattern(form, None, NAME_END[0])
    return FormPattern(form, re.compile(re.escape(form), re.IGNORECASE), NAME_END[re.IGNORECASE])


def _mentions(fields: dict[str, str], nodes: list[Node]) -> list[Mention]:
    """Every place a node's forms occur, longest first so ``AD-BERT`` is not also a ``BERT``."""
    found = []
    for node in nodes:
        if not node.in_text:
            continue  # a vocabulary name the entity stage did not find in this paper
        for form in node.forms:
            if len(form) < 2:
                continue
            for field, text in fields.items():
                for start, end in _pattern(form).spans(text):
                    found.append(Mention(node, field, start, end))
    found.sort(key=lambda m: (m.field, -(m.end - m.start), m.node.kind != "child", m.start))
    # the kept spans of a field do not overlap, so sorted by start their ends are sorted too: a new span
    # overlaps one iff the last kept span starting before its end ends after its start
    kept: dict[str, list[tuple[int, int, int]]] = {}
    for i, mention in enumerate(found):
        spans = kept.setdefault(mention.field, [])
        before = bisect_left(spans, (mention.end,)) - 1
        if before < 0 or spans[before][1] <= mention.start:
            insort(spans, (mention.start, mention.end, i))
    return sorted(
        (found[i] for spans in kept.values() for _, _, i in spans), key=lambda m: (m.field, m.start)
    )


def _evidence(fields: Fields, field: str, start: int, end: int) -> Evidence:
    sentence = next(
        (s for s in fields.sentences if s.field == field and s.start <= start < s.start + len(s.text)), None
    )
    return Evidence(field, sentence.text if sentence else fields[field], start, end)


def _locate(fields: dict[str, str], node: Node) -> tuple[str, int, int] | None:
    for field, text in fields.items():
        for form in node.forms:
            span = _pattern(form).search(text)
            if span:
                return field, *span
    return None


def _own_components(
    extraction: Extraction, children: list[Node], vocabulary: VocabularyMatcher, cues: Cues
) -> set[str]:
    """Keys of names the paper coins for parts of its own method: ``MoLE`` in ``LLaVA-MoLE``, defined there
    in a sentence about the paper's own work ("we propose ... (MoLE)").

    A method the vocabulary knows (``BERT`` in ``AD-BERT``) is never one, even when the paper spells it out,
    nor a method defined as others' work (``COMBINER is a recent method`` in ``RECOMBINER``, ``The liquid
    state machine (LSM) combines ...`` in ``NALSM``). A term's initials defined so stay out of the child's
    lineage (``Fluorescence Lifetime Imaging (FLI) is ...`` in ``Macroscopic FLI Network``).
    """
    known = _vocabulary_index(vocabulary).keys()
    methods = {
        identity.key("method", name) for e in extraction.methods for name in (e.name, e.canonical, *e.aliases)
    }
    own: set[str] = set()
    for alias in extraction.aliases:
        keys = {identity.key("method", alias.short), identity.key("method", alias.long)}
        others = not _defined_as_own(alias, cues) and (bool(keys & methods) or not _initialism(alias))
        if keys & known or len(alias.short) < 2 or others:
            continue
        if any(
            alias.short in form and identity.key("method", form) not in keys
            for child in children
            for form in child.forms
        ):
            own |= keys
    return own


def _defined_as_own(alias: Alias, cues: Cues) -> bool:
    """Whether an acronym is defined in a sentence about the paper's own work (or in its title)."""
    return alias.evidence.field == "title" or bool(cues.self_reference.search(alias.evidence.sentence))


def _initialism(alias: Alias) -> bool:
    """Whether an acronym is just its long form's initials (``SLM``), not a coined name (``COMBINER``)."""
    initials = "".join(word[0] for word in re.split(r"[\s-]+", alias.long.strip()) if word).casefold()
    letters = iter(initials)
    short = [ch for ch in alias.short.casefold() if ch.isalpha()]
    return len(short) <= len(initials) and all(ch in letters for ch in short)


def _defined_names(extraction: Extraction, nodes: list[Node], cues: Cues) -> list[Node]:
    """Names the text defines as others' work (``COMpression with ... (COMBINER) is a recent method``) that
    entity extraction did not list: parents only through a child's name (``RECOMBINER``)."""
    entities = extraction.datasets + extraction.metrics + extraction.tasks
    taken = {key for node in nodes for key in node.keys}
    taken |= {identity.key("method", name) for e in entities for name in (e.name, e.canonical, *e.aliases)}
    out: dict[str, Node] = {}
    for alias in extraction.aliases:
        keys = {identity.key("method", alias.short), identity.key("method", alias.long)}
        if keys & taken or keys & cues.generic or _defined_as_own(alias, cues) or _initialism(alias):
            continue  # "speech language models (SLM)": a term's initials, not a method's coined name
        out.setdefault(
            identity.key("method", alias.short), Node(alias.short, (alias.short, alias.long), "method")
        )
    return list(out.values())


# -- evidence from names ----------------------------------------------------------------------------------


def _version_number(name: str) -> float | None:
    match = NUMBER_END.search(name)
    if match:
        return float(match.group(1))
    roman = ROMAN_END.search(name)
    return float({"II": 2, "III": 3, "IV": 4}.get(roman.group(1), 0)) if roman else None


def _from_version(
    child: Node, parents: list[Node], unnamed: Unnamed, fields: dict[str, str]
) -> list[LineageEdge]:
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
            or identity.key("method", base) == identity.key("method", form)
            or len(NON_WORD.sub("", base)) < 2
        ):
            continue
        if YEAR_END.search(form):  # a year, not a version: "SemEval-2024"
            continue
        base_key = identity.key("method", base)
        named = next((p for p in parents if base_key in p.keys), None)
        if named is None and SIZE_SUFFIX.search(form):
            continue  # "SSD-1B": a parameter count after an acronym the text never names is no version of it
        known = named or unnamed.with_key(base_key)
        edges.append(LineageEdge(child.name, known.name if known else base, EXTENDS.name, 0.9, evidence))
        number = _version_number(form)
        for parent in parents:
            if parent is known:
                continue
            same_family = any(
                identity.key("method", family_name(f)) == identity.key("method", base) for f in parent.forms
            )
            older = number is not None and (_version_number(parent.name) or 1.0) < number
            if same_family and older:
                edges.append(LineageEdge(child.name, parent.name, EXTENDS.name, 0.7, evidence))
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
    child: Node, parents: list[Node], unnamed: Unnamed, fields: dict[str, str], cues: Cues, variant: bool
) -> list[LineageEdge]:
    """``BERTurk`` / ``AD-BERT`` on ``BERT``; a long form naming a method (``... augmented Transformer``).
    ``variant``: the text presents its method as a variant for a language or domain (``_says_variant``)."""
    where = _locate(fields, child)
    if where is None:
        return []
    evidence = _evidence(fields, *where)
    # a parent the text does not name can only be coined on: one of its forms is a piece of a child's form
    pieces = _pieces(child)
    edges = []
    contained = [
        p
        for p in [p for p in parents if p.kind == "method"] + unnamed.coinable_in(pieces)
        if _name_contains(child, p)
    ]
    for parent in contained:
        if any(other is not parent and _part_of(parent, other) for other in contained):
            continue  # "vision transformers" names ViT; the Transformer in it is ViT's ancestor, not the child's
        family = identity.key("method", parent.name) in cues.families
        relation = VARIANT_OF.name if variant and not family else BASED_ON.name
        confidence = 0.8 if parent.in_text else 0.7
        named = _named_version(parent, parents)
        edges.append(LineageEdge(child.name, named.name, relation, confidence, evidence))
    for parent in parents:
        if parent.kind == "technique" and _modifies_long_form(child, parent):
            edges.append(LineageEdge(child.name, parent.name, BASED_ON.name, 0.7, evidence))
    in_phrase = _named_in_phrase(child, parents, unnamed, fields["abstract"])
    for parent, modifier in in_phrase:
        if any(other is not parent and _part_of(parent, other) for other, _ in in_phrase):
            continue  # "... Vision Transformer": the ViT it names, not the Transformer inside that
        # "Galician BERT": the same model for another language or domain; "Decoupled Mixup": a new version
        relation = VARIANT_OF.name if cues.variant_markers.fullmatch(modifier) else EXTENDS.name
        edges.append(LineageEdge(child.name, parent.name, relation, 0.75, evidence))
    return edges


LINKING_WORD = re.compile(r"\s+(?:for|of|with|in|on|via|by|from|to|and|or|using|through)\b", re.IGNORECASE)


def _modifies_long_form(child: Node, technique: Node) -> bool:
    """``whitening-based contrastive learning method`` (WhitenedCSE), ``contrastive learning augmented
    segmentation network``: a technique of several words modifying the head of the child's long form. As
    the head (``Adaptive Model Merging``, ``... Federated Learning for ...``) it names the kind of thing the
    child is, not what it builds on."""
    for form in child.forms:
        if " " not in form or not _is_long_form(form, child):
            continue
        for pform in technique.forms:
            if " " not in pform:
                continue
            for _, end in _pattern(pform.casefold()).spans(form):
                rest = form[end:]
                if rest[:1] == " " and rest.strip() and not LINKING_WORD.match(rest):
                    return True
    return False


def _part_of(part: Node, whole: Node) -> bool:
    """Whether a form of ``part`` is a word or words inside a longer form of ``whole``."""
    return any(
        len(pform) < len(wform) and _pattern(pform).search(wform) is not None
        for pform in part.forms
        for wform in whole.forms
        if len(pform) >= 3
    )


def _named_version(family: Node, parents: list[Node]) -> Node:
    """The one version of a ``family`` the text never names alone (``LLaVA-MoLE`` is built on the
    ``LLaVA-1.5`` the text names, not on LLaVA in general), else the family itself."""
    if family.in_text:
        return family
    versions = [
        p
        for p in parents
        if p.kind == "method"
        and p.in_text
        and not (p.keys & family.keys)
        and any(identity.key("method", family_name(form)) in family.keys for form in p.forms)
    ]
    return versions[0] if len(versions) == 1 else family


NAME_WORD = re.compile(r"[A-Z0-9][\w^$.+-]*")


def _named_in_phrase(
    child: Node, parents: list[Node], unnamed: Unnamed, abstract: str
) -> list[tuple[Node, str]]:
    """``Binary Paragraph Vector`` on ``Paragraph Vector``, ``Decoupled Mixup`` on ``Mixup``, ``JEN-1
    DreamStyler`` on ``JEN-1``: a name of several capitalised words whose first or last words are another
    method's or technique's whole name (a name: capitalised, so not a description like "deep kernel machine")."""
    # parents the text writes with a capital: names, not phrases ("federated learning" in a title)
    # a technique counts when the abstract writes it so on its own, not only in title case ("Pruning")
    for form in child.forms:
        abstract = abstract.replace(form, " ")
    by_key = {
        identity.key("method", form): parent
        for parent in parents
        for form in parent.forms
        if form[:1].isupper() and (parent.kind == "method" or _written_as_name(form, abstract))
    }
    found: list[tuple[Node, str]] = []
    for form in child.forms:
        words = form.split()
        if len(words) < 2 or not all(NAME_WORD.fullmatch(word) for word in words):
            continue
        for cut in range(1, len(words)):
            suffix, prefix = " ".join(words[cut:]), " ".join(words[:cut])
            for part, modifier in ((suffix, prefix), (prefix, suffix)):
                key = identity.key("method", part)
                named = " " in part or any(ch.isupper() or ch.isdigit() or ch == "-" for ch in part[1:])
                # "Decoupled Mixup" on the Mixup the text names; a capitalised common word ("Binary Codes")
                # counts only when the text names it on its own
                parent = by_key.get(key) or (unnamed.with_key(key) if named else None)
                if parent is not None and parent not in [p for p, _ in found]:
                    found.append((parent, modifier))
    return found


def _written_as_name(form: str, text: str) -> bool:
    """Whether ``text`` writes ``form`` with its capital inside a sentence, not as a sentence's first word."""
    return any(
        start > 0 and not re.search(r"(?:^|[.!?:]\s*)$", text[max(0, start - 3) : start])
        for start, _ in _pattern(form).spans(text)
    )


def _name_contains(child: Node, parent: Node) -> bool:
    """Whether a form of the child's name is built on a form of the parent's, not just spelt with it."""
    for form in child.forms:
        if " " not in form:
            if any(
                pform in form
                and identity.key("method", pform) != identity.key("method", form)
                and _coined_on(form, pform, parent.in_text)
                for pform in parent.coinable
            ):
                return True
        elif parent.in_text and any(
            len(pform) >= 3
            and identity.key("method", pform) != identity.key("method", form)
            and _long_form_names(form, pform, child)
            for pform in parent.forms
        ):
            return True
    return False


def _pieces(child: Node, longest: int = 100) -> set[str] | None:
    """Every substring of three characters or more of the child's one-word forms; None (any piece) for a
    form too long to cut up."""
    words = [form for form in child.forms if " " not in form]
    if any(len(word) > longest for word in words):
        return None
    return {word[i:j] for word in words for i in range(len(word)) for j in range(i + 3, len(word) + 1)}


def _long_form_names(form: str, pform: str, child: Node) -> bool:
    """``recursive composition augmented Transformer`` (ReCAT) names the Transformer; a lower-case parent
    counts only as the head, the last word."""
    # a name of several words in any case: "neuron-astrocyte liquid state machine" names the Liquid State Machine
    spelt = _pattern(pform.casefold() if " " in pform else pform)
    if not _is_long_form(form, child) or not spelt.search(form):
        return False
    return " " in pform or any(ch.isupper() for ch in pform) or form.endswith(pform)


def _capitalised_word(form: str) -> bool:
    """ "Mamba", "Transformer": one capitalised word of four letters or more, a name the text uses alone."""
    return len(form) >= 4 and form[0].isupper() and form[1:].isalpha() and form[1:].islower()


def _coined_on(name: str, part: str, part_in_text: bool) -> bool:
    """``BERTurk``, ``AD-BERT``, ``DomURLs_BERT`` on ``BERT``; ``DeciMamba`` on ``Mamba`` (named in the text
    on its own); ``EAGLE-3`` is a version, not this."""
    start = name.find(part)
    if start < 0:
        return False
    if sum(ch.isupper() for ch in part) < 2:
        # "Net", "Former": word pieces, not names; but a capitalised name the text uses on its own, put
        # after a lower-case prefix, is built on ("DeciMamba", "iTransformer")
        camel_suffix = start > 0 and name[start - 1].islower() and start + len(part) == len(name)
        return part_in_text and _capitalised_word(part) and camel_suffix
    rest = name[:start] + name[start + len(part) :]
    return not VERSION_MARKER.fullmatch(rest) and _affix_boundary(
        name, start, start + len(part), part_in_text
    )


def _is_long_form(form: str, child: Node) -> bool:
    """A several-word form of a child that also has a one-word name: an acronym's expansion."""
    return any(" " not in other and other != form for other in child.forms)


def _says_variant(fields: dict[str, str], cues: Cues) -> bool:
    """The text presents the child as a model pre-trained for a language or domain."""
    text = " ".join(fields.values())
    return bool(cues.variant_markers.search(text) or PRETRAIN.search(text))


def _from_title(title: str, children: list[Node], mentions: list[Mention]) -> list[LineageEdge]:
    """``Combiner: Full Attention Transformer with ...``: the title says what kind of method the child is."""
    match = TITLE_APPOSITION.match(title)
    if not match:
        return []
    child = next(
        (
            c
            for c in children
            if any(identity.key("method", f) == identity.key("method", match.group(1)) for f in c.forms)
        ),
        None,
    )
    if child is None:
        return []
    description = match.group(2)
    head = TITLE_HEAD_END.split(description)[0]
    gerund = TITLE_GERUND.match(description)
    # "FCN: Fusing Exponential and Linear Cross Network": the gerund starts the child's own long form
    spelled_out = gerund is not None and any(
        form.lower().startswith(gerund.group(1).lower()) for form in child.forms
    )
    if gerund and not spelled_out:  # "MossFormer2: Combining Transformer and RNN-Free Recurrent Network"
        relation = BASED_ON.name if gerund.group(1).lower() in COMBINING_GERUNDS else EXTENDS.name
        object_start, object_end = match.start(2) + gerund.end(), match.start(2) + len(head)
        named = [
            m
            for m in mentions
            if m.field == "title"
            and object_start <= m.start
            and m.end <= object_end
            and m.node.kind != "child"
            and not re.match(r"-(?:free|less)\b", title[m.end :], re.IGNORECASE)  # "RNN-Free"
        ]
        return [
            LineageEdge(child.name, m.node.name, relation, 0.7, Evidence("title", title, m.start, m.end))
            for m in named
            if m.node.kind == "method" or relation == BASED_ON.name
        ]
    if GERUND.match(head) or CONJUNCTION.search(head):
        return []  # "Fusing Exponential and Linear Cross Network": not a noun phrase naming one method
    head_end = match.start(2) + len(head)
    for mention in mentions:
        if mention.field == "title" and mention.end == head_end and mention.node.kind == "method":
            surface = title[mention.start : mention.end]
            if surface.endswith("s") and not surface.endswith("ss"):
                continue  # "Long-Range Transformers" is a class the method belongs to, not what it is
            evidence = Evidence("title", title, mention.start, mention.end)
            return [LineageEdge(child.name, mention.node.name, BASED_ON.name, 0.65, evidence)]
    # "Marsellus: A Heterogeneous RISC-V SoC": a method modifying the head is what the child is built on
    return [
        LineageEdge(child.name, m.node.name, BASED_ON.name, 0.6, Evidence("title", title, m.start, m.end))
        for m in mentions
        if m.field == "title"
        and match.start(2) <= m.start
        and m.end < head_end
        and m.node.kind == "method"
        and title[m.end : m.end + 1] in (" ", "-")
    ]


# -- evidence from cue phrases ----------------------------------------------------------------------------


@dataclass
class View:
    """One sentence as the cue rules see it: mentions at sentence offsets, and who "we" may be."""

    sentence: Sentence
    mentions: list[Mention]  # offsets within the sentence
    subjects: list[tuple[int, int]]  # spans naming the paper's method: its name, "we", "our model", ...
    children: list[Node]

    @property
    def text(self) -> str:
        return self.sentence.text

    @property
    def named(self) -> bool:
        """The sentence names the paper's method (the title always does)."""
        return self.sentence.field == "title" or any(m.node.kind == "child" for m in self.mentions)

    def children_for(self, position: int) -> list[Node]:
        """The paper's methods a cue at ``position`` is about: the last one named before it with those
        coordinated with it ("SSD-1B and Segmind-Vega, two variants of SDXL"), else the first one named."""
        named = [m for m in self.mentions if m.node.kind == "child"]
        if not named:
            return [self.children[0]]
        before = [m for m in named if m.start <= position]
        if not before:
            return [named[0].node]
        chain = [before[-1]]
        for mention in reversed(before[:-1]):
            if not COORDINATION.fullmatch(self.text[mention.end : chain[-1].start]):
                break
            chain.append(mention)
        return list(dict.fromkeys(m.node for m in reversed(chain)))

    def edges(self, relation: str, parent: Mention, confidence: float, position: int) -> list[LineageEdge]:
        start = self.sentence.start
        evidence = Evidence(self.sentence.field, self.text, parent.start + start, parent.end + start)
        return [
            LineageEdge(child.name, parent.node.name, relation, confidence, evidence)
            for child in self.children_for(position)
        ]


def _from_sentence(
    sentence: Sentence, mentions: list[Mention], children: list[Node], cues: Cues
) -> list[LineageEdge]:
    text = sentence.text
    rel = [Mention(m.node, m.field, m.start - sentence.start, m.end - sentence.start) for m in mentions]
    subjects = [(m.start, m.end) for m in rel if m.node.kind == "child"]
    subjects += [(m.start(), m.end()) for m in cues.self_reference.finditer(text)]
    if sentence.field == "title":
        subjects.append((0, 0))
    if not subjects:
        return []
    view = View(sentence, rel, subjects, children)
    return _from_cues(view, cues) + _from_modifiers(view, cues)


def _from_cues(view: View, cues: Cues) -> list[LineageEdge]:
    """``our model is built on top of X``, ``Foo improves X and Y``: a cue after the method, X after the cue."""
    text, edges = view.text, []
    if not may_state_relation(text, cues):
        return edges
    for relation, pattern, confidence, technique_ok, needs_name in cues.relations:
        if needs_name and not view.named:
            continue  # "we study pretraining a Vision Transformer": weak cues need the method's name
        for cue in pattern.finditer(text):
            if cues.negation.search(text[: cue.start()]):
                continue
            subject = [s for s in view.subjects if s[1] <= cue.start()]
            if relation == IMPROVES_ON.name and cue.group(0).casefold() == "unlike":
                subject = view.subjects  # "Unlike X, our model ..."
            if not subject:
                continue
            last = max(s[1] for s in subject)
            if any(
                last <= m.start
                and m.end <= cue.start()
                and m.node.kind != "child"
                and not _introduced(text, m)
                for m in view.mentions
            ):
                continue  # "we find that GPT-4 outperforms Llama": another method is the cue's subject
            if subject is not view.subjects and cues.prior_work.search(text[last : cue.start()]):
                continue
            for parent in _parents_after(text, cue.end(), view.mentions, technique_ok):
                edges += view.edges(relation, parent, confidence, cue.start())
    return edges


OWN_ARTICLE = re.compile(r"\b(?:an?|our|the proposed)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _introduced(text: str, mention: Mention) -> bool:
    """Whether a mention is something the paper introduces as its own (``we present a recurrent module
    based on X``): "a", "our" or "the proposed" just before it, so not a subject of its own."""
    return bool(OWN_ARTICLE.search(text[: mention.start]))


def _from_modifiers(view: View, cues: Cues) -> list[LineageEdge]:
    """``a SENet-like network``, ``a BERT-based encoder``, ``a Galician BERT``: a method modifying the
    paper's own, after a mention of it."""
    text, edges = view.text, []
    for mention in view.mentions:
        if mention.node.kind != "method":
            continue
        before = text[: mention.start].split()
        derived = bool(cues.derived.match(text[mention.end :]))
        variant = bool(before) and bool(cues.variant_markers.fullmatch(before[-1]))
        if not (derived or variant):
            continue
        earlier = [s[1] for s in view.subjects if s[1] <= mention.start]
        if not earlier or cues.prior_work.search(text[max(earlier) : mention.start]):
            continue  # not about the paper's method: "we follow the recent trend of monolingual BERT"
        context = before[-2:] if derived else before[-3:-1]  # the words before "X-based" / "Galician X"
        if cues.comparison.search(" ".join(context)):
            continue  # "compared to GPT-like models", "workings of X-based", "than the Chinese BERT"
        relation, confidence = (BASED_ON.name, 0.7) if derived else (VARIANT_OF.name, 0.75)
        edges += view.edges(relation, mention, confidence, mention.start)
    return edges


def _parents_after(text: str, position: int, mentions: list[Mention], technique_ok: bool) -> list[Mention]:
    """The parent named right after a cue, with those coordinated with it: ``such as BART and Longformer``,
    ``general-purpose encoders (RoBERTa) and domain-specific encoders (SciBERT)``."""
    limit = _clause_end(text, position, mentions)
    candidates = [m for m in mentions if position <= m.start < limit and m.node.kind != "child"]
    if not candidates:
        return []
    first = candidates[0]
    between = RESULTS_OF.sub("", text[position : first.start]).split()
    if len(between) > MAX_WORDS_BEFORE_PARENT or (set(between) & LINKING_WORDS and "such" not in between):
        return []  # "builds on these properties of task vectors": the parent is not what is built on
    chain = [first]
    for mention in candidates[1:]:
        gap = text[chain[-1].end : mention.start]
        if COORDINATION.fullmatch(gap) or gap.strip() in ("", "-") or APPOSITIVE_COORDINATION.fullmatch(gap):
            chain.append(mention)
        else:
            break
    return [m for m in chain if m.node.kind == "method" or technique_ok]


# "(RoBERTa) and existing domain-specific encoders (" between two names each in an appositive parenthesis
APPOSITIVE_COORDINATION = re.compile(r"\)\s*,?\s*(?:and|or)\s+(?:[\w-]+\s+){0,4}\(")


def _clause_end(text: str, position: int, mentions: list[Mention]) -> int:
    """Where the clause from ``position`` ends; a parenthesis holding just a name ("encoders (RoBERTa)")
    is part of the clause, not its end."""
    starts = {m.start: m.end for m in mentions}
    while (end := CLAUSE_END.search(text, position)) is not None:
        if end.group(0) == "(":
            inner_end = starts.get(end.end())
            if inner_end is not None and text.startswith(")", inner_end):
                position = inner_end + 1
                continue
        if end.group(0) == ")" and end.start() > 0 and end.start() in starts.values():
            position = end.end()
            continue
        return end.start()
    return len(text)


# -- choosing ---------------------------------------------------------------------------------------------


def _best(edges: list[LineageEdge], children: list[Node], cues: Cues) -> list[LineageEdge]:
    """One edge per (child, parent): the surest, the strongest relation on a tie; none to itself or kin."""
    child_keys = {identity.key("method", form) for child in children for form in child.forms}
    best: dict[tuple[str, str], LineageEdge] = {}
    for edge in edges:
        parent_key = identity.key("method", edge.parent)
        if parent_key in child_keys or parent_key in cues.generic or edge.confidence < MIN_CONFIDENCE:
            continue
        pair = (identity.key("method", edge.child), parent_key)
        current = best.get(pair)
        if current is None or (edge.confidence, -RELATION_RANK[edge.relation]) > (
            current.confidence,
            -RELATION_RANK[current.relation],
        ):
            best[pair] = edge
    return sorted(best.values(), key=lambda e: (e.child, -e.confidence, e.parent))


# -- what the learned decision reads (kg.extraction.lineage_model) ------------------------------------------

COMPARES = re.compile(r"\b(?:than|compared|outperform\w*|surpass\w*|over|beats?|superior)\b", re.IGNORECASE)
CONTRASTS = re.compile(r"\b(?:unlike|instead of|rather than|however|but|although|whereas)\b", re.IGNORECASE)
