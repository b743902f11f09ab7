"""Exports of the knowledge graph to the tools people view graphs in, one module per format.

Every module has the same verbs: ``to_<format>(kg)`` returns the document (``bytes``) and
``write_<format>(kg, path)`` writes it atomically. :data:`FORMATS` maps a format name to its
module; :func:`export` looks one up (an unknown name lists the known ones). RDF syntaxes
(Turtle, N-Quads, ...) are not here: ``kg.serialize`` asks rdflib's own plugin registry.
"""

from __future__ import annotations

import importlib
from pathlib import Path

__all__ = ["FORMATS", "exporter", "export"]

#: format name -> (module, what it is for)
FORMATS: dict[str, tuple[str, str]] = {
    "graphml": ("graphml", "GraphML for Gephi, yEd and Cytoscape desktop (typed attribute keys)"),
    "gexf": ("gexf", "GEXF for Gephi, nodes coloured by category"),
    "cytoscape": ("cytoscape", "Cytoscape.js elements JSON (also Cytoscape desktop)"),
    "dot": ("dot", "Graphviz DOT"),
    "svg": ("svg", "SVG drawn by Graphviz (needs the dot program)"),
    "png": ("png", "PNG drawn by Graphviz (needs the dot program)"),
    "mermaid": ("mermaid", "Mermaid flowchart for Markdown"),
    "html": ("html", "one self-contained interactive page (offline): search, filters, claims on click"),
    "neo4j": ("neo4j", "node and relationship CSVs for neo4j-admin import, and a Cypher script (a folder)"),
}


def exporter(fmt: str):
    """The module that writes ``fmt`` (raises :class:`~spinekg.core.errors.UnknownNameError`)."""
    if fmt not in FORMATS:
        from spinekg.core.errors import UnknownNameError

        raise UnknownNameError(f"unknown export format {fmt!r}; known formats: {', '.join(FORMATS)}")
    return importlib.import_module(f"{__name__}.{FORMATS[fmt][0]}")


def export(kg, fmt: str, path: str | Path) -> None:
    """Write ``kg`` in ``fmt`` to ``path`` (atomically: a failure leaves no partial file)."""
    getattr(exporter(fmt), f"write_{fmt}")(kg, path)
