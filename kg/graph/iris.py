"""IRIs of everything kg mints. Stable across runs: derived from names and ids, never from counters."""

from __future__ import annotations

import hashlib
import re

from rdflib import URIRef

from kg.core import identity
from kg.core.domain import ENTITY_KINDS, PAPER, REPOSITORY
from kg.core.identity import slug
from kg.core.namespaces import KGR
from kg.core.papers import Paper

TYPE_SEGMENTS: dict[str, str] = {kind.name: kind.segment for kind in ENTITY_KINDS}


def digest(*parts: object) -> str:
    """A short hash of the parts, for nodes that have no name of their own (mentions, results)."""
    joined = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def paper_iri(paper: Paper) -> URIRef:
    return paper_key_iri(paper.key)


def paper_key_iri(key: str) -> URIRef:
    """A paper's IRI from its key alone (``2503.01840`` -> ``kgr:paper/2503.01840``)."""
    return KGR[f"{PAPER.segment}/" + key.replace("/", "_")]


def entity_iri(entity_type: str, name: str) -> URIRef:
    return KGR[f"{TYPE_SEGMENTS[entity_type]}/{identity.key(entity_type, name)}"]


def repository_iri(url: str) -> URIRef:
    """``https://github.com/Owner/Name`` -> ``kgr:repo/github.com/owner/name``."""
    path = re.sub(r"^https?://", "", url).lower().strip("/")
    return KGR[
        f"{REPOSITORY.segment}/"
        + "/".join(slug(part) if i else part for i, part in enumerate(path.split("/")))
    ]


def node_iri(kind: str, *parts: object) -> URIRef:
    """IRIs of bookkeeping nodes (mention, evidence, result, lineage link) hashed from what defines them."""
    return KGR[f"{kind}/{digest(*parts)}"]


# -- named graphs: where each fact lives in the store (reads see their union) -----------------------------
VOCABULARY_GRAPH = KGR["graph/vocabulary"]  # the shipped SKOS vocabularies, replaced by every build
NAMES_GRAPH = KGR["graph/names"]  # labels and repository URLs derived from every paper's names


def paper_graph_iri(key: str) -> URIRef:
    """The named graph holding one paper's extraction (and its links); a rebuild of the paper replaces it."""
    return KGR["graph/paper/" + key.replace("/", "_")]


def source_graph_iri(repository: str) -> URIRef:
    """The named graph of one online read of a repository's facts; the next read replaces it."""
    return KGR["graph/source/" + str(repository_iri(repository)).removeprefix(f"{KGR}{REPOSITORY.segment}/")]
