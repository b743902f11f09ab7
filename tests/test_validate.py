"""SHACL validation: the shipped graph's results, the report formats, `spinekg validate`.

Per-shape violation fixtures are in test_shape_fixtures.py; this file pins what the shipped
graph gives (no violations; exactly the content conflicts the documents contain) and the
behaviour of the API and the command line.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

import spinekg
from spinekg.model.compiler import build, load_ontology
from spinekg.cli import main

from conftest import chromium_driver, one_line_error
from spinekg.kg import KnowledgeGraph
from spinekg.core.namespaces import BIOLINK, OA, SCHEMA, SPK
from spinekg.validation.report import FORMATS, render
from spinekg.core.resources import resource_dir
from spinekg.validation.shapegen import property_shapes
from spinekg.validation.shapegen import render as render_property_shapes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SH = Namespace("http://www.w3.org/ns/shacl#")
SPKSH = Namespace("https://w3id.org/spinekg/shapes#")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def shipped(kg, corpus):
    """pyshacl on the whole shipped graph (about 10 s): the tests that use it are marked slow."""
    return kg.validate(corpus=corpus)


@pytest.fixture(scope="module")
def fixture_kg():
    """The two invented clinics (tests/fixtures): no violations, one of each content conflict."""
    return KnowledgeGraph.from_build(build(resource_dir("ontology"), FIXTURES / "data", FIXTURES / "corpus"))


def _local(node) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _claim_key(graph: Graph, iri: str):
    node = URIRef(iri)
    if (node, RDF.type, SPK.Claim) not in graph:
        return _local(iri)
    doc = _local(graph.value(node, SPK.statedIn))[:3]
    return (doc, _local(graph.value(node, RDF.subject)), _local(graph.value(node, RDF.predicate)),
            _local(graph.value(node, RDF.object)))


# ------------------------------------------------------------------------------------------
# The shipped graph
# ------------------------------------------------------------------------------------------

# Hedged in one document, asserted in another: (hedging document, s, p, o), one warning per hedged
# claim, its value the asserting claim of another document that sorts first.
EXPECTED_HEDGED = {
    ("000", "ChronicNeckPain", "affects", "CervicalSpine"),
    ("000", "Inflammation", "causes", "NeckPain"),
    ("000", "PhysicalTherapy", "treats", "NeckPain"),
    ("000", "StemCellTherapy", "hasMechanism", "AntiInflammatoryEffect"),
    ("002", "CellCollection", "harvestedFrom", "AdiposeTissue"),
    ("002", "CellCollection", "harvestedFrom", "BoneMarrow"),
    ("002", "RegenerativeTreatment", "hasCharacteristic", "NaturalApproach"),
    ("002", "RegenerativeTreatment", "hasMechanism", "AntiInflammatoryEffect"),
    ("002", "RegenerativeTreatment", "hasMechanism", "TissueRepair"),
    ("002", "StemCell", "harvestedFrom", "AdiposeTissue"),
    ("002", "StemCell", "harvestedFrom", "BoneMarrow"),
    ("002", "StemCellTherapy", "harvestedFrom", "AdiposeTissue"),
    ("002", "StemCellTherapy", "harvestedFrom", "BoneMarrow"),
    ("002", "StemCellTherapy", "hasDeliveryRoute", "DirectInjectionAtSite"),
    ("002", "StemCellTherapy", "treats", "DegenerativeDiscDisease"),
    ("003", "BoneMarrowStemCellTherapy", "treats", "Injury"),
    ("003", "MesenchymalStemCell", "hasMechanism", "AntiInflammatoryEffect"),
    ("003", "MesenchymalStemCell", "hasMechanism", "TissueRepair"),
    ("003", "StemCellTherapy", "treats", "DegenerativeDiscDisease"),
    # 004 hedges what its sources "may be" ("may be administered"), which 000 and 003 state as fact
    ("004", "StemCell", "harvestedFrom", "BoneMarrow"),
    ("004", "BoneMarrowStemCellTherapy", "hasCellSource", "AutologousBoneMarrow"),
    # no longer: 004 hedging pain relief from bone-marrow therapy "overstated" by 003, whose 2022
    # review is evidence against that effect (issue 14)
    ("004", "PlateletRichPlasmaTherapy", "hasMechanism", "TissueRepair"),
    ("004", "StemCell", "hasMechanism", "TissueRepair"),
}

#: the generated conflict shape of each kind (shapes/spinekg-conflicts.ttl)
CONFLICT_SHAPES = {"contradiction": "ContradictionConflict", "regulatory": "RegulatoryConflict",
                   "efficacy-evidence": "EfficacyEvidenceConflict", "safety-risk": "SafetyRiskConflict",
                   "track-record": "TrackRecordConflict", "product-rule": "ProductRuleConflict",
                   "exclusive-status": "ExclusiveStatusConflict"}


def conflict_results(kg, result) -> tuple[set, set]:
    """(what validate reports, what the conflict rules find) as sets of (shape, severity, claim)."""
    from spinekg.analysis.conflicts import KINDS

    reported = {(_local(r.shape), r.severity, r.focus) for r in result.rows
                if _local(r.shape).removesuffix("OutsideJurisdiction") in CONFLICT_SHAPES.values()}
    assert {r.focus for r in result.rows if r.shape.endswith("Conflict")} == {r.value for r in result.rows
                                                                              if r.shape.endswith("Conflict")}
    found = set()
    for kind, rule in KINDS.items():
        for row in kg.query(rule.query):
            if str(row["side"]) != "a":
                continue
            outside = str(row.get("jurisdiction_state")) == "outside jurisdiction"
            found.add((CONFLICT_SHAPES[kind] + ("OutsideJurisdiction" if outside else ""),
                       "info" if outside else "warning", str(row["claim"])))
    return reported, found


@pytest.mark.slow
def test_shipped_graph_has_no_violations(shipped):
    assert shipped.counts["violation"] == 0, [r.message for r in shipped.rows if r.severity == "violation"][:5]
    assert shipped.text_checked  # the quotes were compared with the corpus texts


@pytest.mark.slow
def test_shipped_conflict_warnings_are_the_conflict_rules(shipped, kg):
    """validate and conflicts cannot disagree: each side-"a" claim of each rule is one result of
    the kind's shape, and nothing else is (the shapes are generated from the rules)."""
    reported, found = conflict_results(kg, shipped)
    assert reported == found
    kinds = Counter(shape for shape, _, _ in reported)
    assert kinds == {"RegulatoryConflict": 24, "RegulatoryConflictOutsideJurisdiction": 13, "EfficacyEvidenceConflict": 9,
                     "ContradictionConflict": 5, "ProductRuleConflict": 5, "SafetyRiskConflict": 4,
                     "TrackRecordConflict": 1}
    findings = kg.conflicts()
    assert {f.kind for f in findings} == {kind for kind, shape in CONFLICT_SHAPES.items() if shape in kinds}


