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

Labels (:func:`display_labels`, one look-up for all the IRIs of an answer): a page is named by
:attr:`spinekg.query.documents.Document.name` (``003 Divine Spine: Do Stem Cell Injections Work
for Back Pain?``), anything else by its ``rdfs:label``, else its ``skos:prefLabel``.
:func:`with_labels` gives them to the human formats; :func:`with_label_columns` adds a
``<column>_label`` column after each IRI column for the machine formats. ``to_table(width=N)``
wraps the widest columns' text inside their cells so that no line is longer than ``N``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import unicodedata
from dataclasses import replace
from typing import Callable, Iterable, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from spinekg.core.errors import UnknownNameError
from spinekg.core.namespaces import SPK
from spinekg.query.engines import Results
from spinekg.query.text import NOT_IN_IRI, iri_text

__all__ = ["FORMATS", "HUMAN_FORMATS", "MACHINE_FORMATS", "LABEL_PROPERTIES", "render", "to_table", "to_markdown",
           "to_csv", "to_tsv", "to_json", "display_labels", "with_labels", "with_label_columns"]

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


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells: broken at spaces, a longer word broken inside."""
    lines: list[str] = []
    current, used = "", 0
    for word in text.split():
        size = _width(word)
        if current and used + 1 + size <= width:
            current, used = f"{current} {word}", used + 1 + size
            continue
        if current:
            lines.append(current)
        while size > width:
            piece, taken = "", 0
            for ch in word:
                cells = _width(ch)
                if piece and taken + cells > width:
                    break
                piece, taken = piece + ch, taken + cells
            lines.append(piece)
            word = word[len(piece):]
            size = _width(word)
        current, used = word, size
    if current or not lines:
        lines.append(current)
    return lines


def _fit(widths: list[int], words: list[int], limit: int) -> list[int]:
    """Column widths whose lines (two spaces between columns) fit in ``limit`` cells.

    The columns narrower than an equal share of the room keep their width; the others wrap. Each
    of those first gets its longest word (at most an equal share of what is left), then the rest
    of the room in proportion to how much more it needs, so that the wrapped cells of a row take
    about as many lines each. A table of more columns than the room has cells keeps 1 per column.
    """
    budget = limit - 2 * (len(widths) - 1)
    if sum(widths) <= budget:
        return list(widths)
    out = list(widths)
    order = sorted(range(len(widths)), key=lambda i: (widths[i], i))
    room = budget
    for k, i in enumerate(order):
        if widths[i] > room // (len(order) - k):
            wrapped = order[k:]
            break
        room -= widths[i]
    share = max(room, 0) // len(wrapped)
    floor = {i: max(1, min(words[i], share)) for i in wrapped}
    spare = max(0, room - sum(floor.values()))
    need = {i: widths[i] - floor[i] for i in wrapped}
    total = sum(need.values()) or 1
    extra = {i: spare * need[i] // total for i in wrapped}
    left = spare - sum(extra.values())
    for i in sorted(wrapped, key=lambda i: (-(spare * need[i] % total), i))[:left]:
        extra[i] += 1  # the largest remainders take the cells that rounding down left over
    for i in wrapped:
        out[i] = min(widths[i], floor[i] + extra[i])
    return out


def to_table(results: Results, width: int | None = None) -> str:
    """Aligned plain-text columns for a terminal, with labels for IRIs and a row count.

    With ``width``, no line is longer than ``width`` terminal cells: the widest columns' text wraps
    inside their cells (at spaces, a longer word inside it), every character kept, the cells of a
    row side by side. (A table of more than ``width / 3`` columns cannot fit; each keeps 1 cell.)
    """
    ask = _ask(results)
    if ask is not None:
        return ask
    header = [_one_line(c) for c in results.columns]
    body = [[_one_line(results.label(row.get(c))) for c in results.columns] for row in results.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(header)]
    if width is not None and widths:
        words = [max(_width(word) for r in [header] + body for word in (r[i].split() or [""]))
                 for i in range(len(header))]
        caps = _fit(widths, words, width)
        if caps != widths:
            rows = [[_wrap(cell, cap) if _width(cell) > cap else [cell] for cell, cap in zip(r, caps)]
                    for r in [header] + body]
            widths = [max(_width(line) for r in rows for line in r[i]) for i in range(len(widths))]
            return _lines(rows, widths, len(results.rows))
    return _lines([[[cell] for cell in r] for r in [header] + body], widths, len(results.rows))


def _lines(rows: list[list[list[str]]], widths: list[int], count: int) -> str:
    """The table: each row's cells (lists of lines) side by side, a rule under the header, the count."""

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip(" ")

    out = []
    for n, cells in enumerate(rows):
        height = max(len(c) for c in cells)
        out += [line([c[k] if k < len(c) else "" for c in cells]) for k in range(height)]
        if n == 0:
            out.append(line(["-" * w for w in widths]))
    out.append(f"({count} row{'' if count == 1 else 's'})")
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
#: Formats people read (IRIs shown by their labels) and formats programs read (IRIs as they are).
HUMAN_FORMATS = ("table", "markdown")
MACHINE_FORMATS = ("csv", "tsv", "json")


