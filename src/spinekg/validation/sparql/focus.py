"""Focus sets: a shape's focus nodes as the branches of a UNION (or, when few, the nodes written
out), and the query under construction for one focus set.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinekg.core.errors import ShapesError

__all__ = ["WRITTEN_FOCUS", "Focus", "Query"]

#: Focus sets up to this size are written into the queries (VALUES) rather than re-selected.
WRITTEN_FOCUS = 2000


@dataclass(frozen=True)
class Focus:
    """A shape's focus nodes: the branches of a UNION that each bind ``?this`` and, once the set
    is known to be small, the nodes themselves as SPARQL text (``written``)."""

    branches: tuple[str, ...]
    prefixes: tuple[tuple[str, str], ...]
    written: tuple[str, ...] | None = None

    @property
    def large(self) -> bool:
        """Too many focus nodes to write out: sets over the whole graph are then cheaper to hash
        than to follow from each focus node."""
        return self.written is None

    def pattern(self, var: str, query: "Query", where: str) -> str:
        """A group element binding ``var`` to each focus node once."""
        if self.written is not None:
            return f"{{ VALUES {var} {{ {' '.join(self.written)} }} }}"
        query.use(dict(self.prefixes), where)
        body = " UNION ".join(f"{{ {branch} }}" for branch in self.branches)
        rename = "" if var == "?this" else f" BIND(?this AS {var})"
        return f"{{ SELECT DISTINCT {var} WHERE {{ {body}{rename} }} }}"


class Query:
    """A query under construction for one focus set: the prefixes its embedded SHACL-SPARQL
    texts need; ``large``: see :attr:`Focus.large`; ``empty``: there is nothing to validate."""

    def __init__(self, focus: Focus):
        self.prefixes: dict[str, str] = {}
        self.large = focus.large
        self.empty = focus.written == ()

    def use(self, prefixes: dict[str, str], where: str) -> None:
        for name, iri in prefixes.items():
            if self.prefixes.setdefault(name, iri) != iri:
                raise ShapesError(f"{where}: prefix {name}: means {iri} here and {self.prefixes[name]} in the "
                                  "shape's other SPARQL text; the sparql engine needs one meaning per shape")

    def text(self, select: str) -> str:
        prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(self.prefixes.items()))
        return prologue + select
