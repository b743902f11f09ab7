"""GEXF 1.2 (https://gexf.net/) of the entities view for Gephi, nodes coloured by category.

Node ids are CURIEs and node labels the entities' labels; ``viz:color`` gives each upper category
its colour (the same palette as the HTML view). Edge attributes as in GraphML. Written by
networkx's GEXF writer.

Text stays text and the document is always well-formed XML 1.0: the writer escapes markup, and a
character XML cannot hold at all (a C0 control other than tab, line feed and carriage return,
such as NUL or BEL; U+FFFE, U+FFFF; a lone surrogate) is replaced by U+FFFD in every id and
value, the policy all exports share (:mod:`spinekg.export.flat`).
"""

from __future__ import annotations

from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import colour, flat_entities

__all__ = ["to_gexf", "write_gexf"]


def to_gexf(kg) -> bytes:
    """The GEXF document."""
    import networkx as nx

    graph = flat_entities(kg)
    for _, data in graph.nodes(data=True):
        hex_colour = colour(data["category"])
        data["viz"] = {"color": {"r": int(hex_colour[1:3], 16), "g": int(hex_colour[3:5], 16),
                                 "b": int(hex_colour[5:7], 16), "a": 1.0}}
    return ("\n".join(nx.generate_gexf(graph, version="1.2draft")) + "\n").encode("utf-8")


def write_gexf(kg, path: str | Path) -> None:
    write_atomic(path, to_gexf(kg))
