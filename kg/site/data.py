"""What the site's pages show, read from the store with SPARQL (through kg.store, so over the union of its
graphs). Each ``*_page`` function returns plain data (dicts, lists, strings): the templates render it and
``?format=json`` returns it as is.

The store does not change while it is served (``kg serve`` opens it read-only and a build into it is
refused), so what every page needs from the whole graph (counts, rankings, the lineage links) is read once,
at start, in :class:`SiteData`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.core.domain import ENTITY_KINDS, KIND_BY_NAME, PAPER, RELATION_BY_NAME, REPOSITORY
from kg.core.namespaces import DATA_IRI, KG
from kg.read.lineage_trees import Lineage, Tree
from kg.read.query import short
from kg.site.search import SearchIndex
from kg.store import Store

_PLAIN_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')
PAGE_KINDS = ("paper", *(kind.name for kind in ENTITY_KINDS))
ENTITY_PAGE_KINDS = tuple(kind.name for kind in ENTITY_KINDS)
KIND_OF_ROLE = {str(KG[kind.role]): kind.name for kind in ENTITY_KINDS} | {str(KG.proposes): "method"}
ROLE_NAMES = {str(KG[kind.role]): kind.role for kind in ENTITY_KINDS} | {str(KG.proposes): "proposes"}
KIND_OF_CLASS = {str(KG[kind.rdf_class]): kind.name for kind in ENTITY_KINDS} | {str(KG.Paper): "paper"}
SCORE_RESULT = str(KG) + "ScoreResult"  # kg:ScoreResult (kg.core.domain.RESULT_KINDS): the leaderboard kind
LOWER_IS_BETTER = re.compile(
    r"\b(error|err|loss|perplexity|ppl|fid|kid|wer|cer|ter|mse|mae|rmse|mape|latency|eer|distance|"
    r"nll|bits per|bpc|bpd|time|memory|params|parameters|flops)\b",
    re.IGNORECASE,
)
"""Metrics whose leaderboards sort ascending; every other metric sorts highest first."""
PAPER_LIST_LIMIT = 50
ANCESTOR_DEPTH, DESCENDANT_DEPTH, TREE_NODES = 8, 4, 300  # lineage trees on a method page


# -- links and labels -----------------------------------------------------------------------------------


def href(iri: str) -> str:
    """Where an IRI lives on the site: its page for papers and entities, else the generic resource page."""
    if iri.startswith(DATA_IRI):
        rest = iri[len(DATA_IRI) :]
        kind = rest.split("/", 1)[0]
        if kind in PAGE_KINDS and "/" in rest:
            return "/" + quote(rest, safe="/-._~")
    return "/resource?" + urlencode({"iri": iri})


def iri_for(kind: str, key: str) -> str:
    return f"{DATA_IRI}{kind}/{key}"


def text(term: Node | None) -> str:
    return "" if term is None else str(term)


def number(term: Node | None) -> float | None:
    if isinstance(term, Literal):
        try:
            return float(term.toPython())
        except (TypeError, ValueError):
            return None
    return None


def label_of(row: dict[str, Node], iri_key: str, *label_keys: str) -> str:
    """The first label found in ``row``, else the IRI's last segment."""
    for key in label_keys:
        if row.get(key) is not None:
            return str(row[key])
    return str(row[iri_key]).rstrip("/").rsplit("/", 1)[-1]


def labelled(variable: str) -> str:
    """OPTIONAL patterns for the labels of ``?variable`` (``?x_pref``, ``?x_label``)."""
    v = variable
    return f"OPTIONAL {{ ?{v} skos:prefLabel ?{v}_pref }} OPTIONAL {{ ?{v} rdfs:label ?{v}_label }}"


def entity_ref(row: dict[str, Node], variable: str) -> dict[str, str] | None:
    if row.get(variable) is None:
        return None
    iri = str(row[variable])
    return {
        "iri": iri,
        "href": href(iri),
        "label": label_of(row, variable, f"{variable}_pref", f"{variable}_label"),
    }


