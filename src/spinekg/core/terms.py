"""Names for RDF terms: compact IRIs (CURIEs) with the spinekg prefixes, and display labels."""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

__all__ = ["curie", "label_of"]

_PREFIXES: list[tuple[str, str]] | None = None


def curie(iri: URIRef | str) -> str:
    """Compress an IRI with the spinekg prefixes (the IRI itself when no prefix fits)."""
    global _PREFIXES
    if _PREFIXES is None:
        from spinekg.core.namespaces import PREFIXES

        _PREFIXES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda x: -len(x[1]))
    text = str(iri)
    for prefix, ns in _PREFIXES:
        if text.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_.\-]*", text[len(ns):]):
            return f"{prefix}:{text[len(ns):]}"
    return text


_BUILTIN_LABELS = {RDFS.subClassOf: "is a", RDF.type: "instance of"}


def label_of(graph, node: Node) -> str:
    """The ``rdfs:label`` of a node (English preferred), else a name for RDF's own terms, else the IRI."""
    best = None
    for found in graph.objects(node, RDFS.label):
        if best is None or (getattr(found, "language", None) == "en" and best.language != "en"):
            best = found
    return str(best) if best is not None else _BUILTIN_LABELS.get(node, str(node))
