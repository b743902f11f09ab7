"""Validation: SHACL through pyshacl and its frozen result (:mod:`.shacl`), the same shapes
compiled to SPARQL and run set-at-a-time on Oxigraph (:mod:`.sparql`), the property shapes
generated from the ontology (:mod:`.shapegen`) and the reports people read (:mod:`.report`)."""
