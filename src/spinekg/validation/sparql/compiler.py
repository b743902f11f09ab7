"""Compiling shapes to SPARQL: the target declarations of a shape, its value nodes, and its
constraints as SPARQL group elements (the tests on one value node, the nodes conforming to a
shape for ``sh:or`` and ``sh:qualifiedValueShape``, the pairs of a path).
"""

from __future__ import annotations

import re
from itertools import count

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from spinekg.core.errors import ShapesError
from spinekg.validation.sparql.constraints import pair_violations
from spinekg.validation.sparql.focus import Focus, Query
from spinekg.validation.sparql.shapes import SH, Shape, Shapes, integer
from spinekg.validation.sparql.text import projection_of, sparql_term, split_prologue

__all__ = ["Compiler"]

_NODE_KINDS = {
    SH.IRI: ("isIRI",), SH.BlankNode: ("isBlank",), SH.Literal: ("isLiteral",),
    SH.BlankNodeOrIRI: ("isBlank", "isIRI"), SH.BlankNodeOrLiteral: ("isBlank", "isLiteral"),
    SH.IRIOrLiteral: ("isIRI", "isLiteral"),
}
#: Datatypes whose lexical forms SPARQL can check (by a cast to the datatype itself).
_CASTABLE = {XSD[name] for name in ("boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time")}
#: Datatypes derived from xsd:integer, with their bounds (https://www.w3.org/TR/xmlschema11-2/#built-in-datatypes):
#: well-formed when the lexical form is an integer within them.
_INTEGERS = {XSD[name]: bounds for name, bounds in {
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1)}.items()}
_CLASS_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


