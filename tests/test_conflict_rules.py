"""Three rules of the conflict analysis (issue 15), each a file of the query library that
`spinekg conflicts` runs: safety against risk (``conflict-safety-risk``), track record against
novelty (``conflict-track-record``) and product rules (``conflict-product-rule``).

Each rule returns, in long format, one row per claim and side of each conflicting relation
(``subject, predicate, object, side, claim``): side "a" states the relation, side "b" are the
claims of other pages that conflict with it. The tests check that contract on the shipped graph,
pin the findings the five pages give (documents, quotes and offsets, checked against the page
texts) and the cases that must not be reported (a page's own caveats, denials, one kind of a
class), and compare the rows with a second engine (Oxigraph).
"""

from __future__ import annotations

import time
from collections import defaultdict

import pytest
from rdflib.namespace import RDF

from spinekg.core.namespaces import SPK, SPKD
from spinekg.core.resources import resource_dir
from spinekg.query.library import load_library, parse_query_file
from spinekg.traversal.entities import Claim

RULES = ("conflict-safety-risk", "conflict-track-record", "conflict-product-rule")
COLUMNS = ("subject", "predicate", "object", "side", "claim")
DOC = str(SPKD) + "doc/"


def local(term) -> str:
    """The local name of an IRI (a document's three-digit number)."""
    text = str(term)
    if text.startswith(DOC):
        return text[len(DOC):len(DOC) + 3]
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def answers(kg):
    return {name: kg.query(name) for name in RULES}


@pytest.fixture(scope="module")
def texts(corpus):
    return {path.name[:3]: path.read_bytes().decode("utf-8") for path in sorted(corpus.glob("*.txt"))}


def quote(kg, claim) -> tuple:
    """(document, start, end, subject, predicate, object, kind, modality, negated, quote) of a claim."""
    c = Claim(kg, claim)
    obj = c.object
    return (local(c.document.iri), c.start, c.end, local(c.subject.iri), local(c.predicate),
            local(getattr(obj, "iri", obj)), c.kind, c.modality, c.negated, c.quote)


def findings(kg, results) -> dict:
    """The rows grouped by relation (local names): {"a": {quote tuples}, "b": {...}}."""
    grouped: dict = defaultdict(lambda: {"a": set(), "b": set()})
    for row in results:
        key = (local(row["subject"]), local(row["predicate"]), local(row["object"]))
        grouped[key][str(row["side"])].add(quote(kg, row["claim"]))
    return dict(grouped)


def spans(side) -> set:
    """(document, start, end, object) of each claim of a side."""
    return {(q[0], q[1], q[2], q[5]) for q in side}


# ---------------------------------------------------------------------------------------------
# the contract


@pytest.mark.parametrize("name", RULES)
def test_header_and_columns(name):
    spec = parse_query_file(resource_dir("queries") / f"{name}.rq")
    assert spec.columns == COLUMNS and spec.parameters == ()
    assert spec.order == COLUMNS
    assert "SELECT DISTINCT" in spec.text
    assert load_library()[name] == spec


@pytest.mark.parametrize("name", RULES)
def test_every_claim_meets_a_claim_of_another_page_on_the_other_side(name, kg, answers):
    results = answers[name]
    assert results.columns == COLUMNS and len(results) > 0
    rows = [tuple(row[c] for c in COLUMNS) for row in results]
    assert len(rows) == len(set(rows))
    g = kg.graph
    sides: dict = defaultdict(lambda: {"a": set(), "b": set()})
    for s, p, o, side, claim in rows:
        assert str(side) in ("a", "b")
        assert (claim, RDF.type, SPK.Claim) in g
        sides[(s, p, o)][str(side)].add(claim)
    for relation, both in sides.items():
        documents = {side: {g.value(c, SPK.statedIn) for c in claims} for side, claims in both.items()}
        assert both["a"] and both["b"], relation
        for side, other in (("a", "b"), ("b", "a")):
            for claim in both[side]:
                assert documents[other] - {g.value(claim, SPK.statedIn)}, (relation, side, claim)


