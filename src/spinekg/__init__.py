"""spinekg: a knowledge graph of regenerative treatments for neck and back pain, with claims.

Public API::

    import spinekg
    kg = spinekg.load()          # ontology + claims + provenance (an rdflib graph in kg.graph)
    kg.stats().to_text()
    kg.serialize("turtle")

Heavy modules (rdflib) are imported on first use, so ``import spinekg`` stays fast.
"""

from __future__ import annotations

from spinekg.core.version import __version__

__all__ = [
    "__version__", "load", "build", "KnowledgeGraph", "BuildReport",
    "SpinekgError", "CurationError", "CorpusError", "UnknownNameError", "FormatError",
]

from spinekg.core.errors import CorpusError, CurationError, FormatError, SpinekgError, UnknownNameError

_LAZY = {
    "load": ("spinekg.kg", "load"),
    "KnowledgeGraph": ("spinekg.kg", "KnowledgeGraph"),
    "build": ("spinekg.model.compiler", "build"),
    "BuildReport": ("spinekg.model.compiler", "BuildReport"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'spinekg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
