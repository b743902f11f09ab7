"""The class hierarchy carries conclusions across pages (issue 14, "An ontology that reasons").

* anatomy is a partonomy (spk:partOf / spk:hasPart restrictions, OBO style), not a taxonomy of
  parts: the cervical spine is part of the spine, not a kind of spine;
* the birth-tissue family and fetal / embryonic tissue sit under one conceptus-tissue source, as
  UBERON places placenta, amnion, umbilical cord and embryo under 'conceptus', so that 000's "the
  FDA does not allow ... stem cells derived from amniotic fluid or other fetal tissues" reaches
  004's placental allograft;
* disc, facet, sacroiliac, stenosis, plantar fasciitis, arthritis and tendon conditions are
  musculoskeletal conditions (MONDO 'musculoskeletal system disorder' and its members);
* therapies are defined by what they use, so that bone-marrow stem cell therapy (whose cells are
  MSCs, 003) is an MSC therapy; the asserted edge is checked against the definitions with HermiT;
* no label names two terms.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from spinekg.core.namespaces import SPK
from spinekg.model.vocabulary import top_categories

TERMS_FILE = Path(__file__).resolve().parents[1] / "ontology" / "spinekg-terms.ttl"


# ------------------------------------------------------------------------------------------------
# helpers over the asserted ontology (no reasoner: what SPARQL and the traversal see)
# ------------------------------------------------------------------------------------------------


def supers(g: Graph, cls: URIRef) -> set[URIRef]:
    """``cls`` and its named superclasses along asserted rdfs:subClassOf."""
    seen, todo = {cls}, [cls]
    while todo:
        for parent in g.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def is_a(g: Graph, sub: URIRef, sup: URIRef) -> bool:
    return sup in supers(g, sub)


def restrictions(g: Graph, cls: URIRef, prop: URIRef) -> set[URIRef]:
    """The named fillers F of the axioms ``cls SubClassOf (prop some F)`` asserted on ``cls``."""
    out = set()
    for node in g.objects(cls, RDFS.subClassOf):
        if isinstance(node, BNode) and g.value(node, OWL.onProperty) == prop:
            filler = g.value(node, OWL.someValuesFrom)
            if isinstance(filler, URIRef):
                out.add(filler)
    return out


def wholes(g: Graph, cls: URIRef, prop: URIRef = SPK.partOf) -> set[URIRef]:
    """Every named X with ``cls SubClassOf (prop some X)`` entailed by the asserted axioms:
    restrictions inherited from superclasses, fillers widened to their superclasses, and ``prop``
    transitive (spk:partOf and spk:hasPart are owl:TransitiveProperty)."""
    found: set[URIRef] = set()
    todo = [cls]
    seen = set()
    while todo:
        cur = todo.pop()
        if cur in seen:
            continue
        seen.add(cur)
        for sup in supers(g, cur):
            for filler in restrictions(g, sup, prop):
                for widened in supers(g, filler):
                    if widened not in found:
                        found.add(widened)
                        todo.append(widened)
    return found


def spk_classes(g: Graph) -> set[URIRef]:
    return {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(str(SPK))}


# ------------------------------------------------------------------------------------------------
# 1. anatomy: a partonomy
# ------------------------------------------------------------------------------------------------


def test_cervical_spine_is_part_of_the_spine_not_a_kind_of_spine(kg):
    g = kg.ontology
    assert not is_a(g, SPK.CervicalSpine, SPK.Spine)
    assert not is_a(g, SPK.LumbarSpine, SPK.Spine)
    assert (SPK.CervicalSpine, RDFS.subClassOf, SPK.AnatomicalEntity) in g
    assert SPK.Spine in restrictions(g, SPK.CervicalSpine, SPK.partOf)
    assert {SPK.Spine, SPK.Neck} <= wholes(g, SPK.CervicalSpine)
    assert SPK.Spine in wholes(g, SPK.LumbarSpine)


@pytest.mark.parametrize(
    ("part", "whole"),
    [
        ("Vertebra", "Spine"),
        ("CervicalVertebra", "CervicalSpine"),
        ("CervicalVertebra", "Spine"),  # transitive
        ("CervicalVertebra", "Neck"),
        ("IntervertebralDisc", "Spine"),
        ("CervicalIntervertebralDisc", "CervicalSpine"),
        ("NucleusPulposus", "IntervertebralDisc"),
        ("AnnulusFibrosus", "IntervertebralDisc"),
        ("AnnulusFibrosus", "Spine"),
        ("FacetJoint", "Spine"),
        ("SpinalCanal", "Spine"),
        ("SpinalLigament", "Spine"),
        ("SacroiliacJoint", "Pelvis"),
        ("ArticularCartilage", "Joint"),
        ("IliacCrest", "HipBone"),
        ("IliacCrest", "Hip"),  # 004's "hip area" ...
        ("IliacCrest", "Pelvis"),  # ... and 003's pelvis meet at the iliac crest
        ("HipBone", "Hip"),
        ("HipBone", "Pelvis"),
        ("BoneMarrow", "Bone"),
        ("BloodPlasma", "Blood"),
        ("RotatorCuff", "Shoulder"),
        ("AnteriorCruciateLigament", "Knee"),
        ("Placenta", "Conceptus"),
        ("Amnion", "Conceptus"),
        ("WhartonsJelly", "UmbilicalCord"),
        ("WhartonsJelly", "Conceptus"),
        ("FetalTissue", "Conceptus"),
        ("EmbryonicTissue", "Conceptus"),
    ],
)
def test_anatomical_parts(kg, part, whole):
    assert SPK[whole] in wholes(kg.ontology, SPK[part])


def test_hip_and_pelvis_have_the_hip_bone_as_part(kg):
    g = kg.ontology
    assert SPK.HipBone in wholes(g, SPK.Hip, SPK.hasPart)
    assert SPK.HipBone in wholes(g, SPK.Pelvis, SPK.hasPart)


def test_parthood_is_between_anatomical_entities_and_never_doubles_as_subclass(kg):
    g = kg.ontology
    checked = 0
    for cls in spk_classes(g):
        for prop in (SPK.partOf, SPK.hasPart):
            for filler in restrictions(g, cls, prop):
                assert is_a(g, cls, SPK.AnatomicalEntity), f"{cls} has {prop} but is not an anatomical entity"
                assert is_a(g, filler, SPK.AnatomicalEntity), f"{cls} {prop} {filler}: not an anatomical entity"
                assert not is_a(g, cls, filler), f"{cls} is both a part and a kind of {filler}"
                checked += 1
    assert checked >= 30


def test_every_class_keeps_one_upper_category(kg):
    g = kg.ontology
    tops = set(top_categories(g))
    for cls in spk_classes(g) - tops:
        found = supers(g, cls) & tops
        assert len(found) == 1, f"{cls} is under {sorted(found)}"


# ------------------------------------------------------------------------------------------------
# 2. birth tissues: one conceptus-tissue source, as UBERON places them
# ------------------------------------------------------------------------------------------------

CONCEPTUS_SOURCES = ["AllogeneicPlacentalTissue", "AmnionSource", "UmbilicalCordSource", "WhartonsJellySource",
                     "AmnioticFluidSource", "FetalTissueSource", "EmbryonicTissueSource", "BirthTissueSource"]


@pytest.mark.parametrize("source", CONCEPTUS_SOURCES)
def test_birth_fetal_and_embryonic_sources_are_conceptus_tissue(kg, source):
    g = kg.ontology
    assert is_a(g, SPK[source], SPK.ConceptusTissueSource)
    assert is_a(g, SPK[source], SPK.AllogeneicSource)
    assert not is_a(g, SPK[source], SPK.AutologousSource)


def test_birth_tissue_follows_the_extraembryonic_component(kg):
    g = kg.ontology
    for source in ("AllogeneicPlacentalTissue", "AmnionSource", "UmbilicalCordSource", "WhartonsJellySource"):
        assert is_a(g, SPK[source], SPK.BirthTissueSource), source
    # amniotic fluid is located in the amnion, not part of it (UBERON); fetal and embryonic tissue
    # are the embryo proper: none of them is birth tissue, all are conceptus tissue
    for source in ("AmnioticFluidSource", "FetalTissueSource", "EmbryonicTissueSource"):
        assert not is_a(g, SPK[source], SPK.BirthTissueSource), source
    # fetal and embryonic tissue stay apart, so that 004's denial of embryonic tissue is not read
    # as a denial of fetal tissue
    assert not is_a(g, SPK.FetalTissueSource, SPK.EmbryonicTissueSource)
    assert not is_a(g, SPK.EmbryonicTissueSource, SPK.FetalTissueSource)
    assert SPK.Placenta in restrictions(g, SPK.AllogeneicPlacentalTissue, SPK.harvestedFrom)


def test_the_fda_statement_on_fetal_tissues_names_the_conceptus_tissue_source(kg):
    g = kg.ontology
    labels = {str(o).lower() for o in g.objects(SPK.ConceptusTissueSource, SKOS.altLabel)}
    assert "amniotic fluid or other fetal tissues" in labels
    assert kg.entity("amniotic fluid or other fetal tissues").iri == SPK.ConceptusTissueSource
    # the amniotic/fetal product of 000 is defined by that source, and covers the placental allograft
    assert is_a(g, SPK.AllograftStemCellTherapy, SPK.AmnioticFetalStemCellTherapy)


REACHED_STATUSES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX spk: <https://w3id.org/spinekg/vocab#>
SELECT DISTINCT ?status WHERE {
  ?treatment rdfs:subClassOf*/(spk:hasCellSource/rdfs:subClassOf*)? ?product .
  ?product spk:hasRegulatoryStatus ?status .
  ?status spk:approvalStatus spk:NotPermittedForUse ;
          spk:appliesToUse spk:MusculoskeletalCondition .
}
"""


