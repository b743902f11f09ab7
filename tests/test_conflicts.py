"""The conflict analysis: one finding per conflicting relation, from rules that are library queries.

Findings are pinned against the pages' real text (documents, quotes, offsets), and checked
against the rule queries' own rows, read independently.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from click.testing import CliRunner

from spinekg.analysis.conflicts import KINDS
from spinekg.analysis.report import render
from spinekg.cli import main
from spinekg.core.namespaces import SPK

FILES = {"000": "000_0e4ad2cffa1f476f", "001": "001_5b7cb8a502fbf0ae", "002": "002_e5784d77ced1175a",
         "003": "003_ce75392af366c0c5", "004": "004_18a61ff07f1e7ac0"}


@pytest.fixture(scope="module")
def texts(corpus):
    """The document texts by number (decoded bytes: offsets are code points, newlines kept)."""
    return {path.name[:3]: path.read_bytes().decode("utf-8") for path in sorted(corpus.glob("*.txt"))}


@pytest.fixture(scope="module")
def findings(kg):
    return kg.conflicts()


def _find(findings, kind, s, p, o):
    found = [f for f in findings if f.kind == kind and (f.subject, f.predicate, f.object) == (str(SPK[s]), str(SPK[p]), str(SPK[o]))]
    assert len(found) == 1, (kind, s, p, o, len(found))
    return found[0]


def _quotes(side):
    return [(q.document.file[:3], q.start, q.end) for q in side.quotes]


def test_every_quote_is_the_page_text_at_its_offsets(findings, texts):
    assert findings
    for f in findings:
        for side in (f.a, f.b):
            assert side.quotes
            for q in side.quotes:
                assert texts[q.document.file[:3]][q.start:q.end] == q.text
        # sides come from different pages
        assert {d.file for d in f.a.documents} != {d.file for d in f.b.documents} or len(f.documents) > 1


def test_findings_are_the_rules_rows_grouped(kg, findings):
    """The rule (a library query) and the analysis cannot disagree: each rule's rows, grouped by
    relation, are the findings of its kind."""
    for kind, rule in KINDS.items():
        try:
            rows = kg.query(rule.query)
        except Exception as err:  # a rule not written yet fails the test with its name
            pytest.fail(f"rule {rule.query} of kind {kind}: {err}")
        grouped = defaultdict(lambda: {"a": set(), "b": set()})
        for row in rows:
            status = row.get("status")
            key = (str(row["subject"]), str(row["predicate"]), str(row["object"]), None if status is None else str(status))
            grouped[key][str(row["side"])].add(str(row["claim"]))
        expected = {k: v for k, v in grouped.items() if v["a"] and v["b"]}
        got = {(f.subject, f.predicate, f.object, f.status): {"a": {q.claim for q in f.a.quotes},
                                                              "b": {q.claim for q in f.b.quotes}}
               for f in findings if f.kind == kind}
        assert got == expected, kind


def test_findings_are_sorted_by_how_many_documents_they_involve(findings):
    sizes = [len(f.documents) for f in findings]
    assert sizes == sorted(sizes, reverse=True)


def test_contradictions_are_the_old_five_grouped(findings):
    contradictions = [f for f in findings if f.kind == "contradiction"]
    assert len(contradictions) == 4  # the 5 pairs of the contradictions query, in 4 relations
    stem_cell = _find(findings, "contradiction", "StemCell", "hasMechanism", "StemCellDifferentiation")
    assert _quotes(stem_cell.a) == [("000", 3010, 3150), ("002", 2314, 2402)]
    assert _quotes(stem_cell.b) == [("001", 1584, 1697)]
    assert stem_cell.b.quotes[0].negated and stem_cell.a.label == "asserts" and stem_cell.b.label == "denies"
    safe = _find(findings, "contradiction", "RegenerativeTreatment", "hasCharacteristic", "Safe")
    assert _quotes(safe.a) == [("002", 5224, 5321)] and _quotes(safe.b) == [("003", 4046, 4121)]
    assert safe.a.quotes[0].modality == "hedged"


def test_regulatory_findings_state_the_jurisdiction_of_every_page(findings):
    regulatory = [f for f in findings if f.kind == "regulatory"]
    assert regulatory
    states = {state for f in regulatory for state in f.pages.values()}
    assert states == {"location unknown", "outside jurisdiction"}
    for f in regulatory:
        assert f.regulator == "U.S. Food and Drug Administration" and f.jurisdiction == "United States"
        assert set(f.pages) == {d.file for d in f.a.documents}
        for page, state in f.pages.items():
            # 001 (Medellín, Colombia) is outside the FDA's jurisdiction; 000, 002 and 004 name no
            # location (or no publisher), which is reported as such, never assumed
            assert state == ("outside jurisdiction" if page == FILES["001"] else "location unknown")
    ddd = _find(findings, "regulatory", "StemCellTherapy", "treats", "DegenerativeDiscDisease")
    assert [d.file[:3] for d in ddd.a.documents] == ["002", "004"] and _quotes(ddd.b) == [("003", 1364, 1515)]
    outside = [f for f in regulatory if FILES["001"] in f.pages]
    assert outside and all(f.pages[FILES["001"]] == "outside jurisdiction" for f in outside)


#: the 24 rows of the earlier regulatory-conflicts query (pages in the US or of unknown location), as
#: (page, treatment, condition): 19 distinct (a page may state one relation in several sentences), in 18 relations
OLD_REGULATORY_ROWS = {
    ("000", "StemCellTherapy", "ChronicNeckPain"), ("000", "StemCellTherapy", "NeckPain"),
    ("002", "StemCellTherapy", "ChronicJointInflammation"), ("002", "StemCellTherapy", "DegenerativeDiscDisease"),
    ("002", "StemCellTherapy", "SoftTissueInjury"), ("002", "StemCellTherapy", "SpinalArthritis"),
    ("002", "StemCellTherapy", "SpinePain"), ("004", "BoneMarrowStemCellTherapy", "ChronicPain"),
    ("004", "BoneMarrowStemCellTherapy", "Injury"), ("004", "BoneMarrowStemCellTherapy", "Pain"),
    ("004", "BoneMarrowStemCellTherapy", "TissueDegeneration"), ("004", "StemCellTherapy", "ACLTear"),
    ("004", "StemCellTherapy", "Arthritis"), ("004", "StemCellTherapy", "ChronicPain"),
    ("004", "StemCellTherapy", "DegenerativeDiscDisease"), ("004", "StemCellTherapy", "GolfElbow"),
    ("004", "StemCellTherapy", "MusculoskeletalCondition"), ("004", "StemCellTherapy", "MusculoskeletalPain"),
    ("004", "StemCellTherapy", "TennisElbow"),
}


def test_the_old_regulatory_rows_are_all_found(findings):
    """Every row of the earlier regulatory-conflicts query is in a finding, now grouped by relation."""
    found = {(d.file[:3], f.subject.rsplit("#", 1)[-1], f.object.rsplit("#", 1)[-1])
             for f in findings if f.kind == "regulatory" and f.predicate == str(SPK.treats) for d in f.a.documents}
    assert OLD_REGULATORY_ROWS <= found
    relations = {(s, o) for _, s, o in OLD_REGULATORY_ROWS}
    grouped = [f for f in findings if f.kind == "regulatory" and f.status.endswith("Status003StemCellsNotApprovedOtherUses")
               and (f.subject.rsplit("#", 1)[-1], f.object.rsplit("#", 1)[-1]) in relations]
    assert len(grouped) == len(relations) == 18  # one finding per relation, however many pages promote it


def test_efficacy_against_evidence(findings):
    pain = _find(findings, "efficacy-evidence", "BoneMarrowStemCellTherapy", "hasTherapeuticEffect", "PainRelief")
    assert [d.file[:3] for d in pain.a.documents] == ["004"]
    review = [q for q in pain.b.quotes if q.start == 3482]  # the 2022 review: pain relief and function
    assert {(q.document.file[:3], q.end, q.direction, q.kind, q.object) for q in review} == {
        ("003", 3679, "refutes", "evidence", "spk:PainRelief"), ("003", 3679, "refutes", "evidence", "spk:ImprovedFunction")}
    assert all(q.attribution is not None for q in review)


def test_filters_by_kind_document_and_entity(kg, findings):
    only = kg.conflicts("contradiction")
    assert only and {f.kind for f in only} == {"contradiction"}
    of_001 = kg.conflicts("regulatory", document="001")
    assert of_001 and all(FILES["001"] in f.documents for f in of_001)
    assert len(of_001) < len([f for f in findings if f.kind == "regulatory"])
    about = kg.conflicts("regulatory", entity="mesenchymal stem cell therapy")
    kinds = {str(SPK.MesenchymalStemCellTherapy), str(SPK.IntradiscalMSCInjection), str(SPK.FacetJointMSCInjection),
             str(SPK.EpiduralPerineuralMSCApplication), str(SPK.BoneMarrowStemCellTherapy)}
    assert about and {f.subject for f in about} <= kinds and str(SPK.StemCellTherapy) not in {f.subject for f in about}
    with pytest.raises(Exception, match="unknown conflict kind"):
        kg.conflicts("rumour")


def test_json_carries_offsets_for_every_quote(findings):
    doc = json.loads(render(findings, "json"))
    assert sum(doc["counts"].values()) == len(doc["findings"]) == len(findings)
    for f in doc["findings"]:
        for side in f["sides"]:
            for q in side["quotes"]:
                assert isinstance(q["start"], int) and isinstance(q["end"], int) and q["quote"]


def test_human_formats_print_each_quote_once(findings):
    texts = {q.text for f in findings for side in (f.a, f.b) for q in side.quotes}
    fda = "So far, the Food and Drug Administration (FDA) has only approved stem cell treatments"
    assert any(t.startswith(fda) for t in texts)
    for fmt in ("text", "markdown", "html"):
        out = render(findings, fmt)
        assert out.count(fda) == 1, fmt
    rows = list(csv.DictReader(io.StringIO(render(findings, "csv"))))
    assert len(rows) == sum(len(side.quotes) for f in findings for side in (f.a, f.b))
    assert {r["page_jurisdiction"] for r in rows if r["kind"] == "regulatory" and r["side"] == "promotes"} == {
        "location unknown", "outside jurisdiction"}


def test_html_and_markdown_keep_text_inert(findings):
    from dataclasses import replace

    f = findings[0]
    hostile = replace(f, a=replace(f.a, quotes=(replace(f.a.quotes[0], text="<script>x</script> | **b** [l](j)"),)))
    assert "<script>" not in render([hostile], "html")
    md = render([hostile], "markdown")
    assert "<script>" not in md and "\\| \\*\\*b\\*\\* \\[l\\](j)" in md


@pytest.fixture(scope="module")
def names(kg):
    return {doc.file: doc.name for doc in kg.documents()}


def test_human_formats_name_pages_and_machine_formats_keep_the_file(findings, names):
    """Text, Markdown and HTML name a page by its number, publisher and title; a page with
    neither keeps its file name. JSON and CSV keep the file name and add page_name."""
    named = {file: name for file, name in names.items() if name != file}
    assert "003_ce75392af366c0c5" in named and named["003_ce75392af366c0c5"].startswith("003 Divine Spine: ")
    for fmt in ("text", "markdown", "html"):
        out = render(findings, fmt, names=names)
        for file, name in named.items():
            assert file not in out, (fmt, file)
        plain = out.replace("\\", "")  # Markdown escapes
        assert all(name in plain for name in names.values()), fmt
    doc = json.loads(render(findings, "json", names=names))
    quotes = [q for f in doc["findings"] for side in f["sides"] for q in side["quotes"]]
    assert quotes and all(q["page_name"] == names[q["document"]] for q in quotes)
    rows = list(csv.DictReader(io.StringIO(render(findings, "csv", names=names))))
    assert rows and all(r["page_name"] == names[r["document"]] for r in rows)
    # without names, the file names (what the Python API gives when it is not told)
    assert "003_ce75392af366c0c5" in render(findings, "text")


def test_the_text_fits_the_width_it_is_given(findings, names):
    for width in (60, 100):
        lines = render(findings, "text", names=names, width=width).splitlines()
        long = [line for line in lines if len(line) > width and len(line.split()) > 1]
        assert not long, long[:3]
        assert max(len(line) for line in lines) > width - 15  # the width is used, not just respected
    words = " ".join(render(findings, "text", names=names).split())
    assert " ".join(render(findings, "text", names=names, width=60).split()) == words  # wrapping loses nothing


def test_a_hostile_page_name_stays_text(findings, names):
    from lxml import html as lxml_html

    evil = {file: f"<script>alert('{file}')</script> [x](javascript:y)" for file in names}
    tree = lxml_html.document_fromstring(render(findings, "html", names=evil))
    assert not tree.xpath("//script") and "<script>alert(" in tree.text_content()
    md = render(findings, "markdown", names=evil)
    assert "<script>" not in md and "\\[x\\](javascript:y)" in md


@pytest.mark.slow
def test_cli(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["conflicts", "--kind", "contradiction"], env={"COLUMNS": "72"})
    assert result.exit_code == 0 and "ONE PAGE ASSERTS WHAT ANOTHER DENIES (4)" in result.output
    assert "(003 Divine Spine: Do Stem Cell Injections Work for Back Pain?, " in " ".join(result.output.split())
    assert all(len(line) <= 72 or len(line.split()) == 1 for line in result.output.splitlines())
    out = tmp_path / "c.json"
    result = runner.invoke(main, ["conflicts", "--kind", "regulatory", "--document", "001", "-f", "json", "-o", str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert "written to" in result.stderr
    bad = runner.invoke(main, ["conflicts", "--kind", "rumour"])
    assert bad.exit_code == 2
    bad = runner.invoke(main, ["conflicts", "--kind", "product-rule", "--entity", "no such thing"])
    assert bad.exit_code == 2 and "no such thing" in bad.output + bad.stderr


def test_every_kind_has_a_finding_from_the_pages(findings):
    # no two of the five pages report statuses of a regulator that exclude each other: that kind is
    # pinned on the fixture pages (tests/test_shape_fixtures.py)
    assert {f.kind for f in findings} == set(KINDS) - {"exclusive-status"}
    placental = [f for f in findings if f.kind == "product-rule" and f.predicate == str(SPK.hasRegulatoryStatus)]
    assert len(placental) == 1
    f = placental[0]
    assert (f.a.label, f.b.label) == ("offered", "regulator's statement")
    assert [d.file[:3] for d in f.a.documents] == ["004"] and _quotes(f.b) == [("000", 4088, 4335)]


def test_a_side_shows_each_span_once_and_an_empty_report_says_so(findings):
    safe = [f for f in findings if f.kind == "safety-risk"][0]
    text = render([safe], "text")
    spans = [(q.document.file, q.start) for q in safe.b.quotes]
    assert len(spans) > len(set(spans))  # several claims share a sentence ...
    assert text.count("[Q") == len(set(spans)) + len({(q.document.file, q.start) for q in safe.a.quotes})  # ... shown once
    assert render([], "text").startswith("No conflicts found.")


def test_the_conflict_shapes_are_generated_from_the_rules():
    """shapes/spinekg-conflicts.ttl is what the rules generate: after changing a rule, run
    `python -m spinekg.validation.conflictshapes > shapes/spinekg-conflicts.ttl`."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from spinekg.core.resources import resource_dir
    from spinekg.query.library import load_library
    from spinekg.validation.conflictshapes import declared_prefixes, render

    shapes = resource_dir("shapes")
    declared = declared_prefixes(Graph().parse(shapes / "spinekg-core.ttl"))
    text = render(load_library(), declared)
    assert (shapes / "spinekg-conflicts.ttl").read_text(encoding="utf-8") == text
    generated = Graph().parse(data=text, format="turtle")
    assert isomorphic(generated, Graph().parse(shapes / "spinekg-conflicts.ttl"))


