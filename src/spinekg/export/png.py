"""PNG of the entities view, drawn by Graphviz from the DOT export (see :mod:`.dot`)."""

from __future__ import annotations

from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.dot import render_with_graphviz

__all__ = ["to_png", "write_png"]


def to_png(kg) -> bytes:
    return render_with_graphviz(kg, "png")


def write_png(kg, path: str | Path) -> None:
    write_atomic(path, to_png(kg))
