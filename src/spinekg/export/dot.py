"""Graphviz DOT (https://graphviz.org/doc/info/lang.html) of the entities view, and SVG/PNG renderings.

Nodes are filled with their category's colour; an edge's label is its predicate and, when claims
support it, the claim count (``treats ×3``); a dashed edge is denied by some claim. Every id and
label is a quoted DOT string with ``"`` and ``\\`` escaped and line breaks turned into ``\\n``, so a
label is only ever text. ``svg`` and ``png`` run Graphviz's ``dot`` on this file.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import colour

__all__ = ["to_dot", "write_dot", "render_with_graphviz"]


def quote(text: str) -> str:
    """A DOT double-quoted string holding ``text`` literally."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + escaped.replace("\n", "\\n") + '"'


def to_dot(kg) -> bytes:
    """The DOT document."""
    from spinekg.core.terms import curie

    view = kg.to_networkx("entities")
    lines = ["digraph spinekg {", "  graph [rankdir=LR, overlap=false, splines=true];",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=8];']
    for node, d in sorted(view.nodes(data=True), key=lambda x: str(x[0])):
        lines.append(f"  {quote(curie(node))} [label={quote(d['label'])}, fillcolor={quote(colour(d['category']))}, "
                     f"tooltip={quote(d['category'])}];")
    for s, o, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        label = d["label"] + (f" ×{d['claims']}" if d["claims"] else "")
        style = ", style=dashed" if d["negated"] else ""
        lines.append(f"  {quote(curie(s))} -> {quote(curie(o))} [label={quote(label)}{style}];")
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
