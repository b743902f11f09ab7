"""The shapes graph as the SHACL-to-SPARQL engine reads it: which SHACL terms it supports (anything
else is refused with a :class:`~spinekg.core.errors.ShapesError`), the shapes, their parameters
and the prefixes their SHACL-SPARQL queries may use.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from spinekg.core.errors import ShapesError

__all__ = ["SH", "Shape", "Shapes", "integer"]

SH = Namespace("http://www.w3.org/ns/shacl#")

#: SHACL terms this engine understands, as predicates anywhere in the shapes graph.
_SUPPORTED = {SH[name] for name in (
    # targets and SHACL-AF SPARQL targets, prefixes
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target", "select", "prefixes",
    "declare", "prefix", "namespace",
    # shape structure and paths
    "property", "path", "inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath",
    # constraint parameters
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minLength", "pattern", "flags", "in",
    "hasValue", "languageIn", "minInclusive", "lessThan", "equals", "or", "qualifiedValueShape",
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "sparql",
    # non-validating
    "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue")}
#: SHACL classes a shapes graph may use with this engine.
_SUPPORTED_TYPES = {SH[name] for name in ("NodeShape", "PropertyShape", "SPARQLTarget", "SPARQLConstraint",
                                          "PrefixDeclaration", "Shape")}
#: Prefixes every SHACL-SPARQL query may use undeclared (as pyshacl allows).
_DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": "http://www.w3.org/2002/07/owl#"}


# -- the shapes graph ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    """One shape: its node, its path (``None`` for a node shape) and how its results read."""

    node: object
    path: object
    severity: URIRef
    messages: tuple
    deactivated: bool

    @property
    def is_property(self) -> bool:
        return self.path is not None


class Shapes:
    """The shapes graph: which shapes there are, their targets, parameters and prefixes."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._check_vocabulary()

    def _check_vocabulary(self) -> None:
        """Refuse any SHACL term (predicate or class) outside what this engine implements."""
        g = self.graph
        for pred in sorted({p for p in g.predicates() if str(p).startswith(str(SH))}):
            if pred not in _SUPPORTED:
                raise ShapesError(f"the sparql engine does not support {self.curie(pred)} (use the pyshacl engine)")
        for kind in sorted({o for o in g.objects(None, RDF.type) if str(o).startswith(str(SH))}):
            if kind not in _SUPPORTED_TYPES:
                raise ShapesError(f"the sparql engine does not support {self.curie(kind)} (use the pyshacl engine)")
        for disjoint in g.objects(None, SH.qualifiedValueShapesDisjoint):
            if disjoint.eq(Literal(True)):
                raise ShapesError("the sparql engine does not support sh:qualifiedValueShapesDisjoint true "
                                  "(use the pyshacl engine)")

    def curie(self, node) -> str:
        """``sh:minCount``, ``spksh:Claim``: a term as the shapes files spell it."""
        if isinstance(node, URIRef):
            try:
                return self.graph.namespace_manager.normalizeUri(node)
            except Exception:  # rdflib raises several types for IRIs it cannot shorten
                return f"<{node}>"
        return "a blank node" if isinstance(node, BNode) else str(node)

    def shape(self, node) -> Shape:
        g = self.graph
        deactivated = g.value(node, SH.deactivated)
        return Shape(node=node, path=g.value(node, SH.path), severity=g.value(node, SH.severity) or SH.Violation,
                     messages=tuple(sorted(g.objects(node, SH.message), key=str)),
                     deactivated=deactivated is not None and deactivated.eq(Literal(True)))

    def targeted(self) -> list[Shape]:
        """The shapes with targets of their own, in a stable order."""
        g = self.graph
        nodes = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
                 for s in g.subjects(p, None)}
        nodes |= {s for s in self._shape_nodes() if self.class_targets(s)}
        return [self.shape(n) for n in sorted(nodes, key=str)]

    def _shape_nodes(self) -> set:
        g = self.graph
        nodes = {s for t in (SH.NodeShape, SH.PropertyShape) for s in g.subjects(RDF.type, t)}
        nodes |= set(g.subjects(SH.property, None)) | set(g.objects(None, SH.property))
        nodes |= set(g.objects(None, SH.qualifiedValueShape))
        nodes |= {m for lst in g.objects(None, SH["or"]) for m in g.items(lst)}
        return nodes

    def class_targets(self, node) -> list:
        """Implicit class target: a shape that is also an rdfs:Class targets its own instances."""
        g = self.graph
        classes = set(g.transitive_subjects(RDFS.subClassOf, RDFS.Class))
        return [node] if any(t in classes for t in g.objects(node, RDF.type)) else []

    def children(self, shape: Shape) -> list[Shape]:
        """The property shapes of ``shape`` (``sh:property``)."""
        nodes = sorted(self.graph.objects(shape.node, SH.property), key=str)
        if nodes and shape.is_property:
            raise ShapesError(f"{self.curie(shape.node)}: the sparql engine does not support sh:property on "
                              "a property shape (use the pyshacl engine)")
        return [self.shape(n) for n in nodes]

    def values(self, shape: Shape, param) -> list:
        return sorted(self.graph.objects(shape.node, param), key=lambda t: (type(t).__name__, str(t)))

    def one(self, shape: Shape, param):
        return self.graph.value(shape.node, param)

    def items(self, lst) -> list:
        return list(self.graph.items(lst))

    def integer(self, shape: Shape, param) -> int:
        return integer(self.graph.value(shape.node, param), f"{self.curie(shape.node)} {self.curie(param)}")

    def prefixes(self, node) -> dict[str, str]:
        """The prefixes a SHACL-SPARQL query at ``node`` may use: its ``sh:prefixes`` declarations
        (https://www.w3.org/TR/shacl/#sparql-prefixes), plus rdf, rdfs and owl."""
        g = self.graph
        found = dict(_DEFAULT_PREFIXES)
        for holder in g.objects(node, SH.prefixes):
            for decl in g.objects(holder, SH.declare):
                prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is None or namespace is None:
                    raise ShapesError(f"{self.curie(holder)}: a sh:declare needs sh:prefix and sh:namespace")
                found[str(prefix)] = str(namespace)
        return found


def integer(value, where: str) -> int:
    """The integer a shape parameter holds; a ShapesError naming ``where`` for anything else."""
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int) or isinstance(value.toPython(), bool):
        raise ShapesError(f"{where} must be an integer, not {value}")
    return int(value.toPython())
