"""The claim model: a direct edge only where a claim asserts it; denials, recommendations and
reported evidence present only as claims; traversal that shows a denied relation only when asked.

Read against the graph itself (claims reified with rdf:subject/predicate/object), not through the
traversal code under test.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from spinekg.core.errors import CurationError
from spinekg.core.namespaces import BIOLINK, PROV, SPK
from spinekg.model.curation import read_document

FILES = {"000": "000_0e4ad2cffa1f476f", "001": "001_5b7cb8a502fbf0ae", "002": "002_e5784d77ced1175a",
         "003": "003_ce75392af366c0c5", "004": "004_18a61ff07f1e7ac0"}


def _triple(g, claim):
    return tuple(g.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))


def _stances(kg):
    """Each relation's claims by what they do with it, read from the graph."""
    g = kg.data
    found: dict[tuple, Counter] = {}
    for claim in g.subjects(RDF.type, SPK.Claim):
        if (claim, RDF.type, SPK.RecommendationClaim) in g:
            kind = "recommended"
        elif (claim, RDF.type, SPK.EvidenceClaim) in g:
            kind = "evidence"
        elif g.value(claim, BIOLINK.negated) == Literal(True):
            kind = "denied"
        else:
            assert (claim, RDF.type, SPK.AssertionClaim) in g
            kind = "asserted"
        found.setdefault(_triple(g, claim), Counter())[kind] += 1
    return found


def test_every_claim_has_exactly_one_kind(kg):
    g = kg.data
    kinds = (SPK.AssertionClaim, SPK.RecommendationClaim, SPK.EvidenceClaim)
    claims = set(g.subjects(RDF.type, SPK.Claim))
    assert len(claims) > 700
    for claim in claims:
        assert sum((claim, RDF.type, k) in g for k in kinds) == 1, claim
    for claim in g.subjects(RDF.type, SPK.EvidenceClaim):
        assert g.value(claim, SPK.evidenceDirection) in (SPK.Supports, SPK.Refutes, SPK.Insufficient)
        assert g.value(claim, BIOLINK.negated) == Literal(False)


def test_no_direct_edge_without_an_asserting_claim(kg):
    """Over the whole graph: a relation between entities is a triple only where a document asserts
    it (or the curators add it as reference data); a document's own individuals (statistics,
    regulatory statuses) carry their attributes, derived from the claims that mention them."""
    g = kg.data
    relations = set(kg.ontology.subjects(RDF.type, OWL.ObjectProperty)) | {RDFS.subClassOf}
    stances = _stances(kg)
    reference = {_triple(g, r) for r in g.subjects(RDF.type, SPK.ReferenceAssertion)}
    edges = [(s, p, o) for s, p, o in g if p in relations and isinstance(o, URIRef)
             and (s, RDF.type, SPK.Claim) not in g]
    assert len(edges) > 500
    unexplained = []
    for s, p, o in edges:
        if stances.get((s, p, o), Counter())["asserted"] or (s, p, o) in reference:
            continue
        if (s, RDF.type, SPK.WebPage) in g or set(g.objects(s, PROV.wasDerivedFrom)):
            continue  # a document's structure, or an individual's attribute derived from its claims
        unexplained.append((s, p, o))
    assert unexplained == []
    # ... and the converse: every asserted relation is an edge
    assert all((s, p, o) in kg.graph for (s, p, o), kinds in stances.items() if kinds["asserted"])


def test_denied_recommended_and_evidenced_relations_are_only_claims(kg):
    g = kg.data
    stances = _stances(kg)
    only = {kind: [t for t, kinds in stances.items() if kinds[kind] and not kinds["asserted"]]
            for kind in ("denied", "recommended", "evidence")}
    assert len(only["denied"]) >= 15 and only["recommended"] and only["evidence"]
    for kind, triples in only.items():
        for triple in triples:
            assert triple not in g, (kind, triple)


def test_a_denial_is_followed_only_when_asked_for(kg):
    """004, 1993-2070: the allograft therapy does not use stem cells from embryonic tissue."""
    allograft = kg.entity("spk:AllograftStemCellTherapy")
    denial = [c for c in kg.claims(subject=allograft, predicate="hasCellSource", object="spk:EmbryonicTissueSource")]
    assert [(c.document.iri.split("/")[-1], c.start, c.end, c.negated, c.kind) for c in denial] == [
        (FILES["004"], 1993, 2070, True, "assertion")]
    embryonic = kg.entity("spk:EmbryonicTissueSource")
    assert embryonic not in allograft.neighbors("hasCellSource")
    assert embryonic not in allograft.cell_sources
    assert embryonic in allograft.neighbors("hasCellSource", stance="denied")
    assert embryonic in allograft.neighbors(stance="any")
    assert allograft in embryonic.neighbors(direction="in", stance="denied")
    assert not any(len(path) == 1 for path in kg.paths(allograft, embryonic, max_length=1))
    assert [len(path) for path in kg.paths(allograft, embryonic, max_length=1, denied=True)] == [1]
    view = kg.to_networkx("entities")
    assert not view.has_edge(allograft.iri, embryonic.iri)
    edge = kg.to_networkx("entities", denied=True).get_edge_data(allograft.iri, embryonic.iri)[SPK.hasCellSource]
    assert edge["stance"] == "denied" and edge["denied_by"] == [FILES["004"]] and edge["asserted_by"] == []
    with pytest.raises(ValueError, match="stance must be one of"):
        allograft.neighbors(stance="maybe")