def paper_ref(row: dict[str, Node], variable: str = "paper") -> dict[str, str] | None:
    if row.get(variable) is None:
        return None
    iri = str(row[variable])
    return {
        "iri": iri,
        "href": href(iri),
        "title": text(row.get(f"{variable}_title")) or iri.rsplit("/", 1)[-1],
        "date": text(row.get(f"{variable}_date")),
    }


PAPER_FIELDS = "OPTIONAL {{ ?{v} schema:name ?{v}_title }} OPTIONAL {{ ?{v} schema:datePublished ?{v}_date }}"


def paper_fields(variable: str = "paper") -> str:
    return PAPER_FIELDS.format(v=variable)


# -- the data read once ---------------------------------------------------------------------------------


def top_query(roles: list[str], rdf_class: str, limit: int = 10) -> str:
    """The entities of a class named by the most papers (through any of ``roles``), with their labels."""
    path = "|".join(f"<{role}>" for role in roles)
    return f"""
SELECT ?entity ?n ?entity_pref ?entity_label WHERE {{
  {{ SELECT ?entity (COUNT(DISTINCT ?paper) AS ?n) WHERE {{ ?paper {path} ?entity . ?entity a <{rdf_class}> }}
    GROUP BY ?entity ORDER BY DESC(?n) ?entity LIMIT {limit} }}
  {labelled("entity")}
}} ORDER BY DESC(?n) ?entity"""


LATEST_QUERY = """
SELECT ?paper ?paper_title ?paper_date WHERE {
  ?paper a kg:Paper ; schema:name ?paper_title .
  OPTIONAL { ?paper schema:datePublished ?paper_date }
} ORDER BY DESC(STR(COALESCE(?paper_date, ""))) ?paper_title LIMIT 12"""
COUNT_NAMES = {
    **{kind.rdf_class: kind.plural for kind in (PAPER, *ENTITY_KINDS)},
    "Result": "results",
    REPOSITORY.rdf_class: REPOSITORY.plural,
}
"""Local name of a class -> what the home page counts it as, in the order it lists them."""
COUNTS_QUERY = """
SELECT ?class (COUNT(?x) AS ?n) WHERE {
  VALUES ?class { CLASSES }
  ?x a ?class .
} GROUP BY ?class""".replace("CLASSES", " ".join(f"kg:{name}" for name in COUNT_NAMES))


@dataclass
class Home:
    counts: dict[str, int]
    top: dict[str, list[dict[str, Any]]]
    latest: list[dict[str, str]]