@pytest.mark.slow
def test_shipped_hedged_warnings(shipped, kg):
    hedged = [r for r in shipped.rows if _local(r.shape) == "HedgedElsewhereAsserted"]
    assert {_claim_key(kg.graph, r.focus) for r in hedged} == EXPECTED_HEDGED
    assert len(hedged) == len({r.focus for r in hedged}) == 28  # one per hedged claim, however many assert it
    g = kg.graph
    for r in hedged:  # another document asserts the same triple outright
        focus = _claim_key(g, r.focus)
        assert r.value == r.focus and g.value(URIRef(r.focus), SPK.modality) == SPK.Hedged
        others = [c for c in g.subjects(RDF.subject, g.value(URIRef(r.focus), RDF.subject))
                  if _claim_key(g, str(c))[1:] == focus[1:] and _claim_key(g, str(c))[0] != focus[0]
                  and g.value(c, SPK.modality) == SPK.Asserted and g.value(c, BIOLINK.negated) == Literal(False)]
        assert others, r.focus
        assert f"spinekg query hedged-claims --param document={focus[0]}" in r.message.replace(
            r.message.split("--param document=")[1].split(" ")[0], focus[0])


@pytest.mark.slow
def test_colombian_clinic_is_outside_the_fda_jurisdiction(shipped, kg):
    """001 (Stem Cells Colombia, Medellín) offers MSC therapy for neck pain: information, not a warning."""
    regulatory = [r for r in shipped.rows if _local(r.shape).startswith("RegulatoryConflict")]
    outside = [r for r in regulatory if _claim_key(kg.graph, r.focus)[0] == "001"]
    assert outside and {(_local(r.shape), r.severity) for r in outside} == {("RegulatoryConflictOutsideJurisdiction", "info")}
    assert all("its publisher is located in Colombia, outside the regulator's jurisdiction" in r.message for r in outside)
    unknown = [r for r in regulatory if _claim_key(kg.graph, r.focus)[0] != "001"]
    assert {_claim_key(kg.graph, r.focus)[0] for r in unknown} == {"000", "002", "004"}
    assert all(r.severity == "warning" and "its publisher's location is unknown" in r.message for r in unknown)


