"""The ground floor: what every other part of kg may use (papers, the domain tables, name identity, namespaces,
resources, the SKOS vocabularies, errors, io, timing and the URL rules). It imports nothing of kg above it."""