def test_the_fda_statement_of_000_reaches_the_placental_allograft_of_004(kg):
    """The path the conflict-regulatory rule follows (subclass, or cell source and its superclasses)."""
    rows = list(kg.sparql(REACHED_STATUSES, treatment=SPK.AllograftStemCellTherapy))
    assert rows, "no 'not permitted for orthopedic conditions' status reaches the placental allograft"
    # and not the autologous bone-marrow therapy, whose source is no conceptus tissue
    assert not list(kg.sparql(REACHED_STATUSES, treatment=SPK.BoneMarrowStemCellTherapy))


def test_placental_tissue_is_a_cell_source_of_the_allograft_on_004(kg):
    g = kg.graph
    sources = set(g.objects(SPK.AllograftStemCellTherapy, SPK.hasCellSource))
    assert SPK.AllogeneicPlacentalTissue in sources
    assert is_a(kg.ontology, SPK.AllogeneicPlacentalTissue, SPK.ConceptusTissueSource)


# ------------------------------------------------------------------------------------------------
# 3. musculoskeletal conditions, following MONDO
# ------------------------------------------------------------------------------------------------

MUSCULOSKELETAL = [
    "DegenerativeDiscDisease", "CervicalDiscDegeneration", "LumbarDiscDegeneration", "DiscDehydration",
    "HerniatedDisc", "BulgingDisc", "FacetJointArthropathy", "FacetJointSyndrome",
    "CervicalFacetJointDysfunction", "SacroiliacJointDysfunction", "SpinalStenosis", "SpinalInstability",
    "PlantarFasciitis", "Arthritis", "KneeArthritis", "SpinalArthritis", "ChronicJointInflammation",
    "BoneSpur", "CartilageDegeneration", "TendonInjury", "TennisElbow", "GolfElbow", "RotatorCuffTear",
    "ACLTear", "LigamentInjury", "SpinalLigamentInjury", "MuscleInjury", "SoftTissueInjury",
]


