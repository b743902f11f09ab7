"""Run SPARQL 1.1 queries on the knowledge graph, on three interchangeable engines.

* :class:`RdflibEngine`: the in-memory rdflib graph (the embedded default);
* :class:`OxigraphEngine`: a `pyoxigraph <https://pyoxigraph.readthedocs.io>`_ store, a second and
  independent SPARQL implementation (and a much faster one);
* :class:`RemoteEngine` (in :mod:`spinekg.endpoint`): any SPARQL 1.1 Protocol endpoint.

Every engine returns :class:`Results`: the column names and one dict per row, the values being
rdflib terms (``None`` when a variable is unbound). Parameter values are bound, never formatted
into the query text: rdflib gets ``initBindings``, pyoxigraph ``substitutions`` (SEP-0007), and a
pyoxigraph and remote endpoints ``VALUES`` blocks built from the terms' N-Triples forms, opening
every group of the query (:func:`bind_values`), so the values reach nested groups, FILTERs and
sub-queries as ``initBindings`` do.

Results follow the `SPARQL 1.1 Query Results JSON Format <https://www.w3.org/TR/sparql11-results-json/>`_
in :meth:`Results.to_json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD
from rdflib.term import Node, Variable

from .errors import ParameterError, QuerySyntaxError

__all__ = [
    "Results", "Engine", "RdflibEngine", "OxigraphEngine", "parse_error", "query_form", "bind_values", "values_block",
    "term_to_json", "term_from_json", "curie",
]

Row = dict[str, "Node | None"]


@dataclass(frozen=True)
class Results:
    """The answer to a SELECT (``columns`` and ``rows``) or an ASK query (``boolean``).

    ``rows`` are dicts keyed by column, holding rdflib terms or ``None`` (unbound). ``labels``
    maps the IRIs that occur in the rows to their ``rdfs:label``, for display.
    """

    columns: tuple[str, ...]
    rows: tuple[Row, ...] = ()
    labels: Mapping[URIRef, str] = field(default_factory=dict)
    boolean: bool | None = None

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Row:
        return self.rows[index]

    def __bool__(self) -> bool:
        return bool(self.rows) if self.boolean is None else self.boolean

    def label(self, term: Node | None) -> str:
        """How a value is shown to people: an IRI's label (else its CURIE), a literal's text."""
        if term is None:
            return ""
        if isinstance(term, URIRef):
            return self.labels.get(term) or curie(term)
        if isinstance(term, BNode):
            return f"_:{term}"
        return str(term)

    def values(self) -> list[tuple[Any, ...]]:
        """Rows as tuples of plain Python values (IRIs as strings, literals converted)."""
        return [tuple(_python(row.get(c)) for c in self.columns) for row in self.rows]

    def to_json(self) -> dict:
        """The SPARQL 1.1 Query Results JSON document (a dict ready for ``json.dumps``)."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        bindings = []
        for row in self.rows:
            bindings.append({c: term_to_json(v) for c, v in row.items() if v is not None and c in self.columns})
        return {"head": {"vars": list(self.columns)}, "results": {"bindings": bindings}}

    def to_dataframe(self, labels: bool = False):
        """A pandas DataFrame (pandas is the optional ``pandas`` extra); ``labels`` shows IRIs' labels."""
        try:
            import pandas
        except ImportError as err:
            from .errors import SpinekgError

            raise SpinekgError("pandas is not installed: pip install 'spinekg[pandas]'") from err
        if labels:
            data = [[self.label(row.get(c)) if isinstance(row.get(c), URIRef) else _python(row.get(c))
                     for c in self.columns] for row in self.rows]
        else:
            data = self.values()
        return pandas.DataFrame(data, columns=list(self.columns))


class Engine(Protocol):
    """What the query library needs from a SPARQL engine."""

    name: str

    def select(self, text: str, bindings: Mapping[str, Node] | None = None, *,
               source: str = "<query>") -> Results:
        """Run a SELECT or ASK query with ``bindings`` bound; labels filled for the IRIs."""

    def labels(self, iris: set[URIRef]) -> dict[URIRef, str]:
        """The ``rdfs:label`` of each IRI that has one (English preferred)."""


# ---------------------------------------------------------------------------------------------
# terms

_PREFIXES: list[tuple[str, str]] | None = None


def curie(iri: URIRef | str) -> str:
    """Compress an IRI with the spinekg prefixes (the IRI itself when no prefix fits)."""
    global _PREFIXES
    if _PREFIXES is None:
        from .namespaces import PREFIXES

        _PREFIXES = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda x: -len(x[1]))
    text = str(iri)
    for prefix, ns in _PREFIXES:
        if text.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_.\-]*", text[len(ns):]):
            return f"{prefix}:{text[len(ns):]}"
    return text