@pytest.mark.parametrize("name", RULES)
def test_every_quote_is_the_page_text_at_its_offsets(name, kg, answers, texts):
    for row in answers[name]:
        document, start, end, *_, text = quote(kg, row["claim"])
        assert texts[document][start:end] == text


@pytest.mark.parametrize("name", RULES)
def test_fast_on_rdflib(name, kg, answers):
    started = time.perf_counter()
    kg.query(name)
    assert time.perf_counter() - started < 1.0


@pytest.fixture(scope="module")
def oxigraph(kg):
    return kg.to_store("oxigraph")


@pytest.mark.parametrize("name", RULES)
def test_oxigraph_gives_the_same_rows_in_the_same_order(name, answers, oxigraph):
    expected, got = answers[name], oxigraph.query(name)
    assert got.columns == expected.columns
    assert [tuple(row[c] for c in COLUMNS) for row in got] == [tuple(row[c] for c in COLUMNS) for row in expected]


# ---------------------------------------------------------------------------------------------
# safety against risk

# 003's list of risks and adverse events of bone marrow (mesenchymal) stem cell therapy and of stem
# cell therapy: (document, start, end, object)
RISKS_003 = {
    ("003", 1189, 1327, "AdverseEvent"),  # "... and potential risks" (stem cell therapy)
    ("003", 1672, 1788, "AdverseEvent"),  # "This can increase the risk of adverse effects ..."
    *{("003", 1789, 2079, o) for o in ("InjectionSiteReaction", "CellMigration", "UnintendedCellDifferentiation",
                                        "UncontrolledCellProliferation", "TreatmentFailure", "TumorGrowth")},
    ("003", 2968, 3077, "ExtractionSitePain"), ("003", 2968, 3077, "PostProcedureSoreness"),
    *{("003", 3246, 3393, o) for o in ("Nausea", "Vomiting", "Infection", "EndocrineDysfunction", "AdverseEvent")},
    ("003", 4046, 4121, "AdverseEvent"),  # "risky, experimental treatments" (stem cell therapy)
}


def test_safety_against_risk(kg, answers):
    found = findings(kg, answers["conflict-safety-risk"])
    assert set(found) == {("RegenerativeTreatment", "hasCharacteristic", "Safe"),
                          ("MesenchymalStemCellTherapy", "hasCharacteristic", "Safe"),
                          ("MesenchymalStemCellTherapy", "hasReportedAdverseEvent", "SeriousAdverseEvent")}
    # 002 calls regenerative medicine generally safe; 003 lists the risks of a kind of it
    regenerative = found[("RegenerativeTreatment", "hasCharacteristic", "Safe")]
    assert regenerative["a"] == {("002", 5224, 5321, "RegenerativeTreatment", "hasCharacteristic", "Safe", "assertion",
                                  "hedged", False,
                                  "Although regenerative medicine is generally considered safe when performed by "
                                  "qualified providers")}
    assert spans(regenerative["b"]) == RISKS_003
    tumors = {q for q in regenerative["b"] if q[5] == "TumorGrowth"}
    assert {(q[3], q[4]) for q in tumors} == {("BoneMarrowStemCellTherapy", "hasRisk")}
    assert all(q[9].endswith("failure of the stem cells to work as expected, or the growth of tumors.") for q in tumors)
    # 001: "High Safety Profile" and "current evidence supports the ... safety" (reported evidence)
    msc = found[("MesenchymalStemCellTherapy", "hasCharacteristic", "Safe")]
    assert {(q[0], q[1], q[2], q[6], q[9][:40]) for q in msc["a"]} == {
        ("001", 2659, 2680, "evidence", "✔ High Safety Profile"),
        ("001", 3552, 3718, "evidence", "current evidence supports the biological")}
    assert spans(msc["b"]) == RISKS_003
    # 001: "Most studies report no serious adverse events following MSC injections" (a denial)
    serious = found[("MesenchymalStemCellTherapy", "hasReportedAdverseEvent", "SeriousAdverseEvent")]
    assert {(q[0], q[1], q[2], q[8]) for q in serious["a"]} == {("001", 2682, 2753, True)}
    assert spans(serious["b"]) == RISKS_003