@pytest.mark.parametrize("condition", MUSCULOSKELETAL)
def test_musculoskeletal_members(kg, condition):
    assert is_a(kg.ontology, SPK[condition], SPK.MusculoskeletalCondition)


def test_spinal_and_joint_disorders(kg):
    g = kg.ontology
    for c in ("DegenerativeDiscDisease", "HerniatedDisc", "SpinalStenosis", "FacetJointArthropathy"):
        assert is_a(g, SPK[c], SPK.SpinalDisorder), c
    for c in ("Arthritis", "FacetJointArthropathy", "SacroiliacJointDysfunction"):
        assert is_a(g, SPK[c], SPK.JointDisorder), c
    # the sacroiliac joint belongs to the pelvis, not the spine
    assert not is_a(g, SPK.SacroiliacJointDysfunction, SPK.SpinalDisorder)
    # MONDO files radiculopathy under nervous system disorders, not musculoskeletal ones
    assert not is_a(g, SPK.CervicalRadiculopathy, SPK.MusculoskeletalCondition)
    # injuries stay injuries, diseases stay diseases
    assert is_a(g, SPK.ACLTear, SPK.Injury) and not is_a(g, SPK.ACLTear, SPK.Disease)
    assert is_a(g, SPK.PlantarFasciitis, SPK.Disease) and not is_a(g, SPK.PlantarFasciitis, SPK.Injury)