def _python(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def term_to_json(term: Node) -> dict:
    """One RDF term as a SPARQL 1.1 Results JSON binding value."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def term_from_json(value: Mapping[str, str]) -> Node:
    """The rdflib term of a SPARQL 1.1 Results JSON binding value."""
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        datatype = value.get("datatype")
        if datatype == str(XSD.string):
            datatype = None
        return Literal(value["value"], lang=value.get("xml:lang"), datatype=datatype)
    raise ValueError(f"not a SPARQL JSON term: {value!r}")


# ---------------------------------------------------------------------------------------------
# query text

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
                   re.IGNORECASE)


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


def _position(text: str, index: int) -> tuple[int, int]:
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
        line, column = _position(text, use.start()) if use else (None, None)
        return QuerySyntaxError(f"SPARQL syntax error: unknown prefix {prefix.group(1)!r} "
                                f"(declare it with PREFIX {prefix.group(1)}: <...>)", source, line, column)
    located = re.search(r"at (?:line )?(\d+):(\d+)", message) or re.search(r"line (\d+),? column (\d+)", message)
    if located:  # pyoxigraph: "error at 2:5: expected ..."
        return QuerySyntaxError(f"SPARQL syntax error: {message}", source, int(located.group(1)), int(located.group(2)))
    return QuerySyntaxError(f"SPARQL syntax error: {message}", source)


# ---------------------------------------------------------------------------------------------
# terms as text: N-Triples forms only (https://www.w3.org/TR/n-triples/#grammar-production-IRIREF)

#: Characters an IRIREF may not contain (plus any whitespace or control character).
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\s\x00-\x20\x7f-\x9f]')
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_VARNAME = re.compile(r"\w+")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def _iri_text(iri: str, what: str) -> str:
    """``<iri>``, or :class:`ParameterError` when the IRI contains a character an IRIREF cannot hold."""
    text = str(iri)
    bad = _NOT_IN_IRI.search(text)
    if bad:
        raise ParameterError(f"{what} {text!r} is not a valid IRI: it contains {bad.group()!r}")
    return f"<{text}>"


def _term_text(term: Node, what: str) -> str:
    """The N-Triples form of an IRI or a literal (as ``term.n3()``, but always on one line)."""
    if isinstance(term, URIRef):
        return _iri_text(term, what)
    if isinstance(term, Literal):
        text = '"' + re.sub(r'[\\"\n\r]', lambda m: _ECHAR[m.group()], str(term)) + '"'
        if term.language:
            if not _LANGTAG.fullmatch(term.language):
                raise ParameterError(f"{what}: {term.language!r} is not a language tag")
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{_iri_text(term.datatype, f'the datatype of {what}')}"
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

#: Where a VALUES block was inserted: (index in the text as written, length of the insertion).
Insertions = list[tuple[int, int]]


def _group_starts(text: str) -> list[int]:
    """Indexes of the ``{`` that open group graph patterns, where a ``VALUES`` block may stand.

    Not the braces of ``VALUES`` data, nor a ``{`` that holds a sub-``SELECT`` (nothing may
    precede it there; its own WHERE clause gets the block), nor an annotation ``{|``.
    """
    blanked = _strip_comments_and_strings(text)
    data = set()
    for match in _VALUES_DATA.finditer(blanked):
        end = blanked.find("}", match.start(1))
        data.update(range(match.start(1), len(blanked) if end < 0 else end + 1))
    return [i for i, char in enumerate(blanked)
            if char == "{" and i not in data and not blanked.startswith("|", i + 1)
            and not _SUBSELECT.match(blanked, i + 1)]


def _bind(text: str, bindings: Mapping[str, Node] | None) -> tuple[str, Insertions]:
    """The query with the bindings as inline ``VALUES`` blocks, and where they were inserted.

    The block opens every group of the query, on the same line as its ``{`` (so line numbers of
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
    insert = f" {block} "
    parts, previous = [], 0
    for brace in starts:
        parts.append(text[previous:brace + 1])
        parts.append(insert)
        previous = brace + 1
    parts.append(text[previous:])
    return "".join(parts), [(brace + 1, len(insert)) for brace in starts]


def _original_index(index: int, insertions: Insertions) -> int:
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

    For engines without ``initBindings`` (pyoxigraph, a remote endpoint); see :func:`_bind`.
    pyoxigraph's own SEP-0007 ``substitutions`` would do, but it accepts only projected variables.
    """
    return _bind(text, bindings)[0]


def values_block(bindings: Mapping[str, Node]) -> str:
    """``VALUES (?a ?b) { (term term) }`` for ``bindings`` (terms and names checked)."""
    return _values_block(bindings)


def _refuse_update(text: str, source: str) -> None:
    form = query_form(text)
    if form in _UPDATES:
        index = _FORM.search(_strip_comments_and_strings(text)).start()
        line, column = _position(text, index)
        raise QuerySyntaxError(f"{form} is a SPARQL update; spinekg runs read-only queries (SELECT or ASK)",
                               source, line, column)
    if form in ("CONSTRUCT", "DESCRIBE"):
        raise QuerySyntaxError(f"{form} queries return a graph; run a SELECT or ASK query here "
                               "(export the graph with 'spinekg export')", source)


# ---------------------------------------------------------------------------------------------
# rdflib

class RdflibEngine:
    """Queries on an rdflib graph; prepared queries are parsed once and reused."""

    name = "rdflib"

    def __init__(self, graph: Graph):
        self.graph = graph
        self._prepared: dict[str, Any] = {}

    def prepare(self, text: str, source: str = "<query>"):
        """Parse and translate a query once (raises :class:`QuerySyntaxError`)."""
        prepared = self._prepared.get(text)
        if prepared is None:
            _refuse_update(text, source)
            from rdflib.plugins.sparql import prepareQuery

            try:
                prepared = prepareQuery(text)
            except Exception as err:  # pyparsing errors, rdflib's bare Exception for prefixes
                raise parse_error(err, text, source) from err
            self._prepared[text] = prepared
        return prepared

    def select(self, text: str, bindings: Mapping[str, Node] | None = None, *,
               source: str = "<query>") -> Results:
        prepared = self.prepare(text, source)
        init = {Variable(k): v for k, v in (bindings or {}).items()}
        result = self.graph.query(prepared, initBindings=init)
        if result.type == "ASK":
            return Results(columns=(), boolean=bool(result.askAnswer))
        columns = tuple(str(v) for v in result.vars)
        rows = tuple({c: row[i] for i, c in enumerate(columns)} for row in result)
        return Results(columns=columns, rows=rows, labels=self.labels(_iris(rows)))

    def labels(self, iris: set[URIRef]) -> dict[URIRef, str]:
        out = {}
        for iri in iris:
            best = None
            for label in self.graph.objects(iri, RDFS.label):
                if best is None or (getattr(label, "language", None) == "en" and best.language != "en"):
                    best = label
            if best is not None:
                out[iri] = str(best)
        return out


def _iris(rows) -> set[URIRef]:
    return {v for row in rows for v in row.values() if isinstance(v, URIRef)}


# ---------------------------------------------------------------------------------------------
# pyoxigraph

class OxigraphEngine:
    """Queries on a pyoxigraph store (an independent SPARQL engine, and a fast one)."""

    name = "oxigraph"

    def __init__(self, store, *, union: bool = False):
        self.store = store
        self.union = union  # the default graph is the union of the named graphs (spinekg's stores)

    @classmethod
    def from_graph(cls, graph: Graph) -> "OxigraphEngine":
        """Load an rdflib graph into a new in-memory pyoxigraph store (through N-Triples)."""
        import pyoxigraph

        store = pyoxigraph.Store()
        data = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        return cls(store)

    def select(self, text: str, bindings: Mapping[str, Node] | None = None, *,
               source: str = "<query>") -> Results:
        import pyoxigraph

        _refuse_update(text, source)
        try:
            result = self.store.query(bind_values(text, bindings), use_default_graph_as_union=self.union)
        except SyntaxError as err:
            raise parse_error(err, text, source) from err
        if isinstance(result, pyoxigraph.QueryBoolean):
            return Results(columns=(), boolean=bool(result))
        columns = tuple(v.value for v in result.variables)
        rows = tuple({c: _from_ox(solution[c]) for c in columns} for solution in result)
        return Results(columns=columns, rows=rows, labels=self.labels(_iris(rows)))

    def labels(self, iris: set[URIRef]) -> dict[URIRef, str]:
        import pyoxigraph

        out: dict[URIRef, str] = {}
        label = pyoxigraph.NamedNode(str(RDFS.label))
        for iri in iris:
            best = None
            for quad in self.store.quads_for_pattern(pyoxigraph.NamedNode(str(iri)), label, None):
                if best is None or (quad.object.language == "en" and best.language != "en"):
                    best = quad.object
            if best is not None:
                out[iri] = best.value
        return out


def _from_ox(term) -> Node | None:
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")
