"""The SPARQL validation engine (``validate(..., engine="sparql")``, :mod:`spinekg.validation.sparql`)
reports exactly what pyshacl reports: the same rows (severity, shape, focus, path, value,
component, message, evidence) and the same ``conforms``, on the shipped graph, on every defect
of the shape fixtures (test_shape_fixtures.py), on the content conflicts, on a synthetic graph and
on custom shapes without messages (pyshacl's own wording). It refuses constructs it does not
implement, and validating a graph held in Oxigraph leaves the store as it found it.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

import test_shape_fixtures as fixtures
from spinekg.core.errors import ShapesError
from spinekg.core.namespaces import RDFS, SCHEMA, SPK
from spinekg.validation.shacl import VALIDATION_GRAPH, validate

ROOT = Path(__file__).resolve().parents[1]


def _both(kg, **kwargs):
    """(pyshacl result, sparql result) for the same graph and arguments."""
    return validate(kg, **kwargs), validate(kg, engine="sparql", **kwargs)


#: Known divergences, both in OneCategory's message, whose {?categories} is a GROUP_CONCAT:
#: * its order is unspecified in SPARQL (https://www.w3.org/TR/sparql11-query/#defn_aggGroupConcat),
#:   so the categories of an entity filed under two may be listed either way round;
#: * over an entity with no category the aggregate is an error, so the variable is unbound and its
#:   {?var} stays as written (Oxigraph); rdflib turns the error into the text below, which pyshacl
#:   puts in the message.
_RDFLIB_UNBOUND = re.compile(r"Non-literal passes as string: NotBoundError\(None\)|\{[?$]\w+\}")
_LIST = re.compile(r"\(([^()]*, [^()]*)\)")


def _comparable(rows) -> list:
    def message(text: str) -> str:
        text = _RDFLIB_UNBOUND.sub("(unbound)", text)
        return _LIST.sub(lambda m: "(" + ", ".join(sorted(m.group(1).split(", "))) + ")", text)

    return [dataclasses.replace(r, message=message(r.message)) for r in rows]


def _difference(reference, candidate) -> str:
    """The rows only one engine reports, for an assertion message."""
    ours, theirs = Counter(_comparable(candidate.rows)), Counter(_comparable(reference.rows))
    lines = [f"pyshacl only: {r}" for r in (theirs - ours).elements()]
    lines += [f"sparql only: {r}" for r in (ours - theirs).elements()]
    return "\n".join(lines[:10])


def _assert_same(reference, candidate) -> None:
    assert _comparable(candidate.rows) == _comparable(reference.rows), _difference(reference, candidate)
    assert candidate.conforms == reference.conforms
    assert candidate.text_checked == reference.text_checked


# -- the shipped graph and the fixtures -------------------------------------------------------------

@pytest.mark.slow
def test_shipped_graph(kg, corpus):
    reference, candidate = _both(kg, corpus=corpus)
    assert candidate.summary() == "0 violations, 76 warnings, 60 info"
    _assert_same(reference, candidate)


@pytest.fixture(scope="module")
def clinic_a_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("clinic_a") / "data"
    shutil.copytree(fixtures.FIXTURES / "data", data)
    (data / "documents" / "clinic_b.yaml").unlink()
    return data


@pytest.fixture(scope="module")
def batch(clinic_a_data):
    """The defect batch of test_shape_fixtures (every mutation at once, with its controls),
    validated by both engines; and each case's expected focus node."""
    kg = fixtures._compile(clinic_a_data, embed_text=True)
    b = fixtures.Batch(kg.graph)
    fixtures._add_controls(b)
    fixtures._add_generated_controls(b)
    focus = {c.id: str(c.mutate(b)) for c in fixtures.CORE + fixtures.GENERATED}
    return focus, *_both(kg)


@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_defect_batch(batch):
    _focus, reference, candidate = batch
    _assert_same(reference, candidate)


@pytest.mark.parametrize("c", fixtures.CORE + fixtures.GENERATED, ids=lambda c: c.id)
def test_each_defect(batch, c):
    """Each case's focus node gets the same results from both engines, its own shape's among them."""
    focus, reference, candidate = batch
    mine = [r for r in candidate.rows if r.focus == focus[c.id]]
    assert _comparable(mine) == _comparable(r for r in reference.rows if r.focus == focus[c.id])
    assert any(r.shape == str(c.shape) and r.severity == c.severity for r in mine)


