"""An rdflib graph behind the small part of pyoxigraph's ``Store`` interface the sparql engine uses.

The compiled queries then run on rdflib's own SPARQL engine: no pyoxigraph needed, and every
literal is seen exactly as the graph holds it (Oxigraph stores ``"42"^^xsd:int`` as
``"42"^^xsd:integer`` and ``"4.0"^^xsd:decimal`` as ``"4"``; see :mod:`spinekg.store.oxigraph`).
It is slower than Oxigraph on large graphs, and rdflib's SPARQL engine departs from the standard in
places (it orders a string and a number, ``"Hello" > 4.0`` is true; dateTimes with and without a
time zone): on the W3C SHACL suite the sparql engine passes 112 of 120 tests here, 119 on Oxigraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from rdflib import Graph
from rdflib.term import Node

__all__ = ["GraphStore"]


@dataclass(frozen=True)
class _Variable:
    value: str


class _Solutions:
    """Solutions of one query: ``variables`` (with ``.value`` names) and rows indexed by name."""

    def __init__(self, result):
        self._result = list(result)  # evaluated now, while rdflib's logging is quietened
        self.variables = [_Variable(str(v)) for v in (result.vars or [])]

    def __iter__(self) -> Iterator[dict]:
        names = [v.value for v in self.variables]
        for row in self._result:
            yield dict(zip(names, row))


class GraphStore:
    """``graph`` answering ``query(text, use_default_graph_as_union=...)`` with rdflib terms."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def query(self, text: str, use_default_graph_as_union: bool = False) -> _Solutions:
        from pyparsing import ParseException

        from spinekg.core.rdfio import literals_as_written

        try:
            with literals_as_written():  # no logged traceback for a cast of an ill-typed value
                return _Solutions(self.graph.query(text))
        except ParseException as err:
            raise SyntaxError(str(err)) from None

    def triples_of(self, node: Node) -> Iterator[tuple[Node, Node]]:
        """(predicate, object) of every triple whose subject is ``node``."""
        return self.graph.predicate_objects(node)
