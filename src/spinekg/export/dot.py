"""Graphviz DOT (https://graphviz.org/doc/info/lang.html) of the entities view, and SVG/PNG renderings.

Nodes are filled with their category's colour and their text is black or white, whichever
contrasts more with it (:func:`~spinekg.export.flat.font_colour`: at least 4.5:1, WCAG's level
for text, on every category, regulatory statuses' black included); an edge's label is its predicate and, when claims
support it, the claim count (``treats ×3``); a dashed edge is denied by some claim. ``svg`` and
``png`` run Graphviz's ``dot`` on this file.

A label is only ever text, in Graphviz's drawing as in the DOT file. Every id and label is a
quoted DOT string (never an HTML-like ``<...>`` label) with ``"`` and ``\\`` escaped (so Graphviz's
``\\N``, ``\\l``, ... escapes cannot be formed) and line breaks turned into ``\\n``. Graphviz
also decodes HTML entities in labels and tooltips (``&#x3c;`` is drawn as ``<``), so there an
``&`` that would start one (``&#``, ``&name;``) is written ``&amp;``: the label ``&#x3c;`` is drawn
as those six characters (``&amp;#x3c;`` in the SVG), while a lone ``&`` is left as it is. As in
every export (:mod:`spinekg.export.flat`), a character XML 1.0 cannot hold (NUL and the other C0
controls except tab, line feed and carriage return; U+FFFE, U+FFFF; a lone surrogate) is replaced
by U+FFFD, in ids too: a NUL would cut Graphviz's string short and a control would make its SVG
ill-formed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import colour, font_colour, safe_text

__all__ = ["to_dot", "write_dot", "render_with_graphviz", "quote", "label"]

#: an ``&`` Graphviz would read as the start of an HTML entity (``&#60;``, ``&#x3c;``, ``&lt;``)
ENTITY_START = re.compile(r"&(?=#|[A-Za-z0-9]+;)")


def quote(text: str) -> str:
    """A DOT double-quoted string holding ``text`` literally, unsafe characters replaced by U+FFFD.

    Used as it is for ids, which Graphviz does not decode (its SVG writes an id into the node's
    ``<title>`` tooltip, where an entity in an IRI would still be read as one)."""
    escaped = safe_text(text).replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + escaped.replace("\n", "\\n") + '"'


def label(text: str) -> str:
    """A DOT string for a label or tooltip: :func:`quote`, with an ``&`` that would start an HTML
    entity written ``&amp;`` so that Graphviz draws the text as it is."""
    return quote(ENTITY_START.sub("&amp;", text))


def to_dot(kg) -> bytes:
    """The DOT document."""
    from spinekg.core.terms import curie

    view = kg.to_networkx("entities")
    lines = ["digraph spinekg {", "  graph [rankdir=LR, overlap=false, splines=true];",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=8];']
    for node, d in sorted(view.nodes(data=True), key=lambda x: str(x[0])):
        fill = colour(d["category"])
        lines.append(f"  {quote(curie(node))} [label={label(d['label'])}, fillcolor={quote(fill)}, "
                     f"fontcolor={quote(font_colour(fill))}, tooltip={label(d['category'])}];")
    for s, o, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        text = d["label"] + (f" ×{d['claims']}" if d["claims"] else "")
        style = ", style=dashed" if d["negated"] else ""
        lines.append(f"  {quote(curie(s))} -> {quote(curie(o))} [label={label(text)}{style}];")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_dot(kg, path: str | Path) -> None:
    write_atomic(path, to_dot(kg))


def render_with_graphviz(kg, fmt: str) -> bytes:
    """SVG or PNG bytes rendered by Graphviz's ``dot`` (a clear error when it is not installed)."""
    from spinekg.core.errors import SpinekgError

    dot = shutil.which("dot")
    if dot is None:
        raise SpinekgError(f"rendering {fmt} needs Graphviz's 'dot' program: install Graphviz "
                           "(apt install graphviz, brew install graphviz, conda install graphviz) "
                           "or export --format dot and render it elsewhere")
    proc = subprocess.run([dot, f"-T{fmt}"], input=to_dot(kg), capture_output=True)
    if proc.returncode != 0:
        raise SpinekgError(f"Graphviz dot failed: {proc.stderr.decode('utf-8', 'replace').strip().splitlines()[-1:]}")
    return proc.stdout
