"""The corrected readings of issue 14, pinned on the shipped graph.

Each test names the page and the offsets of the statement it pins, and checks the claim's kind
(assertion, recommendation, evidence), negation, modality, direction and statistic, and that a
claim which only denies, recommends or reports evidence leaves no direct edge unless another
claim asserts the relation.
"""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from spinekg.core.namespaces import SPK

D000, D001, D002, D003, D004 = ("000_0e4ad2cffa1f476f", "001_5b7cb8a502fbf0ae", "002_e5784d77ced1175a",
                                "003_ce75392af366c0c5", "004_18a61ff07f1e7ac0")


def T(name: str) -> URIRef:
    return SPK[name]


def local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def claims(kg, s=None, p=None, o=None, document=None):
    """Claims by local names (``BoneMarrowStemCellTherapy``, ``hasRisk``), as the data files write them."""
    return kg.claims(subject=s and f"spk:{s}", predicate=p, object=o and f"spk:{o}", document=document)


def one(kg, s, p, o, document, start, end=None):
    """The single claim ``s p o`` of ``document`` whose quote starts at ``start`` (and ends at ``end``)."""
    candidates = claims(kg, s, p, o, document)
    found = [c for c in candidates if c.start == start and (end is None or c.end == end)]
    assert len(found) == 1, (s, p, o, document, start, [(c.start, c.end) for c in candidates])
    return found[0]


def cue(kg, claim, which: str = "modalityCue"):
    value = kg.graph.value(claim.iri, SPK[which])
    return None if value is None else str(value)


def asserted_anywhere(kg, s, p, o) -> bool:
    return any(c.kind == "assertion" and not c.negated for c in claims(kg, s, p, o))


def edge(s, p, o):
    return (T(s), T(p), T(o))


# ---------------------------------------------------------------------------------------------
# The whole graph: a direct edge only where some claim asserts it
# ---------------------------------------------------------------------------------------------

def test_no_denial_recommendation_or_evidence_makes_an_edge_on_its_own(kg):
    g = kg.graph
    for claim in kg.claims():
        if claim.kind == "assertion" and not claim.negated:
            continue
        obj = claim.object
        triple = (claim.subject.iri, claim.predicate, getattr(obj, "iri", obj))
        if triple in g:
            assert any(c.kind == "assertion" and not c.negated
                       for c in kg.claims(subject=claim.subject, predicate=claim.predicate, object=obj)), claim


# ---------------------------------------------------------------------------------------------
# 1. 003, 3482-3679: the 2022 review is evidence against bone-marrow stem cell therapy
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("effect, statistic", [("PainRelief", "Stat003PainRelief6m"),
                                               ("ImprovedFunction", "Stat003FunctionalImprovement")])
def test_2022_review_refutes_the_efficacy_of_bone_marrow_stem_cell_therapy(kg, effect, statistic):
    claim = one(kg, "BoneMarrowStemCellTherapy", "hasTherapeuticEffect", effect, D003, 3482, 3679)
    assert claim.kind == "evidence"
    assert claim.direction == "refutes"
    assert not claim.negated
    assert local(claim.statistic.iri) == statistic
    assert local(claim.attributed_to.iri) == "Work003Review2022"
    # 003 no longer asserts the effect from the review's figures
    assert not [c for c in claims(kg, "BoneMarrowStemCellTherapy", "hasTherapeuticEffect", effect, D003)
                if c.kind == "assertion"]


def test_2022_review_leaves_no_edge_of_its_own(kg):
    # nobody asserts that bone-marrow stem cell therapy improves function: no edge
    assert not asserted_anywhere(kg, "BoneMarrowStemCellTherapy", "hasTherapeuticEffect", "ImprovedFunction")
    assert edge("BoneMarrowStemCellTherapy", "hasTherapeuticEffect", "ImprovedFunction") not in kg.graph
    # the statistics themselves are still the therapy's statistics
    for stat in ("Stat003PainRelief6m", "Stat003FunctionalImprovement"):
        claim = [c for c in claims(kg, "BoneMarrowStemCellTherapy", "hasStatistic", document=D003)
                 if local(c.object.iri) == stat]
        assert len(claim) == 1 and claim[0].kind == "assertion" and claim[0].start == 3482