class SiteData:
    """The store (read-only), the search index and what the pages need from the whole graph."""

    def __init__(self, store: Store, search: SearchIndex) -> None:
        self.store = store
        self.search = search
        self.lineage = Lineage.load(store)
        self.home = self._home()

    @classmethod
    def open(cls, store_dir: Path) -> SiteData:
        store = Store(store_dir, read_only=True)
        return cls(store, SearchIndex.open(store, store_dir))

    def close(self) -> None:
        self.search.close()
        self.store.close()

    def select(self, query: str, **params: Node) -> list[dict[str, Node]]:
        return self.store.query(query, params=params or None).dicts()

    def labelled(self, rows: list[dict[str, Node]], *variables: str) -> list[dict[str, Node]]:
        """``rows`` with ``?x_pref``, ``?x_label``, ``?x_title``, ``?x_date`` filled in for each variable,
        read in one query over all their IRIs. (Label OPTIONALs inside the page queries made Oxigraph scan
        every label in the store: seconds per page on a million triples.)"""
        iris = {str(row[v]) for row in rows for v in variables if isinstance(row.get(v), URIRef)}
        described: dict[str, dict[str, Node]] = {}
        ordered = sorted(iri for iri in iris if _PLAIN_IRI.fullmatch(iri))
        for at in range(0, len(ordered), 400):
            values = " ".join(f"<{iri}>" for iri in ordered[at : at + 400])
            for row in self.select(DESCRIBE_QUERY.replace("IRIS", values)):
                found = described.setdefault(str(row["x"]), {})
                for key in ("pref", "label", "title", "date"):
                    if key in row and key not in found:
                        found[key] = row[key]
        for row in rows:
            for variable in variables:
                for key, value in described.get(str(row.get(variable)), {}).items():
                    row[f"{variable}_{key}"] = value
        return rows

    def _home(self) -> Home:
        counts = dict.fromkeys(COUNT_NAMES.values(), 0)
        for row in self.select(COUNTS_QUERY):
            counts[COUNT_NAMES[str(row["class"]).rsplit("#", 1)[-1]]] = int(row["n"])
        top: dict[str, list[dict[str, Any]]] = {}
        for kind in ("method", "dataset", "task"):
            entity_kind = KIND_BY_NAME[kind]
            roles = [KG[entity_kind.role]] + ([KG.proposes] if kind == "method" else [])
            query = top_query(roles, KG[entity_kind.rdf_class])
            top[kind] = [{**entity_ref(row, "entity"), "papers": int(row["n"])} for row in self.select(query)]
        latest = [paper_ref(row) for row in self.select(LATEST_QUERY)]
        return Home(counts, top, latest)

    # -- pages -----------------------------------------------------------------------------------------

    def home_page(self) -> dict[str, Any]:
        return {"counts": self.home.counts, "top": self.home.top, "latest": self.home.latest}

    def search_page(self, query: str) -> dict[str, Any]:
        hits = self.search.search(query) if query.strip() else []
        return {
            "query": query,
            "hits": [
                {
                    "kind": hit.kind,
                    "iri": hit.iri,
                    "href": href(hit.iri),
                    "title": hit.title,
                    "snippet": hit.snippet,
                    "date": hit.date,
                }
                for hit in hits
            ],
        }

    def exists(self, iri: str) -> bool:
        return bool(self.store.query("ASK { ?s ?p ?o }", params={"s": URIRef(iri)}).boolean)

    def paper_page(self, iri: str) -> dict[str, Any] | None:
        node = URIRef(iri)
        rows = self.select(PAPER_QUERY, paper=node)
        if not rows or "title" not in rows[0]:
            return None
        row = rows[0]
        authors = [
            str(r["author"])
            for r in self.select("SELECT ?author WHERE { ?paper schema:author ?author }", paper=node)
        ]
        repositories = [
            {
                "url": text(r.get("code")),
                "label": text(r.get("repo_label")) or text(r.get("code")),
                "stars": int(r["stars"]) if r.get("stars") is not None else None,
                "href": href(str(r["repo"])),
            }
            for r in self.select(REPOSITORIES_QUERY, paper=node)
        ]
        pages = [
            str(r["page"])
            for r in self.select("SELECT ?page WHERE { ?paper kg:hasProjectPage ?page }", paper=node)
        ]
        mentions = [
            self._mention(r) for r in self.labelled(self.select(MENTIONS_QUERY, paper=node), "entity")
        ]
        results = self.results("?paper kg:hasResult ?result .", paper=node)
        lineage = [
            {
                "child": entity_ref(r, "child"),
                "parent": entity_ref(r, "parent"),
                "relation": _relation_phrase(str(r["relation"])),
                "sentence": text(r.get("sentence")),
                "confidence": number(r.get("confidence")),
            }
            for r in self.labelled(self.select(STATED_LINEAGE_QUERY, paper=node), "child", "parent")
        ]
        title, abstract = str(row["title"]), text(row.get("abstract"))
        return {
            "iri": iri,
            "title": title,
            "date": text(row.get("date")),
            "arxiv_id": text(row.get("arxiv")),
            "url": _web_url(text(row.get("url"))),
            "authors": authors,
            "repositories": repositories,
            "project_pages": [u for u in map(_web_url, pages) if u],
            "title_spans": highlight(title, [m for m in mentions if m["field"] == "title"]),
            "abstract_spans": highlight(abstract, [m for m in mentions if m["field"] == "abstract"]),
            "abstract": abstract,
            "mentions": sorted(mentions, key=lambda m: (m["field"] != "title", m["start"], m["kind"])),
            "results": results,
            "lineage": lineage,
        }

    @staticmethod
    def _mention(row: dict[str, Node]) -> dict[str, Any]:
        role = str(row["role"])
        return {
            "entity": entity_ref(row, "entity"),
            "kind": KIND_OF_ROLE.get(role, "method"),
            "role": ROLE_NAMES.get(role, short(row["role"])),
            "surface": text(row.get("surface")),
            "confidence": number(row.get("confidence")),
            "field": text(row.get("field")),
            "start": int(row["start"]) if row.get("start") is not None else -1,
            "end": int(row["end"]) if row.get("end") is not None else -1,
            "sentence": text(row.get("sentence")),
        }

    def results(self, required: str, limit: int = 500, **params: Node) -> list[dict[str, Any]]:
        """Results selected by the ``required`` pattern, with their labels; by dataset, metric, value."""
        rows = self.select(results_query(required) + f" LIMIT {limit}", **params)
        found = [self._result(r) for r in self.labelled(rows, "metric", "dataset", "method", "paper")]
        found.sort(
            key=lambda r: (
                (r["dataset"] or {}).get("label", ""),
                r["metric"]["label"],
                -(r["number"] or 0),
                r["value"],
            )
        )
        return found

    @staticmethod
    def _result(row: dict[str, Node]) -> dict[str, Any]:
        kind = text(row.get("kind")).rsplit("#", 1)[-1]
        return {
            "metric": entity_ref(row, "metric"),
            "value": text(row.get("value")),
            "number": number(row.get("number")),
            "dataset": entity_ref(row, "dataset"),
            "method": entity_ref(row, "method"),
            "paper": paper_ref(row),
            "kind": kind.removesuffix("Result").lower() if kind else "",
            "sentence": text(row.get("sentence")),
            "confidence": number(row.get("confidence")),
        }

    def entity_page(self, kind: str, iri: str) -> dict[str, Any] | None:
        node = URIRef(iri)
        rows = self.select(ENTITY_QUERY, entity=node)
        if not rows:
            return None
        names = [r for r in rows if r.get("name") is not None]
        label = next((str(r["name"]) for r in names if str(r.get("which")) == "pref"), None) or next(
            (str(r["name"]) for r in names), iri.rsplit("/", 1)[-1]
        )
        page: dict[str, Any] = {
            "iri": iri,
            "kind": kind,
            "kind_label": KIND_BY_NAME[kind].label,
            "label": label,
            "alt_labels": sorted({str(r["name"]) for r in names if str(r.get("which")) == "alt"} - {label}),
            "concepts": sorted({str(r["concept"]) for r in rows if r.get("concept") is not None}),
            "broader": _unique(
                entity_ref(r, "broader")
                for r in self.labelled(self.select(BROADER_QUERY, entity=node), "broader")
            ),
            "narrower": _unique(
                entity_ref(r, "narrower")
                for r in self.labelled(self.select(NARROWER_QUERY, entity=node), "narrower")
            ),
        }
        role = KG[KIND_BY_NAME[kind].role]
        page["paper_count"] = int(
            self.select(PAPER_COUNT_QUERY.replace("?role", f"<{role}>"), entity=node)[0]["n"]
        )
        page["papers"] = [
            paper_ref(r) for r in self.select(PAPERS_QUERY.replace("?role", f"<{role}>"), entity=node)
        ]
        getattr(self, f"_{kind}_sections", lambda *_: None)(page, node)
        return page

    def _method_sections(self, page: dict[str, Any], node: URIRef) -> None:
        method = self.lineage.methods.get(str(node))
        page["ancestors"] = tree_data(self.lineage.ancestors(method, ANCESTOR_DEPTH)) if method else None
        children = self.lineage.degree(method)[1] if method else 0
        depth = DESCENDANT_DEPTH if children <= 30 else 1  # a hub's own children are already hundreds
        page["descendants"] = tree_data(self.lineage.descendants(method, depth)) if method else None
        page["proposed_in"] = [
            paper_ref(r) for r in self.select(PAPERS_QUERY.replace("?role", "kg:proposes"), entity=node)
        ]
        page["results"] = self.results("?result kg:ofMethod ?method .", limit=200, method=node)
        used = self.labelled(self.select(METHOD_DATASETS_QUERY, entity=node), "item")
        page["datasets"] = [
            {**entity_ref(r, "item"), "papers": int(r["n"])} for r in used if str(r["what"]) == "dataset"
        ]
        page["metrics"] = [
            {**entity_ref(r, "item"), "papers": int(r["n"])} for r in used if str(r["what"]) == "metric"
        ]

    def _dataset_sections(self, page: dict[str, Any], node: URIRef) -> None:
        page["leaderboards"] = self.leaderboards(node)

    def _metric_sections(self, page: dict[str, Any], node: URIRef) -> None:
        page["results"] = self.results("?result kg:metric ?metric .", limit=200, metric=node)

    def _task_sections(self, page: dict[str, Any], node: URIRef) -> None:
        rows = self.labelled(self.select(TASK_QUERY, entity=node), "item")
        page["methods"] = [
            {**entity_ref(r, "item"), "papers": int(r["n"])} for r in rows if str(r["what"]) == "method"
        ]
        page["datasets"] = [
            {**entity_ref(r, "item"), "papers": int(r["n"])} for r in rows if str(r["what"]) == "dataset"
        ]

    def leaderboards(self, dataset: URIRef) -> list[dict[str, Any]]:
        """One table per metric of the score results on the dataset and its versions (``skos:broader*``),
        best first: highest first unless the metric is one where lower is better."""
        by_metric: dict[str, list[dict[str, Any]]] = defaultdict(list)
        rows = self.select(LEADERBOARD_QUERY, dataset=dataset)
        for row in self.labelled(rows, "metric", "version", "method", "paper"):
            result = self._result(row)
            result["version"] = entity_ref(row, "version") if str(row["version"]) != str(dataset) else None
            by_metric[str(row["metric"])].append(result)
        boards = []
        for rows in by_metric.values():
            metric = rows[0]["metric"]
            lower = bool(LOWER_IS_BETTER.search(metric["label"]))
            rows.sort(
                key=lambda r: (
                    r["number"] is None,
                    (r["number"] or 0) * (1 if lower else -1),
                    r["paper"]["title"] if r["paper"] else "",
                )
            )
            boards.append({"metric": metric, "lower_is_better": lower, "rows": rows})
        boards.sort(key=lambda board: (-len(board["rows"]), board["metric"]["label"].casefold()))
        return boards

    def resource_page(self, iri: str) -> dict[str, Any]:
        node = URIRef(iri)
        out = [
            {"predicate": _term(r["p"]), "object": _term(r["o"])}
            for r in self.select("SELECT ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o LIMIT 500", s=node)
        ]
        into = [
            {"subject": _term(r["s"]), "predicate": _term(r["p"])}
            for r in self.select("SELECT ?s ?p WHERE { ?s ?p ?o } ORDER BY ?p ?s LIMIT 500", o=node)
        ]
        return {"iri": iri, "label": short(node), "out": out, "in": into}


