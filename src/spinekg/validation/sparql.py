"""SHACL validation compiled to SPARQL and run set-at-a-time on a pyoxigraph store.

pyshacl validates one focus node at a time in Python (and re-parses a SHACL-SPARQL query per
focus node), which takes minutes at a million triples. Here every (shape, constraint) pair is
compiled into ONE SPARQL query that returns all the pairs (focus node, value) that violate it,
evaluated once over the whole store; :func:`validate_store` turns the answers into the report
graph pyshacl would build (https://www.w3.org/TR/shacl/#validation-report), so the rest of
spinekg reads it unchanged.

How the SHACL definitions become queries:

* A shape's focus nodes are the union of its targets (``sh:targetClass`` follows
  ``rdf:type/rdfs:subClassOf*``; a SHACL-AF ``sh:SPARQLTarget`` is embedded as it is written),
  selected once: a shape without focus nodes runs no query; up to ``_WRITTEN_FOCUS`` of them are
  written into its queries (VALUES); more are re-selected by a sub-select in each query. A shape
  reached through ``sh:property`` gets the focus nodes of its parent node shape (a shape with
  targets of its own is also validated on those). Value nodes are the distinct pairs (focus,
  value) of the path; a node shape's value node is the focus node itself.
* A test on one value node (``sh:datatype``, ``sh:pattern``, ``sh:in``, ...) is a FILTER. For
  a large focus set, what needs the data (the instances of an ``sh:class``, the values per node
  of a path without ``*``/``+``/``?`` for cardinalities and ``sh:equals``, the nodes a path leads
  to a ``sh:in`` member from) is a set computed once over the graph, hashed, and subtracted with
  MINUS or joined; for a small one it is followed from each focus node. Oxigraph runs a
  correlated FILTER NOT EXISTS once per row, and a property path with both ends fixed slowly:
  the choice is worth 10 to 50 times either way.
* ``sh:or`` members and ``sh:qualifiedValueShape`` shapes become the set of nodes that conform
  to them, built from the same pieces (:meth:`_Compiler.conforming`).
* A SHACL-SPARQL constraint is run with ``$this`` pre-bound to every focus node at once: the
  focus nodes open each group of the query that mentions ``$this`` (except inside EXISTS, which
  sees the outer binding anyway), the spec's pre-binding applied to a set; ``$PATH`` is replaced
  by the shape's path. The spec's restrictions (no MINUS, VALUES, SERVICE; sub-selects select
  ``$this``; ``$this`` not re-bound) are what make this exact.

Anything outside the constructs listed in ``_SUPPORTED`` raises :class:`~spinekg.core.errors.ShapesError`
naming it: such shapes need the pyshacl engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import count
from typing import Iterator

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from spinekg.core.errors import ShapesError

__all__ = ["validate_store"]

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
_NODE_KINDS = {
    SH.IRI: ("isIRI",), SH.BlankNode: ("isBlank",), SH.Literal: ("isLiteral",),
    SH.BlankNodeOrIRI: ("isBlank", "isIRI"), SH.BlankNodeOrLiteral: ("isBlank", "isLiteral"),
    SH.IRIOrLiteral: ("isIRI", "isLiteral"),
}
#: Datatypes whose lexical forms SPARQL can check (by a cast to the datatype itself).
_CASTABLE = {XSD[name] for name in ("boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time")}
_CLASS_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
#: Prefixes every SHACL-SPARQL query may use undeclared (as pyshacl allows).
_DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": "http://www.w3.org/2002/07/owl#"}


# -- SPARQL text --------------------------------------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _term(term, what: str) -> str:
    """An IRI or a literal of the shapes graph as SPARQL text; a blank node cannot be written."""
    if isinstance(term, URIRef):
        if re.search(r'[<>"{}|^`\\\s]', str(term)):
            raise ShapesError(f"{what}: {str(term)!r} is not an IRI a SPARQL query can hold")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + "".join(_ECHAR.get(ch, ch) for ch in str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype is not None else text
    raise ShapesError(f"{what}: the sparql engine cannot compare with a blank node (use the pyshacl engine)")


def _blanked(text: str) -> str:
    """``text`` with comments, strings and IRIs replaced by spaces (same length), to find syntax."""
    pattern = re.compile(r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                         r"'(?:[^'\\\n]|\\.)*'|<[^\s<>\"{}|^`\\]*>")
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _closing(blanked: str, start: int) -> int:
    """Index of the ``}`` that closes the ``{`` at ``start``."""
    depth = 0
    for i in range(start, len(blanked)):
        depth += {"{": 1, "}": -1}.get(blanked[i], 0)
        if depth == 0:
            return i
    raise ShapesError("a SPARQL query in the shapes has an unbalanced '{'")


# -- the shapes graph ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Shape:
    """One shape: its node, its path (``None`` for a node shape) and how its results read."""

    node: object
    path: object
    severity: URIRef
    messages: tuple
    deactivated: bool

    @property
    def is_property(self) -> bool:
        return self.path is not None


class _Shapes:
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

    def shape(self, node) -> _Shape:
        g = self.graph
        deactivated = g.value(node, SH.deactivated)
        return _Shape(node=node, path=g.value(node, SH.path), severity=g.value(node, SH.severity) or SH.Violation,
                      messages=tuple(sorted(g.objects(node, SH.message), key=str)),
                      deactivated=deactivated is not None and deactivated.eq(Literal(True)))

    def targeted(self) -> list[_Shape]:
        """The shapes with targets of their own, in a stable order."""
        g = self.graph
        nodes = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
                 for s in g.subjects(p, None)}
        nodes |= {s for s in self._shape_nodes() if self._class_targets(s)}
        return [self.shape(n) for n in sorted(nodes, key=str)]

    def _shape_nodes(self) -> set:
        g = self.graph
        nodes = {s for t in (SH.NodeShape, SH.PropertyShape) for s in g.subjects(RDF.type, t)}
        nodes |= set(g.subjects(SH.property, None)) | set(g.objects(None, SH.property))
        nodes |= set(g.objects(None, SH.qualifiedValueShape))
        nodes |= {m for lst in g.objects(None, SH["or"]) for m in g.items(lst)}
        return nodes

    def _class_targets(self, node) -> list:
        """Implicit class target: a shape that is also an rdfs:Class targets its own instances."""
        g = self.graph
        classes = set(g.transitive_subjects(RDFS.subClassOf, RDFS.Class))
        return [node] if any(t in classes for t in g.objects(node, RDF.type)) else []

    def children(self, shape: _Shape) -> list[_Shape]:
        """The property shapes of ``shape`` (``sh:property``)."""
        nodes = sorted(self.graph.objects(shape.node, SH.property), key=str)
        if nodes and shape.is_property:
            raise ShapesError(f"{self.curie(shape.node)}: the sparql engine does not support sh:property on "
                              "a property shape (use the pyshacl engine)")
        return [self.shape(n) for n in nodes]

    def values(self, shape: _Shape, param) -> list:
        return sorted(self.graph.objects(shape.node, param), key=lambda t: (type(t).__name__, str(t)))

    def one(self, shape: _Shape, param):
        return self.graph.value(shape.node, param)

    def items(self, lst) -> list:
        return list(self.graph.items(lst))

    def integer(self, shape: _Shape, param) -> int:
        return _integer(self.graph.value(shape.node, param), f"{self.curie(shape.node)} {self.curie(param)}")

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


# -- compiling shapes to SPARQL -----------------------------------------------------------------

#: Focus sets up to this size are written into the queries (VALUES) rather than re-selected.
_WRITTEN_FOCUS = 2000


@dataclass(frozen=True)
class _Focus:
    """A shape's focus nodes: the branches of a UNION that each bind ``?this`` and, once the set
    is known to be small, the nodes themselves as SPARQL text (``written``)."""

    branches: tuple[str, ...]
    prefixes: tuple[tuple[str, str], ...]
    written: tuple[str, ...] | None = None

    @property
    def large(self) -> bool:
        """Too many focus nodes to write out: sets over the whole graph are then cheaper to hash
        than to follow from each focus node."""
        return self.written is None

    def pattern(self, var: str, query: "_Query", where: str) -> str:
        """A group element binding ``var`` to each focus node once."""
        if self.written is not None:
            return f"{{ VALUES {var} {{ {' '.join(self.written)} }} }}"
        query.use(dict(self.prefixes), where)
        body = " UNION ".join(f"{{ {branch} }}" for branch in self.branches)
        rename = "" if var == "?this" else f" BIND(?this AS {var})"
        return f"{{ SELECT DISTINCT {var} WHERE {{ {body}{rename} }} }}"


class _Query:
    """A query under construction for one focus set: the prefixes its embedded SHACL-SPARQL
    texts need; ``large``: see :attr:`_Focus.large`; ``empty``: there is nothing to validate."""

    def __init__(self, focus: _Focus):
        self.prefixes: dict[str, str] = {}
        self.large = focus.large
        self.empty = focus.written == ()

    def use(self, prefixes: dict[str, str], where: str) -> None:
        for name, iri in prefixes.items():
            if self.prefixes.setdefault(name, iri) != iri:
                raise ShapesError(f"{where}: prefix {name}: means {iri} here and {self.prefixes[name]} in the "
                                  "shape's other SPARQL text; the sparql engine needs one meaning per shape")

    def text(self, select: str) -> str:
        prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(self.prefixes.items()))
        return prologue + select


class _Compiler:
    """Builds the SPARQL text of targets, value nodes and constraints for one shapes graph."""

    def __init__(self, shapes: _Shapes):
        self.shapes = shapes
        self._ids = count(1)

    def var(self, stem: str = "v") -> str:
        """A variable name no other part of the query uses."""
        return f"?{stem}{next(self._ids)}"

    # paths, focus nodes, value nodes ------------------------------------------------------------

    def path(self, node) -> str:
        """A SHACL property path (https://www.w3.org/TR/shacl/#property-paths) as a SPARQL path."""
        g = self.shapes.graph
        if isinstance(node, URIRef):
            return _term(node, "sh:path")
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

    def focus(self, shape: _Shape) -> _Focus:
        """The target declarations of ``shape`` (https://www.w3.org/TR/shacl/#targets)."""
        s, where = self.shapes, self.shapes.curie(shape.node)
        branches, prefixes = [], {}
        nodes = s.values(shape, SH.targetNode)
        if nodes:
            branches.append("VALUES ?this { " + " ".join(_term(n, f"{where} sh:targetNode") for n in nodes) + " }")
        for cls in s.values(shape, SH.targetClass) + s._class_targets(shape.node):
            branches.append(f"?this {_CLASS_PATH} {_term(cls, f'{where} sh:targetClass')}")
        for pred in s.values(shape, SH.targetSubjectsOf):
            branches.append(f"?this {_term(pred, f'{where} sh:targetSubjectsOf')} {self.var('o')}")
        for pred in s.values(shape, SH.targetObjectsOf):
            branches.append(f"{self.var('s')} {_term(pred, f'{where} sh:targetObjectsOf')} ?this")
        for target in s.values(shape, SH.target):
            select = s.graph.value(target, SH.select)
            if select is None:
                raise ShapesError(f"{where}: the sparql engine supports only sh:SPARQLTarget targets with sh:select "
                                  "(use the pyshacl engine)")
            own, body = _split_prologue(str(select), where)
            merged = {**s.prefixes(target), **own}
            for name, iri in merged.items():
                if prefixes.setdefault(name, iri) != iri:
                    raise ShapesError(f"{where}: prefix {name}: has two meanings in the shape's targets")
            if not re.search(r"[?$]this\b", _projection(body)):
                raise ShapesError(f"{where}: a SPARQL target must select ?this")
            branches.append(body)
        return _Focus(tuple(branches), tuple(sorted(prefixes.items())))

    def values(self, shape: _Shape, focus: _Focus, this: str, value: str, query: _Query) -> str:
        """Group elements binding (``this``, ``value``): each focus node with each of its value nodes."""
        where = self.shapes.curie(shape.node)
        if shape.is_property:
            return f"{focus.pattern(this, query, where)} {this} {self.path(shape.path)} {value} ."
        return f"{focus.pattern(this, query, where)} BIND({this} AS {value})"

    def candidates(self, shape: _Shape, focus: _Focus, value: str, query: _Query) -> str:
        """A group element binding ``value`` to every value node of ``shape`` (each once)."""
        return f"{{ SELECT DISTINCT {value} WHERE {{ {self.values(shape, focus, self.var('f'), value, query)} }} }}"

    # tests on one node ----------------------------------------------------------------------------

    def node_tests(self, shape: _Shape) -> list[tuple[URIRef, object, object]]:
        """(component, parameter value, test) for each constraint of ``shape`` that tests each
        value node on its own; each value of a parameter is a constraint of its own."""
        s, where = self.shapes, self.shapes.curie(shape.node)
        tests = []
        for cls in s.values(shape, SH["class"]):
            tests.append((SH.ClassConstraintComponent, cls, _ClassTest(_term(cls, f"{where} sh:class"))))
        for datatype in s.values(shape, SH.datatype):
            tests.append((SH.DatatypeConstraintComponent, datatype, _datatype_test(datatype, where)))
        for kind in s.values(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise ShapesError(f"{where}: {s.curie(kind)} is not a SHACL node kind")
            tests.append((SH.NodeKindConstraintComponent, kind, _ExprTest(
                lambda v, fns=_NODE_KINDS[kind]: "(" + " || ".join(f"{fn}({v})" for fn in fns) + ")")))
        for length in s.values(shape, SH.minLength):
            n = _integer(length, f"{where} sh:minLength")
            tests.append((SH.MinLengthConstraintComponent, length,
                          _ExprTest(lambda v, n=n: f"(!isBlank({v}) && STRLEN(STR({v})) >= {n})")))
        flags = s.one(shape, SH.flags)
        for pattern in s.values(shape, SH.pattern):
            args = _term(Literal(str(pattern)), f"{where} sh:pattern")
            if flags is not None:
                args += ", " + _term(Literal(str(flags)), f"{where} sh:flags")
            tests.append((SH.PatternConstraintComponent, pattern,
                          _ExprTest(lambda v, args=args: f"(!isBlank({v}) && REGEX(STR({v}), {args}))")))
        for lst in s.values(shape, SH.languageIn):
            ranges = [_term(Literal(str(r)), f"{where} sh:languageIn") for r in s.items(lst)]
            tests.append((SH.LanguageInConstraintComponent, lst, _ExprTest(
                lambda v, ranges=ranges: f"(isLiteral({v}) && ("
                + (" || ".join(f"langMatches(lang({v}), {r})" for r in ranges) or "false") + "))")))
        for lst in s.values(shape, SH["in"]):
            members = [_term(m, f"{where} sh:in") for m in s.items(lst)]
            tests.append((SH.InConstraintComponent, lst, _InTest(tuple(members))))
        for minimum in s.values(shape, SH.minInclusive):
            bound = _term(minimum, f"{where} sh:minInclusive")
            tests.append((SH.MinInclusiveConstraintComponent, minimum, _ExprTest(lambda v, b=bound: f"({b} <= {v})")))
        for lst in s.values(shape, SH["or"]):
            members = [s.shape(m) for m in s.items(lst)]
            tests.append((SH.OrConstraintComponent, lst, _OrTest(self, tuple(members))))
        return tests

    def conforming(self, shape: _Shape, var: str, cand: str, query: _Query) -> tuple[list[str], list[str]]:
        """Group elements that keep the nodes ``var`` conforming to ``shape``
        (https://www.w3.org/TR/shacl/#conformance-checking), as (binding, filtering): a binding
        element binds ``var`` itself (to a set that includes every conforming node, such as the
        instances of a class); a filtering one needs ``var`` bound. ``cand`` binds ``var`` to
        the nodes to check, for tests that cannot enumerate their nodes."""
        if shape.deactivated:
            return [], []
        s, where = self.shapes, self.shapes.curie(shape.node)
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
            self._shape_path(shape, param)
            counted = (f"SELECT {var} WHERE {{ {self.pairs(shape, var, value, cand, query)} }} GROUP BY {var} "
                       f"HAVING (COUNT(DISTINCT {value}) {'>=' if param == SH.minCount else '>'} {n})")
            if param == SH.maxCount:
                filtering.append(f"MINUS {{ {counted} }}")
            elif n > 0:
                binding.append(f"{{ {counted} }}")
        for required in s.values(shape, SH.hasValue):
            term = _term(required, f"{where} sh:hasValue")
            if shape.is_property:
                binding.append(f"{{ SELECT DISTINCT {var} WHERE {{ {var} {self.path(shape.path)} {term} }} }}")
            else:
                filtering.append(f"FILTER(sameTerm({var}, {term}))")
        for child in s.children(shape):
            child_binding, child_filtering = self.conforming(child, var, cand, query)
            binding += child_binding
            filtering += child_filtering
        for param in (SH.equals, SH.lessThan, SH.qualifiedValueShape, SH.sparql):
            if s.one(shape, param) is not None:
                raise ShapesError(f"{where}: the sparql engine does not support {s.curie(param)} in a shape used by "
                                  "sh:or or sh:qualifiedValueShape (use the pyshacl engine)")
        return binding, filtering

    def conforming_set(self, shape: _Shape, var: str, cand: str, query: _Query) -> str:
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

    def pairs(self, shape: _Shape, this: str, value: str, cand: str, query: _Query) -> str:
        """Group elements binding the pairs (``this``, ``value``) of a property shape's path: over
        the whole graph when the path is bounded and the focus set large, else from the nodes
        ``this`` that ``cand`` binds."""
        path = self.path(shape.path)
        if query.large and self.bounded(shape.path):
            return f"{this} {path} {value} ."
        return f"{cand} {this} {path} {value} ."

    def _shape_path(self, shape: _Shape, param) -> str:
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

    def binds(self, query: _Query) -> bool:
        """Whether :meth:`holds` binds the node itself (else the node must be bound before)."""
        return False

    def holds(self, var: str, cand: str, query: _Query) -> str:
        return f"FILTER(COALESCE({self.expression(var)}, false))"

    def fails(self, var: str, cand: str, query: _Query) -> str:
        return f"FILTER(!COALESCE({self.expression(var)}, false))"


class _InTest(_ExprTest):
    """``sh:in``: membership by RDF term equality. For a large focus set the members bind the
    node (paths are then followed backwards from them, once); for a small one, a FILTER."""

    def __init__(self, members: tuple[str, ...]):
        super().__init__(lambda var: " || ".join(f"sameTerm({var}, {m})" for m in members) or "false")
        self.members = members

    def binds(self, query: _Query) -> bool:
        return query.large

    def holds(self, var: str, cand: str, query: _Query) -> str:
        return f"VALUES {var} {{ {' '.join(self.members)} }}" if query.large else super().holds(var, cand, query)


class _ClassTest:
    """``sh:class``: for a large focus set, the SHACL instances of the class, found once from the
    class downwards and hashed; for a small one, followed upwards from each node."""

    def __init__(self, cls: str):
        self.cls = cls

    def binds(self, query: _Query) -> bool:
        return query.large

    def _instances(self, var: str) -> str:
        return f"SELECT DISTINCT {var} WHERE {{ {var} {_CLASS_PATH} {self.cls} }}"

    def holds(self, var: str, cand: str, query: _Query) -> str:
        if query.large:
            return f"{{ {self._instances(var)} }}"
        return f"FILTER EXISTS {{ {var} {_CLASS_PATH} {self.cls} }}"

    def fails(self, var: str, cand: str, query: _Query) -> str:
        if query.large:
            return f"MINUS {{ {self._instances(var)} }}"
        return f"FILTER NOT EXISTS {{ {var} {_CLASS_PATH} {self.cls} }}"


class _OrTest:
    """``sh:or``: the nodes that conform to at least one member shape."""

    def __init__(self, compiler: _Compiler, members: tuple[_Shape, ...]):
        self.compiler = compiler
        self.members = members

    def binds(self, query: _Query) -> bool:
        return True

    def _conforming(self, var: str, cand: str, query: _Query) -> str:
        return " UNION ".join(self.compiler.conforming_set(m, var, cand, query) for m in self.members)

    def holds(self, var: str, cand: str, query: _Query) -> str:
        return f"{{ {self._conforming(var, cand, query)} }}"

    def fails(self, var: str, cand: str, query: _Query) -> str:
        return f"MINUS {{ {self._conforming(var, cand, query)} }}"


def _datatype_test(datatype, where: str) -> _ExprTest:
    """sh:datatype: a literal of exactly that datatype, and well-formed where SPARQL can tell
    (a cast to its own datatype fails on an ill-typed literal such as "May 2021"^^xsd:date)."""
    dt = _term(datatype, f"{where} sh:datatype")
    cast = datatype in _CASTABLE
    return _ExprTest(lambda v: f"(isLiteral({v}) && datatype({v}) = {dt}"
                     + (f" && isLiteral({dt}({v}))" if cast else "") + ")")


def _integer(value, where: str) -> int:
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int) or isinstance(value.toPython(), bool):
        raise ShapesError(f"{where} must be an integer, not {value}")
    return int(value.toPython())


def _split_prologue(text: str, where: str) -> tuple[dict[str, str], str]:
    """The PREFIX declarations a SHACL-SPARQL text opens with, and the rest of it."""
    blanked = _blanked(text)
    prefixes, pos = {}, 0
    decl = re.compile(r"\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*", re.IGNORECASE)
    while match := decl.match(blanked, pos):
        iri = re.match(r"<([^>]*)>", text[match.end():])
        if iri is None:
            raise ShapesError(f"{where}: cannot read a PREFIX declaration of its SPARQL query")
        prefixes[match.group(1) or ""] = iri.group(1)
        pos = match.end() + iri.end()
    if re.match(r"\s*BASE\b", blanked[pos:], re.IGNORECASE):
        raise ShapesError(f"{where}: the sparql engine does not support BASE in a SPARQL query (use the pyshacl engine)")
    return prefixes, text[pos:]


def _projection(text: str) -> str:
    """The projection of the SELECT a query text opens with (up to WHERE or the first '{')."""
    blanked = _blanked(text)
    match = re.search(r"\bSELECT\b([\s\S]*?)(?:\bWHERE\b|\{)", blanked, re.IGNORECASE)
    return match.group(1) if match else ""


# -- SHACL-SPARQL constraints -------------------------------------------------------------------

def _prebind(text: str, focus_group: str, where: str) -> str:
    """``text`` with ``$this`` pre-bound to every focus node: ``focus_group`` opens the WHERE group
    and every group inside it that mentions ``$this``, except the groups inside EXISTS (which see
    the outer binding) and a brace holding a sub-select (whose own WHERE group gets it)."""
    blanked = _blanked(text)
    for keyword in ("MINUS", "VALUES", "SERVICE"):
        if re.search(rf"\b{keyword}\b", blanked, re.IGNORECASE):
            raise ShapesError(f"{where}: a SHACL-SPARQL query must not use {keyword} (SHACL 5.3.1)")
    if re.search(r"\bAS\s+[?$]this\b", blanked, re.IGNORECASE):
        raise ShapesError(f"{where}: a SHACL-SPARQL query must not bind $this with AS")
    for name in ("shapesGraph", "currentShape", "failure"):
        if re.search(rf"[?$]{name}\b", blanked):
            raise ShapesError(f"{where}: the sparql engine does not support ${name} in SHACL-SPARQL (use the pyshacl engine)")
    projection = _projection(blanked)
    if not re.search(r"[?$]this\b|\*", projection):
        raise ShapesError(f"{where}: the sparql engine needs a SHACL-SPARQL query to select $this (use the pyshacl engine)")
    inserts, exists_until = [], -1
    for i, char in enumerate(blanked):
        if char != "{":
            continue
        end = _closing(blanked, i)
        if i < exists_until:
            continue
        if re.search(r"\bEXISTS\s*$", blanked[:i], re.IGNORECASE):
            exists_until = end
            continue
        if re.match(r"\s*SELECT\b", blanked[i + 1:], re.IGNORECASE):
            sub = blanked[i + 1:end]
            if re.search(r"[?$]this\b", sub) and not re.search(r"[?$]this\b|\*", _projection(sub)):
                raise ShapesError(f"{where}: a sub-select that uses $this must select it (SHACL 5.3.1)")
            continue
        if not inserts or re.search(r"[?$]this\b", blanked[i:end]):
            inserts.append(i + 1)
    for at in reversed(inserts):
        text = f"{text[:at]} {focus_group} {text[at:]}"
    return text


def _substitute_path(text: str, path: str | None, where: str) -> str:
    """``$PATH`` replaced by the shape's path (https://www.w3.org/TR/shacl/#sparql-constraints-path)."""
    blanked = _blanked(text)
    spots = [m.start() for m in re.finditer(r"[?$]PATH\b", blanked)]
    if spots and path is None:
        raise ShapesError(f"{where}: $PATH in the SPARQL query of a node shape, which has no path")
    for at in reversed(spots):
        text = text[:at] + path + text[at + 5:]
    return text


def _format_message(message: Literal, bindings: dict) -> Literal:
    """A SHACL-SPARQL message with ``{?var}`` / ``{$var}`` replaced by the solution's values
    (https://www.w3.org/TR/shacl/#sparql-constraints-message); unbound ones stay as written."""
    def value(match):
        bound = bindings.get(match.group(1))
        return match.group() if bound is None else str(bound)

    return Literal(re.sub(r"\{[?$](\w+)\}", value, str(message)))


# -- running ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Result:
    """One validation result, as the report states it."""

    focus: object
    value: object
    path: object
    shape: _Shape
    component: URIRef
    messages: tuple
    constraint: object = None


class _Run:
    """Evaluates the compiled queries on the store and collects the results."""

    def __init__(self, store, shapes: _Shapes, union: bool):
        self.store = store
        self.shapes = shapes
        self.union = union
        self.compiler = _Compiler(shapes)
        self.results: list[_Result] = []
        self._generic = _GenericMessages(shapes, store, union)
        self._terms: dict = {}

    def focus(self, shape: _Shape) -> _Focus:
        """The focus nodes of ``shape``, selected once: written out when there are few (none:
        the shape's queries are not run at all), else left as a sub-select."""
        where, focus = self.shapes.curie(shape.node), self.compiler.focus(shape)
        query = _Query(focus)
        select = f"SELECT ?this WHERE {{ {focus.pattern('?this', query, where)} }} LIMIT {_WRITTEN_FOCUS + 1}"
        nodes = [row["this"] for row in self.rows(query, select, where) if "this" in row]
        if len(nodes) > _WRITTEN_FOCUS or any(isinstance(n, BNode) for n in nodes):
            return focus
        try:
            return replace(focus, written=tuple(_term(n, where) for n in nodes))
        except ShapesError:  # an IRI of the data that a query cannot hold
            return focus

    def rows(self, query: _Query, select: str, where: str) -> Iterator[dict]:
        """The solutions of a query, as dicts of rdflib terms (unbound variables left out)."""
        if query.empty:
            return
        try:
            solutions = self.store.query(query.text(select), use_default_graph_as_union=self.union)
        except SyntaxError as err:
            raise ShapesError(f"{where}: bad SPARQL in a shape: {str(err).strip().splitlines()[0]}") from None
        names = [v.value for v in solutions.variables]
        term = self._term
        for solution in solutions:
            yield {name: term(value) for name in names if (value := solution[name]) is not None}

    def _term(self, value):
        """An rdflib term for a pyoxigraph one (converted once: results repeat documents, claims)."""
        found = self._terms.get(value)
        if found is None:
            from spinekg.store.terms import from_oxigraph

            found = self._terms[value] = from_oxigraph(value)
        return found

    def validate(self, shape: _Shape, focus: _Focus) -> None:
        """All results of ``shape`` (and of its property shapes) on the focus nodes ``focus``."""
        if shape.deactivated:
            return
        where = self.shapes.curie(shape.node)
        for component, param, test in self.compiler.node_tests(shape):
            query = _Query(focus)
            values = self.compiler.values(shape, focus, "?this", "?value", query)
            cand = self.compiler.candidates(shape, focus, "?value", query)
            select = f"SELECT DISTINCT ?this ?value WHERE {{ {values} {test.fails('?value', cand, query)} }}"
            for row in self.rows(query, select, where):
                self.add(shape, component, param, row["this"], row["value"])
        self._counts(shape, focus, where)
        self._has_value(shape, focus, where)
        self._pairs(shape, focus, where)
        self._qualified(shape, focus, where)
        for constraint in self.shapes.values(shape, SH.sparql):
            self._sparql(shape, focus, constraint, where)
        for child in self.shapes.children(shape):
            self.validate(child, focus)

    def add(self, shape: _Shape, component: URIRef, param, focus, value=None) -> None:
        messages = shape.messages or self._generic.generic(shape, component, param, focus, value)
        self.results.append(_Result(focus, value, shape.path, shape, component, messages))

    def _counts(self, shape: _Shape, focus: _Focus, where: str) -> None:
        """sh:minCount and sh:maxCount: the focus nodes with too few or too many value nodes
        (counted once per node of the graph when the path is bounded, then joined)."""
        c = self.compiler
        for param, component in ((SH.minCount, SH.MinCountConstraintComponent),
                                 (SH.maxCount, SH.MaxCountConstraintComponent)):
            if self.shapes.one(shape, param) is None:
                continue
            n, query = self.shapes.integer(shape, param), _Query(focus)
            c._shape_path(shape, param)
            nodes = focus.pattern("?this", query, where)
            counted = (f"SELECT ?this WHERE {{ {c.pairs(shape, '?this', '?value', nodes, query)} }} GROUP BY ?this "
                       f"HAVING (COUNT(DISTINCT ?value) {'>=' if param == SH.minCount else '>'} {n})")
            if param == SH.maxCount:
                select = f"SELECT ?this WHERE {{ {nodes} {{ {counted} }} }}"
            elif n > 0:
                select = f"SELECT ?this WHERE {{ {nodes} MINUS {{ {counted} }} }}"
            else:
                continue
            for row in self.rows(query, select, where):
                self.add(shape, component, self.shapes.one(shape, param), row["this"])

    def _has_value(self, shape: _Shape, focus: _Focus, where: str) -> None:
        """sh:hasValue: the focus nodes among whose value nodes the term is missing."""
        for required in self.shapes.values(shape, SH.hasValue):
            query, term = _Query(focus), _term(required, f"{where} sh:hasValue")
            nodes = focus.pattern("?this", query, where)
            if shape.is_property:
                select = (f"SELECT ?this WHERE {{ {nodes} MINUS {{ SELECT DISTINCT ?this WHERE "
                          f"{{ ?this {self.compiler.path(shape.path)} {term} }} }} }}")
            else:
                select = f"SELECT ?this WHERE {{ {nodes} FILTER(!sameTerm(?this, {term})) }}"
            for row in self.rows(query, select, where):
                self.add(shape, SH.HasValueConstraintComponent, required, row["this"])

    def _pairs(self, shape: _Shape, focus: _Focus, where: str) -> None:
        """sh:equals (value nodes and the property's values differ) and sh:lessThan (each pair
        of a value node and a value of the property that is not ordered by SPARQL's <)."""
        c = self.compiler
        for other in self.shapes.values(shape, SH.equals):
            query, pred = _Query(focus), _term(other, f"{where} sh:equals")
            nodes = focus.pattern("?this", query, where)
            mine = c.values(shape, focus, "?this", "?value", query)
            all_mine = c.pairs(shape, "?this", "?value", nodes, query) if shape.is_property else mine
            select = (f"SELECT DISTINCT ?this ?value WHERE {{ {{ {mine} MINUS {{ ?this {pred} ?value }} }} "
                      f"UNION {{ {nodes} ?this {pred} ?value MINUS {{ {all_mine} }} }} }}")
            for row in self.rows(query, select, where):
                self.add(shape, SH.EqualsConstraintComponent, other, row["this"], row["value"])
        for other in self.shapes.values(shape, SH.lessThan):
            query, pred = _Query(focus), _term(other, f"{where} sh:lessThan")
            c._shape_path(shape, SH.lessThan)
            select = (f"SELECT DISTINCT ?this ?value ?other WHERE {{ {c.values(shape, focus, '?this', '?value', query)} "
                      f"?this {pred} ?other FILTER(!COALESCE(?value < ?other, false)) }}")
            for row in self.rows(query, select, where):
                self.add(shape, SH.LessThanConstraintComponent, other, row["this"], row["value"])

    def _qualified(self, shape: _Shape, focus: _Focus, where: str) -> None:
        """sh:qualifiedValueShape with sh:qualifiedMinCount / sh:qualifiedMaxCount: the focus nodes
        with too few or too many value nodes that conform to the qualified shape."""
        s, c = self.shapes, self.compiler
        bounds = [(param, component) for param, component in (
            (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent),
            (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent)) if s.one(shape, param) is not None]
        for node in s.values(shape, SH.qualifiedValueShape):
            path, inner = c._shape_path(shape, SH.qualifiedValueShape), s.shape(node)
            for param, component in bounds:
                n, query = s.integer(shape, param), _Query(focus)
                cand = c.candidates(shape, focus, "?value", query)
                conforms = " ".join(sum(c.conforming(inner, "?value", cand, query), []))
                counts = (f"{{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ {focus.pattern('?this', query, where)} "
                          f"?this {path} ?value {conforms} }} GROUP BY ?this }}")
                if param == SH.qualifiedMaxCount:
                    select = f"SELECT ?this WHERE {{ {counts} FILTER(?n > {n}) }}"
                elif n > 0:
                    select = (f"SELECT ?this WHERE {{ {focus.pattern('?this', query, where)} "
                              f"MINUS {{ {counts} FILTER(?n >= {n}) }} }}")
                else:
                    continue
                for row in self.rows(query, select, where):
                    self.add(shape, component, node, row["this"])

    def _sparql(self, shape: _Shape, focus: _Focus, constraint, where: str) -> None:
        """A SHACL-SPARQL constraint (https://www.w3.org/TR/shacl/#sparql-constraints), run once
        with $this pre-bound to all focus nodes; one result per distinct solution."""
        g = self.shapes.graph
        deactivated = g.value(constraint, SH.deactivated)
        if deactivated is not None and deactivated.eq(Literal(True)):
            return
        select = g.value(constraint, SH.select)
        if select is None:
            raise ShapesError(f"{where}: the sparql engine supports only SELECT-based sh:sparql constraints "
                              "(use the pyshacl engine)")
        query = _Query(focus)
        own, body = _split_prologue(str(select), where)
        query.use({**self.shapes.prefixes(constraint), **own}, where)
        path = self.compiler.path(shape.path) if shape.is_property else None
        body = _prebind(_substitute_path(body, path, where), focus.pattern("?this", query, where), where)
        messages = tuple(sorted(g.objects(constraint, SH.message), key=str))
        seen = set()
        for row in self.rows(query, body, where):
            this, result_path, value = row.pop("this"), row.pop("path", None), row.pop("value", None)
            key = (this, result_path, value, frozenset(row.items()))
            if key in seen:
                continue
            seen.add(key)
            if value is None and not shape.is_property:
                value = this
            bindings = {**row, "this": this, "path": result_path, "value": value}
            texts = {_format_message(m, bindings) for m in (*shape.messages, *messages)}
            self.results.append(_Result(this, value, result_path if result_path is not None else shape.path,
                                        shape, SH.SPARQLConstraintComponent, tuple(sorted(texts, key=str)), constraint))


# -- messages of shapes without sh:message ---------------------------------------------------------

class _GenericMessages:
    """The messages pyshacl writes for a result of a shape without ``sh:message`` (its exact
    wording, with nodes printed by pyshacl's own ``stringify_node``)."""

    def __init__(self, shapes: _Shapes, store, union: bool):
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

    def generic(self, shape: _Shape, component: URIRef, param, focus, value) -> tuple:
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
    import pyoxigraph

    from spinekg.store.terms import from_oxigraph

    graph = None if union else pyoxigraph.DefaultGraph()
    seen = set() if seen is None else seen
    todo = [node]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for quad in store.quads_for_pattern(pyoxigraph.BlankNode(str(current)), None, None, graph):
            obj = from_oxigraph(quad.object)
            target.add((current, from_oxigraph(quad.predicate), obj))
            if isinstance(obj, BNode):
                todo.append(obj)


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


def _report(shapes: _Shapes, results: list[_Result], store, union: bool) -> Graph:
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
        for shape_node in (r.shape.node, r.path, r.constraint):
            _copy_from_shapes(shapes.graph, shape_node, report, from_shapes)
        for data_node in (r.focus, r.value):
            if isinstance(data_node, BNode):
                _copy_from_store(store, data_node, report, union, from_data)
    return report


def validate_store(store, shapes: Graph, *, union: bool = True) -> Graph:
    """Validate the data in a pyoxigraph ``store`` against the SHACL ``shapes``; the report graph.

    ``union``: the data graph is the union of all graphs of the store (every query runs with
    ``use_default_graph_as_union``); otherwise its default graph. Raises
    :class:`~spinekg.core.errors.ShapesError` for a construct this engine does not implement.
    """
    model = _Shapes(shapes)
    run = _Run(store, model, union)
    for shape in model.targeted():
        run.validate(shape, run.focus(shape))
    return _report(model, run.results, store, union)