@pytest.mark.slow
def test_conflict_warnings_name_the_claim_and_how_to_see_both_sides(shipped, kg):
    conflict = next(r for r in shipped.rows if _local(r.shape) == "RegulatoryConflict" and "arthritis" in r.focus_label)
    assert [(e.role, e.document) for e in conflict.evidence] == [("focus", "004_18a61ff07f1e7ac0")]
    assert "arthritis" in conflict.evidence[0].quote
    assert conflict.message.startswith("004_18a61ff07f1e7ac0 promotes: stem cell therapy treats arthritis.")
    command = conflict.message.rsplit(": ", 1)[1]
    assert command == "spinekg conflicts --kind regulatory --document 004_18a61ff07f1e7ac0"
    out = run(*command.split()[1:], "-f", "json")
    assert out.exit_code == 0, out.output
    sides = [f["sides"] for f in json.loads(out.output)["findings"] if f["relation"]["labels"] == ["stem cell therapy", "treats", "arthritis"]]
    assert sides and "only approved stem cell treatments" in sides[0][1]["quotes"][0]["quote"]


@pytest.mark.slow
def test_info_lists_unmapped_entities_and_documents_without_publisher(shipped, kg):
    stats = kg.stats()
    unmapped = [r for r in shipped.rows if _local(r.shape) == "UnmappedEntityMapping"]
    assert all(r.severity == "info" for r in unmapped)
    assert len(unmapped) == stats.mappable_entities - stats.mapped_entities
    no_publisher = {r.focus_label for r in shipped.rows if _local(r.shape) == "DocumentWithoutPublisherPublisher"}
    expected = {str(kg.graph.value(d, SPK.fileName)) for d in kg.graph.subjects(RDF.type, SPK.WebPage)
                if kg.graph.value(d, SCHEMA.publisher) is None}
    assert no_publisher == expected == {"000_0e4ad2cffa1f476f", "002_e5784d77ced1175a"}


@pytest.mark.slow
def test_result_is_frozen_and_rows_are_sorted(shipped):
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.conforms = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.rows[0].message = "x"  # type: ignore[misc]
    order = ["violation", "warning", "info"]
    assert [order.index(r.severity) for r in shipped.rows] == sorted(order.index(r.severity) for r in shipped.rows)
    assert shipped.conforms is False  # SHACL: any result (even info) means "does not conform"
    assert shipped.fails("warning") and not shipped.fails("violation")


# ------------------------------------------------------------------------------------------
# Shapes files
# ------------------------------------------------------------------------------------------


def _shapes_graph() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        g.parse(path)
    return g


def test_generated_property_shapes_match_the_ontology():
    committed = (ROOT / "shapes" / "spinekg-properties.ttl").read_text(encoding="utf-8")
    assert committed == render_property_shapes(load_ontology(resource_dir("ontology"))), \
        "shapes/spinekg-properties.ttl is out of date: run python -m spinekg.validation.shapegen > shapes/spinekg-properties.ttl"


def test_generated_property_shapes_are_what_the_file_says():
    """The committed text parses to the generator's graph (the check above compares bytes)."""
    committed = Graph().parse(ROOT / "shapes" / "spinekg-properties.ttl")
    fresh = property_shapes(load_ontology(resource_dir("ontology")))
    assert len(committed) == len(fresh)
    assert {(s, o) for s, o in committed.subject_objects(SH.targetSubjectsOf)} == \
        {(s, o) for s, o in fresh.subject_objects(SH.targetSubjectsOf)}


