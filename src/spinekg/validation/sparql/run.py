"""Running the compiled queries: the focus nodes of each shape selected once, every constraint
evaluated once over the whole store, the answers collected as results; :func:`validate_store`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from spinekg.core.errors import ShapesError
from spinekg.validation.sparql.compiler import Compiler
from spinekg.validation.sparql.components import ask_body, components
from spinekg.validation.sparql.constraints import pair_violations
from spinekg.validation.sparql.focus import WRITTEN_FOCUS, Focus, Query
from spinekg.validation.sparql.report import GenericMessages, Result, report
from spinekg.validation.sparql.shapes import SH, Shape, Shapes
from spinekg.validation.sparql.text import (check_restrictions, format_message, prebind, sparql_term, split_prologue,
                                            substitute_path, substitute_vars)

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
        return self.select(self.compiler.focus(shape), self.shapes.curie(shape.node))

    def select(self, focus: Focus, where: str) -> Focus:
        """``focus`` with its nodes written out when there are few (see :meth:`focus`)."""
        if focus.written is not None:
            return focus
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
        if found is None and isinstance(value, Node):  # from a GraphStore: already rdflib's
            return value
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
        self._components(shape, focus, where)
        children = self.shapes.children(shape)
        if not (children and shape.is_property):
            for child in children:
                self.validate(child, focus)
            return
        # the focus nodes of its property shapes are its value nodes; a value node of several focus
        # nodes is validated once, and its results count once per focus node (SHACL 4.5.1)
        query = Query(focus)
        var = self.compiler.var("f")
        branch = f"{focus.pattern(var, query, where)} {var} {self.compiler.path(shape.path)} ?this ."
        counted = f"SELECT ?this (COUNT(DISTINCT {var}) AS ?n) WHERE {{ {branch} }} GROUP BY ?this HAVING (COUNT(DISTINCT {var}) > 1)"
        weights = {row["this"]: int(row["n"]) for row in self.rows(query, counted, where)}
        focus = self.select(Focus((branch,), tuple(sorted(query.prefixes.items()))), where)
        for child in children:
            start = len(self.results)
            self.validate(child, focus)
            self.results += [r for r in self.results[start:] for _ in range(weights.get(r.focus, 1) - 1)]

    def add(self, shape: Shape, component: URIRef, param, focus, value=None, path=None) -> None:
        messages = shape.messages or self._generic.generic(shape, component, param, focus, value)
        self.results.append(Result(focus, value, path if path is not None else shape.path, shape, component, messages))

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
        """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals, sh:uniqueLang, sh:closed
        (:mod:`~spinekg.validation.sparql.constraints`): one query each over all focus nodes."""
        c = self.compiler
        query = Query(focus)
        nodes = focus.pattern("?this", query, where)
        for v in pair_violations(c, shape, "?this", nodes):
            columns = " ".join(x for x in ("?this", v.value, v.path, v.key) if x)
            for row in self.rows(query, f"SELECT DISTINCT {columns} WHERE {{ {v.body} }}", where):
                value = row.get(v.value[1:]) if v.value else None
                self.add(shape, v.component, v.param, row["this"], value,
                         path=row.get(v.path[1:]) if v.path else shape.path)

    def _components(self, shape: Shape, focus: Focus, where: str) -> None:
        """SHACL-SPARQL constraint components (:mod:`~spinekg.validation.sparql.components`)."""
        g = self.shapes.graph
        for use in components(self.shapes, shape):
            params = dict(use.params)
            text = str(g.value(use.validator, SH.ask) or g.value(use.validator, SH.select))
            own, body = split_prologue(text, where)
            query = Query(focus)
            query.use({**self.shapes.prefixes(use.validator), **own}, where)
            check_restrictions(body, ("this", "value", *params), where)
            body = substitute_vars(body, params)
            path = self.compiler.path(shape.path) if shape.is_property else None
            messages = tuple(sorted(g.objects(use.validator, SH.message), key=str))
            bindings = {name: next(iter(g.objects(shape.node, p)), None) for name, p in self._param_paths(use)}
            if use.ask:
                group = ask_body(substitute_path(body, path, where), where)
                values = self.compiler.values(shape, focus, "?this", "?value", query)
                select = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER NOT EXISTS {group} }}"
                for row in self.rows(query, select, where):
                    texts = {format_message(m, {**bindings, **row}) for m in (*shape.messages, *messages)}
                    self.results.append(Result(row["this"], row["value"], shape.path, shape, use.node,
                                               tuple(sorted(texts, key=str)), use.validator))
            else:
                self._select(shape, focus, use.validator, body, query, where, use.node, messages, bindings)

    def _param_paths(self, use) -> list:
        g = self.shapes.graph
        names = {name for name, _ in use.params}
        return [(name, path) for param in g.objects(use.node, SH.parameter)
                if (path := g.value(param, SH.path)) is not None and (name := re.split(r"[#/]", str(path))[-1]) in names]

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
                conforms += "".join(f" MINUS {c.conforming_set(sibling, '?value', cand, query)}"
                                    for sibling in self._siblings(shape, node))
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

    def _siblings(self, shape: Shape, node) -> list[Shape]:
        """With sh:qualifiedValueShapesDisjoint true, the qualified value shapes of the other property
        shapes of the shapes that hold ``shape`` (https://www.w3.org/TR/shacl/#QualifiedValueShapeConstraintComponent)."""
        s = self.shapes
        if not s.flag(shape, SH.qualifiedValueShapesDisjoint):
            return []
        found = {q for parent in s.parents(shape) for sibling in s.graph.objects(parent, SH.property)
                 if sibling != shape.node for q in s.graph.objects(sibling, SH.qualifiedValueShape)}
        return [s.shape(q) for q in sorted(found - {node}, key=str)]

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
        messages = tuple(sorted(g.objects(constraint, SH.message), key=str))
        self._select(shape, focus, constraint, body, query, where, SH.SPARQLConstraintComponent, messages, {})

    def _select(self, shape: Shape, focus: Focus, constraint, body: str, query: Query, where: str,
                component, messages: tuple, bindings: dict) -> None:
        """The results of a SELECT query (a SHACL-SPARQL constraint or SELECT validator),
        ``$this`` pre-bound to all focus nodes; one result per distinct solution."""
        path = self.compiler.path(shape.path) if shape.is_property else None
        body = prebind(substitute_path(body, path, where), focus.pattern("?this", query, where), where)
        seen = set()
        for row in self.rows(query, body, where):
            this, result_path, value = row.pop("this"), row.pop("path", None), row.pop("value", None)
            key = (this, result_path, value, frozenset(row.items()))
            if key in seen:
                continue
            seen.add(key)
            if value is None and not shape.is_property:
                value = this
            solution = {**bindings, **row, "this": this, "path": result_path, "value": value}
            texts = {format_message(m, solution) for m in (*shape.messages, *messages)}
            self.results.append(Result(this, value, result_path if result_path is not None else shape.path,
                                       shape, component, tuple(sorted(texts, key=str)), constraint))


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
