"""Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html) of the entities view.

For Markdown that renders Mermaid (GitHub, GitLab, many wikis). Node ids are ``n0``, ``n1``, ...
and nodes get a class per category with its colour and a black or white text, whichever contrasts
more (:func:`~spinekg.export.flat.font_colour`). The only lines are spinekg's own: no ``%%``
comment or ``%%{init: ...}%%`` directive, no front matter.

Mermaid draws no flowchart of more than 500 edges (its ``maxEdges``) or of more than 50,000
characters (its ``maxTextSize``), and a page cannot raise either from inside the diagram (both are
"secure" settings). These are the defaults of mermaid 11.12.2: ``"maxTextSize": 5e4`` and
``"maxEdges": 500`` in ``node_modules/mermaid/dist/mermaid.js`` (lines 3915-3916, the defaults of
``src/schemas/config.schema.yaml`` that ``src/defaultConfig.ts`` spreads; enforced by the
flowchart's edge list, "Edge limit exceeded", and by ``render``, which replaces a longer text by
an error diagram). So :func:`to_mermaid` refuses a graph above either limit with one line
(:class:`~spinekg.core.errors.SpinekgError`) that says how to export a part, and no file is
written; the whole shipped graph is above it.

A label is only ever text. Each is one quoted string on one line (runs of whitespace, line
breaks included, become one space) in which every character Mermaid would interpret is written
as a Mermaid entity code (``#<decimal>;``, or ``#quot;``-style names, which Mermaid turns into
the character when drawing): ``"`` ``#quot;``, ``&`` ``#amp;``, ``<`` ``#lt;``, ``>`` ``#gt;`` (HTML
markup); ``%`` ``#37;``, ``{`` ``#123;``, ``}`` ``#125;`` (so no ``%%`` and no
``%%{init: ...}%%`` directive can form, anywhere in the file: Mermaid reads directives before
it parses, inside quoted labels too); ``#`` ``#35;`` (so a label's own ``#quot;`` or ``#60;``
stays text); a backtick ``#96;`` (markdown strings); ``|`` ``#124;`` (edge label delimiters);
``:`` ``#58;`` (Mermaid drops the ``;`` of an entity code on a line holding ``style``/``classDef``,
then ``:``); and ``ﬂ`` ``#64258;``, ``¶`` ``#182;`` (the placeholders Mermaid's entity decoding
uses, which would otherwise turn text back into an entity). Mermaid's lexer also reads a line
holding ``direction TB`` (``BT``, ``LR``, ``RL``) anywhere as a direction statement, so the ``n``
of such a ``direction`` is written ``#110;`` (``#78;`` for ``N``). As in every
export (:mod:`spinekg.export.flat`), a character XML 1.0 cannot hold (NUL and the other C0
controls except tab, line feed and carriage return; U+FFFE, U+FFFF; a lone surrogate) is first
replaced by U+FFFD.
"""

from __future__ import annotations

import re
from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import colour, font_colour, safe_text

__all__ = ["to_mermaid", "write_mermaid", "ENTITY_CODES", "MAX_EDGES", "MAX_TEXT_SIZE"]

#: Mermaid's default ``maxEdges``: a flowchart with more edges is not drawn
MAX_EDGES = 500
#: Mermaid's default ``maxTextSize``, in UTF-16 code units (JavaScript's ``length``)
MAX_TEXT_SIZE = 50_000

#: each character Mermaid would interpret in a quoted label, and the entity code written for it
ENTITY_CODES = {"#": "#35;", "&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "%": "#37;", "{": "#123;",
                "}": "#125;", "`": "#96;", "|": "#124;", ":": "#58;", "\ufb02": "#64258;", "\u00b6": "#182;"}
_CODES = str.maketrans(ENTITY_CODES)
#: the ``n`` of a ``direction`` that Mermaid would read as a direction statement
_DIRECTION = re.compile(r"(?<=directio)n(?=\s+(?:TB|BT|LR|RL|TD))", re.IGNORECASE)


def _text(label: str) -> str:
    text = " ".join(safe_text(label).translate(_CODES).split())
    return '"' + _DIRECTION.sub(lambda n: f"#{ord(n.group())};", text) + '"'


def to_mermaid(kg) -> bytes:
    """The flowchart text."""
    view = kg.to_networkx("entities")
    nodes = sorted(view.nodes(data=True), key=lambda x: str(x[0]))
    ids = {node: f"n{i}" for i, (node, _) in enumerate(nodes)}
    lines = ["flowchart LR"]
    categories = {}
    for node, d in nodes:
        lines.append(f"  {ids[node]}[{_text(d['label'])}]")
        categories.setdefault(d["category"] or "other", []).append(ids[node])
    for s, o, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        label = d["label"] + (f" ×{d['claims']}" if d["claims"] else "")
        arrow = "-.->" if d["negated"] else "-->"
        lines.append(f"  {ids[s]} {arrow}|{_text(label)}| {ids[o]}")
    for i, (category, members) in enumerate(sorted(categories.items())):
        fill = colour(category)
        lines.append(f"  classDef c{i} fill:{fill},color:{font_colour(fill)}")
        lines.append(f"  class {','.join(members)} c{i}")
    text = "\n".join(lines) + "\n"
    _check_limits(view.number_of_edges(), len(text.encode("utf-16-le")) // 2)
    return text.encode("utf-8")


def _check_limits(edges: int, size: int) -> None:
    """Refuse a flowchart Mermaid would not draw (see the module's docstring)."""
    over = []
    if edges > MAX_EDGES:
        over.append(f"{edges} edges, above the {MAX_EDGES} Mermaid draws (maxEdges)")
    if size > MAX_TEXT_SIZE:
        over.append(f"{size:,} characters, above the {MAX_TEXT_SIZE:,} Mermaid reads (maxTextSize)")
    if over:
        from spinekg.core.errors import SpinekgError

        raise SpinekgError(f"the Mermaid flowchart would have {' and '.join(over)}; export a part of the graph: "
                           "--document DOC, --category C or --around ENTITY --depth N "
                           "(kg.subgraph(...) in Python)")


def write_mermaid(kg, path: str | Path) -> None:
    write_atomic(path, to_mermaid(kg))
