"""Where the shipped ontology, curated data, queries and shapes live.

In a wheel they are package data under ``spinekg/_resources``; in a source checkout (editable
install) they are the top-level folders of the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["resource_dir", "default_corpus_dir"]

_PKG = Path(__file__).resolve().parent.parent  # the spinekg package folder


def resource_dir(name: str) -> Path:
    """Return the folder ``name`` (``ontology``, ``data``, ``queries``, ``shapes``)."""
    packaged = _PKG / "_resources" / name
    if packaged.is_dir():
        return packaged
    checkout = _PKG.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"spinekg resource folder {name!r} not found (looked in {packaged} and {checkout})")


def default_corpus_dir() -> Path | None:
    """The corpus directory from ``SPINEKG_CORPUS``, or ``None`` when it is not set."""
    value = os.environ.get("SPINEKG_CORPUS")
    return Path(value) if value else None