def test_every_property_of_the_ontology_has_shapes():
    ontology = load_ontology(resource_dir("ontology"))
    shapes = _shapes_graph()
    from rdflib.namespace import OWL

    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            if ontology.value(prop, RDFS.domain) is not None:
                assert (None, SH.targetSubjectsOf, prop) in shapes, f"no domain shape for {prop}"
            if kind == OWL.ObjectProperty and ontology.value(prop, RDFS.range) is not None:
                assert (None, SH.targetObjectsOf, prop) in shapes, f"no range shape for {prop}"


def test_every_shape_has_a_label_and_a_message():
    g = _shapes_graph()
    shapes = {s for t in (SH.NodeShape, SH.PropertyShape) for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)}
    assert len(shapes) > 100
    for shape in shapes:
        assert g.value(shape, RDFS.label) is not None, f"{shape} has no rdfs:label"
        if (shape, RDF.type, SH.PropertyShape) in g:
            assert g.value(shape, SH.name) is not None, f"{shape} has no sh:name"
        own = g.value(shape, SH.message)
        sparql = [g.value(c, SH.message) for c in g.objects(shape, SH.sparql)]
        props = [g.value(p, SH.message) for p in g.objects(shape, SH.property)]
        assert own is not None or (sparql and all(sparql)) or (props and all(props)), f"{shape} has no sh:message"
        for message in [own, *sparql, *props]:
            if message is not None:
                assert len(str(message)) > 30 and (str(message)[0].isupper() or str(message).startswith("{?"))


# ------------------------------------------------------------------------------------------
# Report formats (on the invented-clinic fixture: small and fast)
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_result(fixture_kg):
    return fixture_kg.validate(corpus=FIXTURES / "corpus")


def test_fixture_has_one_warning_per_content_check(fixture_result):
    shapes = sorted(_local(r.shape) for r in fixture_result.rows if r.severity == "warning")
    assert shapes == ["ContradictionConflict", "ExclusiveStatusConflict", "HedgedElsewhereAsserted", "RegulatoryConflict"]
    assert fixture_result.counts["violation"] == 0


def test_text_report_groups_by_severity_and_shape(fixture_result):
    # 45 info: the unmapped domain classes of the shipped ontology (spinekg query unmapped-entities)
    text = render(fixture_result, "text")
    lines = text.splitlines()
    assert lines[-1] == "0 violations, 4 warnings, 45 info"
    assert text.index("WARNINGS (4)") < text.index("INFORMATION (45)")
    assert ("conflict between pages: a page promotes a use a regulator does not approve or permit "
            "[spksh:RegulatoryConflict]: 1") in text
    assert "stem cell therapy treats back pain (clinic_b)" in text  # labels, not IRIs
    assert 'clinic_b: "Our stem cell therapy treats back pain."' in text
    assert "https://w3id.org/spinekg/id/claim/" not in text


def test_json_report(fixture_result):
    doc = json.loads(render(fixture_result, "json"))
    assert doc["counts"] == {"violation": 0, "warning": 4, "info": 45}
    assert doc["conforms"] is False and doc["text_checked"] is True
    first = doc["results"][0]
    assert set(first) >= {"focus", "path", "value", "severity", "shape", "message", "evidence"}
    assert first["severity"] == "warning"


def test_turtle_report_is_the_shacl_report_graph(fixture_result):
    g = Graph().parse(data=render(fixture_result, "turtle"), format="turtle")
    assert len(set(g.subjects(RDF.type, SH.ValidationResult))) == len(fixture_result.rows)
    assert (None, SH.conforms, Literal(False)) in g


