"""PNG of the entities view, drawn by Graphviz from the DOT export (see :mod:`.dot`).

Labels are drawn as the text they are: the DOT export escapes what Graphviz would interpret
(quotes, backslashes, HTML entities such as ``&#x3c;``) and replaces the characters no export
writes (NUL and the other C0 controls except tab, line feed and carriage return; U+FFFE, U+FFFF;
lone surrogates) by U+FFFD (:mod:`spinekg.export.flat`), so Graphviz never fails on a label.
Each node's text is black or white, whichever contrasts more with its category's fill.
"""

from __future__ import annotations

from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.dot import render_with_graphviz

__all__ = ["to_png", "write_png"]


def to_png(kg) -> bytes:
    return render_with_graphviz(kg, "png")


def write_png(kg, path: str | Path) -> None:
    write_atomic(path, to_png(kg))
