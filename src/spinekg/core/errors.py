"""The spinekg exception tree.

Every error a user can cause subclasses :class:`SpinekgError` and a builtin, names where the
problem is (file and line when there is one) and says how to fix it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "SpinekgError", "CurationError", "CorpusError", "UnknownNameError", "AmbiguousNameError", "FormatError",
    "ShapesError", "QuerySyntaxError", "ParameterError", "EndpointError", "QueryLimitError"]


class SpinekgError(Exception):
    """Base class of all spinekg errors."""


class CurationError(SpinekgError, ValueError):
    """A curated source file is wrong: bad syntax, unknown name, quote not in the text, ...

    ``str(err)`` is one line: ``file:line: what is wrong``.
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class CorpusError(SpinekgError, OSError):
    """The corpus directory or one of its documents cannot be read."""


class UnknownNameError(SpinekgError, KeyError):
    """A name (format, entity, query) is not known; the message lists what is."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class FormatError(SpinekgError, ValueError):
    """An input RDF file cannot be parsed."""


class ShapesError(SpinekgError, ValueError):
    """A SHACL shapes file cannot be read or pyshacl rejects a shape in it."""


class AmbiguousNameError(SpinekgError, LookupError):
    """A name matches several entities; ``candidates`` lists them (IRI, label) and so does the message."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None):
        self.candidates = list(candidates or [])
        super().__init__(message)


class QuerySyntaxError(SpinekgError, ValueError):
    """A SPARQL query cannot be parsed; ``str(err)`` is ``source:line:column: message``."""

    def __init__(self, message: str, source: str = "<query>", line: int | None = None,
                 column: int | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        where = source
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}")


class ParameterError(SpinekgError, ValueError):
    """A query parameter is missing, not declared, or has a value of the wrong type."""


class EndpointError(SpinekgError, OSError):
    """A SPARQL endpoint cannot be reached, or it refused or failed a request."""


class QueryLimitError(SpinekgError, RuntimeError):
    """A query ran past its time limit or gave more rows than allowed."""
