"""The query library on a real Virtuoso gives the rows it gives on rdflib (issue 18, remote part).

One private Virtuoso (Debian's virtuoso-opensource 7, :mod:`tests.virtuoso`) is started for the
session, the shipped graph is put into it through the Graph Store Protocol as the graph
``urn:spinekg``, and every library query runs there with its example parameters (and a query
whose parameters are all optional also with none) the way a remote engine runs it: the values
bound as ``VALUES`` blocks (:func:`spinekg.query.text.bind_values`), sent with SPARQLWrapper as a
form-encoded POST (Virtuoso does not answer a direct ``application/sparql-query`` POST) with
``urn:spinekg`` as the default graph. The rows are read from the SPARQL 1.1 Query Results JSON by this module, not by
spinekg, and compared with the rows of the local rdflib graph.

What "the same rows" means:

* the same multiset of rows (duplicates count), each row the query's columns in header order;
* an IRI equals an IRI with the same text; a blank node matches any blank node;
* a numeric literal (``xsd:integer``, ``int``, ``long``, ``decimal``, ``double``, ...) equals a
  numeric literal of the same value, whatever its datatype: Virtuoso may type a count or an
  offset differently (``xsd:int``) than rdflib (``xsd:integer``);
* a boolean equals a boolean of the same value, written ``true``/``false`` or ``1``/``0``;
* any other literal: the same lexical form, the same datatype (``xsd:string`` is a simple
  literal, as in RDF 1.1) and the same language tag (compared case-insensitively, as BCP 47 tags
  are);
* order: the values of the header's ``Order`` columns, row by row, come in the same sequence on
  both (rows that tie on every ordering column may come in any order).
"""

from __future__ import annotations

import urllib.request
from collections import Counter
from decimal import Decimal, InvalidOperation

import pytest
from rdflib import BNode, Literal, URIRef

from spinekg.query.library import EntityIndex, bind_parameters, load_library
from spinekg.query.text import bind_values

pytestmark = pytest.mark.slow

GRAPH = "urn:spinekg"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in (
    "integer", "int", "long", "short", "byte", "decimal", "double", "float", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}

LIBRARY = load_library()
#: (query name, parameters): every query with its example values, and every query whose parameters
#: are all optional (the conflict rules have none) also with none
CASES = [(name, dict(spec.examples)) for name, spec in LIBRARY.items()]
CASES += [(name, {}) for name, spec in LIBRARY.items()
          if spec.parameters and all(p.optional for p in spec.parameters)]
def _case_id(name: str, params: dict) -> str:
    """``name`` for a query without parameters, else ``name[examples]`` or ``name[unbound]``."""
    if not LIBRARY[name].parameters:
        return name
    return f"{name}[{'examples' if params else 'unbound'}]"


def _literal(lexical: str, datatype: str | None, language: str | None) -> tuple:
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(lexical).normalize())
        except InvalidOperation:
            return ("literal", lexical, datatype, None)
    if datatype == XSD + "boolean":
        return ("boolean", lexical.strip() in ("true", "1"))
    if datatype == XSD + "string":
        datatype = None
    return ("literal", lexical, datatype, language.lower() if language else None)


def local_term(term) -> tuple | None:
    """An rdflib term (or None) in the comparison form."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal), term
    return _literal(str(term), str(term.datatype) if term.datatype else None, term.language)


def remote_term(binding: dict | None) -> tuple | None:
    """A SPARQL JSON results term (or None) in the comparison form."""
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ("iri", binding["value"])
    if binding["type"] == "bnode":
        return ("bnode",)
    assert binding["type"] in ("literal", "typed-literal"), binding
    return _literal(binding["value"], binding.get("datatype"), binding.get("xml:lang"))


@pytest.fixture(scope="session")
def virtuoso_graph(kg, tmp_path_factory):
    """A private Virtuoso holding the shipped graph as ``urn:spinekg``; stopped at the end."""
    import virtuoso

    server = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    try:
        request = urllib.request.Request(f"{server.graph_store}?graph-uri={GRAPH}", data=kg.serialize("nt"),
                                         method="PUT", headers={"Content-Type": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=300) as answer:
            assert answer.status in (200, 201, 204), answer.status
        yield server
    finally:
        server.stop()


def remote_rows(endpoint: str, text: str) -> list[dict]:
    from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setReturnFormat(JSON)
    client.setTimeout(300)
    client.addDefaultGraph(GRAPH)
    client.setQuery(text)
    return client.queryAndConvert()["results"]["bindings"]


@pytest.mark.parametrize(
    "name, params",
    [pytest.param(name, params, id=_case_id(name, params)) for name, params in CASES])
def test_virtuoso_gives_the_rows_of_rdflib(virtuoso_graph, kg, name, params):
    spec = LIBRARY[name]
    local = kg.query(name, **params)
    assert local.columns == spec.columns
    bindings = bind_parameters(spec, params, lambda: EntityIndex(kg.engine))
    remote = remote_rows(virtuoso_graph.sparql, bind_values(spec.text, bindings))
    local_rows = [tuple(local_term(row.get(c)) for c in spec.columns) for row in local.rows]
    remote_rows_ = [tuple(remote_term(row.get(c)) for c in spec.columns) for row in remote]
    missing = Counter(local_rows) - Counter(remote_rows_)
    extra = Counter(remote_rows_) - Counter(local_rows)
    assert not missing and not extra, (
        f"{name}: rdflib {len(local_rows)} rows, Virtuoso {len(remote_rows_)}; "
        f"only on rdflib {list(missing.elements())[:3]}; only on Virtuoso {list(extra.elements())[:3]}")
    order = [spec.columns.index(c.split()[0]) for c in spec.order]  # "documents descending"
    assert [tuple(row[i] for i in order) for row in remote_rows_] == \
        [tuple(row[i] for i in order) for row in local_rows], f"{name}: Virtuoso orders the rows differently"


def test_the_comparison_tells_terms_apart():
    """The comparison form keeps apart what differs and equates only what the docstring says."""
    assert local_term(Literal(3)) == remote_term({"type": "typed-literal", "value": "3", "datatype": XSD + "int"})
    assert local_term(Literal(3)) != remote_term({"type": "typed-literal", "value": "4", "datatype": XSD + "integer"})
    assert local_term(Literal(True)) == remote_term({"type": "typed-literal", "value": "1", "datatype": XSD + "boolean"})
    assert local_term(Literal(False)) != remote_term({"type": "typed-literal", "value": "true", "datatype": XSD + "boolean"})
    assert local_term(Literal("a")) == remote_term({"type": "literal", "value": "a"})
    assert local_term(Literal("a", lang="en")) != remote_term({"type": "literal", "value": "a"})
    assert local_term(URIRef("urn:x")) != remote_term({"type": "literal", "value": "urn:x"})
    assert local_term(Literal("3")) != remote_term({"type": "typed-literal", "value": "3", "datatype": XSD + "integer"})