def test_hostile_labels_stay_inert_in_html_and_markdown(fixture_kg):
    graph = Graph()
    graph += fixture_kg.graph
    claim = next(c for c in graph.subjects(RDF.type, SPK.Claim) if (c, RDF.predicate, SPK.treats) in graph)
    graph.set((claim, RDFS.label, Literal('<script>alert("x")</script> | *bold* [link](http://e.x)')))
    result = KnowledgeGraph(graph=graph, ontology=fixture_kg.ontology).validate(corpus=FIXTURES / "corpus")
    page = render(result, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    md = render(result, "markdown")
    assert "<script>" not in md and "\\*bold\\*" in md and "\\[link\\]" in md and "\\|" in md


def test_unknown_report_format_lists_the_known_ones(fixture_result):
    with pytest.raises(spinekg.core.errors.UnknownNameError, match="known formats: text, json, markdown, html, turtle"):
        render(fixture_result, "pdf")
    assert set(FORMATS) == {"text", "json", "markdown", "html", "turtle"}


@pytest.mark.slow
def test_data_only_graph_gets_the_shipped_ontology(fixture_kg):
    """A file without the ontology (e.g. the data named graph alone) validates against the shipped one."""
    data_only = KnowledgeGraph(graph=fixture_kg.data, ontology=Graph(), data=fixture_kg.data)
    assert data_only.validate().counts["violation"] == 0


# ------------------------------------------------------------------------------------------
# spinekg validate
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory, fixture_kg) -> Path:
    path = tmp_path_factory.mktemp("graphs") / "clinics.ttl"
    path.write_bytes(fixture_kg.serialize("turtle"))
    return path


def _mutated(src: Path, dst: Path, mutate) -> Path:
    g = Graph().parse(src)
    mutate(g)
    g.serialize(dst, format="turtle")
    return dst


def _drop_quote(g: Graph) -> None:
    claim = sorted(g.subjects(RDF.type, SPK.Claim))[0]
    g.remove((claim, BIOLINK.supporting_text, None))


def _shift_offset(g: Graph) -> None:
    pos = sorted(g.subjects(RDF.type, OA.TextPositionSelector))[-1]
    start = g.value(pos, OA.start)
    g.set((pos, OA.start, Literal(int(start) + 1, datatype=start.datatype)))


def _remove_label(g: Graph) -> None:
    g.remove((SPK.BackPain, RDFS.label, None))


def _wrong_type(g: Graph) -> None:
    g.remove((SPK.BackPain, RDFS.subClassOf, None))
    g.add((SPK.BackPain, RDFS.subClassOf, SPK.Treatment))


MUTATIONS = [
    ("drop a claim's quote", _drop_quote, "A claim needs its verbatim quote"),
    ("shift an offset", _shift_offset, "The quote has"),
    ("remove a label", _remove_label, "needs exactly one English rdfs:label"),
    ("give an entity a wrong type", _wrong_type, "The object of 'treats' must be a pathology"),
]
#: the fast tier keeps two of them (each is a validation through the CLI, about 2 s)
_SLOW_MUTATIONS = {"drop a claim's quote", "remove a label"}


@pytest.mark.parametrize("name, mutate, message",
                         [pytest.param(*m, marks=pytest.mark.slow) if m[0] in _SLOW_MUTATIONS else m for m in MUTATIONS],
                         ids=[m[0] for m in MUTATIONS])
@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_mutated_export_fails_with_the_right_message(fixture_file, tmp_path, name, mutate, message):
    bad = _mutated(fixture_file, tmp_path / "bad.ttl", mutate)
    result = run("validate", str(bad), "--corpus", str(FIXTURES / "corpus"))
    assert result.exit_code == 1, result.output
    assert message in result.stdout
    assert "violation" in result.stdout.splitlines()[-1]


@pytest.mark.slow
def test_mutated_shipped_export_fails_with_every_message(kg, corpus, tmp_path):
    """The four mutations at once on the exported shipped graph: exit 1, each message reported."""
    src = tmp_path / "kg.ttl"
    src.write_bytes(kg.serialize("turtle"))

    def all_four(g):
        for _name, mutate, _message in MUTATIONS:
            mutate(g)

    bad = _mutated(src, tmp_path / "bad.ttl", all_four)
    result = run("validate", str(bad), "--corpus", str(corpus), "-f", "json")
    assert result.exit_code == 1
    messages = [r["message"] for r in json.loads(result.stdout)["results"] if r["severity"] == "violation"]
    for _name, _mutate, message in MUTATIONS:
        assert any(message in m for m in messages), message