def test_statements_about_the_evidence_of_003(kg):
    limited = one(kg, "BoneMarrowStemCellTherapy", "treats", "BackPain", D003, 3394, 3481)
    assert (limited.kind, limited.direction) == ("evidence", "insufficient")
    assert one(kg, "BoneMarrowStemCellTherapy", "hasCharacteristic", "UnprovenEfficacy", D003, 3394).kind == "assertion"
    optimistic = one(kg, "BoneMarrowStemCellTherapy", "treats", "BackPain", D003, 3680, 3852)
    assert (optimistic.kind, optimistic.direction, optimistic.modality) == ("evidence", "supports", "hedged")
    assert optimistic.attributed_to == "other studies have taken a more optimistic view"
    remains = one(kg, "BoneMarrowStemCellTherapy", "treats", "BackPain", D003, 3768, 3851)
    assert (remains.kind, remains.direction) == ("evidence", "insufficient")


def test_the_review_meets_an_efficacy_claim_of_another_page(kg):
    """What ``query efficacy-and-counter-evidence`` pairs (the query itself takes over a second, so
    the pairing is checked on the claims): 004's hedged claim that bone marrow improves pain, and
    003's review refuting the same effect of the same treatment."""
    claimed = [c for c in claims(kg, "BoneMarrowStemCellTherapy", "hasTherapeuticEffect", "PainRelief")
               if c.kind == "assertion" and not c.negated]
    assert {local(c.document.iri) for c in claimed} == {D004}
    against = [c for c in claims(kg, "BoneMarrowStemCellTherapy", "hasTherapeuticEffect", "PainRelief")
               if c.kind == "evidence"]
    assert [(local(c.document.iri), c.direction, c.start) for c in against] == [(D003, "refutes", 3482)]


# ---------------------------------------------------------------------------------------------
# 2. 000, 3861-4913: the clinic checklist is recommendations, not facts about orthobiologics
# ---------------------------------------------------------------------------------------------

CHECKLIST = [
    (4028, "requiresPractice", "UseOfAutologousProductsOnly", "Only use"),
    (4028, "hasCellSource", "AutologousSource", "Only use"),
    (4340, "requiresPractice", "SpecializedCentrifugeUse", "should"),
    (4340, "hasCellSource", "AutologousSource", "should"),
    (4340, "hasProcedureStep", "Centrifugation", "should"),
    (4340, "hasCharacteristic", "Personalized", "should"),
    (4514, "requiresPractice", "ImageGuidedDelivery", "should"),
    (4514, "guidedBy", "Fluoroscopy", "should"),
    (4514, "hasDeliveryRoute", "DirectInjectionAtSite", "should"),
    (4657, "requiresPractice", "PublishedOutcomesTrackRecord", "should"),
    (4772, "requiresPractice", "BoardCertifiedPhysician", "Require"),
]


@pytest.mark.parametrize("start, predicate, obj, words", CHECKLIST)
def test_checklist_items_are_recommendations(kg, start, predicate, obj, words):
    claim = one(kg, "Orthobiologics", predicate, obj, D000, start)
    assert claim.kind == "recommendation"
    assert not claim.negated
    assert cue(kg, claim, "recommendationCue") == words
    assert kg.graph.value(claim.iri, SPK.leadInSpan) is not None


def test_no_orthobiologic_is_autologous_by_the_checklist(kg):
    # "every orthobiologic is autologous" was the checklist read as a fact
    assert not asserted_anywhere(kg, "Orthobiologics", "hasCellSource", "AutologousSource")
    assert edge("Orthobiologics", "hasCellSource", "AutologousSource") not in kg.graph
    assert edge("Orthobiologics", "requiresPractice", "UseOfAutologousProductsOnly") not in kg.graph


def test_physician_assistants_are_advised_against(kg):
    claim = one(kg, "Orthobiologics", "requiresPractice", "NonPhysicianProviderPerformance", D000, 4839, 4913)
    assert claim.kind == "recommendation"
    assert claim.negated
    assert cue(kg, claim, "negationCue") == "not"
    assert edge("Orthobiologics", "requiresPractice", "NonPhysicianProviderPerformance") not in kg.graph


