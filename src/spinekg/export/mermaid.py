"""Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html) of the entities view.

For Markdown that renders Mermaid (GitHub, GitLab, many wikis). Node ids are ``n0``, ``n1``, ...
(labels are quoted strings with ``"`` written as ``#quot;`` and ``<``/``>`` as ``#lt;``/``#gt;``,
so a label stays text); nodes get a class per category with its colour.
"""

from __future__ import annotations

from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import colour

__all__ = ["to_mermaid", "write_mermaid"]


def _text(label: str) -> str:
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        label = label.replace(char, code)
    return '"' + " ".join(label.split()) + '"'


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
        lines.append(f"  classDef c{i} fill:{colour(category)}")
        lines.append(f"  class {','.join(members)} c{i}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_mermaid(kg, path: str | Path) -> None:
    write_atomic(path, to_mermaid(kg))
