"""SPARQL text for the SHACL-to-SPARQL engine: shapes-graph terms written as SPARQL, and the
reading and rewriting of the SHACL-SPARQL queries a shapes graph holds (their PREFIX prologue,
their projection, ``$this`` pre-bound to a set of focus nodes, ``$PATH`` replaced, messages
filled in from a solution).
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from spinekg.core.errors import ShapesError

__all__ = ["blank_literals", "check_restrictions", "format_message", "prebind", "projection_of", "sparql_term", "split_prologue",
           "substitute_path", "substitute_vars"]

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_term(term, what: str) -> str:
    """An IRI or a literal of the shapes graph as SPARQL text; a blank node cannot be written."""
    if isinstance(term, URIRef):
        if re.search(r'[<>"{}|^`\\\s]', str(term)):
            raise ShapesError(f"{what}: {str(term)!r} is not an IRI a SPARQL query can hold")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + "".join(_ECHAR.get(ch, ch) for ch in str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype is not None else text
    raise ShapesError(f"{what}: the sparql engine cannot compare with a blank node (use the pyshacl engine)")


def blank_literals(text: str) -> str:
    """``text`` with comments, strings and IRIs replaced by spaces (same length), to find syntax."""
    pattern = re.compile(r'#[^\n]*|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                         r"'(?:[^'\\\n]|\\.)*'|<[^\s<>\"{}|^`\\]*>")
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _closing(blanked: str, start: int) -> int:
    """Index of the ``}`` that closes the ``{`` at ``start``."""
    depth = 0
    for i in range(start, len(blanked)):
        depth += {"{": 1, "}": -1}.get(blanked[i], 0)
        if depth == 0:
            return i
    raise ShapesError("a SPARQL query in the shapes has an unbalanced '{'")


# -- SHACL-SPARQL queries -----------------------------------------------------------------------

def split_prologue(text: str, where: str) -> tuple[dict[str, str], str]:
    """The PREFIX declarations a SHACL-SPARQL text opens with, and the rest of it."""
    blanked = blank_literals(text)
    prefixes, pos = {}, 0
    # the IRI is blanked too, so it is read from the text, after the prefix name's colon
    decl = re.compile(r"\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
    while match := decl.match(blanked, pos):
        iri = re.match(r"\s*<([^>]*)>", text[match.end():])
        if iri is None:
            raise ShapesError(f"{where}: cannot read a PREFIX declaration of its SPARQL query")
        prefixes[match.group(1) or ""] = iri.group(1)
        pos = match.end() + iri.end()
    if re.match(r"\s*BASE\b", blanked[pos:], re.IGNORECASE):
        raise ShapesError(f"{where}: the sparql engine does not support BASE in a SPARQL query (use the pyshacl engine)")
    return prefixes, text[pos:]


def projection_of(text: str) -> str:
    """The projection of the SELECT a query text opens with (up to WHERE or the first '{')."""
    blanked = blank_literals(text)
    match = re.search(r"\bSELECT\b([\s\S]*?)(?:\bWHERE\b|\{)", blanked, re.IGNORECASE)
    return match.group(1) if match else ""


# -- SHACL-SPARQL constraints -------------------------------------------------------------------

def prebind(text: str, focus_group: str, where: str) -> str:
    """``text`` with ``$this`` pre-bound to every focus node: ``focus_group`` opens the WHERE group
    and every group inside it that mentions ``$this``, except the groups inside EXISTS (which see
    the outer binding) and a brace holding a sub-select (whose own WHERE group gets it)."""
    blanked = blank_literals(text)
    check_restrictions(text, ("this",), where)
    projection = projection_of(blanked)
    if not re.search(r"[?$]this\b|\*", projection):
        raise ShapesError(f"{where}: the sparql engine needs a SHACL-SPARQL query to select $this (use the pyshacl engine)")
    inserts, exists_until = [], -1
    for i, char in enumerate(blanked):
        if char != "{":
            continue
        end = _closing(blanked, i)
        if i < exists_until:
            continue
        if re.search(r"\bEXISTS\s*$", blanked[:i], re.IGNORECASE):
            exists_until = end
            continue
        if re.match(r"\s*SELECT\b", blanked[i + 1:], re.IGNORECASE):
            sub = blanked[i + 1:end]
            if not re.search(r"[?$]this\b", projection_of(sub)):
                raise ShapesError(f"{where}: a sub-select of a SHACL-SPARQL query must select $this by name, "
                                  "as every potentially pre-bound variable (SHACL 5.3.1; SELECT * does not)")
            continue
        if not inserts or re.search(r"[?$]this\b", blanked[i:end]):
            inserts.append(i + 1)
    for at in reversed(inserts):
        text = f"{text[:at]} {focus_group} {text[at:]}"
    return text


def check_restrictions(text: str, prebound, where: str) -> None:
    """The syntax rules of SHACL-SPARQL (https://www.w3.org/TR/shacl/#pre-binding): no MINUS,
    VALUES or SERVICE, no AS re-binding a pre-bound variable; and the variables this engine cannot
    bind ($shapesGraph, $currentShape)."""
    blanked = blank_literals(text)
    for keyword in ("MINUS", "VALUES", "SERVICE"):
        if re.search(rf"\b{keyword}\b", blanked, re.IGNORECASE):
            raise ShapesError(f"{where}: a SHACL-SPARQL query must not use {keyword} (SHACL 5.3.1)")
    for name in prebound:
        if re.search(rf"\bAS\s+[?$]{name}\b", blanked, re.IGNORECASE):
            raise ShapesError(f"{where}: a SHACL-SPARQL query must not bind the pre-bound variable ${name} with AS "
                              "(SHACL 5.3.1)")
    for name in ("shapesGraph", "currentShape", "failure"):
        if re.search(rf"[?$]{name}\b", blanked):
            raise ShapesError(f"{where}: the sparql engine does not support ${name} in SHACL-SPARQL (use the pyshacl engine)")


def substitute_vars(text: str, values: dict[str, str]) -> str:
    """``text`` with the variables named in ``values`` replaced by their SPARQL terms (the
    parameters of a constraint component, pre-bound: https://www.w3.org/TR/shacl/#sparql-components)."""
    if not values:
        return text
    blanked = blank_literals(text)
    spots = [(m.start(), m.end(), values[m.group(1)]) for m in re.finditer(r"[?$](\w+)", blanked) if m.group(1) in values]
    for start, end, term in reversed(spots):
        text = text[:start] + term + text[end:]
    return text


def substitute_path(text: str, path: str | None, where: str) -> str:
    """``$PATH`` replaced by the shape's path (https://www.w3.org/TR/shacl/#sparql-constraints-path)."""
    blanked = blank_literals(text)
    spots = [m.start() for m in re.finditer(r"[?$]PATH\b", blanked)]
    if spots and path is None:
        raise ShapesError(f"{where}: $PATH in the SPARQL query of a node shape, which has no path")
    for at in reversed(spots):
        text = text[:at] + path + text[at + 5:]
    return text


def format_message(message: Literal, bindings: dict) -> Literal:
    """A SHACL-SPARQL message with ``{?var}`` / ``{$var}`` replaced by the solution's values
    (https://www.w3.org/TR/shacl/#sparql-constraints-message); unbound ones stay as written."""
    def value(match):
        bound = bindings.get(match.group(1))
        return match.group() if bound is None else str(bound)

    return Literal(re.sub(r"\{[?$](\w+)\}", value, str(message)))
