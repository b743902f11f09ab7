"""GEXF 1.3 (https://gexf.net/, schema https://gexf.net/1.3/gexf.xsd) of the entities view for Gephi.

The document is ``<gexf xmlns="http://gexf.net/1.3" version="1.3">`` with a ``meta`` (creator
``spinekg`` and a description naming the graph and its size), then one ``graph``
(``defaultedgetype="directed"``, ``mode="static"``) declaring its attributes by their names:

* nodes: ``id`` the CURIE, ``label`` the entity's label, attributes ``iri``, ``category``,
  ``synonyms``, ``mappings``, and ``viz:color`` (namespace ``http://gexf.net/1.3/viz``) with the
  colour of its upper category (the palette of :data:`~spinekg.export.flat.CATEGORY_COLOURS`);
* edges: ids ``e0``, ``e1``, ..., ``label`` and ``kind`` the predicate's label (Gephi keeps
  parallel edges of different kinds apart), attributes ``predicate``, ``claims`` and ``negated``
  (``integer``), ``documents``, ``modalities``, ``stance``, ``asserted_by``, ``hedged_by``,
  ``denied_by`` (``"; "``-joined) and ``quotes`` (a JSON array).

GEXF 1.3 has no graph name: the ``description`` carries it. networkx writes only the 1.1 and 1.2
drafts, so the document is built here with the standard library's ElementTree. The tests validate
it against the published XML Schema (whose translation from the normative RelaxNG declares the
``viz`` elements in the GEXF namespace; the tests account for that) and read it back.

Text stays text and the document is always well-formed XML 1.0: ElementTree escapes markup and
line breaks in attributes, and a character XML cannot hold at all (a C0 control other than tab,
line feed and carriage return, such as NUL or BEL; U+FFFE, U+FFFF; a lone surrogate) is replaced
by U+FFFD in every id and value, the policy all exports share (:mod:`spinekg.export.flat`).
"""

from __future__ import annotations

from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import colour, flat_entities

__all__ = ["to_gexf", "write_gexf", "GEXF_NAMESPACE", "VIZ_NAMESPACE"]

GEXF_NAMESPACE = "http://gexf.net/1.3"
VIZ_NAMESPACE = "http://gexf.net/1.3/viz"
#: (attribute, GEXF type) of the nodes and of the edges, in the order they are declared
_NODE_ATTRIBUTES = (("iri", "string"), ("category", "string"), ("synonyms", "string"), ("mappings", "string"))
_EDGE_ATTRIBUTES = (("predicate", "string"), ("claims", "integer"), ("negated", "integer"), ("documents", "string"),
                    ("modalities", "string"), ("stance", "string"), ("asserted_by", "string"),
                    ("hedged_by", "string"), ("denied_by", "string"), ("quotes", "string"))


def _attributes(parent, cls: str, declared) -> None:
    from xml.etree.ElementTree import SubElement

    element = SubElement(parent, "attributes", {"class": cls, "mode": "static"})
    for name, kind in declared:
        SubElement(element, "attribute", {"id": name, "title": name, "type": kind})


def _values(parent, data: dict, declared) -> None:
    from xml.etree.ElementTree import SubElement

    element = SubElement(parent, "attvalues")
    for name, _ in declared:
        SubElement(element, "attvalue", {"for": name, "value": str(data[name])})


def to_gexf(kg) -> bytes:
    """The GEXF 1.3 document."""
    from xml.etree.ElementTree import Element, SubElement, indent, tostring

    graph = flat_entities(kg)
    # namespace declarations written as attributes, so the prefixes are the usual ones (no
    # change to ElementTree's global prefix registry)
    root = Element("gexf", {"xmlns": GEXF_NAMESPACE, "xmlns:viz": VIZ_NAMESPACE, "version": "1.3"})
    meta = SubElement(root, "meta")
    SubElement(meta, "creator").text = "spinekg"
    part = "a part of " if getattr(kg, "parent", None) is not None else ""
    SubElement(meta, "description").text = (
        f"spinekg entities: {part}the knowledge graph of clinic pages' claims on regenerative treatments for "
        f"back and neck pain; {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations, each "
        "annotated with the claims behind it")
    body = SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static", "idtype": "string"})
    _attributes(body, "node", _NODE_ATTRIBUTES)
    _attributes(body, "edge", _EDGE_ATTRIBUTES)
    nodes = SubElement(body, "nodes", {"count": str(graph.number_of_nodes())})
    for node, data in graph.nodes(data=True):
        element = SubElement(nodes, "node", {"id": node, "label": data["label"]})
        _values(element, data, _NODE_ATTRIBUTES)
        hex_colour = colour(data["category"])
        SubElement(element, "viz:color", {"r": str(int(hex_colour[1:3], 16)), "g": str(int(hex_colour[3:5], 16)),
                                          "b": str(int(hex_colour[5:7], 16)), "a": "1.0"})
    edges = SubElement(body, "edges", {"count": str(graph.number_of_edges())})
    for i, (s, o, data) in enumerate(graph.edges(data=True)):
        element = SubElement(edges, "edge", {"id": f"e{i}", "source": s, "target": o, "label": data["label"],
                                             "kind": data["label"]})
        _values(element, data, _EDGE_ATTRIBUTES)
    indent(root)
    return tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_gexf(kg, path: str | Path) -> None:
    write_atomic(path, to_gexf(kg))
