"""Constraints that compare a focus node's value nodes with something else than the value node
alone (https://www.w3.org/TR/shacl/#core-components-property-pairs, ``sh:uniqueLang``,
``sh:closed``), as SPARQL group elements that bind every violating focus node of a set at once.

Each is a :class:`Violation`: the component, the parameter, and a group ``body`` that binds the
focus variable (with the result's value and path variables, where the result has them) for every
focus node, bound by ``nodes``, that violates it. The runner selects the results from it; a test
of conformance (``sh:node``, ``sh:or``, ...) subtracts the focus nodes with MINUS.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from spinekg.core.errors import ShapesError
from spinekg.validation.sparql.shapes import SH, Shape
from spinekg.validation.sparql.text import sparql_term

__all__ = ["Violation", "pair_violations"]


@dataclass(frozen=True)
class Violation:
    """A constraint as a group element binding its violating focus nodes (``this``), their
    values (``value``, ``None``: results without a value) and result paths (``path``, ``None``:
    the shape's path)."""

    component: URIRef
    param: object
    body: str
    this: str
    value: str | None
    path: str | None = None
    key: str | None = None  # a variable that tells results apart (uniqueLang: one result per language)


def _values(compiler, shape: Shape, nodes: str, this: str, value: str) -> str:
    """``nodes`` (binding ``this``) with each focus node's value nodes bound to ``value``."""
    if shape.is_property:
        return f"{nodes} {this} {compiler.path(shape.path)} {value} ."
    return f"{nodes} BIND({this} AS {value})"


def pair_violations(compiler, shape: Shape, this: str, nodes: str) -> list[Violation]:
    """The property-pair constraints, ``sh:uniqueLang`` and ``sh:closed`` of ``shape``, each
    over the focus nodes ``nodes`` binds to ``this``."""
    s, where = compiler.shapes, compiler.shapes.curie(shape.node)
    found = []
    for other in s.values(shape, SH.equals):
        pred, value = sparql_term(other, f"{where} sh:equals"), compiler.var("value")
        mine = _values(compiler, shape, nodes, this, value)
        body = f"{{ {mine} MINUS {{ {this} {pred} {value} }} }} UNION {{ {nodes} {this} {pred} {value} MINUS {{ {mine} }} }}"
        found.append(Violation(SH.EqualsConstraintComponent, other, body, this, value))
    for other in s.values(shape, SH.disjoint):
        pred, value = sparql_term(other, f"{where} sh:disjoint"), compiler.var("value")
        body = f"{_values(compiler, shape, nodes, this, value)} {this} {pred} {value} ."
        found.append(Violation(SH.DisjointConstraintComponent, other, body, this, value))
    for param, component, op in ((SH.lessThan, SH.LessThanConstraintComponent, "<"),
                                 (SH.lessThanOrEquals, SH.LessThanOrEqualsConstraintComponent, "<=")):
        for other in s.values(shape, param):
            compiler.shape_path(shape, param)
            pred, value, then = sparql_term(other, f"{where} {s.curie(param)}"), compiler.var("value"), compiler.var("o")
            body = (f"{_values(compiler, shape, nodes, this, value)} {this} {pred} {then} "
                    f"FILTER(!COALESCE({value} {op} {then}, false))")
            found.append(Violation(component, other, body, this, value, key=then))  # one result per pair
    if s.flag(shape, SH.uniqueLang):
        compiler.shape_path(shape, SH.uniqueLang)
        value, lang = compiler.var("value"), compiler.var("lang")
        body = (f"{{ SELECT {this} {lang} WHERE {{ {_values(compiler, shape, nodes, this, value)} "
                f"BIND(LCASE(lang({value})) AS {lang}) FILTER({lang} != \"\") }} GROUP BY {this} {lang} "
                f"HAVING (COUNT(DISTINCT {value}) > 1) }}")
        found.append(Violation(SH.UniqueLangConstraintComponent, s.one(shape, SH.uniqueLang), body, this, None,
                               key=lang))
    if s.flag(shape, SH.closed):
        allowed = {child.path for child in s.children(shape) if isinstance(child.path, URIRef)}
        for lst in s.values(shape, SH.ignoredProperties):
            allowed |= set(s.items(lst))
        if any(not isinstance(p, URIRef) for p in allowed):
            raise ShapesError(f"{where}: sh:ignoredProperties must list IRIs")
        node, pred, value = compiler.var("value"), compiler.var("p"), compiler.var("o")
        listed = ", ".join(sparql_term(p, f"{where} sh:ignoredProperties") for p in sorted(allowed))
        keep = f" FILTER({pred} NOT IN ({listed}))" if listed else ""
        body = f"{_values(compiler, shape, nodes, this, node)} {node} {pred} {value} .{keep}"
        found.append(Violation(SH.ClosedConstraintComponent, s.one(shape, SH.closed), body, this, value, pred))
    return found
