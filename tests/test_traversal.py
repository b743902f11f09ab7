"""The traversal API on the shipped graph: entities, their real neighbours, claims and provenance."""

from __future__ import annotations

import pytest

STORE_SUITE = True  # every test on the kg fixture runs on each store (see conftest.STORES)
from rdflib import URIRef

from spinekg.core.errors import AmbiguousNameError, UnknownNameError
from spinekg.core.namespaces import BIOLINK, RDF, RDFS, SPK

from conftest import corpus_dir


def names(entities) -> list[str]:
    return [str(e.iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for e in entities]


def test_entity_by_label_synonym_curie_and_iri(kg):
    prp = kg.entity("PRP")
    assert prp.iri == SPK.PlateletRichPlasmaTherapy
    for name in ("platelet-rich plasma therapy", "spk:PlateletRichPlasmaTherapy", str(SPK.PlateletRichPlasmaTherapy),
                 SPK.PlateletRichPlasmaTherapy):
        assert kg.entity(name) == prp
    assert prp.label == "platelet-rich plasma therapy"
    assert prp.category.iri == SPK.Treatment
    assert "PRP" in prp.synonyms
    assert prp.mappings == ["http://id.nlm.nih.gov/mesh/D053657"]


def test_unknown_and_ambiguous_names(kg):
    assert kg.entity("no such thing") is None
    with pytest.raises(UnknownNameError, match="did you mean"):
        kg.entity("platelet rich plasma therapi", strict=True)
    # the MeSH term "Platelet-Rich Plasma" is mapped from the substance and from the therapy
    with pytest.raises(AmbiguousNameError, match="platelet concentrate .*platelet-rich plasma therapy"):
        kg.entity("MESH:D053657")
    assert kg.entity("bone marrow concentrate").iri == SPK.BoneMarrowConcentrate  # a substance only


def test_domain_views_of_prp(kg):
    prp = kg.entity("PRP")
    assert names(prp.mechanisms) == ["AntiInflammatoryEffect", "GrowthFactorRelease", "CellNourishment", "TissueRepair"]
    assert names(prp.cell_sources) == ["AutologousBlood"]
    assert "DegenerativeDiscDisease" in names(prp.indications)
    assert prp.risks == []


def test_views_are_the_direct_edges(kg):
    g = kg.graph
    for entity in (kg.entity("stem cell therapy"), kg.entity("PRP"), kg.entity("bone marrow stem cell therapy")):
        assert {e.iri for e in entity.mechanisms} == set(g.objects(entity.iri, SPK.hasMechanism))
        assert {e.iri for e in entity.indications} == set(g.objects(entity.iri, SPK.treats))
        assert {e.iri for e in entity.risks} == (set(g.objects(entity.iri, SPK.hasRisk))
                                                 | set(g.objects(entity.iri, SPK.hasReportedAdverseEvent)))
    back_pain = kg.entity("back pain")
    assert {e.iri for e in back_pain.treatments} == set(g.subjects(SPK.treats, SPK.BackPain))
    assert "ComputerizedSpinalAdjustment" in names(back_pain.treatments)


def test_regulatory_status_of_stem_cell_therapy(kg):
    statuses = kg.entity("stem cell therapy").regulatory_status
    assert names(statuses) == ["Status003StemCellsApproved", "Status003StemCellsNotApprovedOtherUses"]
    assert names(kg.entity("bone marrow stem cell therapy").regulatory_status) == ["Status003BoneMarrowNotApproved"]


def test_neighbors_by_predicate_and_direction(kg):
    neck_pain = kg.entity("neck pain")
    causes_in = neck_pain.neighbors("causes", direction="in")
    assert {e.iri for e in causes_in} == set(kg.graph.subjects(SPK.causes, SPK.NeckPain))
    out = neck_pain.neighbors("causes")
    assert {e.iri for e in out} == set(kg.graph.objects(SPK.NeckPain, SPK.causes))
    both = neck_pain.neighbors(direction="both")
    assert set(causes_in) <= set(both) and set(out) <= set(both)
    assert all(isinstance(e.iri, URIRef) for e in both)
    with pytest.raises(ValueError, match="direction"):
        neck_pain.neighbors(direction="sideways")


def test_claims_carry_quote_offsets_and_qualifiers(kg):
    claims = kg.claims(subject="PRP", predicate="has mechanism")
    assert len(claims) == 5
    texts = {p.stem: p.read_text(encoding="utf-8") for p in corpus_dir().glob("*.txt")}
    for claim in claims:
        assert claim.subject.iri == SPK.PlateletRichPlasmaTherapy
        assert claim.predicate == SPK.hasMechanism
        file = claim.document.iri.rsplit("/", 1)[-1]
        assert texts[file][claim.start:claim.end] == claim.quote
    hedged = [c for c in claims if c.modality == "hedged"]
    assert {c.document.iri.rsplit("/", 1)[-1][:3] for c in hedged} == {"000", "004"}
    assert kg.claims(subject="PRP", predicate="spk:hasMechanism", modality="hedged") == hedged


def test_claim_filters_match_an_independent_count(kg):
    g = kg.graph
    all_claims = set(g.subjects(RDF.type, SPK.Claim))
    assert len(kg.claims()) == len(all_claims) == 794
    for kind, cls in (("assertion", SPK.AssertionClaim), ("recommendation", SPK.RecommendationClaim),
                      ("evidence", SPK.EvidenceClaim)):
        of_kind = {c for c in all_claims if (c, RDF.type, cls) in g}
        assert of_kind and {c.iri for c in kg.claims(kind=kind)} == of_kind
    with pytest.raises(ValueError, match="kind must be one of"):
        kg.claims(kind="fact")
    negated = {c for c in all_claims if g.value(c, BIOLINK.negated).toPython()}
    assert {c.iri for c in kg.claims(negated=True)} == negated
    doc = URIRef("https://w3id.org/spinekg/id/doc/003_ce75392af366c0c5")
    in_003 = {c for c in all_claims if (c, SPK.statedIn, doc) in g}
    assert {c.iri for c in kg.claims(document="003")} == in_003
    assert {c.iri for c in kg.claims(document="003", modality="hedged")} == {
        c for c in in_003 if (c, SPK.modality, SPK.Hedged) in g}
    with pytest.raises(ValueError, match="modality"):
        kg.claims(modality="sure")


def test_attribution(kg):
    mayo = [c for c in kg.claims(document="000") if c.attributed_to is not None]
    assert {str(getattr(c.attributed_to, "label", c.attributed_to)) for c in mayo} >= {"Mayo Clinic"}
    assert all(c.attributed_to is None for c in kg.claims(document="000", subject="PRP"))


def test_entity_claims_and_documents(kg):
    ddd = kg.entity("degenerative disc disease")
    claims = ddd.claims()
    assert claims and all(SPK.DegenerativeDiscDisease in (c.subject.iri, getattr(c.object, "iri", None)) for c in claims)
    assert [d.iri.rsplit("/", 1)[-1][:3] for d in ddd.documents()] == ["002", "003", "004"]


def test_lists_of_treatments_and_pathologies(kg):
    treatments = kg.treatments()
    assert kg.entity("PRP") in treatments and kg.entity("back pain") not in treatments
    assert kg.entity("back pain") in kg.pathologies()
    assert all(t.category.iri == SPK.Treatment for t in treatments)


def test_paths_between_real_entities(kg):
    paths = kg.paths("PRP", "neck pain", max_length=2)
    assert paths and all(len(p) <= 2 for p in paths)
    assert [len(p) for p in paths] == sorted(len(p) for p in paths)
    for path in paths:
        nodes = {path[0].subject.iri, path[0].object.iri}
        for step in path:
            assert (step.subject.iri, step.predicate, step.object.iri) in kg.graph
        assert SPK.PlateletRichPlasmaTherapy in nodes
        assert SPK.NeckPain in {path[-1].subject.iri, path[-1].object.iri}
    via_chronic = [[(s.subject.iri, s.predicate, s.object.iri) for s in p] for p in paths]
    assert [(SPK.PlateletRichPlasmaTherapy, SPK.treats, SPK.ChronicNeckPain),
            (SPK.ChronicNeckPain, RDFS.subClassOf, SPK.NeckPain)] in via_chronic
    assert kg.paths("PRP", "neck pain", max_length=1) == []  # PRP is not said to treat neck pain itself
    with pytest.raises(ValueError, match="max_length"):
        kg.paths("PRP", "neck pain", max_length=0)
    assert "is a" in repr(paths)


def test_subgraph_around_an_entity(kg):
    sub = kg.subgraph("PRP", depth=1)
    view, full = sub.to_networkx(), kg.to_networkx()
    expected = {SPK.PlateletRichPlasmaTherapy} | set(full.successors(SPK.PlateletRichPlasmaTherapy)) | set(
        full.predecessors(SPK.PlateletRichPlasmaTherapy))
    assert set(view.nodes) == expected
    assert {(s, o, k) for s, o, k in view.edges(keys=True)} == {
        (s, o, k) for s, o, k in full.edges(keys=True) if s in expected and o in expected}
    for s, o, k, data in view.edges(keys=True, data=True):
        assert data["claims"] == full.edges[s, o, k]["claims"]  # every claim of a kept edge came along
    assert sub.entity("PRP").category.label == "treatment"
    assert [e.iri for e in sub.entity("PRP").mechanisms] == [e.iri for e in kg.entity("PRP").mechanisms]
    for claim in sub.claims():
        assert claim.quote and claim.document.label and claim.start is not None
    assert len(sub.graph) < len(kg.graph) / 4
    assert set(kg.subgraph("PRP", depth=0).to_networkx().nodes) <= {SPK.PlateletRichPlasmaTherapy}
    assert len(kg.subgraph("PRP", depth=2).to_networkx()) > len(view)
    with pytest.raises(UnknownNameError):
        kg.subgraph("no such entity")
