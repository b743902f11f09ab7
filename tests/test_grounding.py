"""Every claim is grounded: its quote is the document text at its offsets, and each document
node carries the SHA-256 of the text. Checked with an independent reader: the exported N-Quads
parsed by pyoxigraph, compared with the corpus files read directly."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest
from rdflib import RDF

from spinekg.core.namespaces import SPK

SPANS = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX spk: <https://w3id.org/spinekg/vocab#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX biolink: <https://w3id.org/biolink/vocab/>
SELECT ?claim ?file ?exact ?start ?end ?text WHERE {
  GRAPH ?g {
    ?claim a spk:Claim ; spk:statedIn ?doc ; prov:wasDerivedFrom ?span ; biolink:supporting_text ?text .
    ?doc spk:fileName ?file .
    ?span oa:hasSource ?doc ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] ,
                         [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] .
  }
}
"""


@pytest.fixture(scope="module")
def store(kg):
    store = ox.Store()
    store.load(kg.serialize("nquads"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def texts(corpus):
    return {p.stem: p.read_bytes() for p in corpus.glob("*.txt")}


def test_every_quote_is_the_text_at_its_offsets(store, texts):
    rows = list(store.query(SPANS))
    assert len(rows) >= 600, "expected the curated claims of all five documents"
    checked = 0
    for row in rows:
        text = texts[row["file"].value].decode("utf-8")
        start, end = int(row["start"].value), int(row["end"].value)
        assert 0 <= start < end <= len(text)
        assert text[start:end] == row["exact"].value, f"{row['claim'].value}: offsets do not give the quote"
        assert row["text"].value == row["exact"].value
        checked += 1
    assert checked == len(rows)


def test_every_claim_has_exactly_one_span(store, kg):
    n_claims = len(set(kg.data.subjects(RDF.type, SPK.Claim)))
    spans = {row["claim"].value for row in store.query(SPANS)}
    assert len(spans) == n_claims


def test_documents_carry_file_name_and_hash_of_their_text(store, texts):
    q = """PREFIX spk: <https://w3id.org/spinekg/vocab#>
           SELECT ?file ?sha WHERE { GRAPH ?g { ?doc a spk:WebPage ; spk:fileName ?file ; spk:sha256 ?sha } }"""
    found = {row["file"].value: row["sha"].value for row in store.query(q)}
    assert set(found) == set(texts), "one document node per corpus file"
    for file, sha in found.items():
        assert sha == hashlib.sha256(texts[file]).hexdigest()


def test_graph_builds_without_corpus_and_says_so():
    import spinekg

    kg = spinekg.load()
    assert kg.report.grounded is False
    assert "NOT re-checked" in kg.report.summary()
    assert kg.report.claims > 600


def test_lead_in_spans_are_the_text_at_their_offsets(store, texts):
    q = """PREFIX oa: <http://www.w3.org/ns/oa#>
           PREFIX spk: <https://w3id.org/spinekg/vocab#>
           SELECT ?claim ?file ?exact ?start ?end ?cue WHERE { GRAPH ?g {
             ?claim spk:leadInSpan ?span ; spk:statedIn ?doc .
             ?doc spk:fileName ?file .
             ?span oa:hasSelector [ oa:exact ?exact ] , [ oa:start ?start ; oa:end ?end ] .
             OPTIONAL { ?claim spk:modalityCue|spk:attributionCue ?cue }
           } }"""
    rows = list(store.query(q))
    assert len(rows) >= 30
    for row in rows:
        text = texts[row["file"].value].decode("utf-8")
        assert text[int(row["start"].value):int(row["end"].value)] == row["exact"].value


def test_every_cue_is_in_the_quote_or_the_lead_in(kg):
    from spinekg.core.namespaces import BIOLINK, OA

    g = kg.graph
    for claim in g.subjects(RDF.type, SPK.Claim):
        words = str(g.value(claim, BIOLINK.supporting_text))
        lead = g.value(claim, SPK.leadInSpan)
        if lead is not None:
            words += " " + " ".join(str(g.value(sel, OA.exact)) for sel in g.objects(lead, OA.hasSelector)
                                    if g.value(sel, OA.exact) is not None)
        for prop in (SPK.modalityCue, SPK.negationCue, SPK.attributionCue):
            for cue in g.objects(claim, prop):
                assert str(cue) in words, f"{claim}: cue {cue!r} is not in its quote"


def test_every_relation_is_said_by_a_document_or_marked_as_reference(kg):
    """Nothing is in the graph that no document says: each relation between entities is reified
    by a claim or by a curators' reference assertion, or describes a statistic or regulatory
    status that is derived from a claim."""
    from rdflib.namespace import OWL, PROV

    from spinekg.core.namespaces import SCHEMA

    g = kg.graph
    reified = set()
    for node in set(g.subjects(RDF.type, SPK.Claim)) | set(g.subjects(RDF.type, SPK.ReferenceAssertion)):
        reified.add((g.value(node, RDF.subject), g.value(node, RDF.predicate), g.value(node, RDF.object)))
    derived = {s for s in g.subjects(PROV.wasDerivedFrom, None)
               if (s, RDF.type, SPK.Statistic) in g or (s, RDF.type, SPK.RegulatoryStatus) in g}
    relations = set(g.subjects(RDF.type, OWL.ObjectProperty)) | {SCHEMA.name, SCHEMA.datePublished, SPK.telephone}
    claim_vocabulary = {SPK.statedIn, SPK.modality, SPK.attribution, SPK.anatomicalContext, SPK.hasSnapshot,
                        SPK.leadInSpan, SPK.evidenceDirection, SPK.reportsStatistic}
    unexplained = []
    for s, p, o in kg.data:
        if p not in relations or p in claim_vocabulary:
            continue
        if (s, p, o) in reified or s in derived:
            continue
        if (s, p, o) in kg.ontology:  # e.g. spk:ApprovedForUse spk:excludes ..., an ontology axiom
            continue
        unexplained.append((s, p, o))
    assert not unexplained, f"{len(unexplained)} relations said by no document, e.g. {unexplained[:3]}"
    assert len(reified) > 500


def test_statistics_and_statuses_are_derived_from_claims(kg):
    from rdflib.namespace import PROV

    g = kg.graph
    for cls in (SPK.Statistic, SPK.RegulatoryStatus):
        nodes = set(g.subjects(RDF.type, cls))
        assert nodes
        for node in nodes:
            sources = set(g.objects(node, PROV.wasDerivedFrom))
            assert sources and all((c, RDF.type, SPK.Claim) in g for c in sources), node