def test_what_the_pages_call_musculoskeletal_the_ontology_does_too(kg):
    """Every class a page files under musculoskeletal conditions (a subClassOf claim) is filed there
    by the ontology itself, so the answer does not depend on which page is loaded."""
    g = kg.graph
    said = set(g.subjects(RDFS.subClassOf, SPK.MusculoskeletalCondition)) - {SPK.SpinalDisorder, SPK.JointDisorder,
                                                                             SPK.MusculoskeletalInjury}
    assert len(said) >= 5
    for cls in said:
        assert is_a(kg.ontology, cls, SPK.MusculoskeletalCondition), cls


# ------------------------------------------------------------------------------------------------
# 4. therapies related by what they use
# ------------------------------------------------------------------------------------------------


def _definition(g: Graph, cls: URIRef) -> tuple[set[URIRef], dict[URIRef, URIRef]]:
    """The named classes and the (property -> filler) restrictions of cls's owl:equivalentClass."""
    eq = g.value(cls, OWL.equivalentClass)
    assert eq is not None, f"{cls} has no definition"
    named, somes = set(), {}
    for member in Collection(g, g.value(eq, OWL.intersectionOf)):
        if isinstance(member, URIRef):
            named.add(member)
        else:
            somes[g.value(member, OWL.onProperty)] = g.value(member, OWL.someValuesFrom)
    return named, somes


def test_therapies_are_defined_by_what_they_use(kg):
    g = kg.ontology
    assert _definition(g, SPK.MesenchymalStemCellTherapy) == (
        {SPK.StemCellTherapy}, {SPK.usesCellType: SPK.MesenchymalStemCell})
    assert _definition(g, SPK.AmnioticFetalStemCellTherapy) == (
        {SPK.StemCellTherapy}, {SPK.hasCellSource: SPK.ConceptusTissueSource})
    assert SPK.BoneMarrowMesenchymalStemCell in restrictions(g, SPK.BoneMarrowStemCellTherapy, SPK.usesCellType)
    assert SPK.AutologousBoneMarrow in restrictions(g, SPK.BoneMarrowStemCellTherapy, SPK.hasCellSource)
    assert SPK.IntradiscalRoute in restrictions(g, SPK.IntradiscalMSCInjection, SPK.hasDeliveryRoute)
    assert SPK.FacetJointRoute in restrictions(g, SPK.FacetJointMSCInjection, SPK.hasDeliveryRoute)


def test_bone_marrow_stem_cell_therapy_is_an_msc_therapy(kg):
    g = kg.ontology
    assert is_a(g, SPK.BoneMarrowStemCellTherapy, SPK.MesenchymalStemCellTherapy)
    assert is_a(g, SPK.AdiposeDerivedStemCellTherapy, SPK.MesenchymalStemCellTherapy)
    # 003 says so: its treatment uses MSCs from the patient's bone marrow
    assert SPK.MesenchymalStemCell in set(kg.graph.objects(SPK.BoneMarrowStemCellTherapy, SPK.usesCellType))
    # so a statement about MSC therapy reaches it through the asserted hierarchy
    below = {r["t"] for r in kg.sparql(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?t WHERE { ?t rdfs:subClassOf* ?msc }",
        msc=SPK.MesenchymalStemCellTherapy)}
    assert {SPK.BoneMarrowStemCellTherapy, SPK.IntradiscalMSCInjection} <= below


def _reason(graph: Graph, tmp_path: Path):
    import owlready2  # a test dependency; the reasoner needs a Java runtime

    path = tmp_path / "ontology.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


ENTAILED = [
    (SPK.BoneMarrowStemCellTherapy, SPK.MesenchymalStemCellTherapy),
    (SPK.AdiposeDerivedStemCellTherapy, SPK.MesenchymalStemCellTherapy),
    (SPK.AllograftStemCellTherapy, SPK.AmnioticFetalStemCellTherapy),
]


