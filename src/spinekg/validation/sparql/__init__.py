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
  selected once: a shape without focus nodes runs no query; up to ``focus.WRITTEN_FOCUS`` of them
  are written into its queries (VALUES); more are re-selected by a sub-select in each query. A
  shape reached through ``sh:property`` gets the focus nodes of its parent node shape (a shape
  with targets of its own is also validated on those). Value nodes are the distinct pairs (focus,
  value) of the path; a node shape's value node is the focus node itself.
* A test on one value node (``sh:datatype``, ``sh:pattern``, ``sh:in``, ...) is a FILTER. For
  a large focus set, what needs the data (the instances of an ``sh:class``, the values per node
  of a path without ``*``/``+``/``?`` for cardinalities and ``sh:equals``, the nodes a path leads
  to a ``sh:in`` member from) is a set computed once over the graph, hashed, and subtracted with
  MINUS or joined; for a small one it is followed from each focus node. Oxigraph runs a
  correlated FILTER NOT EXISTS once per row, and a property path with both ends fixed slowly:
  the choice is worth 10 to 50 times either way.
* ``sh:node``, ``sh:and``, ``sh:or``, ``sh:not``, ``sh:xone`` members and ``sh:qualifiedValueShape``
  shapes become the set of nodes that conform to them, built from the same pieces and nested as
  sub-patterns (joined, or subtracted with MINUS: a nested shape's violations are subtracted from
  its candidates) (:meth:`~spinekg.validation.sparql.compiler.Compiler.conforming`); a shape used
  inside its own definition is refused. Their results are the top-level ones only (no ``sh:detail``).
* Property pairs, ``sh:uniqueLang`` and ``sh:closed`` (:mod:`~spinekg.validation.sparql.constraints`)
  and SHACL-SPARQL constraint components, ASK and SELECT validators with their parameters
  pre-bound (:mod:`~spinekg.validation.sparql.components`), are one query each as well.
* A validation report in the shapes graph (a W3C test file's expected one) and test-manifest
  triples are data, not shapes: they are left out of the shapes graph.
* A SHACL-SPARQL constraint is run with ``$this`` pre-bound to every focus node at once: the
  focus nodes open each group of the query that mentions ``$this`` (except inside EXISTS, which
  sees the outer binding anyway), the spec's pre-binding applied to a set; ``$PATH`` is replaced
  by the shape's path. The spec's restrictions (no MINUS, VALUES, SERVICE; sub-selects select
  ``$this``; ``$this`` not re-bound) are what make this exact.

Any SHACL term outside the constructs listed in ``shapes._SUPPORTED`` (and ``$shapesGraph``,
``$currentShape``) raises
:class:`~spinekg.core.errors.ShapesError` naming it: such shapes need the pyshacl engine.

The modules, bottom to top:

* :mod:`~spinekg.validation.sparql.text`: shapes-graph terms as SPARQL text; reading and
  rewriting SHACL-SPARQL queries (prologue, projection, ``$this`` pre-binding, ``$PATH``, messages).
* :mod:`~spinekg.validation.sparql.shapes`: the shapes graph (:class:`Shapes`, :class:`Shape`)
  and the SHACL terms this engine supports.
* :mod:`~spinekg.validation.sparql.focus`: focus sets (:class:`Focus`) and the query under
  construction for one (:class:`Query`).
* :mod:`~spinekg.validation.sparql.compiler`: targets, value nodes and constraints as SPARQL
  (:class:`Compiler` and the tests on one value node).
* :mod:`~spinekg.validation.sparql.report`: the results, pyshacl's messages for shapes without
  ``sh:message``, the report graph.
* :mod:`~spinekg.validation.sparql.run`: the queries evaluated on the store, and
  :func:`validate_store`.
"""

from __future__ import annotations

from spinekg.validation.sparql.run import validate_store

__all__ = ["validate_store"]