def test_safety_against_risk_leaves_out_caveats_and_denials(kg, answers):
    found = findings(kg, answers["conflict-safety-risk"])
    side_b = set().union(*(f["b"] for f in found.values()))
    side_a = set().union(*(f["a"] for f in found.values()))
    # 002 lists infection, injection-site pain and swelling, limited response as the risks of the
    # regenerative medicine it calls generally safe: its own fine print, not against 001 or itself
    assert not {q for q in side_b if q[0] == "002"}
    assert kg.claims(subject="spk:RegenerativeTreatment", predicate="hasRisk", object="spk:Infection", document="002")
    # a denied risk is never a risk: 001's "no serious adverse events" is not held against 002's
    # hedged "generally considered safe"
    assert all(not q[8] for q in side_b)
    # 003 calls stem cell therapy risky (a denial of "safe"), not safe; and its own safe
    # alternative (computerized spinal adjustment) has no risk on any page
    assert {q[3] for q in side_a} == {"RegenerativeTreatment", "MesenchymalStemCellTherapy"}
    assert kg.claims(subject="spk:StemCellTherapy", predicate="hasCharacteristic", object="spk:Safe", document="003",
                     negated=True)
    assert kg.claims(subject="spk:ComputerizedSpinalAdjustment", predicate="hasCharacteristic", object="spk:Safe")
    # painkillers' addiction (003) belongs to no regenerative treatment
    assert "Addiction" not in {q[5] for q in side_b}


# ---------------------------------------------------------------------------------------------
# track record against novelty


def test_track_record_against_novelty(kg, answers, texts):
    found = findings(kg, answers["conflict-track-record"])
    assert set(found) == {("Orthobiologics", "hasCharacteristic", "ProvenTrackRecord")}
    finding = found[("Orthobiologics", "hasCharacteristic", "ProvenTrackRecord")]
    # 000: "Proven Treatments" / "using orthobiologics for decades with great success"
    assert {q[:3] + (q[9],) for q in finding["a"]} == {
        ("000", 3500, 3614, "Proven Treatments\n\nRegenerative medicine specialists have been using orthobiologics "
                            "for decades with great success")}
    assert "for decades with great success" in texts["000"][3500:3614]
    assert spans(finding["b"]) == {
        ("001", 2526, 2594, "EmergingResearchEvidence"),  # "Although research is still emerging" (MSC therapy)
        ("001", 3516, 3550, "EmergingResearchEvidence"),  # "While research continues to evolve"
        ("002", 6200, 6289, "EmergingResearchEvidence"),  # regenerative medicine "continues to evolve"
        ("003", 862, 1025, "Experimental"),  # "some health care providers have started experimenting"
        ("003", 4046, 4121, "Experimental"),  # "risky, experimental treatments"
        ("003", 3394, 3481, "UnprovenEfficacy"),  # "only limited information is available on the efficacy"
        ("003", 3680, 3852, "UnprovenEfficacy"),  # "it remains to be seen ..."
        ("004", 256, 333, "Experimental"),  # "still in its early stages of research and application"
        ("004", 256, 333, "EmergingResearchEvidence"),
    }
    assert texts["004"][256:333] == "While this treatment is still in its early stages of research and application"


