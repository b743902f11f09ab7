"""GraphML (http://graphml.graphdrawing.org/) of the entities view, for Gephi, yEd and Cytoscape.

Attribute keys are declared with their types (``claims`` and ``negated`` are ``int``, the rest
``string``); node ids are CURIEs; every edge carries its predicate, claim count, documents,
modalities and quotes (a JSON array). Written by networkx's GraphML writer.
"""

from __future__ import annotations

from pathlib import Path

from . import write_bytes
from ._flat import flat_entities

__all__ = ["to_graphml", "write_graphml"]


def to_graphml(kg) -> bytes:
    """The GraphML document."""
    import networkx as nx

    return ("\n".join(nx.generate_graphml(flat_entities(kg), named_key_ids=True)) + "\n").encode("utf-8")


def write_graphml(kg, path: str | Path) -> None:
    write_bytes(path, to_graphml(kg))
