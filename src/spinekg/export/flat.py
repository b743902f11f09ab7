"""The entities view with scalar attributes only, in a fixed order: what file formats can hold.

Also the text policy every visualizer export follows (labels, categories, synonyms, quotes come
from curated data and from any RDF file a user exports, so they may be hostile):

* A character the format cannot carry is replaced by U+FFFD (the replacement character, never
  dropped silently, never escaped as ``\\x07`` text): :data:`UNSAFE_CHARACTERS` lists them, the
  characters XML 1.0 forbids even as character references (C0 controls other than tab, line
  feed and carriage return, which includes NUL; U+FFFE, U+FFFF) and the surrogates, which a
  Python ``str`` can hold alone but UTF-8 cannot encode. :func:`safe_text` applies it. GraphML,
  GEXF, DOT (so SVG and PNG) and Mermaid replace these; JSON (Cytoscape, the ``quotes`` array)
  escapes controls itself (``\\u0007``), so only surrogates are replaced there.
* Everything else stays text: each format escapes what its reader would interpret (XML markup,
  Graphviz escapes and HTML entities, Mermaid directives, entity codes and markup), as its
  module says, so a label such as ``&#x3c;`` or ``%%{init: ...}%%`` is shown as those characters.
"""

from __future__ import annotations

import json
import re

__all__ = ["flat_entities", "CATEGORY_COLOURS", "colour", "font_colour", "contrast_ratio", "safe_text",
           "safe_json_text", "REPLACEMENT", "UNSAFE_CHARACTERS", "SURROGATES"]

#: what an unsafe character becomes
REPLACEMENT = "\ufffd"
#: characters no export writes: those XML 1.0 forbids (also as ``&#...;``) and lone surrogates
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: the surrogates (alone in a ``str``, as they always are, UTF-8 cannot encode them)
SURROGATES = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """``text`` with every :data:`UNSAFE_CHARACTERS` character replaced by :data:`REPLACEMENT`."""
    return UNSAFE_CHARACTERS.sub(REPLACEMENT, text)


def safe_json_text(text: str) -> str:
    """A JSON document's text with lone surrogates (which UTF-8 cannot encode) replaced by
    :data:`REPLACEMENT`; JSON already writes control characters as ``\\u`` escapes."""
    return SURROGATES.sub(REPLACEMENT, text)


#: One colour per upper category (a qualitative palette), by category label.
CATEGORY_COLOURS = {
    "anatomical entity": "#1f77b4", "pathology": "#d62728", "biological mechanism": "#9467bd",
    "treatment": "#2ca02c", "procedure step": "#8c564b", "delivery route": "#e377c2",
    "imaging modality": "#7f7f7f", "cell source": "#bcbd22", "cell type": "#17becf",
    "substance": "#ff7f0e", "therapeutic effect": "#98df8a", "treatment characteristic": "#c5b0d5",
    "contributing factor": "#ff9896", "care practice": "#aec7e8", "regulatory status": "#000000",
    "approval status": "#525252", "statistic": "#c49c94", "organization": "#f7b6d2", "place": "#dbdb8d",
    "document": "#9edae5",
}


def colour(category: str) -> str:
    """The hex colour of a category (grey for anything else)."""
    return CATEGORY_COLOURS.get(category, "#999999")


def _luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(hex_colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21;
    https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def font_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (a ``#rrggbb`` colour): text on a
    node is legible on every category's colour (at least 4.58:1, above WCAG's 4.5 for text)."""
    return max(("#000000", "#ffffff"), key=lambda text: contrast_ratio(fill, text))


def flat_entities(kg):
    """A ``MultiDiGraph`` keyed by CURIEs, nodes and edges sorted, every attribute a str or int.

    Lists become ``"; "``-joined text, except ``quotes``, a JSON array (quotes contain ``;``).
    Every id, key and text is passed through :func:`safe_text`, so an XML writer gives a
    well-formed document.
    """
    import networkx as nx

    from spinekg.core.terms import curie

    def name(term) -> str:
        return safe_text(curie(term))

    view = kg.to_networkx("entities")
    out = nx.MultiDiGraph()
    for node in sorted(view.nodes, key=str):
        data = view.nodes[node]
        out.add_node(name(node), iri=safe_text(str(node)), label=safe_text(data["label"]),
                     category=safe_text(data["category"]), synonyms=safe_text("; ".join(data["synonyms"])),
                     mappings=safe_text("; ".join(data["mappings"])))
    for s, o, key, data in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        out.add_edge(name(s), name(o), key=name(key), predicate=safe_text(data["predicate"]),
                     label=safe_text(data["label"]), claims=data["claims"], negated=data["negated"],
                     documents=safe_text("; ".join(data["documents"])),
                     modalities=safe_text("; ".join(data["modalities"])), stance=data["stance"],
                     asserted_by=safe_text("; ".join(data["asserted_by"])),
                     hedged_by=safe_text("; ".join(data["hedged_by"])),
                     denied_by=safe_text("; ".join(data["denied_by"])),
                     quotes=safe_json_text(json.dumps(data["quotes"], ensure_ascii=False)))
    return out
