"""The graph store (Oxigraph), remote SPARQL endpoints and the SPARQL server; the only users of pyoxigraph."""

from kg.store.oxigraph import FORMATS, QueryResult, Store, check_readable

__all__ = ["FORMATS", "QueryResult", "Store", "check_readable"]