class Compiler:
    """Builds the SPARQL text of targets, value nodes and constraints for one shapes graph."""

    def __init__(self, shapes: Shapes):
        self.shapes = shapes
        self._ids = count(1)
        self._within: list = []  # the shapes whose conformance is being compiled (recursion)

    def var(self, stem: str = "v") -> str:
        """A variable name no other part of the query uses."""
        return f"?{stem}{next(self._ids)}"

    # paths, focus nodes, value nodes ------------------------------------------------------------

    def path(self, node) -> str:
        """A SHACL property path (https://www.w3.org/TR/shacl/#property-paths) as a SPARQL path."""
        g = self.shapes.graph
        if isinstance(node, URIRef):
            return sparql_term(node, "sh:path")
        if g.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(item) for item in g.items(node)) + ")"
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(item) for item in g.items(alternatives)) + ")"
        inverse = g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^{self.path(inverse)}"
        for pred, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = g.value(node, pred)
            if inner is not None:
                return f"({self.path(inner)}){op}"
        raise ShapesError(f"{self.shapes.curie(node)}: not a SHACL property path")

    def focus(self, shape: Shape) -> Focus:
        """The target declarations of ``shape`` (https://www.w3.org/TR/shacl/#targets)."""
        s, where = self.shapes, self.shapes.curie(shape.node)
        branches, prefixes = [], {}
        nodes = s.values(shape, SH.targetNode)
        if nodes:
            branches.append("VALUES ?this { " + " ".join(sparql_term(n, f"{where} sh:targetNode") for n in nodes) + " }")
        for cls in s.values(shape, SH.targetClass) + s.class_targets(shape.node):
            branches.append(f"?this {_CLASS_PATH} {sparql_term(cls, f'{where} sh:targetClass')}")
        for pred in s.values(shape, SH.targetSubjectsOf):
            branches.append(f"?this {sparql_term(pred, f'{where} sh:targetSubjectsOf')} {self.var('o')}")
        for pred in s.values(shape, SH.targetObjectsOf):
            branches.append(f"{self.var('s')} {sparql_term(pred, f'{where} sh:targetObjectsOf')} ?this")
        for target in s.values(shape, SH.target):
            select = s.graph.value(target, SH.select)
            if select is None:
                raise ShapesError(f"{where}: the sparql engine supports only sh:SPARQLTarget targets with sh:select "
                                  "(use the pyshacl engine)")
            own, body = split_prologue(str(select), where)
            merged = {**s.prefixes(target), **own}
            for name, iri in merged.items():
                if prefixes.setdefault(name, iri) != iri:
                    raise ShapesError(f"{where}: prefix {name}: has two meanings in the shape's targets")
            if not re.search(r"[?$]this\b", projection_of(body)):
                raise ShapesError(f"{where}: a SPARQL target must select ?this")
            branches.append(body)
        return Focus(tuple(branches), tuple(sorted(prefixes.items())))

    def values(self, shape: Shape, focus: Focus, this: str, value: str, query: Query) -> str:
        """Group elements binding (``this``, ``value``): each focus node with each of its value nodes."""
        where = self.shapes.curie(shape.node)
        if shape.is_property:
            return f"{focus.pattern(this, query, where)} {this} {self.path(shape.path)} {value} ."
        return f"{focus.pattern(this, query, where)} BIND({this} AS {value})"

    def candidates(self, shape: Shape, focus: Focus, value: str, query: Query) -> str:
        """A group element binding ``value`` to every value node of ``shape`` (each once)."""
        return f"{{ SELECT DISTINCT {value} WHERE {{ {self.values(shape, focus, self.var('f'), value, query)} }} }}"

    # tests on one node ----------------------------------------------------------------------------

    def node_tests(self, shape: Shape) -> list[tuple[URIRef, object, object]]:
        """(component, parameter value, test) for each constraint of ``shape`` that tests each
        value node on its own; each value of a parameter is a constraint of its own."""
        s, where = self.shapes, self.shapes.curie(shape.node)
        tests = []
        for cls in s.values(shape, SH["class"]):
            tests.append((SH.ClassConstraintComponent, cls, _ClassTest(sparql_term(cls, f"{where} sh:class"))))
        for datatype in s.values(shape, SH.datatype):
            tests.append((SH.DatatypeConstraintComponent, datatype, _datatype_test(datatype, where)))
        for kind in s.values(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise ShapesError(f"{where}: {s.curie(kind)} is not a SHACL node kind")
            tests.append((SH.NodeKindConstraintComponent, kind, _ExprTest(
                lambda v, fns=_NODE_KINDS[kind]: "(" + " || ".join(f"{fn}({v})" for fn in fns) + ")")))
        for length in s.values(shape, SH.minLength):
            n = integer(length, f"{where} sh:minLength")
            tests.append((SH.MinLengthConstraintComponent, length,
                          _ExprTest(lambda v, n=n: f"(!isBlank({v}) && STRLEN(STR({v})) >= {n})")))
        flags = s.one(shape, SH.flags)
        for pattern in s.values(shape, SH.pattern):
            args = sparql_term(Literal(str(pattern)), f"{where} sh:pattern")
            if flags is not None:
                args += ", " + sparql_term(Literal(str(flags)), f"{where} sh:flags")
            tests.append((SH.PatternConstraintComponent, pattern,
                          _ExprTest(lambda v, args=args: f"(!isBlank({v}) && REGEX(STR({v}), {args}))")))
        for lst in s.values(shape, SH.languageIn):
            ranges = [sparql_term(Literal(str(r)), f"{where} sh:languageIn") for r in s.items(lst)]
            tests.append((SH.LanguageInConstraintComponent, lst, _ExprTest(
                lambda v, ranges=ranges: f"(isLiteral({v}) && ("
                + (" || ".join(f"langMatches(lang({v}), {r})" for r in ranges) or "false") + "))")))
        for lst in s.values(shape, SH["in"]):
            members = [sparql_term(m, f"{where} sh:in") for m in s.items(lst)]
            tests.append((SH.InConstraintComponent, lst, _InTest(tuple(members))))
        for length in s.values(shape, SH.maxLength):
            n = integer(length, f"{where} sh:maxLength")
            tests.append((SH.MaxLengthConstraintComponent, length,
                          _ExprTest(lambda v, n=n: f"(!isBlank({v}) && STRLEN(STR({v})) <= {n})")))
        for param, component, op in ((SH.minInclusive, SH.MinInclusiveConstraintComponent, "<="),
                                     (SH.minExclusive, SH.MinExclusiveConstraintComponent, "<"),
                                     (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, ">="),
                                     (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, ">")):
            for bound in s.values(shape, param):
                text = sparql_term(bound, f"{where} {s.curie(param)}")
                tests.append((component, bound, _ExprTest(lambda v, b=text, op=op: f"({b} {op} {v})")))
        for kind, component, test in (("or", SH.OrConstraintComponent, _OrTest), ("and", SH.AndConstraintComponent, _AndTest),
                                      ("xone", SH.XoneConstraintComponent, _XoneTest)):
            for lst in s.values(shape, SH[kind]):
                tests.append((component, lst, test(self, tuple(s.shape(m) for m in s.items(lst)))))
        for node in s.values(shape, SH.node):
            tests.append((SH.NodeConstraintComponent, node, _AndTest(self, (s.shape(node),))))
        for node in s.values(shape, SH["not"]):
            tests.append((SH.NotConstraintComponent, node, _NotTest(self, s.shape(node))))
        return tests

    def conforming(self, shape: Shape, var: str, cand: str, query: Query) -> tuple[list[str], list[str]]:
        """Group elements that keep the nodes ``var`` conforming to ``shape``
        (https://www.w3.org/TR/shacl/#conformance-checking), as (binding, filtering): a binding
        element binds ``var`` itself (to a set that includes every conforming node, such as the
        instances of a class); a filtering one needs ``var`` bound. ``cand`` binds ``var`` to
        the nodes to check, for tests that cannot enumerate their nodes."""
        if shape.deactivated:
            return [], []
        s, where = self.shapes, self.shapes.curie(shape.node)
        if shape.node in self._within:
            raise ShapesError(f"{where}: the sparql engine does not support recursive shapes ({where} is used "
                              "inside its own definition; use the pyshacl engine)")
        self._within.append(shape.node)
        try:
            return self._conforming(shape, var, cand, query, s, where)
        finally:
            self._within.pop()

    def _conforming(self, shape: Shape, var: str, cand: str, query: Query, s: Shapes, where: str):
        binding, filtering = [], []
        for _component, _param, test in self.node_tests(shape):
            if not shape.is_property:
                (binding if test.binds(query) else filtering).append(test.holds(var, cand, query))
                continue
            value = self.var("z")
            pairs = self.pairs(shape, var, value, cand, query)
            inner = f"{{ SELECT DISTINCT {value} WHERE {{ {pairs} }} }}"
            filtering.append(f"MINUS {{ SELECT DISTINCT {var} WHERE {{ {pairs} {test.fails(value, inner, query)} }} }}")
        for param in (SH.minCount, SH.maxCount):
            if s.one(shape, param) is None:
                continue
            n, value = s.integer(shape, param), self.var("z")
            self.shape_path(shape, param)
            counted = (f"SELECT {var} WHERE {{ {self.pairs(shape, var, value, cand, query)} }} GROUP BY {var} "
                       f"HAVING (COUNT(DISTINCT {value}) {'>=' if param == SH.minCount else '>'} {n})")
            if param == SH.maxCount:
                filtering.append(f"MINUS {{ {counted} }}")
            elif n > 0:
                binding.append(f"{{ {counted} }}")
        for required in s.values(shape, SH.hasValue):
            term = sparql_term(required, f"{where} sh:hasValue")
            if shape.is_property:
                binding.append(f"{{ SELECT DISTINCT {var} WHERE {{ {var} {self.path(shape.path)} {term} }} }}")
            else:
                filtering.append(f"FILTER(sameTerm({var}, {term}))")
        for child in s.children(shape):
            if not shape.is_property:
                child_binding, child_filtering = self.conforming(child, var, cand, query)
                binding += child_binding
                filtering += child_filtering
                continue
            value = self.var("z")  # each value node of the property shape conforms to the child
            pairs = self.pairs(shape, var, value, cand, query)
            conforming = self.conforming_set(child, value, f"{{ SELECT DISTINCT {value} WHERE {{ {pairs} }} }}", query)
            filtering.append(f"MINUS {{ SELECT DISTINCT {var} WHERE {{ {pairs} MINUS {conforming} }} }}")
        for violation in pair_violations(self, shape, var, cand):
            filtering.append(f"MINUS {{ SELECT DISTINCT {var} WHERE {{ {violation.body} }} }}")
        for param in (SH.qualifiedValueShape, SH.sparql):
            if s.one(shape, param) is not None:
                raise ShapesError(f"{where}: the sparql engine does not support {s.curie(param)} in a shape used by "
                                  "sh:node, sh:and, sh:or, sh:not, sh:xone or sh:qualifiedValueShape (use the pyshacl engine)")
        from spinekg.validation.sparql.components import components

        if components(s, shape):
            raise ShapesError(f"{where}: the sparql engine does not support a SHACL-SPARQL constraint component in a "
                              "shape used by sh:node, sh:and, sh:or, sh:not, sh:xone or sh:qualifiedValueShape "
                              "(use the pyshacl engine)")
        return binding, filtering

    def conforming_set(self, shape: Shape, var: str, cand: str, query: Query) -> str:
        """A sub-select of the nodes ``var`` that conform to ``shape`` (those of ``cand`` unless
        a test enumerates them itself)."""
        binding, filtering = self.conforming(shape, var, cand, query)
        return f"{{ SELECT DISTINCT {var} WHERE {{ {' '.join(binding) or cand} {' '.join(filtering)} }} }}"

    def bounded(self, path) -> bool:
        """Whether a path has no ``*``, ``+`` or ``?``: its pairs can then be enumerated over the
        whole graph at the cost of a few joins, and hashed, rather than followed from each focus node."""
        g = self.shapes.graph
        if isinstance(path, URIRef):
            return True
        if any(g.value(path, p) is not None for p in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)):
            return False
        inner = [g.value(path, SH.inversePath)] if g.value(path, SH.inversePath) is not None else \
            list(g.items(g.value(path, SH.alternativePath) or path))
        return all(self.bounded(p) for p in inner)

    def pairs(self, shape: Shape, this: str, value: str, cand: str, query: Query) -> str:
        """Group elements binding the pairs (``this``, ``value``) of a property shape's path: over
        the whole graph when the path is bounded and the focus set large, else from the nodes
        ``this`` that ``cand`` binds."""
        path = self.path(shape.path)
        if query.large and self.bounded(shape.path):
            return f"{this} {path} {value} ."
        return f"{cand} {this} {path} {value} ."

    def shape_path(self, shape: Shape, param) -> str:
        """The path of a property shape; a ShapesError for a node shape, where ``param`` is not
        allowed (https://www.w3.org/TR/shacl/#core-components-count)."""
        if not shape.is_property:
            raise ShapesError(f"{self.shapes.curie(shape.node)}: {self.shapes.curie(param)} is only allowed on "
                              "property shapes")
        return self.path(shape.path)