def _unique(refs) -> list[dict[str, str]]:
    seen, out = set(), []
    for ref in refs:
        if ref and ref["iri"] not in seen:
            seen.add(ref["iri"])
            out.append(ref)
    return out


def _term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "iri", "value": str(term), "label": short(term), "href": href(str(term))}
    return {"type": "literal", "value": str(term), "label": str(term)}


def _web_url(url: str) -> str:
    return url if re.match(r"https?://", url) else ""


def _relation_phrase(relation_iri: str) -> str:
    name = relation_iri.rsplit("#", 1)[-1]
    for relation in RELATION_BY_NAME.values():
        if relation.rdf_property == name:
            return relation.phrase
    return name


def tree_data(tree: Tree, budget: list[int] | None = None) -> dict[str, Any]:
    """A lineage tree as nested dicts for the template (and JSON): each hop with its relation and papers.
    At most TREE_NODES nodes in all (a hub's descendants can number thousands); ``more`` counts the rest."""
    budget = budget if budget is not None else [TREE_NODES]
    budget[0] -= 1
    link = tree.link
    shown = []
    for branch in tree.branches:
        if budget[0] <= 0:
            break
        shown.append(tree_data(branch, budget))
    return {
        "method": {"iri": tree.method.iri, "href": href(tree.method.iri), "label": tree.method.display},
        "relation": RELATION_BY_NAME[link.relation].phrase if link else None,
        "papers": [{"title": p.title, "date": p.date or "", "href": href(p.iri)} for p in link.papers]
        if link
        else [],
        "evidence": link.evidence[:1] if link else [],
        "confidence": link.confidence if link else None,
        "cycle": tree.cycle,
        "branches": shown,
        "more": len(tree.branches) - len(shown),
    }


