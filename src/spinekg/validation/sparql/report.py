"""The validation report of the SHACL-to-SPARQL engine: its results, the messages pyshacl writes
for shapes without ``sh:message``, and the report graph laid out as pyshacl lays it out (the
blank nodes of the shapes and of the data copied in with their triples).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from spinekg.validation.sparql.shapes import SH, Shape, Shapes

__all__ = ["GenericMessages", "Result", "report"]


@dataclass(frozen=True)
class Result:
    """One validation result, as the report states it."""

    focus: object
    value: object
    path: object
    shape: Shape
    component: URIRef
    messages: tuple
    constraint: object = None


# -- messages of shapes without sh:message ---------------------------------------------------------

_BOUNDS = {"MinExclusiveConstraintComponent": ">", "MaxInclusiveConstraintComponent": "<=",
           "MaxExclusiveConstraintComponent": "<"}

class GenericMessages:
    """The messages pyshacl writes for a result of a shape without ``sh:message`` (its exact
    wording, with nodes printed by pyshacl's own ``stringify_node``)."""

    def __init__(self, shapes: Shapes, store, union: bool):
        self.shapes = shapes
        self.store = store
        self.union = union
        self._data = None

    def data(self) -> Graph:
        """An rdflib graph with the data graph's prefixes (and the blank nodes printed so far)."""
        if self._data is None:
            from spinekg.core.namespaces import bind_prefixes

            self._data = Graph()
            bind_prefixes(self._data)
        return self._data

    def node(self, node) -> str:
        from pyshacl.rdfutil import stringify_node

        if isinstance(node, BNode):
            _copy_from_store(self.store, node, self.data(), self.union)
        return stringify_node(self.data(), node)

    def generic(self, shape: Shape, component: URIRef, param, focus, value) -> tuple:
        from pyshacl.rdfutil import stringify_node

        s, sg = self.shapes, self.shapes.graph

        def shape_text(node) -> str:
            return stringify_node(sg, node)

        def rules(pred) -> list:
            return list(sg.objects(shape.node, pred))

        def several(pred, one: str, many: str) -> str:
            found = rules(pred)
            if len(found) < 2:
                return one.format(shape_text(found[0]))
            return many.format(", ".join(shape_text(r) for r in found))

        path = f"->{shape_text(shape.path)}" if shape.is_property else ""
        name = str(component).rsplit("#", 1)[-1]
        if name == "MinCountConstraintComponent":
            text = f"Less than {s.one(shape, SH.minCount).value} values on {self.node(focus)}{path}"
        elif name == "MaxCountConstraintComponent":
            text = f"More than {s.one(shape, SH.maxCount).value} values on {self.node(focus)}{path}"
        elif name == "ClassConstraintComponent":
            text = several(SH["class"], "Value does not have class {}", "Value class is not in classes ({})")
        elif name == "DatatypeConstraintComponent":
            text = f"Value is not Literal with datatype {shape_text(param)}"
        elif name == "NodeKindConstraintComponent":
            text = f"Value is not of Node Kind {shape_text(param)}"
        elif name == "MinLengthConstraintComponent":
            text = f"String length not >= {stringify_node(self.data(), param)}"
        elif name == "PatternConstraintComponent":
            found = rules(SH.pattern)
            text = (f"Value does not match pattern '{found[0].value}'" if len(found) < 2 else
                    "Value does not match every pattern in ('{}')".format("', '".join(str(p.value) for p in found)))
        elif name == "LanguageInConstraintComponent":
            text = f"String language is not in {shape_text(param)}"
        elif name == "InConstraintComponent":
            members = [shape_text(m) for m in set(sg.items(param))]
            text = f"Value {self.node(value)} not in list {members}"
        elif name == "MinInclusiveConstraintComponent":
            text = several(SH.minInclusive, "Value is not >= {}", "Value is not >= in ({})")
        elif name == "HasValueConstraintComponent":
            the_set = [shape_text(v) for v in set(rules(SH.hasValue))]
            text = (f"Node {self.node(focus)}{path} does not contain a value in the set: {the_set}" if path else
                    f"Node {self.node(focus)} value is not a in the set of values: {the_set}")
        elif name in ("EqualsConstraintComponent", "LessThanConstraintComponent"):
            pred = SH.equals if name.startswith("Equals") else SH.lessThan
            op = "!=" if name.startswith("Equals") else "<="
            others = ", ".join(shape_text(p) for p in set(rules(pred)))
            text = f"Value of {self.node(focus)}->{others} {op} {self.node(value)}"
        elif name == "OrConstraintComponent":
            lists = rules(SH["or"])
            members = [" , ".join(shape_text(m) for m in sg.items(lst)) for lst in lists]
            listed = members[0] if len(lists) < 2 else " and ".join(f"({m})" for m in members)
            text = f"Node {self.node(value)} must conform to one or more shapes in {listed}"
        elif name == "MaxLengthConstraintComponent":
            text = f"String length not <= {stringify_node(self.data(), param)}"
        elif name in _BOUNDS:
            text = f"Value is not {_BOUNDS[name]} {shape_text(param)}"
        elif name == "NodeConstraintComponent":
            text = f"Value does not conform to Shape {shape_text(param)}."
        elif name in ("AndConstraintComponent", "XoneConstraintComponent"):
            members = " , ".join(shape_text(m) for m in sg.items(param))
            how = "all shapes" if name.startswith("And") else "exactly one shape"
            text = f"Node {self.node(value)} must conform to {how} in {members}"
        elif name == "NotConstraintComponent":
            text = f"Node {self.node(value)} must not conform to shape {shape_text(param)}"
        elif name == "ClosedConstraintComponent":
            text = f"Node {self.node(focus)} is closed. It cannot have value: {self.node(value)}"
        elif name in ("DisjointConstraintComponent", "LessThanOrEqualsConstraintComponent"):
            op = "==" if name.startswith("Disjoint") else "<"
            text = f"Value of {self.node(focus)}->{shape_text(param)} {op} {self.node(value)}"
        elif name == "UniqueLangConstraintComponent":
            text = "More than one String shares the same Language"
        elif not name.startswith("Qualified"):  # a SHACL-SPARQL constraint component
            text = f"Value does not conform to {shape_text(component)}"
        else:  # qualified value shapes
            shapes_text = ",".join(shape_text(q) for q in set(rules(SH.qualifiedValueShape)))
            bounds = "".join(f" {word} {s.one(shape, p).value}" for word, p in
                             (("MinCount", SH.qualifiedMinCount), ("MaxCount", SH.qualifiedMaxCount))
                             if s.one(shape, p) is not None)
            plural = "s" if len(rules(SH.qualifiedValueShape)) > 1 else ""
            shapes_text = f"({shapes_text})" if plural else shapes_text
            text = f"Focus node does not conform to shape{plural}{bounds}: {shapes_text}"
        return (Literal(text),)


# -- the report graph ---------------------------------------------------------------------------

def _copy_from_store(store, node: BNode, target: Graph, union: bool, seen: set | None = None) -> None:
    """The triples describing a blank node of the data (and the blank nodes it points to);
    ``seen``: the blank nodes already copied into ``target``."""
    seen = set() if seen is None else seen
    todo = [node]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for pred, obj in _triples_of(store, current, union):
            target.add((current, pred, obj))
            if isinstance(obj, BNode):
                todo.append(obj)


def _triples_of(store, node: BNode, union: bool):
    """(predicate, object) of the triples about ``node`` in a pyoxigraph store or a GraphStore."""
    if hasattr(store, "triples_of"):
        yield from store.triples_of(node)
        return
    import pyoxigraph

    from spinekg.store.terms import from_oxigraph

    graph = None if union else pyoxigraph.DefaultGraph()
    for quad in store.quads_for_pattern(pyoxigraph.BlankNode(str(node)), None, None, graph):
        yield from_oxigraph(quad.predicate), from_oxigraph(quad.object)


def _copy_from_shapes(shapes: Graph, node, target: Graph, seen: set) -> None:
    """The triples describing a blank node of the shapes graph (a path, an anonymous shape, a
    SPARQL constraint) and the blank nodes it points to; ``seen``: those already copied."""
    todo = [node]
    while todo:
        current = todo.pop()
        if current in seen or not isinstance(current, BNode):
            continue
        seen.add(current)
        for pred, obj in shapes.predicate_objects(current):
            target.add((current, pred, obj))
            todo.append(obj)


def _copy_path(shapes: Graph, node, target: Graph, seen: set) -> None:
    """The triples of a SHACL property path as the engine reads it (a blank node that is both a
    list and an inverse path is the sequence: only its list is copied)."""
    if not isinstance(node, BNode) or node in seen:
        return
    seen.add(node)
    if shapes.value(node, RDF.first) is not None:
        for pred in (RDF.first, RDF.rest):
            obj = shapes.value(node, pred)
            target.add((node, pred, obj))
            _copy_path(shapes, obj, target, seen)
        return
    for pred in (SH.alternativePath, SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        obj = shapes.value(node, pred)
        if obj is not None:
            target.add((node, pred, obj))
            _copy_path(shapes, obj, target, seen)
            return


def report(shapes: Shapes, results: list[Result], store, union: bool) -> Graph:
    """The validation report graph (https://www.w3.org/TR/shacl/#validation-report), laid out as
    pyshacl lays it out: blank nodes of the shapes and of the data copied in with their triples."""
    report = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.graph.namespace_manager.namespaces():
        report.bind(prefix, namespace)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(not results)))
    from_shapes, from_data = set(), set()
    for r in results:
        node = BNode()
        report.add((root, SH.result, node))
        for pred, obj in ((RDF.type, SH.ValidationResult), (SH.sourceConstraintComponent, r.component),
                          (SH.sourceShape, r.shape.node), (SH.resultSeverity, r.shape.severity),
                          (SH.focusNode, r.focus), (SH.value, r.value), (SH.resultPath, r.path),
                          (SH.sourceConstraint, r.constraint)):
            if obj is not None:
                report.add((node, pred, obj))
        for message in r.messages:
            report.add((node, SH.resultMessage, message))
        _copy_path(shapes.graph, r.path, report, from_shapes)
        for shape_node in (r.shape.node, r.constraint):
            _copy_from_shapes(shapes.graph, shape_node, report, from_shapes)
        for data_node in (r.focus, r.value):
            if isinstance(data_node, BNode):
                _copy_from_store(store, data_node, report, union, from_data)
    return report