def test_networkx_edges_say_who_asserts_hedges_and_denies(kg):
    view = kg.to_networkx("entities")
    stances = _stances(kg)
    contested = [(s, p, o) for s, o, p, d in view.edges(keys=True, data=True) if d["stance"] == "contested"]
    for s, o, p, d in view.edges(keys=True, data=True):
        kinds = stances.get((s, p, o), Counter())
        assert bool(d["denied_by"]) == bool(kinds["denied"])
        assert d["stance"] == ("contested" if kinds["denied"] else "asserted")
        if kinds["asserted"]:
            assert d["asserted_by"] or d["hedged_by"]
    assert all(stances[t]["asserted"] and stances[t]["denied"] for t in contested)


def test_the_2022_review_is_evidence_against_bone_marrow_stem_cell_therapy(kg):
    """003, 3482-3679: less than half had pain relief at 6 months, less than one third any
    functional improvement: evidence that refutes the effects, not claims of them."""
    review = kg.claims(subject="spk:BoneMarrowStemCellTherapy", predicate="hasTherapeuticEffect", document="003",
                       kind="evidence")
    found = {(c.object.iri.split("#")[-1], c.direction, c.start, c.end) for c in review}
    assert {("PainRelief", "refutes", 3482, 3679), ("ImprovedFunction", "refutes", 3482, 3679)} <= found
    for claim in review:
        if claim.start == 3482:
            assert claim.statistic is not None and claim.attributed_to is not None
    asserted_by_003 = kg.claims(subject="spk:BoneMarrowStemCellTherapy", predicate="hasTherapeuticEffect",
                                object="spk:PainRelief", document="003", kind="assertion")
    assert asserted_by_003 == []


def test_which_pages_claim_efficacy_and_what_evidence_speaks_against_it(kg):
    results = kg.query("efficacy-and-counter-evidence", treatment="bone marrow stem cell therapy")
    rows = [{k: row[k] for k in results.columns} for row in results]
    assert rows
    against = {(str(r["claimed_in"]).split("/")[-1], str(r["evidence_in"]).split("/")[-1], r["direction"])
               for r in rows}
    assert (FILES["004"], FILES["003"], SPK.Refutes) in against
    for row in rows:
        assert row["direction"] in (SPK.Refutes, SPK.Insufficient)
        assert (row["stated_treatment"], RDFS.subClassOf, None) in kg.graph
    same = [r for r in rows if str(r["relation"]) == "same" and r["outcome"] == SPK.PainRelief]
    assert same and all(r["evidence_outcome"] == SPK.PainRelief for r in same)
    # the parameter narrows: PRP claims are not about bone-marrow stem cell therapy
    assert SPK.PlateletRichPlasmaTherapy not in {r["stated_treatment"] for r in rows}


# -- the curation format ------------------------------------------------------------------------

_DOC = """document:
  file: 000_0e4ad2cffa1f476f
  sha256: "{sha}"
statements:
  - quote: PRP
    start: 0
    end: 3
    claims:
      - {claim}
"""


@pytest.mark.parametrize("claim, message", [
    ("{s: PlateletRichPlasmaTherapy, p: treats, o: NeckPain, recommendation: should, direction: supports}",
     "either a recommendation or evidence"),
    ("{s: PlateletRichPlasmaTherapy, p: treats, o: NeckPain, direction: proves}", "direction 'proves' must be one of"),
    ("{s: PlateletRichPlasmaTherapy, p: treats, o: NeckPain, statistic: Stat1}", "'statistic' needs 'direction'"),
    ("{s: PlateletRichPlasmaTherapy, p: treats, o: NeckPain, direction: refutes, negated: true}",
     "evidence has a direction instead of a negation"),
    ("{s: PlateletRichPlasmaTherapy, p: treats, o: NeckPain, recommendation: must}",
     "recommendation 'must' is not in the quote"),
])
def test_claim_kind_errors_name_the_line(tmp_path, claim, message):
    path = tmp_path / "000_0e4ad2cffa1f476f.yaml"
    path.write_text(_DOC.format(sha="0" * 64, claim=claim), encoding="utf-8")
    with pytest.raises(CurationError) as err:
        read_document(path)
    assert message in str(err.value) and f"{path}:" in str(err.value)


def test_recommendation_and_evidence_are_read(tmp_path):
    path = tmp_path / "000_0e4ad2cffa1f476f.yaml"
    path.write_text(_DOC.replace("quote: PRP", "quote: PRP should").replace("end: 3", "end: 10").format(
        sha="0" * 64, claim="{s: PlateletRichPlasmaTherapy, p: treats, o: NeckPain, recommendation: should}"),
        encoding="utf-8")
    claim = read_document(path).statements[0].claims[0]
    assert (claim.kind, claim.recommendation_cue, claim.direction) == ("recommendation", "should", None)
    path.write_text(_DOC.format(sha="0" * 64, claim="{s: A, p: treats, o: B, direction: insufficient}"),
                    encoding="utf-8")
    claim = read_document(path).statements[0].claims[0]
    assert (claim.kind, claim.direction, claim.statistic) == ("evidence", "insufficient", None)


def test_denied_relations_query(kg):
    results = kg.query("denied-relations", document="004")
    rows = [{k: row[k] for k in results.columns} for row in results]
    assert (SPK.AllograftStemCellTherapy, SPK.hasCellSource, SPK.EmbryonicTissueSource, "does not use") in {
        (r["subject"], r["predicate"], r["object"], str(r["cue"])) for r in rows}
    for row in rows:  # a denied relation is an edge only where another document asserts it
        edge = (row["subject"], row["predicate"], row["object"]) in kg.graph
        assert edge == any(r["asserted_in"] is not None for r in rows
                           if (r["subject"], r["predicate"], r["object"]) == (row["subject"], row["predicate"], row["object"]))
