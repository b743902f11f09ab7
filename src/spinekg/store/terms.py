"""Conversion of RDF terms between rdflib and pyoxigraph (pyoxigraph is imported on first use).

Literals keep their lexical form both ways (rdflib is not asked to normalise them). Language tags
come back in lower case: pyoxigraph lowers them when it makes a literal (RDF 1.1 allows it; rdflib
compares tags case-insensitively).
"""

from __future__ import annotations

import logging
import warnings

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = ["to_oxigraph", "from_oxigraph"]


def to_oxigraph(term):
    """The pyoxigraph term for an rdflib term."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise TypeError(f"not an RDF term: {term!r}")


_STRING = str(XSD.string)


def _typed(lexical: str, datatype: str) -> Literal:
    """A typed rdflib literal with exactly this lexical form; an ill-typed one (``"c"^^xsd:byte``)
    without rdflib's logged traceback (SHACL reports it: ``sh:datatype``)."""
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Parsing weird boolean"
            return Literal(lexical, datatype=URIRef(datatype), normalize=False)
    finally:
        log.setLevel(level)


#: rdflib terms already made, by pyoxigraph term: query results repeat the same IRIs and values many
#: times, and an rdflib URIRef or typed Literal is slow to make (validation, casting); bounded
_MADE: dict = {}
_MAX_MADE = 200_000


def from_oxigraph(term) -> Node | None:
    """The rdflib term for a pyoxigraph term (``None`` stays ``None``; ``xsd:string`` becomes a plain literal)."""
    if term is None:
        return None
    made = _MADE.get(term)
    if made is not None:
        return made
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        made = URIRef(term.value)
    elif isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)  # scoped to one result set: never cached
    elif isinstance(term, pyoxigraph.Literal):
        if term.language:
            made = Literal(term.value, lang=term.language)
        else:
            datatype = term.datatype.value
            if datatype == _STRING:
                made = Literal(term.value)
            else:  # as the store holds it: rdflib would make "none"^^xsd:boolean "false"
                made = _typed(term.value, datatype)
    else:
        raise TypeError(f"unsupported term {term!r}")
    if len(_MADE) >= _MAX_MADE:
        _MADE.clear()
    _MADE[term] = made
    return made
