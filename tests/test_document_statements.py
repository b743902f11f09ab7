"""Statements picked from each document by reading it, each looked up as a claim of that document.

For every row: a claim stated in the document with that subject, predicate and object (``None``
= any) whose quote contains the fragment, and, where given, the expected modality, negation,
attribution and evidence type.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from spinekg.model.compiler import EVIDENCE_ECO, document_iri
from spinekg.core.namespaces import SCHEMA, SPK, SPKD

D000, D001, D002, D003, D004 = ("000_0e4ad2cffa1f476f", "001_5b7cb8a502fbf0ae", "002_e5784d77ced1175a",
                                "003_ce75392af366c0c5", "004_18a61ff07f1e7ac0")

CLAIMS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX spk: <https://w3id.org/spinekg/vocab#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX biolink: <https://w3id.org/biolink/vocab/>
SELECT ?claim ?s ?o ?quote ?modality ?negated ?attribution ?source ?evidence WHERE {
  ?claim a spk:Claim ; spk:statedIn ?doc ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         biolink:supporting_text ?quote ; spk:modality ?modality ; biolink:negated ?negated ;
         spk:attribution ?attribution ; biolink:has_evidence_of_type ?evidence .
  OPTIONAL { ?claim prov:hadPrimarySource ?source }
}
"""


def T(name: str) -> URIRef:
    return SPK[name]


def I(name: str) -> URIRef:
    return SPKD[name]


# (document, subject, predicate, object, quote fragment, expectations)
STATEMENTS = [
    # 000: Cellular Therapy for Treating Neck Pain
    (D000, "this", SCHEMA.datePublished, Literal(dt.date(2021, 5, 11)), "May 11, 2021", {}),
    (D000, "this", SCHEMA.name, Literal("Cellular Therapy for Treating Neck Pain"), "Cellular Therapy for Treating Neck Pain", {}),
    (D000, T("NeckPain"), SPK.hasStatistic, None, "fourth leading cause of disability",
     {"attribution": SPK.ThirdPartyAttributed, "source": I("MayoClinic"), "evidence": "traceable_reference"}),
    (D000, T("PlateletRichPlasmaTherapy"), SPK.hasMechanism, T("GrowthFactorRelease"), "release growth factors", {}),
    (D000, T("PlateletRichPlasmaTherapy"), SPK.hasMechanism, T("AntiInflammatoryEffect"), "help reduce inflammation",
     {"modality": SPK.Hedged}),
    (D000, T("Prolotherapy"), SPK.containsSubstance, T("Dextrose"), "dextrose", {}),
    (D000, T("Prolotherapy"), SPK.combinedWith, T("PlateletRichPlasmaTherapy"), "in conjunction with", {}),
    (D000, T("StemCellTherapy"), SPK.hasCellSource, T("AutologousBoneMarrow"), "own bone marrow", {}),
    (D000, T("StemCellTherapy"), SPK.guidedBy, T("Ultrasound"), "ultrasound or x-ray guidance", {}),
    (D000, T("AmnioticFetalStemCellTherapy"), SPK.hasRegulatoryStatus, None, "does not allow the use of stem cells", {}),
    (D000, T("PhysicalTherapy"), SPK.treats, T("NeckPain"), "physical therapy", {}),
    (D000, T("Orthobiologics"), SPK.treats, T("KneeArthritis"), "knee arthritis", {}),
    (D000, T("Orthobiologics"), SPK.requiresPractice, T("BoardCertifiedPhysician"), "board certified physicians", {}),
    # 001: Stem Cells Colombia, MSC therapy for neck pain
    (D001, "this", SCHEMA.publisher, I("StemCellsColombia"), "Stem Cells Colombia", {}),
    (D001, I("StemCellsColombia"), SPK.locatedIn, I("Medellin"), "Medellin, Colombia", {}),
    (D001, T("MesenchymalStemCell"), SPK.hasMechanism, T("ParacrineSignaling"), "paracrine activity", {}),
    (D001, T("MesenchymalStemCell"), SPK.hasMechanism, T("StemCellDifferentiation"), "not their ability to turn into new tissue",
     {"negated": True}),
    (D001, T("MesenchymalStemCell"), RDFS.subClassOf, T("MultipotentCell"), "multipotent cells", {}),
    (D001, T("IntradiscalMSCInjection"), SPK.treats, T("DiscogenicNeckPain"), "discogenic neck pain", {}),
    (D001, T("EpiduralPerineuralMSCApplication"), SPK.treats, T("CervicalRadiculopathy"), "cervical radiculopathy", {}),
    (D001, T("FacetJointMSCInjection"), SPK.treats, T("FacetJointArthropathy"), "facet joint arthritis", {}),
    (D001, T("MesenchymalStemCell"), SPK.hasMechanism, T("AntiCatabolicEffect"), "anti-catabolic", {}),
    # 002: regenerative medicine for spine pain (no publisher named)
    (D002, T("PlateletRichPlasmaTherapy"), SPK.hasCellSource, T("AutologousBlood"), "own blood", {}),
    (D002, T("PlateletRichPlasmaTherapy"), SPK.treats, T("DegenerativeDiscDisease"), "Degenerative disc disease", {}),
    (D002, T("StemCellTherapy"), SPK.treats, T("SpinalArthritis"), "spinal arthritis", {"modality": SPK.Hedged}),
    (D002, T("RegenerativeTreatment"), SPK.notSuitableFor, T("SpinalInstability"), "severe spinal instability",
     {"modality": SPK.Hedged}),
    (D002, T("RegenerativeTreatment"), SPK.hasRisk, T("Infection"), "Infection", {}),
    (D002, None, SPK.guidedBy, T("Fluoroscopy"), "fluoroscopy or ultrasound", {}),
    (D002, T("GrowthFactor"), RDFS.subClassOf, T("Protein"), "Growth factors are proteins", {}),
    (D002, T("RegenerativeTreatment"), SPK.hasCharacteristic, T("MinimallyInvasive"), "minimally invasive", {}),
    # 003: Divine Spine, "Do Stem Cell Injections Work for Back Pain?"
    (D003, "this", SCHEMA.publisher, I("DivineSpine"), "Divine Spine", {}),
    (D003, I("DivineSpine"), SPK.locatedIn, I("YorbaLinda"), "Yorba Linda", {}),
    (D003, T("StemCellTherapy"), SPK.hasRegulatoryStatus, None, "only approved stem cell treatments for certain cancers", {}),
    (D003, T("BoneMarrowStemCellTherapy"), SPK.hasRegulatoryStatus, None, "neither approved nor regulated", {}),
    (D003, None, SPK.harvestedFrom, T("IliacCrest"), "iliac crest", {}),
    (D003, None, SPK.hasReportedAdverseEvent, T("Nausea"), "nausea", {"evidence": "clinical_study"}),
    (D003, None, SPK.hasStatistic, None, "less than half of the patients treated experienced pain relief",
     {"attribution": SPK.ThirdPartyAttributed}),
    (D003, None, SPK.hasRisk, T("TumorGrowth"), "growth of tumors", {}),
    (D003, None, SPK.hasDeliveryRoute, T("CentralLineRoute"), "central line", {}),
    (D003, I("DivineSpine"), SPK.offers, T("ComputerizedSpinalAdjustment"), "computerized adjustment system", {}),
    # 004: Southwest Spine and Pain Center, stem cell therapy
    (D004, "this", SCHEMA.publisher, I("SouthwestSpineAndPainCenter"), "Southwest Spine and Pain Center", {}),
    (D004, T("AllograftStemCellTherapy"), SPK.hasCellSource, T("EmbryonicTissueSource"), "does not use stem cells from embryonic tissue",
     {"negated": True}),
    (D004, T("AllograftStemCellTherapy"), SPK.hasCellSource, T("AllogeneicPlacentalTissue"), "placental tissue", {}),
    (D004, T("AllograftStemCellTherapy"), SPK.treats, T("PlantarFasciitis"), "plantar fasciitis",
     {"evidence": "clinical_study"}),
    (D004, T("BoneMarrowStemCellTherapy"), SPK.harvestedFrom, T("Hip"), "hip area", {}),
    (D004, T("BoneMarrowStemCellTherapy"), SPK.combinedWith, T("PlateletRichPlasmaTherapy"), "platelet-rich plasma",
     {"modality": SPK.Hedged}),
    (D004, None, SPK.treats, T("TennisElbow"), "tennis elbow", {}),
]