@pytest.mark.parametrize("doc, start, s, obj, words", [
    (D000, 5025, "Orthobiologics", "PatientUnderstandingBeforeTreatment", "need to"),
    (D000, 5070, "Orthobiologics", "ExtensiveRegenerativeExperience", "should consider only"),
    (D001, 3101, "MesenchymalStemCellTherapy", "AdvancedAnatomicalKnowledge", "require"),
    (D002, 712, "RegenerativeTreatment", "PatientUnderstandingBeforeTreatment", "can help patients make informed decisions"),
    (D002, 5908, "RegenerativeTreatment", "ComprehensiveSpecialistEvaluation", "is essential"),
    (D002, 6572, "RegenerativeTreatment", "ComprehensiveSpecialistEvaluation", "may help you explore"),
    (D003, 1189, "StemCellTherapy", "PatientUnderstandingBeforeTreatment", "should"),
    (D003, 2895, "BoneMarrowStemCellTherapy", "SkilledTrainedPhysician", "requires"),
])
def test_other_recommendations_and_requirements(kg, doc, start, s, obj, words):
    claim = one(kg, s, "requiresPractice", obj, doc, start)
    assert claim.kind == "recommendation"
    assert cue(kg, claim, "recommendationCue") == words


def test_call_divine_spine_is_a_recommendation(kg):
    claim = one(kg, "ComputerizedSpinalAdjustment", "treats", "BackPain", D003, 4524, 4610)
    assert claim.kind == "recommendation"
    # the page asserts the treatment elsewhere, so the edge is there
    assert one(kg, "ComputerizedSpinalAdjustment", "treats", "BackPain", D003, 4122).kind == "assertion"


def test_descriptive_practices_stay_assertions(kg):
    # "our approach is rooted in ... spine pathology expertise": a description, not advice
    claim = one(kg, "MesenchymalStemCellTherapy", "requiresPractice", "SpinePathologyExpertise", D001, 542)
    assert claim.kind == "assertion"


# ---------------------------------------------------------------------------------------------
# 3. Denials stay denials and leave no edge
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("doc, start, end, s, p, o", [
    (D004, 1993, 2070, "AllograftStemCellTherapy", "hasCellSource", "EmbryonicTissueSource"),
    (D004, 1993, 2070, "AllograftStemCellTherapy", "usesCellType", "EmbryonicStemCell"),
    (D003, 4046, 4121, "StemCellTherapy", "hasCharacteristic", "Safe"),
])
def test_denials_leave_no_edge(kg, doc, start, end, s, p, o):
    claim = one(kg, s, p, o, doc, start, end)
    assert claim.kind == "assertion" and claim.negated
    assert not asserted_anywhere(kg, s, p, o)
    assert edge(s, p, o) not in kg.graph


def test_stem_cell_therapy_is_called_risky_not_safe(kg):
    claim = one(kg, "StemCellTherapy", "hasCharacteristic", "Safe", D003, 4046, 4121)
    assert cue(kg, claim, "negationCue") == "risky"
    assert one(kg, "StemCellTherapy", "hasRisk", "AdverseEvent", D003, 4046).kind == "assertion"


# ---------------------------------------------------------------------------------------------
# 4. 002, 6428-6571: "not a replacement for all surgical procedures"
# ---------------------------------------------------------------------------------------------

def test_not_a_replacement_for_all_surgery_is_a_restricted_assertion(kg):
    found = claims(kg, "RegenerativeTreatment", "alternativeTo", "SpinalSurgery", D002)
    assert [c.negated for c in found] == [False]
    claim = found[0]
    assert (claim.start, claim.end, claim.kind) == (6428, 6571, "assertion")
    assert str(kg.graph.value(claim.iri, SPK.population)) == "appropriately selected patients"
    assert "some surgical procedures" in str(kg.graph.value(claim.iri, SPK.curatorNote))
    assert edge("RegenerativeTreatment", "alternativeTo", "SpinalSurgery") in kg.graph


# ---------------------------------------------------------------------------------------------
# 5. 001, 2682-2753: "no serious adverse events" denies serious ones only
# ---------------------------------------------------------------------------------------------