@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_content_conflicts():
    """clinic_a + clinic_b: one of each warning, compared with the corpus texts."""
    reference, candidate = _both(fixtures._compile(fixtures.FIXTURES / "data"), corpus=fixtures.CORPUS)
    assert sorted(fixtures._local(URIRef(r.shape)) for r in candidate.rows if r.severity == "warning") == \
        ["ContradictionConflict", "ExclusiveStatusConflict", "HedgedElsewhereAsserted", "RegulatoryConflict"]
    _assert_same(reference, candidate)


@pytest.mark.slow
def test_clinic_a_alone(clinic_a_data):
    _assert_same(*_both(fixtures._compile(clinic_a_data), corpus=fixtures.CORPUS))


@pytest.mark.slow
def test_synthetic_graph(kg, tmp_path):
    from spinekg.synthetic import synthetic_graph

    graph = synthetic_graph(20, folder=tmp_path, kg=kg)
    reference, candidate = _both(graph, corpus=tmp_path / "corpus")
    assert candidate.text_checked and candidate.counts["violation"] == 0
    _assert_same(reference, candidate)


# -- shapes of one's own --------------------------------------------------------------------------

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix spk: <https://w3id.org/spinekg/vocab#> .
@prefix oa: <http://www.w3.org/ns/oa#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://e.x/> .
"""

#: Custom shapes without sh:message (pyshacl's generic wording), on constructs the shipped shapes
#: do not combine this way: anonymous property shapes, inverse and one-or-more paths, a node
#: shape's sh:hasValue and sh:in, a qualified maximum, sh:equals on a node shape, $PATH and
#: {$this} in a SHACL-SPARQL constraint of a property shape, a SHACL-SPARQL query whose WHERE
#: does not mention $this, a SPARQL target.
CUSTOM = PREFIXES + """
ex:Documents a sh:NodeShape ; sh:targetClass spk:WebPage ;
  sh:property [ sh:path rdfs:comment ; sh:minCount 1 ] ,
              [ sh:path spk:fileName ; sh:maxCount 0 ] ,
              [ sh:path [ sh:inversePath spk:statedIn ] ; sh:minCount 1000 ; sh:class spk:Claim ] ,
              [ sh:path spk:fileName ; sh:pattern "^clinic_b$" ; sh:minLength 9 ; sh:datatype xsd:date ] ,
              [ sh:path spk:sha256 ; sh:sparql [ sh:select \"\"\"
                  SELECT $this ?value WHERE { $this $PATH ?value . FILTER (STRLEN(?value) = 64) }\"\"\" ;
                  sh:message "{$this} has hash {?value}" ] ] .
ex:Selectors a sh:NodeShape ; sh:targetClass oa:TextPositionSelector ;
  sh:property [ sh:path oa:start ; sh:minInclusive 40 ; sh:nodeKind sh:IRI ; sh:lessThan oa:start ] .
ex:Spans a sh:NodeShape ; sh:targetClass oa:SpecificResource ;
  sh:property [ sh:path oa:hasSelector ; sh:qualifiedValueShape [ sh:class oa:TextQuoteSelector ] ;
                sh:qualifiedMaxCount 0 ] ,
              [ sh:path ( oa:hasSelector [ sh:oneOrMorePath oa:exact ] ) ; sh:languageIn ( "en" ) ] .
ex:Modalities a sh:NodeShape ; sh:targetObjectsOf spk:modality ; sh:hasValue spk:Asserted ;
  sh:in ( spk:Hedged ) ; sh:equals rdfs:seeAlso ;
  sh:or ( [ sh:nodeKind sh:Literal ] [ sh:path rdfs:label ; sh:minCount 2 ] ) .
ex:Counted a sh:NodeShape ; sh:targetClass spk:WebPage ; sh:sparql [ sh:message "{$this} and {?n} states" ;
  sh:select "SELECT $this ?n WHERE { $this a <https://w3id.org/spinekg/vocab#WebPage> . { SELECT $this (COUNT(?s) AS ?n) WHERE { $this a <https://w3id.org/spinekg/vocab#WebPage> . ?s a oa:TimeState } GROUP BY $this } }" ;
  sh:prefixes ex:Prefixes ] .
ex:Prefixes sh:declare [ sh:prefix "oa" ; sh:namespace "http://www.w3.org/ns/oa#" ] .
ex:Picked a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this a <https://w3id.org/spinekg/vocab#Organization> }" ] ;
  sh:nodeKind sh:BlankNode .
