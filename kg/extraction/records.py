"""Plain records extraction produces: entities with evidence, acronym definitions, results, links, lineage.

Every fact carries its ``Evidence``: which field of the paper (title or abstract), the sentence, and the
character offsets of the surface form in that field, so ``text[start:end] == name`` always holds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from kg.core.domain import (  # noqa: F401  (ENTITY_TYPES, ...: re-exported, the one definition)
    ENTITY_FIELDS,
    ENTITY_TYPES,
    LINEAGE_RELATIONS,
    RESULT_KIND_NAMES,
)


@dataclass(frozen=True)
class Evidence:
    field: str  # "title" or "abstract"
    sentence: str
    start: int  # offsets of the surface form within the field's text
    end: int


@dataclass
class Entity:
    name: str  # the surface form, first and most complete mention
    type: str  # one of ENTITY_TYPES
    canonical: str  # the shared name: the vocabulary's prefLabel, else the long form, else the name
    confidence: float
    evidence: Evidence
    aliases: list[str] = field(default_factory=list)  # other surface forms in the same paper
    concept: str | None = None  # IRI of the vocabulary concept when the name is a known one


@dataclass
class Alias:
    short: str
    long: str
    evidence: Evidence


@dataclass
class Result:
    metric: str
    value: str  # as written: "83.4%", "3.0x-6.5x", "+1.2 BLEU"
    kind: str  # one of RESULT_KIND_NAMES: "score" (leaderboard-grade), "change" or "ratio"
    dataset: str | None
    method: str | None
    confidence: float
    evidence: Evidence


@dataclass
class Link:
    url: str  # normalised: https://github.com/OWNER/NAME for repositories
    kind: str  # "repository" or "project_page"
    evidence: Evidence
    raw: str = ""  # as written in the text
    path: str | None = None  # a path below the repository (".../blob/master/x"), kept apart
    host: str = ""
    confidence: float = 1.0


@dataclass
class LineageEdge:
    child: str
    parent: str
    relation: str  # one of LINEAGE_RELATIONS
    confidence: float
    evidence: Evidence


@dataclass
class Extraction:
    """Everything extracted from one paper."""

    paper_id: str
    methods: list[Entity] = field(default_factory=list)
    techniques: list[Entity] = field(default_factory=list)
    datasets: list[Entity] = field(default_factory=list)
    metrics: list[Entity] = field(default_factory=list)
    tasks: list[Entity] = field(default_factory=list)
    proposed: list[Entity] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    repos: list[Link] = field(default_factory=list)
    project_pages: list[Link] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    lineage: list[LineageEdge] = field(default_factory=list)

    def entities(self) -> list[Entity]:
        """Every entity list's entities, in kg.core.domain's order of kinds."""
        return [entity for name in ENTITY_FIELDS for entity in getattr(self, name)]

    def to_json(self) -> dict:
        """The ``kg extract`` line for this paper, in the field names of the eval guidelines."""
        return {key: value for key, value in asdict(self).items() if key != "paper_id"}


# An Extraction has one list per kind of entity, named by the kind's field, in kg.core.domain's order: kg
# extract writes them in that order. A kind added to the domain needs its list here.
_ENTITY_LISTS = [f.name for f in fields(Extraction)][1 : 1 + len(ENTITY_FIELDS)]
if _ENTITY_LISTS != list(ENTITY_FIELDS):
    raise TypeError(
        f"Extraction's entity lists {_ENTITY_LISTS} are not kg.core.domain's {list(ENTITY_FIELDS)}"
    )