def test_no_serious_adverse_events_denies_serious_ones_only(kg):
    claim = one(kg, "MesenchymalStemCellTherapy", "hasReportedAdverseEvent", "SeriousAdverseEvent", D001, 2682, 2753)
    assert claim.kind == "assertion" and claim.negated
    assert claim.attributed_to == "Most studies report"
    assert not claims(kg, "MesenchymalStemCellTherapy", "hasReportedAdverseEvent", "AdverseEvent", D001)
    assert (T("SeriousAdverseEvent"), RDFS.subClassOf, T("AdverseEvent")) in kg.graph
    assert edge("MesenchymalStemCellTherapy", "hasReportedAdverseEvent", "SeriousAdverseEvent") not in kg.graph


# ---------------------------------------------------------------------------------------------
# 6. Hedging: possibility "may" is hedged; disclosed risks are asserted
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("doc, start, s, p, o, words", [
    (D003, 441, "SteroidInjection", "treats", "BackPain", "may be given"),
    (D004, 496, "BoneMarrowStemCellTherapy", "hasCellSource", "AutologousBoneMarrow", "may be administered"),
    (D004, 496, "AllograftStemCellTherapy", "hasCellSource", "AllogeneicSource", "may be administered"),
    (D004, 1861, "AllograftStemCellTherapy", "hasProcedureStep", "PlacentalTissueDonation", "may donate"),
    (D000, 2038, "Orthobiologics", "treats", "ChronicNeckPain", "can offer"),
])
def test_possibility_is_hedged(kg, doc, start, s, p, o, words):
    claim = one(kg, s, p, o, doc, start)
    assert claim.kind == "assertion" and claim.modality == "hedged"
    assert cue(kg, claim) == words


def test_two_ways_of_stem_cell_therapy_are_asserted(kg):
    claim = one(kg, "BoneMarrowStemCellTherapy", RDFS.subClassOf, "StemCellTherapy", D004, 496, 616)
    assert claim.modality == "asserted"


@pytest.mark.parametrize("doc, start, s, o", [
    (D002, 5350, "RegenerativeTreatment", "Infection"),
    (D002, 5362, "RegenerativeTreatment", "InjectionSitePain"),
    (D002, 5362, "RegenerativeTreatment", "InjectionSiteSwelling"),
    (D002, 5413, "RegenerativeTreatment", "TreatmentFailure"),
    (D003, 239, "PowerfulPainkiller", "Addiction"),
    (D003, 1189, "StemCellTherapy", "AdverseEvent"),
    (D003, 1672, "BoneMarrowStemCellTherapy", "AdverseEvent"),
    (D003, 1789, "BoneMarrowStemCellTherapy", "TumorGrowth"),
    (D003, 2968, "BoneMarrowStemCellTherapy", "ExtractionSitePain"),
])
def test_disclosed_risks_are_asserted(kg, doc, start, s, o):
    claim = one(kg, s, "hasRisk", o, doc, start)
    assert claim.kind == "assertion" and claim.modality == "asserted" and not claim.negated
    assert cue(kg, claim) is None


# ---------------------------------------------------------------------------------------------
# 7. 000, 3500-3741: "Proven Treatments ... for decades with great success"
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("condition", ["MusculoskeletalCondition", "KneeArthritis", "BackPain", "TennisElbow",
                                       "GolfElbow", "RotatorCuffTear"])
def test_proven_treatments_is_supporting_evidence(kg, condition):
    evidence = one(kg, "Orthobiologics", "treats", condition, D000, 3500, 3741)
    assert (evidence.kind, evidence.direction) == ("evidence", "supports")
    assert evidence.quote.startswith("Proven Treatments\n\n")
    assert str(kg.graph.value(evidence.iri, SPK.duration)) == "for decades"
    # the use itself stays the page's assertion
    assert one(kg, "Orthobiologics", "treats", condition, D000, 3519, 3741).kind == "assertion"


# ---------------------------------------------------------------------------------------------
# 8. 003, 2764-2894: the central line belongs to bone-marrow stem cell therapy
# ---------------------------------------------------------------------------------------------

