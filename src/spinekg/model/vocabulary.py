"""What the ontology says about its terms: names, class hierarchy and property signatures (for the
compiler), upper categories, and which properties are relations."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from spinekg.core.namespaces import SPK

__all__ = ["OntologyIndex", "top_categories", "entity_category", "is_relation"]


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


class OntologyIndex:
    """Names, class hierarchy and property signatures of the ontology."""

    def __init__(self, g: Graph):
        self.g = g
        self.classes = {s for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
        self.object_properties = {s for s in g.subjects(RDF.type, OWL.ObjectProperty) if isinstance(s, URIRef)}
        self.datatype_properties = {s for s in g.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(s, URIRef)}
        self.named_individuals = {s for s in g.subjects(RDF.type, OWL.NamedIndividual) if isinstance(s, URIRef)}
        self.labels = {s: str(o) for s, o in g.subject_objects(RDFS.label)}
        self._supers: dict[URIRef, set[URIRef]] = {}
        direct: dict[URIRef, set[URIRef]] = {}
        for s, o in g.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                direct.setdefault(s, set()).add(o)
        self._direct = direct

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        """``cls`` and all its named superclasses."""
        if cls in self._supers:
            return self._supers[cls]
        seen = {cls}
        todo = [cls]
        while todo:
            for parent in self._direct.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        self._supers[cls] = seen
        return seen

    def add_subclass(self, sub: URIRef, sup: URIRef) -> None:
        """Record ``sub rdfs:subClassOf sup`` (a class a curation file adds)."""
        self._direct.setdefault(sub, set()).add(sup)
        self._supers.clear()

    def class_expression(self, node) -> set[URIRef] | None:
        """The named classes of a domain/range: one class or an owl:unionOf; ``None`` = anything."""
        if node is None:
            return None
        if isinstance(node, URIRef):
            return {node}
        union = self.g.value(node, OWL.unionOf)
        if union is not None:
            return {m for m in Collection(self.g, union) if isinstance(m, URIRef)}
        return None

    def signature(self, prop: URIRef) -> tuple[set[URIRef] | None, set[URIRef] | None]:
        """The named classes of the domain and of the range of ``prop`` (``None``: anything)."""
        return (self.class_expression(self.g.value(prop, RDFS.domain)),
                self.class_expression(self.g.value(prop, RDFS.range)))