class _ExprTest:
    """A test written as a SPARQL expression over the node (``expression(var)``); an error, such
    as comparing values that cannot be compared, counts as failing ("does not return true")."""

    def __init__(self, expression):
        self.expression = expression

    def binds(self, query: Query) -> bool:
        """Whether :meth:`holds` binds the node itself (else the node must be bound before)."""
        return False

    def holds(self, var: str, cand: str, query: Query) -> str:
        return f"FILTER(COALESCE({self.expression(var)}, false))"

    def fails(self, var: str, cand: str, query: Query) -> str:
        return f"FILTER(!COALESCE({self.expression(var)}, false))"


class _InTest(_ExprTest):
    """``sh:in``: membership by RDF term equality. For a large focus set the members bind the
    node (paths are then followed backwards from them, once); for a small one, a FILTER."""

    def __init__(self, members: tuple[str, ...]):
        super().__init__(lambda var: " || ".join(f"sameTerm({var}, {m})" for m in members) or "false")
        self.members = members

    def binds(self, query: Query) -> bool:
        return query.large

    def holds(self, var: str, cand: str, query: Query) -> str:
        return f"VALUES {var} {{ {' '.join(self.members)} }}" if query.large else super().holds(var, cand, query)


class _ClassTest:
    """``sh:class``: for a large focus set, the SHACL instances of the class, found once from the
    class downwards and hashed; for a small one, followed upwards from each node."""

    def __init__(self, cls: str):
        self.cls = cls

    def binds(self, query: Query) -> bool:
        return query.large

    def _instances(self, var: str) -> str:
        return f"SELECT DISTINCT {var} WHERE {{ {var} {_CLASS_PATH} {self.cls} }}"

    def holds(self, var: str, cand: str, query: Query) -> str:
        if query.large:
            return f"{{ {self._instances(var)} }}"
        return f"FILTER EXISTS {{ {var} {_CLASS_PATH} {self.cls} }}"

    def fails(self, var: str, cand: str, query: Query) -> str:
        if query.large:
            return f"MINUS {{ {self._instances(var)} }}"
        return f"FILTER NOT EXISTS {{ {var} {_CLASS_PATH} {self.cls} }}"


