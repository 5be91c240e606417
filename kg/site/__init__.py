"""``kg serve``'s web site: server-rendered pages over a read-only store, and the SPARQL endpoint."""
