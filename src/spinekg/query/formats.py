"""Render query :class:`~spinekg.query.engines.Results` as text, for people and programs.

Formats (:data:`FORMATS`; every renderer is a pure function of the results returning ``str``):

* ``table``: aligned plain-text columns for a terminal, IRIs shown by their label (else CURIE);
* ``markdown``: a GitHub-flavoured Markdown table, every value escaped so it stays inert text;
* ``csv``: `SPARQL 1.1 Query Results CSV <https://www.w3.org/TR/sparql11-results-csv-tsv/#csv>`_
  (bare IRIs, lexical forms of literals, ``_:label`` blank nodes, CRLF line ends);
* ``tsv``: `SPARQL 1.1 Query Results TSV <https://www.w3.org/TR/sparql11-results-csv-tsv/#tsv>`_
  (every value in its N-Triples form, LF line ends). Numbers are *not* abbreviated: a literal is
  always written in full, e.g. ``"3"^^<http://www.w3.org/2001/XMLSchema#integer>``, which keeps
  its exact lexical form and datatype and reads back with any N-Triples parser;
* ``json``: `SPARQL 1.1 Query Results JSON <https://www.w3.org/TR/sparql11-results-json/>`_.

ASK results render as ``true``/``false`` in the text formats and as ``{"head": {}, "boolean": ...}``
in JSON. Rows keep the order they were given in; the same results give byte-identical output.
"""

from __future__ import annotations

import csv
import html
import io
import json
import unicodedata
from typing import Callable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from spinekg.core.errors import UnknownNameError
from spinekg.query.engines import Results

__all__ = ["FORMATS", "render", "to_table", "to_markdown", "to_csv", "to_tsv", "to_json"]

Renderer = Callable[[Results], str]

_ASK = {True: "true", False: "false"}


def _ask(results: Results, end: str = "\n") -> str | None:
    return None if results.boolean is None else _ASK[bool(results.boolean)] + end


# -- table -------------------------------------------------------------------------------------

def _one_line(text: str) -> str:
    """Control, format and line/paragraph-separator characters (newlines, tabs, ...) become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") else ch for ch in text)


def _width(text: str) -> int:
    """Display width in terminal cells: wide East Asian characters take 2, combining marks 0."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def to_table(results: Results) -> str:
    """Aligned plain-text columns for a terminal, with labels for IRIs and a row count."""
    ask = _ask(results)
    if ask is not None:
        return ask
    header = [_one_line(c) for c in results.columns]
    body = [[_one_line(results.label(row.get(c))) for c in results.columns] for row in results.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip(" ")

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in body]
    n = len(results.rows)
    out.append(f"({n} row{'' if n == 1 else 's'})")
    return "\n".join(out) + "\n"


# -- markdown ----------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Escape a value for a Markdown table cell: HTML entities, backslashes, one line."""
    out = html.escape(_one_line(text), quote=False)
    for ch in "\\`*_[]|":
        out = out.replace(ch, "\\" + ch)
    return out


def to_markdown(results: Results) -> str:
    """A GitHub-flavoured Markdown table with labels for IRIs; every value is inert text."""
    ask = _ask(results)
    if ask is not None:
        return ask

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    out = [line([_md(c) for c in results.columns]), line(["---"] * len(results.columns))]
    out += [line([_md(results.label(row.get(c))) for c in results.columns]) for row in results.rows]
    if not results.rows:
        out += ["", "_no rows_"]
    return "\n".join(out) + "\n"


# -- csv ---------------------------------------------------------------------------------------

def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)  # an IRI, or a literal's lexical form (no language tag or datatype)


def to_csv(results: Results) -> str:
    """SPARQL 1.1 Query Results CSV: variable names, bare IRIs, lexical forms, CRLF."""
    ask = _ask(results, "\r\n")
    if ask is not None:
        return ask
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(results.columns)
    for row in results.rows:
        writer.writerow([_csv_value(row.get(c)) for c in results.columns])
    return buffer.getvalue()


# -- tsv ---------------------------------------------------------------------------------------

_ECHAR = {"\t": "\\t", "\b": "\\b", "\n": "\\n", "\r": "\\r", "\f": "\\f", '"': '\\"', "\\": "\\\\"}
_IRI_BAD = set('<>"{}|^`\\')


def _uchar(ch: str) -> str:
    return f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}"


def _nt_string(text: str) -> str:
    """A quoted N-Triples string: ECHAR escapes, other control characters as ``\\uXXXX``."""
    return '"' + "".join(_ECHAR.get(ch) or (_uchar(ch) if unicodedata.category(ch) in ("Cc", "Cs") else ch)
                         for ch in text) + '"'


def _nt_iri(iri: str) -> str:
    return "<" + "".join(_uchar(ch) if ch in _IRI_BAD or ord(ch) <= 0x20 else ch for ch in iri) + ">"


def _tsv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _nt_iri(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = _nt_string(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{_nt_iri(term.datatype)}"
        return text
    return _nt_string(str(term))


def to_tsv(results: Results) -> str:
    """SPARQL 1.1 Query Results TSV: ``?var`` header, values in N-Triples form, LF."""
    ask = _ask(results)
    if ask is not None:
        return ask
    out = ["\t".join(f"?{c}" for c in results.columns)]
    out += ["\t".join(_tsv_value(row.get(c)) for c in results.columns) for row in results.rows]
    return "\n".join(out) + "\n"


# -- json --------------------------------------------------------------------------------------

def to_json(results: Results) -> str:
    """SPARQL 1.1 Query Results JSON, indented, non-ASCII kept as is."""
    return json.dumps(results.to_json(), indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Renderer] = {
    "table": to_table,
    "csv": to_csv,
    "tsv": to_tsv,
    "json": to_json,
    "markdown": to_markdown,
}


def render(results: Results, fmt: str = "table") -> str:
    """Render ``results`` in format ``fmt``; an unknown format lists the known ones."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise UnknownNameError(f"unknown result format {fmt!r}; known formats: {', '.join(FORMATS)}") from None
    return renderer(results)
