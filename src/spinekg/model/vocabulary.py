"""What the ontology says about the terms: their upper categories and which properties are relations."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from spinekg.core.namespaces import SPK

__all__ = ["top_categories", "entity_category", "is_relation"]


def top_categories(graph: Graph) -> list[URIRef]:
    """The upper categories: spinekg classes without a named spinekg superclass."""
    tops = []
    for cls in set(graph.subjects(RDF.type, OWL.Class)):
        if not isinstance(cls, URIRef) or not str(cls).startswith(str(SPK)):
            continue
        parents = [p for p in graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef) and str(p).startswith(str(SPK))]
        if not parents:
            tops.append(cls)
    return sorted(tops)


def entity_category(graph: Graph, node: URIRef, tops: set[URIRef]) -> URIRef | None:
    """The upper category of a class (via rdfs:subClassOf*) or an individual (via rdf:type/rdfs:subClassOf*)."""
    start = [node] if (node, RDF.type, OWL.Class) in graph else list(graph.objects(node, RDF.type))
    seen, todo = set(start), list(start)
    while todo:
        cur = todo.pop()
        if cur in tops and cur != node:
            return cur
        for parent in graph.objects(cur, RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return None


def is_relation(graph: Graph, predicate) -> bool:
    """Whether ``predicate`` links two entities (``rdfs:subClassOf`` or an ``owl:ObjectProperty``),
    rather than being a label, a type or a provenance link."""
    return predicate == RDFS.subClassOf or (predicate, RDF.type, OWL.ObjectProperty) in graph