@pytest.mark.slow
def test_the_shifted_offset_is_caught_against_the_text_even_when_the_length_fits(fixture_file, tmp_path):
    def shift_both(g: Graph) -> None:
        pos = sorted(g.subjects(RDF.type, OA.TextPositionSelector))[-1]
        for pred in (OA.start, OA.end):
            old = g.value(pos, pred)
            g.set((pos, pred, Literal(int(old) + 1, datatype=old.datatype)))

    bad = _mutated(fixture_file, tmp_path / "bad.ttl", shift_both)
    result = run("validate", str(bad), "--corpus", str(FIXTURES / "corpus"))
    assert result.exit_code == 1
    assert "is not what the document says at" in result.stdout
    without_corpus = CliRunner(env={"SPINEKG_CORPUS": None}).invoke(main, ["validate", str(bad)])
    assert without_corpus.exit_code == 0  # no text to compare with, and the length still fits
    assert "quotes not compared with the texts" in without_corpus.stdout


@pytest.mark.slow  # a few seconds: the fast tier stays under two minutes
def test_exit_codes_follow_fail_on(fixture_file):
    corpus = str(FIXTURES / "corpus")
    assert run("validate", str(fixture_file), "--corpus", corpus).exit_code == 0
    assert run("validate", str(fixture_file), "--corpus", corpus, "--fail-on", "warning").exit_code == 1
    assert run("validate", str(fixture_file), "--corpus", corpus, "--fail-on", "info").exit_code == 1