class _AndTest:
    """``sh:and`` (and ``sh:node``, one member): the nodes that conform to every member shape."""

    def __init__(self, compiler: Compiler, members: tuple[Shape, ...]):
        self.compiler = compiler
        self.members = members

    def binds(self, query: Query) -> bool:
        return True

    def _conforming(self, var: str, cand: str, query: Query) -> str:
        sets = [self.compiler.conforming_set(m, var, cand, query) for m in self.members]
        return sets[0] if len(sets) == 1 else f"{{ SELECT DISTINCT {var} WHERE {{ {' '.join(sets) or cand} }} }}"

    def holds(self, var: str, cand: str, query: Query) -> str:
        return self._conforming(var, cand, query)

    def fails(self, var: str, cand: str, query: Query) -> str:
        return f"MINUS {self._conforming(var, cand, query)}"


class _NotTest:
    """``sh:not``: the nodes that do not conform to the shape."""

    def __init__(self, compiler: Compiler, member: Shape):
        self.compiler = compiler
        self.member = member

    def binds(self, query: Query) -> bool:
        return False

    def holds(self, var: str, cand: str, query: Query) -> str:
        return f"MINUS {self.compiler.conforming_set(self.member, var, cand, query)}"

    def fails(self, var: str, cand: str, query: Query) -> str:
        return self.compiler.conforming_set(self.member, var, cand, query)


