"""Check a graph against the SHACL shapes in ``ontologies/shapes.ttl`` (pySHACL)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.core.errors import InputError
from kg.core.resources import ontology_dir


def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


def load_graph(source: Graph | str | Path) -> Graph:
    """An rdflib Graph from a Graph, or from an RDF file (format from its extension)."""
    if isinstance(source, Graph):
        return source
    path = Path(source)
    if not path.is_file():
        raise InputError(f"no such RDF file: {path}")
    graph = Graph()
    try:
        graph.parse(path)
    except Exception as error:  # noqa: BLE001 - rdflib's parsers raise their own, unrelated exceptions
        raise InputError(f"cannot read {path} as RDF: {error}") from None
    return graph


def validate(graph_or_path: Graph | str | Path) -> tuple[bool, str]:
    """(conforms, report): warnings are reported but do not break conformance; violations do."""
    from pyshacl import validate as shacl_validate  # slow to import: only when validating

    data = load_graph(graph_or_path)
    shapes = Graph().parse(shapes_path(), format="turtle")
    conforms, _report_graph, text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=True,
        inplace=True,  # no copy of the data: without inference or rules pySHACL leaves it unchanged
    )
    return bool(conforms), str(text)