@pytest.mark.slow
def test_report_written_to_a_file(fixture_file, tmp_path):
    out = tmp_path / "report.html"
    result = run("validate", str(fixture_file), "--corpus", str(FIXTURES / "corpus"), "-f", "html", "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "0 violations, 4 warnings, 45 info" in result.stderr
    assert list(tmp_path.glob(".*.tmp")) == []


@pytest.mark.slow
def test_several_files_are_merged(fixture_kg, tmp_path):
    onto, data = tmp_path / "ontology.ttl", tmp_path / "data.ttl"
    fixture_kg.ontology.serialize(onto, format="turtle")
    fixture_kg.data.serialize(data, format="turtle")
    result = run("validate", str(onto), str(data), "--corpus", str(FIXTURES / "corpus"), "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["counts"]["warning"] == 4


@pytest.mark.parametrize("name, content, expected", [
    ("truncated.ttl", b"@prefix spk: <https://w3id.org/spinekg/vocab#> .\nspk:A spk:treats ", r"truncated\.ttl: not valid turtle: line 2, column \d+"),
    ("binary.ttl", bytes(range(256)) * 4, r"binary\.ttl: not valid turtle"),
    ("empty.ttl", b"", r"empty\.ttl: file is empty"),
    ("missing.ttl", None, r"missing\.ttl: file not found"),
])
def test_malformed_input_exits_2_with_one_line(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert pytest.importorskip("re").search(expected, one_line_error(result))


def test_bad_shapes_exit_2(fixture_file, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<x> a sh:NodeShape ;\n", encoding="utf-8")
    result = run("validate", str(fixture_file), "--shapes", str(broken))
    assert result.exit_code == 2
    assert "broken.ttl: not valid turtle: line" in one_line_error(result)

    invalid = tmp_path / "invalid.ttl"
    invalid.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                       "<https://e.x/S> a sh:NodeShape ; sh:targetClass <https://w3id.org/spinekg/vocab#WebPage> ;\n"
                       "  sh:property [ sh:path <https://e.x/p> ; sh:minCount \"many\" ] .\n", encoding="utf-8")
    result = run("validate", str(fixture_file), "--shapes", str(invalid))
    assert result.exit_code == 2
    assert "invalid.ttl" in one_line_error(result)

    bad_sparql = tmp_path / "sparql.ttl"
    bad_sparql.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                          "<https://e.x/S> a sh:NodeShape ; sh:targetClass <https://w3id.org/spinekg/vocab#WebPage> ;\n"
                          "  sh:sparql [ sh:select \"SELECT $this WHERE { nonsense\" ] .\n", encoding="utf-8")
    result = run("validate", str(fixture_file), "--shapes", str(bad_sparql))
    assert result.exit_code == 2
    assert "sparql.ttl: bad SPARQL in a shape" in one_line_error(result)

    result = run("validate", str(fixture_file), "--shapes", str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2
    assert "nope.ttl: shapes file not found" in one_line_error(result)


def test_custom_shapes_file(fixture_file, tmp_path):
    """--shapes replaces the shipped shapes: a user's own rule runs alone."""
    own = tmp_path / "own.ttl"
    own.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                   "<https://e.x/NoComment> a sh:NodeShape ; rdfs:label \"documents have a comment\"@en ;\n"
                   "  sh:targetClass <https://w3id.org/spinekg/vocab#WebPage> ;\n"
                   "  sh:property [ sh:path rdfs:comment ; sh:minCount 1 ; sh:message \"Add a comment.\" ] .\n",
                   encoding="utf-8")
    result = run("validate", str(fixture_file), "--shapes", str(own), "-f", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)["results"]
    assert len(rows) == 2 and {r["message"] for r in rows} == {"Add a comment."}


# ------------------------------------------------------------------------------------------
# The human reports on the shipped graph: grouped, each quote once, every result kept
# ------------------------------------------------------------------------------------------


def _quotes_of(result) -> set[tuple[str, str]]:
    return {(ev.document, " ".join(ev.quote.split())) for row in result.rows for ev in row.evidence}


def _shipped_names(kg) -> dict[str, str]:
    return {doc.file: doc.name for doc in kg.documents()}


@pytest.mark.slow
def test_html_report_prints_each_quote_once_and_keeps_every_result(shipped, kg):
    import html as htmllib

    from lxml import html as lxml_html

    page = render(shipped, "html", names=_shipped_names(kg))
    quotes = _quotes_of(shipped)
    assert len(quotes) > 30
    for _, quote in quotes:  # the words once, however many results involve them
        assert page.count(f"“{htmllib.escape(quote)}”") == 1, quote
    tree = lxml_html.fromstring(page.encode("utf-8"))
    expected = Counter(row.shape for row in shipped.rows)
    sections = tree.xpath("//details[@data-shape]")
    assert {d.get("data-shape"): len(d.xpath(".//li[@class='result']")) for d in sections} == dict(expected)
    assert {d.get("data-shape"): int(d.get("data-count")) for d in sections} == dict(expected)
    assert not any(d.get("open") is not None for d in sections)  # folded: the summary table first
    table = {row.xpath("string(td[2]/code)"): int(row.xpath("string(td[3])"))
             for row in tree.xpath("//table[@class='summary']/tbody/tr")}
    assert sum(table.values()) == len(shipped.rows) and len(table) == len(expected)
    # every numbered reference points at a quote printed above it
    refs = tree.xpath("//a[@class='ref']/@href")
    ids = set(tree.xpath("//blockquote/@id"))
    assert refs and {r.lstrip("#") for r in refs} <= ids
    assert "003 Divine Spine: Do Stem Cell Injections Work for Back Pain?" in page  # pages by name


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_reports_print_each_quote_once(shipped, kg, fmt):
    out = render(shipped, fmt, names=_shipped_names(kg))
    for _, quote in _quotes_of(shipped):
        shown = quote if fmt == "text" else render_markdown_text(quote)
        assert out.count(shown) >= 1, quote
        opened = '"' if fmt == "text" else "“"
        assert out.count(opened + shown) == 1, quote
    # every result keeps its own line: one per row (text: "- ", markdown: a bold item)
    items = [line for line in out.splitlines() if line.lstrip().startswith(("- ", "- **")) and "[Q" not in line
             and "**Q" not in line]
    assert len(items) == len(shipped.rows)


def render_markdown_text(text: str) -> str:
    """``text`` as the Markdown report writes it: HTML-escaped, Markdown punctuation backslashed."""
    import html as htmllib

    out = htmllib.escape(text, quote=False)
    for ch in "\\`*_[]|#":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


@pytest.mark.slow
def test_html_report_is_short_in_a_browser(shipped, kg, tmp_path):
    """Folded sections and each quote once: the page at 1280x900 is a fraction of the 15,600 px
    the report was before (measured on the shipped graph)."""
    path = tmp_path / "report.html"
    path.write_text(render(shipped, "html", names=_shipped_names(kg)), encoding="utf-8")
    driver = chromium_driver(1280, 900)
    try:
        driver.get(path.as_uri())
        folded = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        unfolded = driver.execute_script("return document.documentElement.scrollHeight")
    finally:
        driver.quit()
    assert folded < 2500, folded
    assert folded < unfolded < 15600, unfolded