class _XoneTest(_AndTest):
    """``sh:xone``: the nodes that conform to exactly one member shape (a shape listed twice counts twice)."""

    def _conforming(self, var: str, cand: str, query: Query) -> str:
        sets = " UNION ".join(self.compiler.conforming_set(m, var, cand, query) for m in self.members)
        return f"{{ SELECT {var} WHERE {{ {sets} }} GROUP BY {var} HAVING (COUNT(*) = 1) }}"


class _OrTest:
    """``sh:or``: the nodes that conform to at least one member shape."""

    def __init__(self, compiler: Compiler, members: tuple[Shape, ...]):
        self.compiler = compiler
        self.members = members

    def binds(self, query: Query) -> bool:
        return True

    def _conforming(self, var: str, cand: str, query: Query) -> str:
        return " UNION ".join(self.compiler.conforming_set(m, var, cand, query) for m in self.members)

    def holds(self, var: str, cand: str, query: Query) -> str:
        return f"{{ {self._conforming(var, cand, query)} }}"

    def fails(self, var: str, cand: str, query: Query) -> str:
        return f"MINUS {{ {self._conforming(var, cand, query)} }}"


def _datatype_test(datatype, where: str) -> _ExprTest:
    """sh:datatype: a literal of exactly that datatype, and well-formed where SPARQL can tell (a cast
    to its own datatype fails on an ill-typed literal such as "May 2021"^^xsd:date; the integer
    types are read as integers within their bounds: "c"^^xsd:byte and "300"^^xsd:byte are not)."""
    dt = sparql_term(datatype, f"{where} sh:datatype")
    if datatype in _CASTABLE:
        check = f" && isLiteral({dt}({{v}}))"
    elif datatype in _INTEGERS:
        low, high = _INTEGERS[datatype]
        check = (' && REGEX(STR({v}), "^[+-]?[0-9]+$")'
                 + "".join(f" && <{XSD.integer}>(STR({{v}})) {op} {n}" for op, n in ((">=", low), ("<=", high))
                           if n is not None))
    else:
        check = ""
    return _ExprTest(lambda v: f"(isLiteral({v}) && datatype({v}) = {dt}" + check.format(v=v) + ")")
