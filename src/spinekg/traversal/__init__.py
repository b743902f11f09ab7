"""Reading the graph from Python: entities, claims, paths and subgraphs (:mod:`.entities`), the
networkx projections (:mod:`.nxgraph`) and summary counts (:mod:`.stats`)."""
