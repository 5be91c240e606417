"""The read side: what answers questions from a store `kg build` wrote (queries, name lookup, lineage trees,
the interactive graph, exports, validation). It reads the store and never writes the graph."""
