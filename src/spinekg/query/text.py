"""The text of a SPARQL query: its form, its syntax errors, values bound into it, default prefixes.

Values are bound as ``VALUES`` blocks built from the terms' N-Triples forms (never formatted
into the query), opening every group of the query (but the groups of ``EXISTS``, which see the
values of the group around them) so that they reach nested groups, FILTERs and sub-queries as
rdflib's ``initBindings`` do; :func:`bind_with_insertions` also says where the
blocks went, so a server's syntax error can be placed in the text as written.
:func:`with_prefixes` declares the prefixes a query uses without declaring them (``spk:``,
``rdfs:``, ...), on its first line so that line numbers stay those of the text as written, and
:func:`shift_error` moves a syntax error's column back into that text.
"""

from __future__ import annotations

import re
from typing import Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from spinekg.core.errors import ParameterError, QuerySyntaxError

__all__ = [
    "Insertions", "query_form", "parse_error", "line_column", "refuse_update", "refuse_service", "check_query", "bind_values", "bind_with_insertions",
    "original_index", "values_block", "iri_text", "ABSOLUTE_IRI", "NOT_IN_IRI", "with_prefixes", "shift_error",
]

# ---------------------------------------------------------------------------------------------
# query text

# a keyword, not part of a prefixed name (``insert:x``, ``PREFIX insert:``) or a variable (``?with``)
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)"
                   r"(?![\w:])", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def _strip_comments_and_strings(text: str) -> str:
    """The query with comments, strings and IRIs blanked (same length), to find keywords."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif ch in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(quote))
            out.append(" " * (j - i))
            i = j
        elif ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            j = i + re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]).end()
            out.append(" " * (j - i))
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or the update keyword the text starts with."""
    match = _FORM.search(_strip_comments_and_strings(text))
    return match.group(1).upper() if match else ""


