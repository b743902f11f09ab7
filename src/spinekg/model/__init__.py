"""The model and the build: reading the curated YAML (:mod:`.curation`), finding quotes in the
texts (:mod:`.grounding`), compiling ontology and claims into the graph (:mod:`.compiler`), and
what the ontology says about its terms (:mod:`.vocabulary`)."""
