"""GraphML 1.1 (http://graphml.graphdrawing.org/) of the entities view, for Gephi, yEd and Cytoscape.

The document is valid against the GraphML 1.1 XML Schema (``graphml.xsd``; the tests check it).
Attribute keys are declared with their types (``claims`` and ``negated`` are ``long``, the rest
``string``) and have ids ``d0``, ``d1``, ... with the attribute's name in ``attr.name`` (the
schema wants every key id unique, and a node attribute and an edge attribute may share a name,
such as ``label``). Node ids are CURIEs; edge ids are ``e0``, ``e1``, ... in the export's order
(an edge's predicate is not unique: it is its ``predicate`` attribute). Every edge carries its
predicate, label, claim count, documents, modalities, stance, who asserts, hedges and denies it,
and its quotes (a JSON array); lists are ``"; "``-joined. Written by networkx's GraphML writer.

Text stays text and the document is always well-formed XML 1.0: the writer escapes markup
(``<``, ``&``, quotes), and a character XML cannot hold at all (a C0 control other than tab, line
feed and carriage return, such as NUL or BEL; U+FFFE, U+FFFF; a lone surrogate) is replaced by
U+FFFD in every id and value, the policy all exports share (:mod:`spinekg.export.flat`).
"""

from __future__ import annotations

from pathlib import Path

from spinekg.export.flat import flat_entities

__all__ = ["to_graphml", "write_graphml"]


def _graph(kg):
    """The flat entities view with its edges keyed ``e0``, ``e1``, ...: the GraphML edge ids."""
    import networkx as nx

    flat = flat_entities(kg)
    out = nx.MultiDiGraph()
    out.add_nodes_from(flat.nodes(data=True))
    for i, (s, o, data) in enumerate(flat.edges(data=True)):
        out.add_edge(s, o, key=f"e{i}", **data)
    return out


def _lines(kg):
    import networkx as nx

    for line in nx.generate_graphml(_graph(kg), named_key_ids=False):
        yield (line + "\n").encode("utf-8")


def to_graphml(kg) -> bytes:
    """The GraphML document."""
    return b"".join(_lines(kg))


def write_graphml(kg, path: str | Path) -> None:
    """Write the document line by line (atomically): the entities view is all that is held, never
    the RDF graph a second time or the document as one string."""
    from spinekg.core.files import atomic_output

    with atomic_output(path) as handle:
        handle.writelines(_lines(kg))