_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of a character index of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def parse_error(err: Exception, text: str, source: str) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` (line, column, message) for a parser's exception."""
    lineno, col = getattr(err, "lineno", None), getattr(err, "col", None)
    msg = getattr(err, "msg", None)
    if isinstance(lineno, int) and isinstance(col, int) and msg:  # pyparsing (rdflib)
        found = getattr(err, "found", None)
        detail = f"{msg}, found {found}" if found else msg
        return QuerySyntaxError(f"SPARQL syntax error: {detail}", source, lineno, col)
    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    prefix = re.match(r"Unknown namespace prefix : (\S+)", message)
    if prefix:  # rdflib raises a bare Exception without a position: find the first use
        blanked = _strip_comments_and_strings(text)
        use = re.search(rf"(?<![\w:?$]){re.escape(prefix.group(1))}:", blanked)
        line, column = line_column(text, use.start()) if use else (None, None)
        return QuerySyntaxError(f"SPARQL syntax error: unknown prefix {prefix.group(1)!r} "
                                f"(declare it with PREFIX {prefix.group(1)}: <...>)", source, line, column)
    located = re.search(r"at (?:line )?(\d+):(\d+)", message) or re.search(r"line (\d+),? column (\d+)", message)
    if located:  # pyoxigraph: "error at 2:5: expected ..."
        return QuerySyntaxError(f"SPARQL syntax error: {message}", source, int(located.group(1)), int(located.group(2)))
    return QuerySyntaxError(f"SPARQL syntax error: {message}", source)


# ---------------------------------------------------------------------------------------------
# terms as text: N-Triples forms only (https://www.w3.org/TR/n-triples/#grammar-production-IRIREF)

#: Characters an IRIREF may not contain (plus any whitespace or control character).
NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\s\x00-\x20\x7f-\x9f]')
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_VARNAME = re.compile(r"\w+")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def iri_text(iri: str, what: str) -> str:
    """``<iri>``, checked to hold no character an IRI may not contain (``what`` names it in the error)."""
    """``<iri>``, or :class:`ParameterError` when the IRI contains a character an IRIREF cannot hold."""
    text = str(iri)
    bad = NOT_IN_IRI.search(text)
    if bad:
        raise ParameterError(f"{what} {text!r} is not a valid IRI: it contains {bad.group()!r}")
    return f"<{text}>"


def _term_text(term: Node, what: str) -> str:
    """The N-Triples form of an IRI or a literal (as ``term.n3()``, but always on one line)."""
    if isinstance(term, URIRef):
        return iri_text(term, what)
    if isinstance(term, Literal):
        text = '"' + re.sub(r'[\\"\n\r]', lambda m: _ECHAR[m.group()], str(term)) + '"'
        if term.language:
            if not _LANGTAG.fullmatch(term.language):
                raise ParameterError(f"{what}: {term.language!r} is not a language tag")
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{iri_text(term.datatype, f'the datatype of {what}')}"
        return text
    raise ParameterError(f"{what}: cannot send {term!r} to a SPARQL endpoint; bind an IRI (URIRef) "
                         "or a literal (Literal)")


def _values_block(bindings: Mapping[str, Node]) -> str:
    """``VALUES (?a ?b) { (term term) }`` for ``bindings`` (terms checked, names checked)."""
    names, terms = [], []
    for name, term in bindings.items():
        if not isinstance(name, str) or not _VARNAME.fullmatch(name):
            raise ParameterError(f"{name!r} is not a SPARQL variable name (give it without '?')")
        names.append(f"?{name}")
        terms.append(_term_text(term, f"the value of ?{name}"))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


_VALUES_DATA = re.compile(r"\bVALUES\s*(?:[?$]\w+|\([^()]*\))\s*(\{)", re.IGNORECASE)
_SUBSELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
# the ``{`` of an ``EXISTS`` / ``NOT EXISTS`` group (the keyword, not ``?exists`` or ``ex:EXISTS``)
_EXISTS_GROUP = re.compile(r"(?<![\w:?$])EXISTS\s*(\{)", re.IGNORECASE)

#: Where a VALUES block was inserted: (index in the text as written, length of the insertion).
Insertions = list[tuple[int, int]]


def _group_starts(text: str) -> list[int]:
    """Indexes of the ``{`` that open group graph patterns, where a ``VALUES`` block may stand.

    Not the braces of ``VALUES`` data, nor a ``{`` that holds a sub-``SELECT`` (nothing may
    precede it there; its own WHERE clause gets the block), nor an annotation ``{|``, nor the
    ``{`` right after ``EXISTS`` / ``NOT EXISTS``: the group around the FILTER or BIND already
    binds the variables, and EXISTS substitutes them into its pattern (SPARQL 1.1, 18.6), so a
    block there adds nothing but work for an engine (Virtuoso 7.2 rejects it: SP031).
    """
    blanked = _strip_comments_and_strings(text)
    data = set()
    for match in _VALUES_DATA.finditer(blanked):
        end = blanked.find("}", match.start(1))
        data.update(range(match.start(1), len(blanked) if end < 0 else end + 1))
    exists = {match.start(1) for match in _EXISTS_GROUP.finditer(blanked)}
    return [i for i, char in enumerate(blanked)
            if char == "{" and i not in data and i not in exists and not blanked.startswith("|", i + 1)
            and not _SUBSELECT.match(blanked, i + 1)]


def bind_with_insertions(text: str, bindings: Mapping[str, Node] | None) -> tuple[str, Insertions]:
    """The query with the bindings as inline ``VALUES`` blocks, and where they were inserted.

    The block opens the query's first group and every nested group that names one of the
    variables (with the variables it names), but not those of ``EXISTS`` / ``NOT EXISTS`` (which
    see the values of the group around them), on the same line as its ``{`` (so line numbers of
    syntax errors do not move)::

        WHERE { VALUES (?text) { ("stem cell") } ... { SELECT ... WHERE { VALUES (?text) ... } } }

    This gives the values the scope that rdflib's ``initBindings`` and pyoxigraph's substitutions
    give them: seen by FILTERs in nested groups and sub-queries, and joined before any GROUP BY.
    A trailing ``VALUES`` clause would be joined after grouping (multiplying the groups by a value
    the grouping dropped) and never reach a sub-query. Not reached: ``HAVING`` (no group holds it).
    A text without any ``{`` gets the block at the end (the server then reports the syntax error).
    """
    if not bindings:
        return text, []
    block = _values_block(bindings)
    starts = _group_starts(text)
    if not starts:
        return f"{text}\n{block}", [(len(text), len(block) + 1)]
    blanked = _strip_comments_and_strings(text)
    ends = _group_ends(blanked)
    parts, insertions, previous = [], [], 0
    for brace in starts:
        # a nested group that names none of the variables gets no block: the groups around it
        # bind them (Virtuoso 7.2 fails to compile blocks in UNION branches that do not use them)
        group = blanked[brace:ends.get(brace, len(blanked))]
        named = {name: term for name, term in bindings.items()
                 if brace == starts[0] or re.search(rf"[?$]{re.escape(name)}(?!\w)", group)}
        if not named:
            continue
        insert = f" {_values_block(named)} "
        parts.append(text[previous:brace + 1])
        parts.append(insert)
        insertions.append((brace + 1, len(insert)))
        previous = brace + 1
    parts.append(text[previous:])
    return "".join(parts), insertions


def _group_ends(blanked: str) -> dict[int, int]:
    """For each ``{`` of a text without comments and strings, the index of its matching ``}``."""
    ends, open_ = {}, []
    for i, char in enumerate(blanked):
        if char == "{":
            open_.append(i)
        elif char == "}" and open_:
            ends[open_.pop()] = i
    return ends


def original_index(index: int, insertions: Insertions) -> int:
    """Where a character of the text as sent stands in the text as written."""
    shift = 0
    for at, length in insertions:
        if index >= at + shift + length:
            shift += length
        elif index >= at + shift:
            return at  # inside a VALUES block: point at where it was inserted
        else:
            break
    return index - shift


def bind_values(text: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with ``bindings`` as inline ``VALUES`` blocks opening each of its groups.

    For engines without ``initBindings`` (pyoxigraph, a remote endpoint); see :func:`bind_with_insertions`.
    pyoxigraph's own SEP-0007 ``substitutions`` would do, but it accepts only projected variables.
    """
    return bind_with_insertions(text, bindings)[0]


def values_block(bindings: Mapping[str, Node]) -> str:
    """``VALUES (?a ?b) { (term term) }`` for ``bindings`` (terms and names checked)."""
    return _values_block(bindings)


def refuse_update(text: str, source: str) -> None:
    """Raise :class:`QuerySyntaxError` unless ``text`` is a SELECT or ASK query."""
    form = query_form(text)
    if form in _UPDATES:
        index = _FORM.search(_strip_comments_and_strings(text)).start()
        line, column = line_column(text, index)
        raise QuerySyntaxError(f"{form} is a SPARQL update; spinekg runs read-only queries (SELECT or ASK)",
                               source, line, column)
    if form in ("CONSTRUCT", "DESCRIBE"):
        raise QuerySyntaxError(f"{form} queries return a graph; run a SELECT or ASK query here "
                               "(export the graph with 'spinekg export')", source)


def refuse_service(text: str, source: str) -> None:
    """Raise :class:`QuerySyntaxError` when ``text`` uses ``SERVICE``: a federated query makes the
    engine send requests to the address the query names, so spinekg runs it only when asked
    (``allow_service``; ``--allow-service`` on the command line)."""
    match = _SERVICE.search(_strip_comments_and_strings(text))
    if match:
        line, column = line_column(text, match.start())
        raise QuerySyntaxError("SERVICE sends requests to other servers and is refused; run the query with "
                               "--allow-service (allow_service=True in Python) if you trust every address in it",
                               source, line, column)


def check_query(text: str, source: str, *, allow_service: bool = False) -> None:
    """What every engine checks before running a query: a SELECT or ASK (:func:`refuse_update`)
    without ``SERVICE`` unless ``allow_service`` (:func:`refuse_service`)."""
    refuse_update(text, source)
    if not allow_service:
        refuse_service(text, source)


# ---------------------------------------------------------------------------------------------
# default prefixes

# ``PREFIX name:`` in the blanked text (its IRI is blanked); PN_PREFIX may be empty (``PREFIX :``)
_DECLARED = re.compile(r"(?<![\w:?$])PREFIX\s+([A-Za-z][\w.\-]*)?:", re.IGNORECASE)


def with_prefixes(text: str, prefixes: Mapping[str, str]) -> tuple[str, int]:
    """The query with a ``PREFIX`` declaration for each of ``prefixes`` (name to namespace IRI)
    that it uses and does not declare itself (a declaration in the query wins), and how many
    characters were put in front of it.

    The declarations go before the text *on its first line* (``PREFIX spk: <...> SELECT ...``), so
    every line keeps its number; only positions on line 1 move, by the returned count
    (:func:`shift_error` moves them back). A name counts as used when ``name:`` stands outside
    comments, strings and IRIs, not preceded by a name character; a false hit only adds an unused
    declaration.
    """
    blanked = _strip_comments_and_strings(text)
    declared = {match.group(1) or "" for match in _DECLARED.finditer(blanked)}
    missing = [name for name in prefixes if name not in declared
               and re.search(rf"(?<![\w.\-:?$]){re.escape(name)}:", blanked)]
    if not missing:
        return text, 0
    head = "".join(f"PREFIX {name}: {iri_text(prefixes[name], f'the namespace of {name}:')} " for name in missing)
    return head + text, len(head)


def shift_error(err: QuerySyntaxError, offset: int) -> QuerySyntaxError:
    """``err`` (raised for a text that :func:`with_prefixes` lengthened by ``offset`` characters on
    its first line) with its column in the text as written; ``err`` itself when nothing moved."""
    if not offset or err.line != 1 or err.column is None:
        return err
    column = max(1, err.column - offset)
    # a server's own words may hold the position too ("error at 1:45: ...", "line 1, column 45")
    message = re.sub(rf"(?<![\d:])(1:|line 1,? column ){err.column}(?!\d)", rf"\g<1>{column}", err.message, count=1)
    moved = QuerySyntaxError(message, err.source, 1, column)
    moved.__cause__ = err.__cause__
    return moved
