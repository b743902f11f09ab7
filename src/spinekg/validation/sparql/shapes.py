"""The shapes graph as the SHACL-to-SPARQL engine reads it: which SHACL terms it supports (anything
else is refused with a :class:`~spinekg.core.errors.ShapesError`), the shapes, their parameters
and the prefixes their SHACL-SPARQL queries may use.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

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
    "closed", "ignoredProperties", "node", "and", "not", "xone", "disjoint", "maxLength", "uniqueLang",
    "minExclusive", "maxExclusive", "maxInclusive", "lessThanOrEquals",
    # SHACL-SPARQL constraint components
    "parameter", "optional", "validator", "nodeValidator", "propertyValidator", "ask", "labelTemplate",
    # non-validating
    "message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue")}
#: SHACL classes a shapes graph may use with this engine.
_SUPPORTED_TYPES = {SH[name] for name in ("NodeShape", "PropertyShape", "SPARQLTarget", "SPARQLConstraint",
                                          "PrefixDeclaration", "Shape", "ConstraintComponent", "Parameter",
                                          "SPARQLAskValidator", "SPARQLSelectValidator")}
#: What a validation report says (https://www.w3.org/TR/shacl/#validation-report): data, not shapes,
#: when a shapes graph carries one (as the W3C test files carry their expected report).
_REPORT_TYPES = (SH.ValidationReport, SH.ValidationResult)
_REPORT_LINKS = (SH.result, SH.detail)
#: The W3C test manifests' vocabulary, whose triples a test file's shapes graph also holds.
_MANIFEST = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
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
        self.graph = _without_reports(graph)
        self._check_vocabulary()

    def _check_vocabulary(self) -> None:
        """Refuse any SHACL term (predicate or class) outside what this engine implements."""
        g = self.graph
        for pred in sorted({p for p in g.predicates() if str(p).startswith(str(SH))}):
            if pred not in _SUPPORTED and _is_shacl_term(pred):
                raise ShapesError(f"the sparql engine does not support {self.curie(pred)} (use the pyshacl engine)")
        for kind in sorted({o for o in g.objects(None, RDF.type) if str(o).startswith(str(SH))}):
            if kind not in _SUPPORTED_TYPES:
                raise ShapesError(f"the sparql engine does not support {self.curie(kind)} (use the pyshacl engine)")

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
        nodes |= {m for kind in ("or", "and", "xone") for lst in g.objects(None, SH[kind]) for m in g.items(lst)}
        nodes |= set(g.objects(None, SH.node)) | set(g.objects(None, SH["not"]))
        return nodes

    def class_targets(self, node) -> list:
        """Implicit class target: a shape that is also an rdfs:Class targets its own instances."""
        g = self.graph
        classes = set(g.transitive_subjects(RDFS.subClassOf, RDFS.Class))
        return [node] if any(t in classes for t in g.objects(node, RDF.type)) else []

    def children(self, shape: Shape) -> list[Shape]:
        """The property shapes of ``shape`` (``sh:property``)."""
        return [self.shape(n) for n in sorted(self.graph.objects(shape.node, SH.property), key=str)]

    def parents(self, shape: Shape) -> list:
        """The shapes that hold ``shape`` as a property shape (``sh:property``)."""
        return sorted(self.graph.subjects(SH.property, shape.node), key=str)

    def flag(self, shape: Shape, param) -> bool:
        """A boolean parameter (absent: false); a ShapesError for anything but a boolean."""
        value = self.graph.value(shape.node, param)
        if value is None:
            return False
        if not isinstance(value, Literal) or value.datatype != XSD.boolean:
            raise ShapesError(f"{self.curie(shape.node)} {self.curie(param)} must be true or false, not {value}")
        return str(value) == "true"  # the term true: "1"^^xsd:boolean is another RDF term

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
        holders, todo = [], list(g.objects(node, SH.prefixes))
        while todo:  # a holder's owl:imports declare prefixes too (https://www.w3.org/TR/shacl/#sparql-prefixes)
            holder = todo.pop(0)
            if holder not in holders:
                holders.append(holder)
                todo += sorted(g.objects(holder, OWL.imports), key=str)
        for holder in holders:
            for decl in g.objects(holder, SH.declare):
                prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is None or namespace is None:
                    raise ShapesError(f"{self.curie(holder)}: a sh:declare needs sh:prefix and sh:namespace")
                found[str(prefix)] = str(namespace)
        return found


def _is_shacl_term(term: URIRef) -> bool:
    """Whether the SHACL vocabulary (as rdflib's ``SH`` namespace lists it) defines ``term``: other
    names in its namespace mean nothing to a SHACL processor and are ignored, as any unknown triple."""
    from rdflib.namespace import SH as VOCABULARY

    return str(term)[len(str(SH)):] in VOCABULARY.__annotations__


def _without_reports(graph: Graph) -> Graph:
    """``graph`` without the validation reports it holds (their results and details) and the
    triples of test manifests: they describe results, they are not shapes."""
    g = graph
    todo = [n for t in _REPORT_TYPES for n in g.subjects(RDF.type, t)]
    todo += list(g.subjects(SH.conforms, None)) + list(g.objects(None, URIRef(_MANIFEST + "result")))
    if not todo and not any(str(p).startswith(_MANIFEST) for p in g.predicates()):
        return graph
    reports: set = set()
    while todo:
        node = todo.pop()
        if node in reports or not isinstance(node, (BNode, URIRef)):
            continue
        reports.add(node)
        todo += [o for link in _REPORT_LINKS for o in g.objects(node, link)]
    kept = Graph()
    for prefix, namespace in g.namespace_manager.namespaces():
        kept.bind(prefix, namespace, override=True)
    for triple in g:
        if triple[0] not in reports and not str(triple[1]).startswith(_MANIFEST):
            kept.add(triple)
    return kept


def integer(value, where: str) -> int:
    """The integer a shape parameter holds; a ShapesError naming ``where`` for anything else."""
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int) or isinstance(value.toPython(), bool):
        raise ShapesError(f"{where} must be an integer, not {value}")
    return int(value.toPython())