def test_a_rule_with_an_undeclared_prefix_is_refused():
    from spinekg.core.errors import ShapesError
    from spinekg.validation.conflictshapes import rule_body

    text = "PREFIX ex: <http://example.org/>\nSELECT ?claim ?side WHERE { ?claim ex:p ?side }"
    with pytest.raises(ShapesError, match="PREFIX ex: <http://example.org/> is not declared"):
        rule_body(text, {"spk": "https://w3id.org/spinekg/vocab#"}, "queries/conflict-x.rq")
    body = rule_body(text.replace("ex:", "spk:").replace("<http://example.org/>", "<https://w3id.org/spinekg/vocab#>")
                     + "\nORDER BY ?claim", {"spk": "https://w3id.org/spinekg/vocab#"}, "q")
    assert body.strip().startswith("SELECT") and "ORDER BY" not in body and "PREFIX" not in body


def test_statuses_that_exclude_each_other_on_the_fixture_pages():
    """clinic_a reports the FDA approving stem cell products only for some cancers and blood
    disorders; clinic_b reports them approved for back pain: one finding, both quotes."""
    from pathlib import Path

    from spinekg.core.resources import resource_dir
    from spinekg.kg import KnowledgeGraph
    from spinekg.model.compiler import build

    fixtures = Path(__file__).resolve().parent / "fixtures"
    kg = KnowledgeGraph.from_build(build(resource_dir("ontology"), fixtures / "data", fixtures / "corpus"))
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (fixtures / "corpus").glob("*.txt")}
    [finding] = kg.conflicts("exclusive-status")
    assert finding.object.endswith("StatusAStemCellsOnlyBlood") and finding.predicate == str(SPK.hasRegulatoryStatus)
    assert [d.file for d in finding.a.documents] == ["clinic_a"] and [d.file for d in finding.b.documents] == ["clinic_b"]
    for side in (finding.a, finding.b):
        for q in side.quotes:
            assert texts[q.document.file][q.start:q.end] == q.text
    assert finding.b.quotes[0].object == "spkd:StatusBStemCellsBackPain" or "BackPain" in finding.b.quotes[0].object
    assert (finding.a.label, finding.b.label) == ("reports", "reports otherwise")


def test_the_command_offers_every_kind():
    from spinekg.cli.conflicts import _KINDS

    assert _KINDS == list(KINDS)