@pytest.mark.slow
def test_hermit_entails_the_asserted_therapy_edges_from_the_definitions(kg, tmp_path):
    """Remove the asserted edges, reason, and find them again: each is justified by the definitions."""
    g = Graph()
    for triple in kg.ontology:
        g.add(triple)
    g.remove((None, OWL.imports, None))
    for sub, sup in ENTAILED:
        assert (sub, RDFS.subClassOf, sup) in g
        g.remove((sub, RDFS.subClassOf, sup))
    world = _reason(g, tmp_path)
    assert list(world.inconsistent_classes()) == []
    for sub, sup in ENTAILED:
        assert world[str(sup)] in world[str(sub)].ancestors(), f"{sub} is not entailed to be a {sup}"
    # and the definitions do not over-reach: PRP uses no stem cells, the bone-marrow therapy no donor tissue
    assert world[str(SPK.MesenchymalStemCellTherapy)] not in world[str(SPK.PlateletRichPlasmaTherapy)].ancestors()
    assert world[str(SPK.AmnioticFetalStemCellTherapy)] not in world[str(SPK.BoneMarrowStemCellTherapy)].ancestors()


# ------------------------------------------------------------------------------------------------
# 5. new classes and labels
# ------------------------------------------------------------------------------------------------


def test_serious_adverse_events_are_adverse_events(kg):
    g = kg.ontology
    assert (SPK.SeriousAdverseEvent, RDFS.subClassOf, SPK.AdverseEvent) in g
    assert g.value(SPK.SeriousAdverseEvent, RDFS.label) == Literal("serious adverse event", lang="en")
    assert g.value(SPK.SeriousAdverseEvent, SKOS.definition) is not None


def _names(g: Graph) -> dict[URIRef, tuple[set[str], set[str]]]:
    terms = spk_classes(g)
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual):
        terms |= {s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(SPK))}
    return {t: ({str(o).lower() for o in g.objects(t, RDFS.label)},
                {str(o).lower() for o in g.objects(t, SKOS.altLabel)}) for t in terms}


def label_clashes(g: Graph) -> dict[str, set[URIRef]]:
    """Labels (case-insensitive) that are also the label or a synonym of another term."""
    names = _names(g)
    clashes: dict[str, set[URIRef]] = {}
    for term, (labels, _) in names.items():
        for label in labels:
            others = {o for o, (ls, alts) in names.items() if o != term and (label in ls or label in alts)}
            if others:
                clashes[label] = {term} | others
    return clashes


#: Clashes between terms of the core ontology (spinekg.ttl) that are tolerated: none (the
#: properties spk:evidenceDirection and spk:regulator are labelled "has ...").
KNOWN_IN_CORE: set[str] = set()


def test_no_label_names_two_terms(kg):
    clashes = label_clashes(kg.ontology)
    assert set(clashes) <= KNOWN_IN_CORE, {k: sorted(v) for k, v in clashes.items() if k not in KNOWN_IN_CORE}
    # none of the known ones involves a domain term
    domain_terms = set(Graph().parse(TERMS_FILE).subjects(RDF.type, OWL.Class))
    for label, terms in clashes.items():
        assert not terms & domain_terms, (label, sorted(terms))


def test_the_label_check_can_fail(kg):
    g = Graph()
    g.add((SPK.ZzA, RDF.type, OWL.Class))
    g.add((SPK.ZzA, RDFS.label, Literal("Gizmo", lang="en")))
    g.add((SPK.ZzB, RDF.type, OWL.ObjectProperty))
    g.add((SPK.ZzB, RDFS.label, Literal("widget", lang="en")))
    g.add((SPK.ZzB, SKOS.altLabel, Literal("gizmo", lang="en")))
    assert set(label_clashes(g)) == {"gizmo"}


def test_bone_marrow_concentrate_names_the_material_and_still_finds_the_treatment(kg):
    assert kg.entity("bone marrow concentrate").iri == SPK.BoneMarrowConcentrate
    assert kg.entity("bone marrow concentrate therapy").iri == SPK.BoneMarrowStemCellTherapy
    found = {r["entity"] for r in kg.query("find-entity", text="bone marrow concentrate")}
    assert {SPK.BoneMarrowConcentrate, SPK.BoneMarrowStemCellTherapy} <= found