def highlight(text_value: str, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut into plain and mentioned spans (``{"text"}`` / ``{"text", "mention"}``), for the template
    to render escaped. Spans whose offsets do not match the text, and overlaps, are left plain."""
    spans: list[dict[str, Any]] = []
    at = 0
    chosen: dict[tuple[int, int], dict[str, Any]] = {}
    for mention in sorted(mentions, key=lambda m: (m["start"], -m["end"], m["role"] != "proposes")):
        start, end = mention["start"], mention["end"]
        if 0 <= start < end <= len(text_value) and (start, end) not in chosen:
            chosen[start, end] = mention
    for (start, end), mention in sorted(chosen.items()):
        if start < at:
            continue
        if start > at:
            spans.append({"text": text_value[at:start]})
        spans.append({"text": text_value[start:end], "mention": mention})
        at = end
    if at < len(text_value):
        spans.append({"text": text_value[at:]})
    return spans


# -- queries ------------------------------------------------------------------------------------------------

PAPER_QUERY = """
SELECT ?title ?abstract ?date ?arxiv ?url WHERE {
  ?paper schema:name ?title .
  OPTIONAL { ?paper schema:abstract ?abstract }
  OPTIONAL { ?paper schema:datePublished ?date }
  OPTIONAL { ?paper kg:arxivId ?arxiv }
  OPTIONAL { ?paper schema:url ?url }
} LIMIT 1"""
REPOSITORIES_QUERY = """
SELECT ?repo ?code ?repo_label ?stars WHERE {
  ?paper kg:hasRepository ?repo .
  OPTIONAL { ?repo schema:codeRepository ?code }
  OPTIONAL { ?repo rdfs:label ?repo_label }
  OPTIONAL { ?repo kg:stars ?stars }
} ORDER BY ?repo"""
MENTIONS_QUERY = """
SELECT ?entity ?role ?surface ?confidence ?field ?start ?end ?sentence WHERE {
  ?paper kg:hasMention ?m . ?m kg:entity ?entity ; kg:role ?role ; kg:evidence ?ev .
  ?ev kg:textField ?field ; kg:startOffset ?start ; kg:endOffset ?end .
  OPTIONAL { ?ev kg:sentence ?sentence }
  OPTIONAL { ?m kg:surfaceForm ?surface }
  OPTIONAL { ?m kg:confidence ?confidence }
}"""


def results_query(required: str) -> str:
    """Results with their metric, value, dataset, method, paper, kind and sentence; ``required`` is the
    pattern that selects them (by paper, method or metric), so a bound parameter filters."""
    return RESULTS_QUERY.replace("REQUIRED", required)


RESULTS_QUERY = """
SELECT ?result ?metric ?value ?number ?dataset ?method ?paper ?kind ?sentence ?confidence WHERE {
  REQUIRED
  ?result a kg:Result ; kg:metric ?metric ; kg:value ?value .
  OPTIONAL { ?result prov:wasDerivedFrom ?paper }
  OPTIONAL { ?result kg:numericValue ?number }
  OPTIONAL { ?result kg:onDataset ?dataset }
  OPTIONAL { ?result kg:ofMethod ?method }
  OPTIONAL { ?result kg:resultKind ?kind }
  OPTIONAL { ?result kg:evidence ?evidence . ?evidence kg:sentence ?sentence }
  OPTIONAL { ?result kg:confidence ?confidence }
}"""
LEADERBOARD_QUERY = """
SELECT ?result ?metric ?value ?number ?version ?method ?paper ?kind ?sentence ?confidence WHERE {
  ?version skos:broader* ?dataset .
  ?result kg:onDataset ?version ; kg:resultKind kg:ScoreResult ; kg:metric ?metric ; kg:value ?value .
  BIND(kg:ScoreResult AS ?kind)
  OPTIONAL { ?result kg:numericValue ?number }
  OPTIONAL { ?result prov:wasDerivedFrom ?paper }
  OPTIONAL { ?result kg:ofMethod ?method }
  OPTIONAL { ?result kg:evidence ?evidence . ?evidence kg:sentence ?sentence }
  OPTIONAL { ?result kg:confidence ?confidence }
} LIMIT 2000"""
STATED_LINEAGE_QUERY = """
SELECT ?child ?parent ?relation ?sentence ?confidence WHERE {
  ?link kg:statedIn ?paper ; a kg:LineageLink ; kg:child ?child ; kg:parent ?parent ; kg:relation ?relation .
  OPTIONAL { ?link kg:evidence ?evidence . ?evidence kg:sentence ?sentence }
  OPTIONAL { ?link kg:confidence ?confidence }
} ORDER BY ?child ?parent"""
DESCRIBE_QUERY = """
SELECT ?x ?pref ?label ?title ?date WHERE {
  VALUES ?x { IRIS }
  OPTIONAL { ?x skos:prefLabel ?pref }
  OPTIONAL { ?x rdfs:label ?label }
  OPTIONAL { ?x schema:name ?title }
  OPTIONAL { ?x schema:datePublished ?date }
}"""
ENTITY_QUERY = """
SELECT ?which ?name ?concept WHERE {
  { ?entity skos:prefLabel ?name BIND("pref" AS ?which) }
  UNION { ?entity rdfs:label ?name BIND("label" AS ?which) }
  UNION { ?entity skos:altLabel ?name BIND("alt" AS ?which) }
  UNION { ?entity skos:exactMatch ?concept }
  UNION { ?entity a ?class BIND("class" AS ?which) }
}"""
BROADER_QUERY = "SELECT ?broader WHERE { ?entity skos:broader ?broader } ORDER BY ?broader"
NARROWER_QUERY = "SELECT ?narrower WHERE { ?narrower skos:broader ?entity } ORDER BY ?narrower LIMIT 200"
PAPER_COUNT_QUERY = "SELECT (COUNT(DISTINCT ?paper) AS ?n) WHERE { ?paper ?role ?entity }"
PAPERS_QUERY = f"""
SELECT DISTINCT ?paper ?paper_title ?paper_date WHERE {{ ?paper ?role ?entity . {paper_fields()} }}
ORDER BY DESC(STR(COALESCE(?paper_date, ""))) ?paper_title LIMIT {PAPER_LIST_LIMIT}"""
METHOD_DATASETS_QUERY = """
SELECT ?what ?item (COUNT(DISTINCT ?paper) AS ?n) WHERE {
  { ?result kg:ofMethod ?entity ; prov:wasDerivedFrom ?paper .
    { ?result kg:onDataset ?item BIND("dataset" AS ?what) } UNION { ?result kg:metric ?item BIND("metric" AS ?what) } }
  UNION
  { ?paper kg:proposes ?entity .
    { ?paper kg:evaluatedOn ?item BIND("dataset" AS ?what) } UNION { ?paper kg:measuredBy ?item BIND("metric" AS ?what) } }
} GROUP BY ?what ?item ORDER BY DESC(?n) ?item LIMIT 60"""
TASK_QUERY = """
SELECT ?what ?item (COUNT(DISTINCT ?paper) AS ?n) WHERE {
  ?paper kg:addressesTask ?entity .
  { ?paper kg:proposes|kg:usesMethod ?item BIND("method" AS ?what) } UNION { ?paper kg:evaluatedOn ?item BIND("dataset" AS ?what) }
} GROUP BY ?what ?item ORDER BY DESC(?n) ?item LIMIT 60"""