def render(results: Results, fmt: str = "table", *, width: int | None = None) -> str:
    """Render ``results`` in format ``fmt`` (``width``: the longest line of a table); an unknown
    format lists the known ones."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise UnknownNameError(f"unknown result format {fmt!r}; known formats: {', '.join(FORMATS)}") from None
    return to_table(results, width) if renderer is to_table else renderer(results)


# -- labels ------------------------------------------------------------------------------------

#: The properties that name an entity, best first (a page is named by its Document.name instead).
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)
#: The most IRIs one look-up query names (a larger answer takes one query per this many IRIs).
LABEL_QUERY_IRIS = 5000


def _language_rank(label: Node) -> int:
    """English first, then a label without a language, then any other language."""
    lang = (getattr(label, "language", None) or "").lower()
    return 0 if lang == "en" or lang.startswith("en-") else 1 if not lang else 2


def _labels_query(iris: list[URIRef]) -> str:
    """One SELECT for the names of ``iris``: ``?rank`` 0 ``rdfs:label``, 1 ``skos:prefLabel``, 2 a page."""
    values = " ".join(iri_text(iri, "IRI") for iri in iris)
    branches = [f"{{ ?s {iri_text(prop, 'label property')} ?label BIND({rank} AS ?rank) }}"
                for rank, prop in enumerate(LABEL_PROPERTIES)]
    branches.append(f"{{ ?s {iri_text(RDF.type, 'rdf:type')} {iri_text(SPK.WebPage, 'spk:WebPage')} "
                    f"BIND({len(LABEL_PROPERTIES)} AS ?rank) }}")
    # ?s goes back as a string, so that the engine does not look up labels for the answer itself
    return f"SELECT (STR(?s) AS ?iri) ?rank ?label WHERE {{ VALUES ?s {{ {values} }} {' UNION '.join(branches)} }}"


def _names(engine, iris: set[URIRef]) -> tuple[dict[URIRef, tuple], set[URIRef]]:
    """The best (property rank, language rank, text) of each IRI that has a label, and the pages."""
    best: dict[URIRef, tuple] = {}
    pages: set[URIRef] = set()

    def consider(iri: URIRef, rank: int, label: Node) -> None:
        key = (rank, _language_rank(label), str(label))
        if str(label) and (iri not in best or key < best[iri]):
            best[iri] = key

    graph = getattr(engine, "graph", None)
    if isinstance(graph, Graph):  # rdflib: its indexes answer at once (its SPARQL joins VALUES slowly)
        for iri in iris:
            for rank, prop in enumerate(LABEL_PROPERTIES):
                for label in graph.objects(iri, prop):
                    consider(iri, rank, label)
            if (iri, RDF.type, SPK.WebPage) in graph:
                pages.add(iri)
        return best, pages
    sendable = sorted(iri for iri in iris if not NOT_IN_IRI.search(str(iri)))
    for start in range(0, len(sendable), LABEL_QUERY_IRIS):
        answer = engine.select(_labels_query(sendable[start:start + LABEL_QUERY_IRIS]), source="<labels>")
        for row in answer.rows:
            iri, rank = URIRef(str(row["iri"])), int(row["rank"].toPython())
            if rank == len(LABEL_PROPERTIES):
                pages.add(iri)
            elif row.get("label") is not None:
                consider(iri, rank, row["label"])
    return best, pages


def display_labels(engine, iris: Iterable[Node]) -> dict[URIRef, str]:
    """How people name each IRI of ``iris``, looked up on ``engine`` once for them all: a page by
    its :attr:`~spinekg.query.documents.Document.name`, anything else by its ``rdfs:label``, else
    its ``skos:prefLabel`` (English first, then no language, then any; ties by text). IRIs without
    a name are left out."""
    from spinekg.query.documents import documents

    wanted = {iri for iri in iris if isinstance(iri, URIRef)}
    if not wanted:
        return {}
    best, pages = _names(engine, wanted)
    labels = {iri: key[2] for iri, key in best.items()}
    if pages:
        labels.update({doc.iri: doc.name for doc in documents(engine).values() if doc.iri in pages})
    return labels


def with_labels(results: Results, labels: Mapping[URIRef, str]) -> Results:
    """``results`` whose IRIs are shown (in the table and Markdown formats) by ``labels`` first."""
    return replace(results, labels={**results.labels, **labels})


def with_label_columns(results: Results, labels: Mapping[URIRef, str]) -> Results:
    """``results`` with a ``<column>_label`` column right after each column that holds an IRI:
    the IRI's label from ``labels``, unbound (empty) when it has none or the value is not an IRI.

    Which columns get one depends on the answer (a column of literals only, or an empty answer, gets
    none); a name already taken becomes ``<column>_label2`` (``3``, ...)."""
    if results.boolean is not None:
        return results
    used, companion = set(results.columns), {}
    for column in results.columns:
        if any(isinstance(row.get(column), URIRef) for row in results.rows):
            name, n = f"{column}_label", 2
            while name in used:
                name, n = f"{column}_label{n}", n + 1
            used.add(name)
            companion[column] = name
    if not companion:
        return results
    columns = tuple(name for column in results.columns for name in (column, companion.get(column)) if name)
    rows = []
    for row in results.rows:
        out: dict[str, Node | None] = {}
        for column in results.columns:
            term = row.get(column)
            out[column] = term
            if column in companion:
                text = labels.get(term) if isinstance(term, URIRef) else None
                out[companion[column]] = Literal(text) if text else None
        rows.append(out)
    return Results(columns=columns, rows=tuple(rows), labels=results.labels)
