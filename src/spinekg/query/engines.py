"""Run SPARQL 1.1 queries on the knowledge graph, on three interchangeable engines.

* :class:`RdflibEngine`: the in-memory rdflib graph (the embedded default);
* :class:`OxigraphEngine`: a `pyoxigraph <https://pyoxigraph.readthedocs.io>`_ store, a second and
  independent SPARQL implementation (and a much faster one);
* :class:`RemoteEngine` (in :mod:`spinekg.query.remote`, on SPARQLWrapper): any SPARQL 1.1 Protocol endpoint.

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

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD
from rdflib.term import Node, Variable

from spinekg.core.errors import QueryLimitError, QuerySyntaxError
from spinekg.core.terms import curie
from spinekg.query.text import bind_values, check_query, parse_error, refuse_update
from spinekg.store.terms import from_oxigraph

__all__ = [
    "Results", "Engine", "RdflibEngine", "OxigraphEngine", "term_to_json", "term_from_json", "iris_in", "collect_rows",
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
            from spinekg.core.errors import SpinekgError

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
               source: str = "<query>", max_rows: int | None = None) -> Results:
        """Run a SELECT or ASK query with ``bindings`` bound; labels filled for the IRIs."""

    def labels(self, iris: set[URIRef]) -> dict[URIRef, str]:
        """The ``rdfs:label`` of each IRI that has one (English preferred)."""


# ---------------------------------------------------------------------------------------------
# terms

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
# rdflib

class RdflibEngine:
    """Queries on an rdflib graph; prepared queries are parsed once and reused."""

    name = "rdflib"

    def __init__(self, graph: Graph, *, allow_service: bool = False):
        self.graph = graph
        #: run queries that use SERVICE (requests to the servers they name); off by default
        self.allow_service = allow_service
        self._prepared: dict[str, Any] = {}

    def prepare(self, text: str, source: str = "<query>"):
        """Parse and translate a query once (raises :class:`QuerySyntaxError`)."""
        prepared = self._prepared.get(text)
        if prepared is None:
            refuse_update(text, source)
            from rdflib.plugins.sparql import prepareQuery

            try:
                prepared = prepareQuery(text)
            except Exception as err:  # pyparsing errors, rdflib's bare Exception for prefixes
                raise parse_error(err, text, source) from err
            self._prepared[text] = prepared
        return prepared

    def select(self, text: str, bindings: Mapping[str, Node] | None = None, *,
               source: str = "<query>", max_rows: int | None = None) -> Results:
        check_query(text, source, allow_service=self.allow_service)
        prepared = self.prepare(text, source)
        init = {Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self._run(prepared, init, max_rows)
        except Exception as err:
            if "requiring a dataset" in str(err):  # rdflib: GRAPH on a plain graph
                raise QuerySyntaxError("GRAPH needs named graphs, and the memory store holds one graph; run the "
                                       "query with --store oxigraph (the ontology and data graphs are named there)",
                                       source) from None
            raise

    def _run(self, prepared, init, max_rows: int | None) -> Results:
        result = self.graph.query(prepared, initBindings=init)
        if result.type == "ASK":
            return Results(columns=(), boolean=bool(result.askAnswer))
        columns = tuple(str(v) for v in result.vars)
        rows = collect_rows(({c: row[i] for i, c in enumerate(columns)} for row in result), max_rows)
        return Results(columns=columns, rows=rows, labels=self.labels(iris_in(rows)))

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


def collect_rows(rows, max_rows: int | None) -> tuple[dict, ...]:
    """The rows of an answer, read one at a time, stopping at ``max_rows`` + 1 (so a query that
    would give millions of rows fails early instead of filling the memory)."""
    out = []
    for row in rows:
        out.append(row)
        if max_rows is not None and len(out) > max_rows:
            raise QueryLimitError(f"the query gives more than {max_rows:,} rows; add a LIMIT, or raise the "
                                  "cap (--max-rows)")
    return tuple(out)


def iris_in(rows) -> set[URIRef]:
    """Every IRI in the rows (to fetch their labels)."""
    return {v for row in rows for v in row.values() if isinstance(v, URIRef)}


# ---------------------------------------------------------------------------------------------
# pyoxigraph

class OxigraphEngine:
    """Queries on a pyoxigraph store (an independent SPARQL engine, and a fast one)."""

    name = "oxigraph"

    def __init__(self, store, *, union: bool = False, allow_service: bool = False):
        self.store = store
        #: run queries that use SERVICE (requests to the servers they name); off by default
        self.allow_service = allow_service
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
               source: str = "<query>", max_rows: int | None = None) -> Results:
        import pyoxigraph

        check_query(text, source, allow_service=self.allow_service)
        try:
            result = self.store.query(bind_values(text, bindings), use_default_graph_as_union=self.union)
        except SyntaxError as err:
            raise parse_error(err, text, source) from err
        if isinstance(result, pyoxigraph.QueryBoolean):
            return Results(columns=(), boolean=bool(result))
        columns = tuple(v.value for v in result.variables)
        rows = collect_rows(({c: from_oxigraph(solution[c]) for c in columns} for solution in result), max_rows)
        return Results(columns=columns, rows=rows, labels=self.labels(iris_in(rows)))

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