@pytest.mark.parametrize("doc,subject,predicate,obj,fragment,expect", STATEMENTS,
                         ids=[f"{row[0][:3]}-{row[4][:40]}" for row in STATEMENTS])
def test_statement_is_a_claim_of_its_document(kg, doc, subject, predicate, obj, fragment, expect):
    doc_iri = document_iri(doc)
    bindings = {"doc": doc_iri, "p": predicate}
    if subject is not None:
        bindings["s"] = doc_iri if subject == "this" else subject
    if obj is not None:
        bindings["o"] = obj
    rows = [r for r in kg.graph.query(CLAIMS, initBindings=bindings) if fragment in str(r.quote)]
    if not rows and predicate == SPK.combinedWith and subject is not None and obj is not None:
        bindings["s"], bindings["o"] = obj, subject  # symmetric property: either direction
        rows = [r for r in kg.graph.query(CLAIMS, initBindings=bindings) if fragment in str(r.quote)]
    assert rows, f"no claim in {doc} for {subject} {predicate} {obj} quoting {fragment!r}"
    for key, value in expect.items():
        if key == "modality":
            assert any(r.modality == value for r in rows), f"expected modality {value}"
        elif key == "negated":
            assert any(r.negated.toPython() is value for r in rows), f"expected negated={value}"
        elif key == "attribution":
            assert any(r.attribution == value for r in rows), f"expected attribution {value}"
        elif key == "source":
            assert any(r.source == value for r in rows), f"expected primary source {value}"
        elif key == "evidence":
            assert any(r.evidence == EVIDENCE_ECO[value] for r in rows), f"expected evidence {value}"


def test_document_metadata(kg):
    g = kg.graph
    assert g.value(document_iri(D001), SCHEMA.publisher) == I("StemCellsColombia")
    assert g.value(document_iri(D003), SCHEMA.name) == Literal("Do Stem Cell Injections Work for Back Pain?")
    assert g.value(document_iri(D002), SCHEMA.publisher) is None, "document 002 names no publisher"
    assert (I("Medellin"), SPK.locatedIn, I("Colombia")) in g
