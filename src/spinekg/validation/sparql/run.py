"""Running the compiled queries: the focus nodes of each shape selected once, every constraint
evaluated once over the whole store, the answers collected as results; :func:`validate_store`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from rdflib import BNode, Graph, Literal, URIRef

from spinekg.core.errors import ShapesError
from spinekg.validation.sparql.compiler import Compiler
from spinekg.validation.sparql.focus import WRITTEN_FOCUS, Focus, Query
from spinekg.validation.sparql.report import GenericMessages, Result, report
from spinekg.validation.sparql.shapes import SH, Shape, Shapes
from spinekg.validation.sparql.text import format_message, prebind, sparql_term, split_prologue, substitute_path

__all__ = ["validate_store"]


class _Run:
    """Evaluates the compiled queries on the store and collects the results."""

    def __init__(self, store, shapes: Shapes, union: bool):
        self.store = store
        self.shapes = shapes
        self.union = union
        self.compiler = Compiler(shapes)
        self.results: list[Result] = []
        self._generic = GenericMessages(shapes, store, union)
        self._terms: dict = {}

    def focus(self, shape: Shape) -> Focus:
        """The focus nodes of ``shape``, selected once: written out when there are few (none:
        the shape's queries are not run at all), else left as a sub-select."""
        where, focus = self.shapes.curie(shape.node), self.compiler.focus(shape)
        query = Query(focus)
        select = f"SELECT ?this WHERE {{ {focus.pattern('?this', query, where)} }} LIMIT {WRITTEN_FOCUS + 1}"
        nodes = [row["this"] for row in self.rows(query, select, where) if "this" in row]
        if len(nodes) > WRITTEN_FOCUS or any(isinstance(n, BNode) for n in nodes):
            return focus
        try:
            return replace(focus, written=tuple(sparql_term(n, where) for n in nodes))
        except ShapesError:  # an IRI of the data that a query cannot hold
            return focus

    def rows(self, query: Query, select: str, where: str) -> Iterator[dict]:
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

    def validate(self, shape: Shape, focus: Focus) -> None:
        """All results of ``shape`` (and of its property shapes) on the focus nodes ``focus``."""
        if shape.deactivated:
            return
        where = self.shapes.curie(shape.node)
        for component, param, test in self.compiler.node_tests(shape):
            query = Query(focus)
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

    def add(self, shape: Shape, component: URIRef, param, focus, value=None) -> None:
        messages = shape.messages or self._generic.generic(shape, component, param, focus, value)
        self.results.append(Result(focus, value, shape.path, shape, component, messages))

    def _counts(self, shape: Shape, focus: Focus, where: str) -> None:
        """sh:minCount and sh:maxCount: the focus nodes with too few or too many value nodes
        (counted once per node of the graph when the path is bounded, then joined)."""
        c = self.compiler
        for param, component in ((SH.minCount, SH.MinCountConstraintComponent),
                                 (SH.maxCount, SH.MaxCountConstraintComponent)):
            if self.shapes.one(shape, param) is None:
                continue
            n, query = self.shapes.integer(shape, param), Query(focus)
            c.shape_path(shape, param)
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

    def _has_value(self, shape: Shape, focus: Focus, where: str) -> None:
        """sh:hasValue: the focus nodes among whose value nodes the term is missing."""
        for required in self.shapes.values(shape, SH.hasValue):
            query, term = Query(focus), sparql_term(required, f"{where} sh:hasValue")
            nodes = focus.pattern("?this", query, where)
            if shape.is_property:
                select = (f"SELECT ?this WHERE {{ {nodes} MINUS {{ SELECT DISTINCT ?this WHERE "
                          f"{{ ?this {self.compiler.path(shape.path)} {term} }} }} }}")
            else:
                select = f"SELECT ?this WHERE {{ {nodes} FILTER(!sameTerm(?this, {term})) }}"
            for row in self.rows(query, select, where):
                self.add(shape, SH.HasValueConstraintComponent, required, row["this"])

    def _pairs(self, shape: Shape, focus: Focus, where: str) -> None:
        """sh:equals (value nodes and the property's values differ) and sh:lessThan (each pair
        of a value node and a value of the property that is not ordered by SPARQL's <)."""
        c = self.compiler
        for other in self.shapes.values(shape, SH.equals):
            query, pred = Query(focus), sparql_term(other, f"{where} sh:equals")
            nodes = focus.pattern("?this", query, where)
            mine = c.values(shape, focus, "?this", "?value", query)
            all_mine = c.pairs(shape, "?this", "?value", nodes, query) if shape.is_property else mine
            select = (f"SELECT DISTINCT ?this ?value WHERE {{ {{ {mine} MINUS {{ ?this {pred} ?value }} }} "
                      f"UNION {{ {nodes} ?this {pred} ?value MINUS {{ {all_mine} }} }} }}")
            for row in self.rows(query, select, where):
                self.add(shape, SH.EqualsConstraintComponent, other, row["this"], row["value"])
        for other in self.shapes.values(shape, SH.lessThan):
            query, pred = Query(focus), sparql_term(other, f"{where} sh:lessThan")
            c.shape_path(shape, SH.lessThan)
            select = (f"SELECT DISTINCT ?this ?value ?other WHERE {{ {c.values(shape, focus, '?this', '?value', query)} "
                      f"?this {pred} ?other FILTER(!COALESCE(?value < ?other, false)) }}")
            for row in self.rows(query, select, where):
                self.add(shape, SH.LessThanConstraintComponent, other, row["this"], row["value"])

    def _qualified(self, shape: Shape, focus: Focus, where: str) -> None:
        """sh:qualifiedValueShape with sh:qualifiedMinCount / sh:qualifiedMaxCount: the focus nodes
        with too few or too many value nodes that conform to the qualified shape."""
        s, c = self.shapes, self.compiler
        bounds = [(param, component) for param, component in (
            (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent),
            (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent)) if s.one(shape, param) is not None]
        for node in s.values(shape, SH.qualifiedValueShape):
            path, inner = c.shape_path(shape, SH.qualifiedValueShape), s.shape(node)
            for param, component in bounds:
                n, query = s.integer(shape, param), Query(focus)
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

    def _sparql(self, shape: Shape, focus: Focus, constraint, where: str) -> None:
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
        query = Query(focus)
        own, body = split_prologue(str(select), where)
        query.use({**self.shapes.prefixes(constraint), **own}, where)
        path = self.compiler.path(shape.path) if shape.is_property else None
        body = prebind(substitute_path(body, path, where), focus.pattern("?this", query, where), where)
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
            texts = {format_message(m, bindings) for m in (*shape.messages, *messages)}
            self.results.append(Result(this, value, result_path if result_path is not None else shape.path,
                                       shape, SH.SPARQLConstraintComponent, tuple(sorted(texts, key=str)), constraint))


def validate_store(store, shapes: Graph, *, union: bool = True) -> Graph:
    """Validate the data in a pyoxigraph ``store`` against the SHACL ``shapes``; the report graph.

    ``union``: the data graph is the union of all graphs of the store (every query runs with
    ``use_default_graph_as_union``); otherwise its default graph. Raises
    :class:`~spinekg.core.errors.ShapesError` for a construct this engine does not implement.
    """
    model = Shapes(shapes)
    run = _Run(store, model, union)
    for shape in model.targeted():
        run.validate(shape, run.focus(shape))
    return report(model, run.results, store, union)
