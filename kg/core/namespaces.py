"""The project's own RDF namespace and the prefix table shared by the graph, the store and queries.

``KG`` is a closed namespace (``_fail = True``) of the terms ``kg.core.domain.ONTOLOGY_TERMS`` lists: a
misspelt term (``KG.Metod``) raises where it is used, not in a query. Every term is defined, with a label
and a comment, in ``ontologies/kg.ttl``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace, DefinedNamespaceMeta

from kg.core.domain import ONTOLOGY_TERMS, RESOURCE_SEGMENTS

ONTOLOGY_IRI = "https://w3id.org/kg-ml/ns"
DATA_IRI = "https://w3id.org/kg-ml/id/"


KG: type[DefinedNamespace] = DefinedNamespaceMeta(
    "KG",
    (DefinedNamespace,),
    {
        "__doc__": "Terms of the kg ontology (ontologies/kg.ttl), as kg.core.domain.ONTOLOGY_TERMS lists them.",
        "__module__": __name__,
        "__annotations__": dict.fromkeys(ONTOLOGY_TERMS, URIRef),
        "_NS": Namespace(ONTOLOGY_IRI + "#"),
        "_fail": True,
    },
)


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
# One prefix per kind of resource (kg.core.domain.RESOURCE_SEGMENTS), so Turtle reads `dataset:imagenet`
# rather than `kgr:dataset\/imagenet`.
PREFIXES.update({segment: f"{DATA_IRI}{segment}/" for segment in RESOURCE_SEGMENTS})


def sparql_prologue() -> str:
    """PREFIX lines for every prefix above, prepended to user queries."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
