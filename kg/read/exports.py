"""Exports of the stored graph: name -> writer. RDF formats come from the store, graph formats from NetworkX.

Every writer takes the open store and a binary stream. ``export`` writes a file atomically (a temporary
file, then a rename), so a failed export never leaves half a file where a good one was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from kg.core.io import atomic_writer
from kg.store import Store


def _rdf(fmt: str) -> Callable[[Store, BinaryIO], None]:
    def write(store: Store, out: BinaryIO) -> None:
        store.write(out, fmt)

    write.__doc__ = f"The whole graph as {fmt}, in a canonical order."
    return write


def _view(store: Store) -> nx.MultiDiGraph:
    from kg.read.networkx_view import to_networkx

    graph = to_networkx(store.triples())
    for _, data in graph.nodes(data=True):  # GraphML and GEXF take scalars only
        for key, value in list(data.items()):
            if value is None:
                del data[key]
    return graph


def graphml(store: Store, out: BinaryIO) -> None:
    """Papers and entities as a GraphML multigraph (yEd, Gephi, igraph, Cytoscape)."""
    nx.write_graphml(_view(store), out, encoding="utf-8")


def gexf(store: Store, out: BinaryIO) -> None:
    """Papers and entities as GEXF 1.2 (Gephi)."""
    nx.write_gexf(_view(store), out, encoding="utf-8")


EXPORTERS: dict[str, Callable[[Store, BinaryIO], None]] = {
    "turtle": _rdf("turtle"),
    "ntriples": _rdf("ntriples"),
    "jsonld": _rdf("jsonld"),
    "nquads": _rdf("nquads"),  # these two keep the named graphs (a paper, an online read, ...)
    "trig": _rdf("trig"),
    "graphml": graphml,
    "gexf": gexf,
}
EXTENSIONS = {
    "turtle": ".ttl",
    "ntriples": ".nt",
    "jsonld": ".jsonld",
    "nquads": ".nq",
    "trig": ".trig",
    "graphml": ".graphml",
    "gexf": ".gexf",
}


def export(store: Store, fmt: str, path: str | Path) -> Path:
    """Write the store's graph to ``path`` in ``fmt`` (a key of EXPORTERS), atomically."""
    target = Path(path)
    with atomic_writer(target, "wb") as out:
        EXPORTERS[fmt](store, out)
    return target


__all__ = ["EXPORTERS", "EXTENSIONS", "export"]
