"""SHACL-SPARQL constraint components (https://www.w3.org/TR/shacl/#sparql-components): the
components a shape uses (it has a value for each of their mandatory parameters), with the
validator that applies to it and the parameter values pre-bound.

An ASK validator is run for all value nodes at once, as the value nodes for which its group
pattern has no solution (``FILTER NOT EXISTS``, with ``$this`` and ``$value`` the outer row's);
a SELECT validator as a SHACL-SPARQL constraint (``$this`` pre-bound to every focus node).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS

from spinekg.core.errors import ShapesError
from spinekg.validation.sparql.shapes import SH, Shape, Shapes
from spinekg.validation.sparql.text import blank_literals, sparql_term

__all__ = ["Component", "components", "ask_body"]


@dataclass(frozen=True)
class Component:
    """One use of a constraint component by a shape: the component, the parameter values (name
    -> SPARQL term) and the validator node; ``ask``: whether it is an ASK validator."""

    node: URIRef
    params: tuple[tuple[str, str], ...]
    validator: object
    ask: bool


def _kinds(shapes: Shapes, root) -> set:
    return set(shapes.graph.transitive_subjects(RDFS.subClassOf, root))


def components(shapes: Shapes, shape: Shape) -> list[Component]:
    """The constraint components ``shape`` uses, in a stable order."""
    g, where = shapes.graph, shapes.curie(shape.node)
    kinds = _kinds(shapes, SH.ConstraintComponent)
    found = []
    for node in sorted({c for k in kinds for c in g.subjects(RDF.type, k)}, key=str):
        params, values = [], []
        for param in g.objects(node, SH.parameter):
            path = g.value(param, SH.path)
            if not isinstance(path, URIRef):
                raise ShapesError(f"{shapes.curie(node)}: a sh:parameter needs an IRI sh:path")
            optional = g.value(param, SH.optional)
            given = sorted(g.objects(shape.node, path), key=str)
            if not given and not (optional is not None and optional.eq(True)):
                break
            if given:
                params.append(re.split(r"[#/]", str(path))[-1])
                values.append([sparql_term(v, f"{where} {shapes.curie(path)}") for v in given])
        else:
            if not params:
                continue
            validator = g.value(node, SH.propertyValidator if shape.is_property else SH.nodeValidator)
            validator = validator if validator is not None else g.value(node, SH.validator)
            if validator is None:
                continue
            ask = g.value(validator, SH.ask) is not None
            if not ask and g.value(validator, SH.select) is None:
                raise ShapesError(f"{shapes.curie(node)}: a validator needs sh:ask or sh:select")
            for combination in product(*values):
                found.append(Component(node, tuple(zip(params, combination)), validator, ask))
    return found


def ask_body(text: str, where: str) -> str:
    """The group pattern of an ASK query (what follows its ASK keyword, braces included)."""
    blanked = blank_literals(text)
    match = re.match(r"\s*ASK\s*(?:WHERE\s*)?\{", blanked, re.IGNORECASE)
    if match is None:
        raise ShapesError(f"{where}: the sh:ask of a validator must be an ASK query")
    start = match.end() - 1
    depth = 0
    for i in range(start, len(blanked)):
        depth += {"{": 1, "}": -1}.get(blanked[i], 0)
        if depth == 0:
            if blanked[i + 1:].strip():
                raise ShapesError(f"{where}: the sparql engine reads an ASK validator's group pattern only (no "
                                  "solution modifiers after it)")
            return text[start:i + 1]
    raise ShapesError(f"{where}: the ASK query of a validator has an unbalanced '{{'")
