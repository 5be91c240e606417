"""kg's domain tables, defined once: the kinds of node, the relations between them, the result kinds and the
ontology's other terms.

Everything else derives from these: the extraction record fields, the graph's classes, predicates and IRIs,
the KG namespace, the viz legend and colours, the site's kinds and counts, the lineage trees and the eval
field names. Adding a kind of entity means adding a row here (and its terms to ``ontologies/kg.ttl``, which
``tests/test_domain.py`` checks against these tables). Plain strings only (local names in the kg: ontology),
so importing this module costs nothing and pulls in neither spaCy nor rdflib.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NodeKind:
    """A kind of node the graph holds and its views draw (graph.html, the site, kg build's summary)."""

    name: str  # "method": the kind's name in kg viz --types, the site and kg extract output
    rdf_class: str  # local name of its class in kg: ("Method")
    label: str  # for people, as in the viz legend: "Method"
    plural: str  # "methods": counts, the eval files' lists
    segment: str  # its IRIs' path segment below kgr: and its Turtle prefix ("method", "repo")
    colour: str  # its nodes' colour in graph.html
    shape: str  # its nodes' vis-network shape in graph.html


@dataclass(frozen=True)
class EntityKind(NodeKind):
    """A kind of entity extraction finds in a paper's text, and a paper names through its role."""

    role: str  # local name of the paper -> entity predicate ("usesMethod")
    role_colour: str  # the role's edge colour in graph.html
    in_lineage: bool = False  # a node of method lineage: a paper's child, or a parent it builds on
    proposable: bool = False  # what a paper may introduce as its own (kg:proposes)
    family_property: str | None = (
        None  # member -> family (a version or size -> its series), if it has families
    )

    @property
    def field(self) -> str:
        """Its list in an Extraction, in ``kg extract`` output and in the eval files: the plural."""
        return self.plural


@dataclass(frozen=True)
class LineageRelation:
    name: str  # "variant_of": as in the eval files and kg extract output
    rdf_property: str  # local name in kg: ("variantOf")
    phrase: str  # "variant of": how a tree reads the child -> parent hop
    rank: int  # when two rules relate the same pair the lowest rank (the strongest evidence) wins
    colour: str  # its edge colour in graph.html


@dataclass(frozen=True)
class ViewRelation:
    """An edge graph.html and the NetworkX view draw."""

    rdf_property: str  # local name in kg: ("proposes")
    colour: str


@dataclass(frozen=True)
class ResultKind:
    name: str  # "score", as in the eval guidelines
    rdf_term: str  # local name of the kg: individual ("ScoreResult")
    description: str


# name, class, label, plural, IRI segment, colour, shape (an entity kind: and its role from papers, that
# role's colour). The order is the legend's, the counts' and the Extraction's.
PAPER = NodeKind("paper", "Paper", "Paper", "papers", "paper", "#4e79a7", "square")
ENTITY_KINDS: tuple[EntityKind, ...] = (
    EntityKind(
        "method", "Method", "Method", "methods", "method", "#f28e2b", "dot",
        role="usesMethod", role_colour="#e08a3c", in_lineage=True, proposable=True,
        family_property="variantOf",
    ),
    EntityKind(
        "technique", "Technique", "Technique", "techniques", "technique", "#d4a017", "triangle",
        role="usesTechnique", role_colour="#c9a227", in_lineage=True,
    ),
    EntityKind(
        "dataset", "Dataset", "Dataset", "datasets", "dataset", "#59a14f", "diamond",
        role="evaluatedOn", role_colour="#4f9a45", proposable=True, family_property="versionOf",
    ),
    EntityKind(
        "metric", "Metric", "Metric", "metrics", "metric", "#b07aa1", "triangleDown",
        role="measuredBy", role_colour="#9c6b93",
    ),
    EntityKind(
        "task", "Task", "Task", "tasks", "task", "#e15759", "star",
        role="addressesTask", role_colour="#d4504f",
    ),
)  # fmt: skip
REPOSITORY = NodeKind("repository", "Repository", "Repository", "repositories", "repo", "#5fa8a3", "hexagon")
NODE_KINDS: tuple[NodeKind, ...] = (PAPER, *ENTITY_KINDS, REPOSITORY)

EXTENDS = LineageRelation("extends", "extends", "extends", 0, "#1f3a93")
VARIANT_OF = LineageRelation("variant_of", "variantOf", "variant of", 1, "#5b6abf")
BASED_ON = LineageRelation("based_on", "basedOn", "based on", 3, "#333333")
IMPROVES_ON = LineageRelation("improves_on", "improvesOn", "improves on", 2, "#8e44ad")
LINEAGE_RELATIONS_TABLE: tuple[LineageRelation, ...] = (EXTENDS, VARIANT_OF, BASED_ON, IMPROVES_ON)
LINEAGE = "lineage"  # local name of the super-property of the lineage relations

PROPOSES = ViewRelation("proposes", "#8b1e1e")  # paper -> the method (or dataset) it introduces
HAS_REPOSITORY = ViewRelation("hasRepository", "#3f9c96")
VERSION_OF = ViewRelation("versionOf", "#2e7d32")  # a dataset's version or split -> its dataset
VIEW_RELATIONS: tuple[ViewRelation, ...] = (
    PROPOSES,
    *(ViewRelation(kind.role, kind.role_colour) for kind in ENTITY_KINDS),
    HAS_REPOSITORY,
    *(ViewRelation(relation.rdf_property, relation.colour) for relation in LINEAGE_RELATIONS_TABLE),
    VERSION_OF,
)

RESULT_KINDS: tuple[ResultKind, ...] = (
    ResultKind("score", "ScoreResult", "the metric's own level (83.4% top-1 accuracy): leaderboard-grade"),
    ResultKind("change", "ChangeResult", "a difference from something else (+1.2 BLEU, reduces MSE by 11%)"),
    ResultKind("ratio", "RatioResult", "a factor (3.0x speedup, 270x faster)"),
)

# The bookkeeping nodes' IRI segments (kgr:mention/..., kgr:lineage/...): nodes no view draws.
RECORD_SEGMENTS: tuple[str, ...] = ("mention", "evidence", "result", "lineage")
RESOURCE_SEGMENTS: tuple[str, ...] = (*(kind.segment for kind in NODE_KINDS), *RECORD_SEGMENTS)

# The ontology's other terms (ontologies/kg.ttl), beside the classes, relations and individuals above.
OTHER_CLASSES: tuple[str, ...] = ("Result", "ResultKind", "Evidence", "LineageLink", "Mention")
OTHER_OBJECT_PROPERTIES: tuple[str, ...] = (
    "hasResult",
    "hasProjectPage",
    "hasMention",
    LINEAGE,
    # reified lineage links: who said it, where
    "child",
    "parent",
    "relation",
    "statedIn",
    # results
    "metric",
    "onDataset",
    "ofMethod",
    "resultKind",
    # mentions and evidence
    "entity",
    "role",
    "evidence",
)
DATATYPE_PROPERTIES: tuple[str, ...] = (
    # results
    "value",
    "numericValue",
    # mentions and evidence
    "surfaceForm",
    "confidence",
    "sentence",
    "textField",
    "startOffset",
    "endOffset",
    # papers and repositories
    "arxivId",
    "upvotes",
    "repositoryPath",
    "linkSource",
    "family",
    "canonicalName",
    "nameForm",
    # repository facts read from GitHub (kg.linking)
    "stars",
    "forks",
    "archived",
)
ONTOLOGY_TERMS: dict[str, str] = {
    **{kind.rdf_class: "Class" for kind in NODE_KINDS},
    **dict.fromkeys(OTHER_CLASSES, "Class"),
    **{relation.rdf_property: "ObjectProperty" for relation in VIEW_RELATIONS},
    **dict.fromkeys(OTHER_OBJECT_PROPERTIES, "ObjectProperty"),
    **dict.fromkeys(DATATYPE_PROPERTIES, "DatatypeProperty"),
    **{kind.rdf_term: "NamedIndividual" for kind in RESULT_KINDS},
}
"""Every term of the kg: ontology -> its OWL type (owl:Class, owl:ObjectProperty, ...): kg.core.namespaces.KG."""

ENTITY_TYPES: tuple[str, ...] = tuple(kind.name for kind in ENTITY_KINDS)
PROPOSABLE_TYPES: tuple[str, ...] = tuple(kind.name for kind in ENTITY_KINDS if kind.proposable)
FAMILY_PROPERTY: dict[str, str] = {
    kind.name: kind.family_property for kind in ENTITY_KINDS if kind.family_property is not None
}
FAMILY_TYPES: tuple[str, ...] = tuple(FAMILY_PROPERTY)
LINEAGE_KINDS: tuple[EntityKind, ...] = tuple(kind for kind in ENTITY_KINDS if kind.in_lineage)
LINEAGE_TYPES: tuple[str, ...] = tuple(kind.name for kind in LINEAGE_KINDS)
ENTITY_FIELDS: tuple[str, ...] = tuple(kind.field for kind in ENTITY_KINDS)
FIELD_FOR_TYPE: dict[str, str] = {kind.name: kind.field for kind in ENTITY_KINDS}
KIND_BY_NAME: dict[str, EntityKind] = {kind.name: kind for kind in ENTITY_KINDS}
NODE_KIND_BY_NAME: dict[str, NodeKind] = {kind.name: kind for kind in NODE_KINDS}
LINEAGE_RELATIONS: tuple[str, ...] = tuple(relation.name for relation in LINEAGE_RELATIONS_TABLE)
RELATION_BY_NAME: dict[str, LineageRelation] = {
    relation.name: relation for relation in LINEAGE_RELATIONS_TABLE
}
RELATION_BY_PROPERTY: dict[str, LineageRelation] = {
    relation.rdf_property: relation for relation in LINEAGE_RELATIONS_TABLE
}
RELATION_RANK: dict[str, int] = {relation.name: relation.rank for relation in LINEAGE_RELATIONS_TABLE}
RESULT_KIND_NAMES: tuple[str, ...] = tuple(kind.name for kind in RESULT_KINDS)


def _check_unique(what: str, names: list[str]) -> None:
    """Two rows with one name would silently shadow each other in the dicts above."""
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"kg.core.domain: {what} named twice: {', '.join(repeated)}")


_check_unique("node kinds", [kind.name for kind in NODE_KINDS])
_check_unique("IRI segments", list(RESOURCE_SEGMENTS))
_check_unique("lineage relations", list(LINEAGE_RELATIONS))
_check_unique("lineage ranks", [str(rank) for rank in RELATION_RANK.values()])
_check_unique(
    "ontology terms",
    [kind.rdf_class for kind in NODE_KINDS]
    + list(OTHER_CLASSES)
    + [relation.rdf_property for relation in VIEW_RELATIONS]
    + list(OTHER_OBJECT_PROPERTIES)
    + list(DATATYPE_PROPERTIES)
    + [kind.rdf_term for kind in RESULT_KINDS],
)
