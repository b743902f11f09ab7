"""GraphML (http://graphml.graphdrawing.org/) of the entities view, for Gephi, yEd and Cytoscape.

Attribute keys are declared with their types (``claims`` and ``negated`` are ``int``, the rest
``string``); node ids are CURIEs; every edge carries its predicate, claim count, documents,
modalities and quotes (a JSON array). Written by networkx's GraphML writer.

Text stays text and the document is always well-formed XML 1.0: the writer escapes markup
(``<``, ``&``, quotes), and a character XML cannot hold at all (a C0 control other than tab, line
feed and carriage return, such as NUL or BEL; U+FFFE, U+FFFF; a lone surrogate) is replaced by
U+FFFD in every id and value, the policy all exports share (:mod:`spinekg.export.flat`).
"""

from __future__ import annotations

from pathlib import Path

from spinekg.export.flat import flat_entities

__all__ = ["to_graphml", "write_graphml"]


def _lines(kg):
    import networkx as nx

    for line in nx.generate_graphml(flat_entities(kg), named_key_ids=True):
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
