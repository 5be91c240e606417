"""Papers and their extractions as RDF (rdflib terms); a NetworkX view for layout and algorithms."""

from kg.graph.build import build_graph, paper_triples, vocabulary_triples

__all__ = ["build_graph", "paper_triples", "vocabulary_triples"]