def test_track_record_leaves_out_what_the_proven_page_says_itself(kg, answers):
    found = findings(kg, answers["conflict-track-record"])
    side_b = set().union(*(f["b"] for f in found.values()))
    # 000 itself calls orthobiologics relatively new for neck pain, so "innovative" (004) and
    # "rapidly emerging" (001) are no disagreement with it
    assert kg.claims(subject="spk:Orthobiologics", predicate="hasCharacteristic", object="spk:NovelTreatment",
                     document="000")
    assert kg.claims(subject="spk:StemCellTherapy", predicate="hasCharacteristic", object="spk:NovelTreatment",
                     document="004")
    assert "NovelTreatment" not in {q[5] for q in side_b}
    # 000's own "not tested for safety or efficacy" (amniotic and fetal products) is its own page
    assert not {q for q in side_b if q[0] == "000"}
    # a page's claim of novelty about something that is not an orthobiologic nor a class of it
    assert {q[3] for q in side_b} <= {"MesenchymalStemCellTherapy", "RegenerativeTreatment", "StemCellTherapy",
                                      "BoneMarrowStemCellTherapy"}


# ---------------------------------------------------------------------------------------------
# product rules

DONOR_004 = {("004", 496, 616, "AllogeneicSource"),  # "... or through allograft tissue" (hedged)
             ("004", 1861, 1992, "AllogeneicPlacentalTissue")}  # "Living, healthy donors may donate ..."


def test_autologous_only_against_a_donor_product(kg, answers, texts):
    found = findings(kg, answers["conflict-product-rule"])
    practice = found[("Orthobiologics", "requiresPractice", "UseOfAutologousProductsOnly")]
    assert {(q[0], q[1], q[2], q[6], q[9]) for q in practice["a"]} == {
        ("000", 4028, 4087, "recommendation", "Only use autologous (from the patient’s own body) products.")}
    assert spans(practice["b"]) == DONOR_004
    assert {q[3] for q in practice["b"]} == {"AllograftStemCellTherapy"}
    source = found[("Orthobiologics", "hasCellSource", "AutologousSource")]
    assert {q[:3] for q in source["a"]} == {("000", 4028, 4087), ("000", 4340, 4509)}
    assert spans(source["b"]) == DONOR_004
    assert texts["004"][1861:1992].startswith("Living, healthy donors may donate stem cells from placental tissue")


def test_a_regulator_not_permitting_amniotic_and_fetal_products_against_a_placental_allograft(kg, answers, texts):
    found = findings(kg, answers["conflict-product-rule"])
    finding = found[("AllograftStemCellTherapy", "hasRegulatoryStatus", "Status000AmnioticFetalNotPermitted")]
    assert spans(finding["a"]) == DONOR_004
    assert {(q[0], q[1], q[2], q[3]) for q in finding["b"]} == {("000", 4088, 4335, "AmnioticFetalStemCellTherapy")}
    assert "does not allow the use of stem cells derived from amniotic fluid or other fetal tissues" in texts["000"][4088:4335]
    status = kg.graph.value(SPKD.Status000AmnioticFetalNotPermitted, SPK.approvalStatus)
    assert status == SPK.NotPermittedForUse
    assert len(found) == 3


def test_product_rules_leave_out_denials_own_pages_and_autologous_products(kg, answers):
    found = findings(kg, answers["conflict-product-rule"])
    every = set().union(*(f["a"] | f["b"] for f in found.values()))
    # 004: "This form of stem cell therapy does not use stem cells from embryonic tissue" (a denial)
    assert not {q for q in every if q[8]}
    assert kg.claims(subject="spk:AllograftStemCellTherapy", predicate="hasCellSource",
                     object="spk:EmbryonicTissueSource", negated=True)
    # 000 states the amniotic and fetal cell sources of the products its own regulator's statement covers
    assert not {q for f in found.values() for q in f["a"] if q[0] == "000" and q[4] == "hasCellSource"
                and q[6] == "assertion"}
    # the patient's own bone marrow (003, 004) meets the autologous rule, and is no amniotic product
    assert "BoneMarrowStemCellTherapy" not in {q[3] for q in every}
    # a statement that merely withholds approval (003's FDA statements) is the regulatory rule's
    assert not {key for key in found if key[2].startswith("Status003")}

