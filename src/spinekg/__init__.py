"""spinekg: a knowledge graph of regenerative treatments for neck and back pain, with claims.

Public API::

    import spinekg
    kg = spinekg.load()          # ontology + claims + provenance (an rdflib graph in kg.graph)
    kg.stats().to_text()
    kg.serialize("turtle")

Heavy modules (rdflib) are imported on first use, so ``import spinekg`` stays fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__", "load", "build", "KnowledgeGraph", "BuildReport",
    "SpinekgError", "CurationError", "CorpusError", "UnknownNameError", "FormatError",
]

from .errors import CorpusError, CurationError, FormatError, SpinekgError, UnknownNameError

_LAZY = {
    "load": ("spinekg.kg", "load"),
    "KnowledgeGraph": ("spinekg.kg", "KnowledgeGraph"),
    "build": ("spinekg.build", "build"),
    "BuildReport": ("spinekg.build", "BuildReport"),
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