"""


@pytest.fixture(scope="module")
def clinics():
    return fixtures._compile(fixtures.FIXTURES / "data")


def test_custom_shapes_without_messages(clinics, tmp_path):
    shapes = tmp_path / "custom.ttl"
    shapes.write_text(CUSTOM, encoding="utf-8")
    reference, candidate = _both(clinics, shapes=shapes, corpus=fixtures.CORPUS)
    components = {r.component for r in candidate.rows}
    assert len(components) >= 14, components
    _assert_same(reference, candidate)


@pytest.mark.parametrize("construct, shape", [
    ("sh:rule", "ex:S a sh:NodeShape ; sh:targetClass spk:WebPage ; sh:rule [ a sh:TripleRule ] ."),
    ("recursive shapes", "ex:S a sh:NodeShape ; sh:targetClass spk:WebPage ; sh:node [ sh:or ( ex:S ) ] ."),
    ("sh:qualifiedValueShape in a shape used by sh:node", "ex:S a sh:NodeShape ; sh:targetClass spk:WebPage ; "
     "sh:node [ sh:property [ sh:path spk:hasSnapshot ; sh:qualifiedValueShape [ sh:nodeKind sh:IRI ] ; "
     "sh:qualifiedMinCount 1 ] ] ."),
    ("SELECT \\* does not", "ex:S a sh:NodeShape ; sh:targetClass spk:WebPage ; sh:sparql [ sh:select "
     "\"SELECT $this WHERE { { SELECT * WHERE { $this ?p ?o } } }\" ] ."),
    ("sh:SPARQLTargetType", "ex:T a sh:SPARQLTargetType ; sh:select \"SELECT ?this WHERE { ?this ?p ?o }\" ."),
    ("MINUS", "ex:S a sh:NodeShape ; sh:targetClass spk:WebPage ; sh:sparql [ sh:select "
              "\"SELECT $this WHERE { $this ?p ?o MINUS { $this a ?t } }\" ] ."),
])
def test_unsupported_construct_is_named(clinics, tmp_path, construct, shape):
    path = tmp_path / "own.ttl"
    path.write_text(PREFIXES + shape + "\n", encoding="utf-8")
    with pytest.raises(ShapesError, match=rf"own\.ttl: .*{construct}") as err:
        validate(clinics, shapes=path, engine="sparql")
    assert "\n" not in str(err.value)


def test_unknown_engine_lists_both(clinics):
    with pytest.raises(ValueError, match="pyshacl, sparql"):
        validate(clinics, engine="jena")


# -- a graph held in Oxigraph -------------------------------------------------------------------

@pytest.mark.slow
def test_store_backed_graph_validates_in_place(clinics):
    """The texts and the ontology go to a scratch graph of the store, which is gone afterwards;
    nothing else in the store changes; the rows are pyshacl's on the same graph in rdflib."""
    import pyoxigraph

    stored = clinics.to_store("oxigraph")
    data_only = Graph()
    for triple in clinics.data:
        data_only.add(triple)
    store = stored.oxigraph
    ontology = pyoxigraph.NamedNode("https://w3id.org/spinekg/graph/ontology")
    store.remove_graph(ontology)  # a data-only store: validation adds the ontology for the while
    before = sorted(map(str, store))
    reference = validate(clinics, corpus=fixtures.CORPUS)
    candidate = validate(stored, corpus=fixtures.CORPUS, engine="sparql")
    assert not store.contains_named_graph(pyoxigraph.NamedNode(VALIDATION_GRAPH))
    assert sorted(map(str, store)) == before
    _assert_same(reference, candidate)


def test_scratch_graph_is_dropped_when_validation_fails(clinics, tmp_path):
    import pyoxigraph

    stored = clinics.to_store("oxigraph")
    path = tmp_path / "bad.ttl"
    path.write_text(PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass spk:WebPage ; sh:sparql [ sh:select "
                    "\"SELECT $this WHERE { $this nonsense }\" ] .\n", encoding="utf-8")
    with pytest.raises(ShapesError, match="bad SPARQL"):
        validate(stored, shapes=path, corpus=fixtures.CORPUS, engine="sparql")
    assert not stored.oxigraph.contains_named_graph(pyoxigraph.NamedNode(VALIDATION_GRAPH))


@pytest.mark.slow
def test_literals_are_reported_as_the_graph_writes_them(clinics):
    """Oxigraph stores "44.0"^^xsd:decimal as "44"; the report names the value as the graph writes
    it, as pyshacl does. (A value a SHACL-SPARQL query computes from such a literal is Oxigraph's.)"""
    graph = Graph()
    graph += clinics.graph
    doc = sorted(graph.subjects(SPK.fileName, None))[0]
    graph.set((doc, SCHEMA.datePublished, Literal("44.0", datatype=fixtures.XSD.decimal)))
    graph.add((doc, RDFS.comment, Literal("a page", lang="EN")))
    kg = type(clinics)(graph=graph, ontology=clinics.ontology)
    reference, candidate = _both(kg)
    assert "44.0" in {r.value for r in candidate.rows}
    _assert_same(reference, candidate)
