"""Querying: the SPARQL engines (:mod:`.engines`), query text and bound values (:mod:`.text`),
the competency-question library of ``queries/`` (:mod:`.library`), result formats
(:mod:`.formats`) and remote endpoints and the local server (:mod:`.endpoint`)."""
