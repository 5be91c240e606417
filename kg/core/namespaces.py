"""The project's own RDF namespace and the prefix table shared by the graph, the store and queries.

``KG`` is a closed namespace (``_fail = True``): a misspelt term raises at import, not in a query.
Every term here is defined, with a label and a comment, in ``ontologies/kg.ttl``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg-ml/ns"
DATA_IRI = "https://w3id.org/kg-ml/id/"


class KG(DefinedNamespace):
    """Terms of the kg ontology (ontologies/kg.ttl)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Paper: URIRef
    Method: URIRef
    Technique: URIRef
    Dataset: URIRef
    Metric: URIRef
    Task: URIRef
    Repository: URIRef
    Result: URIRef
    ResultKind: URIRef
    Evidence: URIRef
    LineageLink: URIRef
    Mention: URIRef

    # paper -> entity
    proposes: URIRef
    usesMethod: URIRef
    usesTechnique: URIRef
    evaluatedOn: URIRef
    measuredBy: URIRef
    addressesTask: URIRef
    hasResult: URIRef
    hasRepository: URIRef
    hasProjectPage: URIRef
    hasMention: URIRef

    # method -> method lineage
    lineage: URIRef  # super-property of the four below
    extends: URIRef
    variantOf: URIRef
    basedOn: URIRef
    improvesOn: URIRef

    # families: a dataset version or split -> its dataset (methods use variantOf); both also skos:broader
    versionOf: URIRef

    # reified lineage links: who said it, where, how sure
    child: URIRef
    parent: URIRef
    relation: URIRef
    statedIn: URIRef

    # results
    metric: URIRef
    value: URIRef
    numericValue: URIRef
    onDataset: URIRef
    ofMethod: URIRef
    resultKind: URIRef
    # the individuals of kg:ResultKind (kg.core.domain.RESULT_KINDS): only a score belongs on a leaderboard
    ScoreResult: URIRef
    ChangeResult: URIRef
    RatioResult: URIRef

    # mentions and evidence
    entity: URIRef
    role: URIRef
    surfaceForm: URIRef
    evidence: URIRef
    confidence: URIRef
    sentence: URIRef
    textField: URIRef
    startOffset: URIRef
    endOffset: URIRef

    # papers and repositories
    arxivId: URIRef
    upvotes: URIRef
    repositoryPath: URIRef
    linkSource: URIRef
    family: URIRef
    canonicalName: URIRef
    nameForm: URIRef

    # repository facts read from GitHub (kg.linking)
    stars: URIRef
    forks: URIRef
    archived: URIRef


SCHEMA = Namespace("https://schema.org/")
MLS = Namespace("http://www.w3.org/ns/mls#")
DOAP = Namespace("http://usefulinc.com/ns/doap#")
KGR = Namespace(DATA_IRI)  # resources: papers, methods, datasets, ...
KGV = Namespace("https://w3id.org/kg-ml/vocab/")  # SKOS concepts of the shipped vocabularies

PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "kgr": str(KGR),
    "kgv": str(KGV),
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "mls": str(MLS),
    "doap": str(DOAP),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}
# One prefix per kind of resource, so Turtle reads `dataset:imagenet` rather than `kgr:dataset\/imagenet`.
RESOURCE_KINDS = (
    "paper",
    "method",
    "technique",
    "dataset",
    "metric",
    "task",
    "repo",
    "mention",
    "evidence",
    "result",
    "lineage",
)
PREFIXES.update({kind: f"{DATA_IRI}{kind}/" for kind in RESOURCE_KINDS})


def sparql_prologue() -> str:
    """PREFIX lines for every prefix above, prepended to user queries."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
