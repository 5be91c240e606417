"""kg's domain tables, defined once: the entity kinds, the lineage relations and the result kinds.

Everything else derives from these: the extraction record fields, the graph's classes and predicates,
the viz legend, the lineage trees and the eval field names. Plain strings only (local names in the kg:
ontology), so importing this module costs nothing and pulls in neither spaCy nor rdflib.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityKind:
    name: str  # "method": the type an extracted entity carries
    field: str  # "methods": its list in an Extraction and in the eval files
    rdf_class: str  # local name of its class in kg: ("Method")
    role: str  # local name of the paper -> entity predicate ("usesMethod")
    label: str  # for people: "Method"


@dataclass(frozen=True)
class LineageRelation:
    name: str  # "variant_of": as in the eval files and kg extract output
    rdf_property: str  # local name in kg: ("variantOf")
    phrase: str  # "variant of": how a tree reads the child -> parent hop


@dataclass(frozen=True)
class ResultKind:
    name: str  # "score", as in the eval guidelines
    rdf_term: str  # local name of the kg: individual ("ScoreResult")
    description: str


ENTITY_KINDS: tuple[EntityKind, ...] = (
    EntityKind("method", "methods", "Method", "usesMethod", "Method"),
    EntityKind("technique", "techniques", "Technique", "usesTechnique", "Technique"),
    EntityKind("dataset", "datasets", "Dataset", "evaluatedOn", "Dataset"),
    EntityKind("metric", "metrics", "Metric", "measuredBy", "Metric"),
    EntityKind("task", "tasks", "Task", "addressesTask", "Task"),
)
LINEAGE_RELATIONS_TABLE: tuple[LineageRelation, ...] = (
    LineageRelation("extends", "extends", "extends"),
    LineageRelation("variant_of", "variantOf", "variant of"),
    LineageRelation("based_on", "basedOn", "based on"),
    LineageRelation("improves_on", "improvesOn", "improves on"),
)
RESULT_KINDS: tuple[ResultKind, ...] = (
    ResultKind("score", "ScoreResult", "the metric's own level (83.4% top-1 accuracy): leaderboard-grade"),
    ResultKind("change", "ChangeResult", "a difference from something else (+1.2 BLEU, reduces MSE by 11%)"),
    ResultKind("ratio", "RatioResult", "a factor (3.0x speedup, 270x faster)"),
)

ENTITY_TYPES: tuple[str, ...] = tuple(kind.name for kind in ENTITY_KINDS)
ENTITY_FIELDS: tuple[str, ...] = tuple(kind.field for kind in ENTITY_KINDS)
FIELD_FOR_TYPE: dict[str, str] = {kind.name: kind.field for kind in ENTITY_KINDS}
KIND_BY_NAME: dict[str, EntityKind] = {kind.name: kind for kind in ENTITY_KINDS}
LINEAGE_RELATIONS: tuple[str, ...] = tuple(relation.name for relation in LINEAGE_RELATIONS_TABLE)
RELATION_BY_NAME: dict[str, LineageRelation] = {
    relation.name: relation for relation in LINEAGE_RELATIONS_TABLE
}
RELATION_BY_PROPERTY: dict[str, LineageRelation] = {
    relation.rdf_property: relation for relation in LINEAGE_RELATIONS_TABLE
}
RESULT_KIND_NAMES: tuple[str, ...] = tuple(kind.name for kind in RESULT_KINDS)