def test_central_line_is_a_route_of_bone_marrow_stem_cell_therapy_only(kg):
    assert not claims(kg, "Reinjection", "hasDeliveryRoute", "CentralLineRoute")
    assert edge("Reinjection", "hasDeliveryRoute", "CentralLineRoute") not in kg.graph
    claim = one(kg, "BoneMarrowStemCellTherapy", "hasDeliveryRoute", "CentralLineRoute", D003, 2764, 2894)
    assert claim.kind == "assertion"
    assert set(kg.graph.subjects(SPK.hasDeliveryRoute, SPK.CentralLineRoute)) == {SPK.BoneMarrowStemCellTherapy}
    # re-injection, shared with PRP, keeps its direct-injection route
    assert one(kg, "Reinjection", "hasDeliveryRoute", "DirectInjectionAtSite", D003, 2764).kind == "assertion"


def test_prp_does_not_reach_a_central_line_through_its_own_steps(kg):
    for path in kg.paths("PRP", "central line", max_length=2):
        assert SPK.hasProcedureStep not in [step.predicate for step in path], path


# ---------------------------------------------------------------------------------------------
# 9. The re-read: other statements about the evidence
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("doc, start, s, p, o, direction", [
    (D000, 4270, "AmnioticFetalStemCellTherapy", "treats", "MusculoskeletalCondition", "insufficient"),
    (D000, 4270, "AmnioticFetalStemCellTherapy", "hasCharacteristic", "Safe", "insufficient"),
    (D001, 2052, "IntradiscalMSCInjection", "treats", "LumbarDiscDegeneration", "supports"),
    (D001, 2454, "EpiduralPerineuralMSCApplication", "treats", "CervicalRadiculopathy", "supports"),
    (D001, 2659, "MesenchymalStemCellTherapy", "hasCharacteristic", "Safe", "supports"),
    (D001, 2755, "MesenchymalStemCellTherapy", "hasTherapeuticEffect", "PainRelief", "supports"),
    (D001, 2755, "MesenchymalStemCellTherapy", "hasTherapeuticEffect", "ReducedDisability", "supports"),
    (D001, 2792, "MesenchymalStemCellTherapy", "treats", "SpinePain", "supports"),
    (D001, 3552, "MesenchymalStemCellTherapy", "treats", "DiscogenicNeckPain", "supports"),
    (D001, 3552, "MesenchymalStemCellTherapy", "treats", "NerveRelatedNeckPain", "supports"),
    (D004, 335, "StemCellTherapy", "hasTherapeuticEffect", "ImprovedFunction", "supports"),
    (D004, 2200, "AllograftStemCellTherapy", "hasMechanism", "TissueRepair", "supports"),
    (D004, 2287, "AllograftStemCellTherapy", "treats", "PlantarFasciitis", "supports"),
])
def test_reported_evidence_is_evidence(kg, doc, start, s, p, o, direction):
    claim = one(kg, s, p, o, doc, start)
    assert (claim.kind, claim.direction, claim.negated) == ("evidence", direction, False)


def test_efficacy_claims_the_pages_make_stay_assertions(kg):
    # 004: "Stem cell therapy has shown the most benefit for ... degenerative disc disease" (no study cited)
    assert one(kg, "StemCellTherapy", "treats", "DegenerativeDiscDisease", D004, 1015).kind == "assertion"
    # 001: "Used for cervical radiculopathy" under the application's heading
    assert one(kg, "EpiduralPerineuralMSCApplication", "treats", "CervicalRadiculopathy", D001, 2365).kind == "assertion"
    # 004: the hedged intention that bone marrow improves pain, which the 2022 review (003) speaks against
    bm = one(kg, "BoneMarrowStemCellTherapy", "hasTherapeuticEffect", "PainRelief", D004, 879)
    assert (bm.kind, bm.modality) == ("assertion", "hedged")


def test_evidence_only_relations_leave_no_edge(kg):
    for s, p, o in [("AllograftStemCellTherapy", "treats", "PlantarFasciitis"),
                    ("MesenchymalStemCellTherapy", "treats", "NerveRelatedNeckPain"),
                    ("AmnioticFetalStemCellTherapy", "treats", "MusculoskeletalCondition"),
                    ("IntradiscalMSCInjection", "treats", "LumbarDiscDegeneration")]:
        assert not asserted_anywhere(kg, s, p, o)
        assert edge(s, p, o) not in kg.graph
