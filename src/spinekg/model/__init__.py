"""The model and the build: reading the curated YAML (:mod:`.curation`), finding quotes in the
texts (:mod:`.grounding`), compiling ontology and claims into the graph (:mod:`.compiler`),
what the ontology says about its terms (:mod:`.vocabulary`), and its external mappings, kept as
an SSSOM table (:mod:`.mappings`)."""
