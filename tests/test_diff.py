"""Comparing two graphs by their claims (spinekg.analysis.diff) and the ``spinekg diff`` command."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from spinekg.analysis.diff import ClaimKey, Stance, claim_groups, diff_graphs, render_json, render_text
from spinekg.cli import diff as diff_cli
from spinekg.cli.options import SpinekgGroup
from spinekg.core.namespaces import BIOLINK, RDF, RDFS, SPK, SPKD

from conftest import one_line_error

ROOT = Path(__file__).resolve().parents[1]
DOC = "004_18a61ff07f1e7ac0"


@click.group(cls=SpinekgGroup)
@click.option("--debug", is_flag=True)
def cli(debug: bool) -> None:
    """The ``spinekg`` group with only the diff command (as the package registers it)."""


diff_cli.register(cli)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _single(groups: dict, kind: str, **stance) -> ClaimKey:
    """The first key (sorted) of ``kind`` held by one claim with this stance."""
    return next(k for k, g in sorted(groups.items()) if k.kind == kind and len(g.claims) == 1
                and g.stances == (Stance(**stance),))


@pytest.fixture(scope="module")
def edited(kg):
    """A copy of the shipped graph with one claim negated, one hedged, one removed, one added."""
    old = kg.graph
    groups = claim_groups(old)
    new = Graph()
    for triple in old:
        new.add(triple)
    asserted = dict(negated=False, modality="asserted", direction="")
    keys = sorted(k for k, g in groups.items() if k.kind == "assertion" and len(g.claims) == 1
                  and g.stances == (Stance(**asserted),))
    flipped, hedged, removed = keys[0], keys[1], keys[2]
    new.set((URIRef(groups[flipped].claims[0]), BIOLINK.negated, Literal(True)))
    new.set((URIRef(groups[hedged].claims[0]), SPK.modality, SPK.Hedged))
    for triple in list(new.triples((URIRef(groups[removed].claims[0]), None, None))):
        new.remove(triple)
    evidence = _single(groups, "evidence", negated=False, modality="asserted", direction="supports")
    new.set((URIRef(groups[evidence].claims[0]), SPK.evidenceDirection, SPK.Refutes))
    added = SPKD["claim/test-added"]
    doc = SPKD[f"doc/{DOC}"]
    for p, o in ((RDF.type, SPK.Claim), (RDF.type, SPK.RecommendationClaim), (RDF.subject, SPK.StemCellTherapy),
                 (RDF.predicate, SPK.treats), (RDF.object, SPK.KneeArthritis), (SPK.statedIn, doc),
                 (BIOLINK.negated, Literal(False)), (SPK.modality, SPK.Hedged),
                 (BIOLINK.supporting_text, Literal("Stem cell therapy may help knee arthritis.")),
                 (RDFS.label, Literal("stem cell therapy treats knee arthritis (test)", lang="en"))):
        new.add((added, p, o))
    added_key = ClaimKey(DOC, str(SPK.StemCellTherapy), str(SPK.treats), str(SPK.KneeArthritis), "recommendation")
    assert added_key not in groups
    return {"old": old, "new": new, "groups": groups, "flipped": flipped, "hedged": hedged, "removed": removed,
            "evidence": evidence, "added": added_key}


def test_a_graph_has_no_difference_with_itself(kg):
    result = diff_graphs(kg.graph, kg)  # a KnowledgeGraph works as well as its rdflib graph
    assert not result.differs and not result.added and not result.removed and not result.changed
    assert result.compared == len(claim_groups(kg)) > 500
    assert render_text(result) == f"no claim differences ({result.compared} claim keys in both graphs)\n"


def test_claims_are_keyed_by_document_triple_and_kind(edited):
    groups = edited["groups"]
    kinds = {k.kind for k in groups}
    assert kinds == {"assertion", "recommendation", "evidence"}
    assert all(k.document and k.subject and k.predicate and k.object for k in groups)
    assert {k.document for k in groups} >= {DOC, "000_0e4ad2cffa1f476f"}
    literal = [k for k in groups if k.object.startswith('"')]
    assert literal, "literal objects are keyed in N3"
    assert all(g.quotes and g.labels for g in groups.values())


def test_added_removed_and_changed_stance(edited):
    result = diff_graphs(edited["old"], edited["new"])
    groups = edited["groups"]
    assert [g.key for g in result.added] == [edited["added"]]
    assert result.added[0].stances == (Stance(False, "hedged", ""),)
    assert result.added[0].quotes == ("Stem cell therapy may help knee arthritis.",)
    assert [g.key for g in result.removed] == [edited["removed"]]
    assert result.removed[0].quotes == groups[edited["removed"]].quotes != ()
    assert result.removed[0].labels == groups[edited["removed"]].labels != ()
    changed = {c.key: c for c in result.changed}
    assert set(changed) == {edited["flipped"], edited["hedged"], edited["evidence"]}
    assert [c.key for c in result.changed] == sorted(changed)
    flip = changed[edited["flipped"]]
    assert flip.old.stances == (Stance(False, "asserted", ""),) and flip.new.stances == (Stance(True, "asserted", ""),)
    assert flip.old.quotes == flip.new.quotes == groups[edited["flipped"]].quotes
    assert changed[edited["hedged"]].new.stances == (Stance(False, "hedged", ""),)
    assert changed[edited["evidence"]].new.stances == (Stance(False, "asserted", "refutes"),)
    assert result.compared == len(groups) - 1
    assert result.summary().startswith("5 claim differences: 1 added, 1 removed, 3 changed stance")
    # and the other way round
    back = diff_graphs(edited["new"], edited["old"])
    assert [g.key for g in back.added] == [edited["removed"]] and [g.key for g in back.removed] == [edited["added"]]
    assert {c.key for c in back.changed} == set(changed)


def test_a_claim_moved_within_its_page_is_no_difference(edited):
    """The claim IRI carries the quote's offsets; a new IRI for the same key is not a change."""
    old = edited["old"]
    new = Graph()
    key = edited["flipped"]
    node = URIRef(edited["groups"][key].claims[0])
    moved = SPKD["claim/moved-elsewhere"]
    for s, p, o in old:
        new.add((moved if s == node else s, p, o))
    assert not diff_graphs(old, new).differs


def test_text_and_json_reports(edited):
    result = diff_graphs(edited["old"], edited["new"])
    text = render_text(result)
    assert text == render_text(diff_graphs(edited["old"], edited["new"]))  # deterministic
    lines = text.splitlines()
    assert lines[0] == "added (1):"
    assert lines[1] == (f"+ {DOC}  spk:StemCellTherapy spk:treats spk:KneeArthritis  [recommendation]  hedged")
    assert '    quote: "Stem cell therapy may help knee arthritis."' in lines
    assert "removed (1):" in lines and "changed stance (3):" in lines
    assert any(line.startswith("~ ") and line.endswith("asserted -> negated, asserted") for line in lines)
    assert any(line.endswith("asserted, supports -> asserted, refutes") for line in lines)
    assert lines[-1] == result.summary()
    data = json.loads(render_json(result))
    assert data["counts"] == {"added": 1, "removed": 1, "changed": 3, "compared": result.compared}
    assert data["added"][0]["key"]["object"] == str(SPK.KneeArthritis)
    assert data["changed"][0]["old"]["stances"] != data["changed"][0]["new"]["stances"]


# ------------------------------------------------------------------------------------------
# the command
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph_files(edited, tmp_path_factory):
    """The two graphs, cut to what the diff reads of the documents with an edit (smaller files,
    faster tests)."""
    folder = tmp_path_factory.mktemp("graphs")
    paths = folder / "old.ttl", folder / "new.nt"
    documents = {edited[name].document for name in ("flipped", "hedged", "removed", "evidence", "added")}
    read = {RDF.type, RDF.subject, RDF.predicate, RDF.object, SPK.statedIn, SPK.fileName, BIOLINK.negated,
            SPK.modality, SPK.evidenceDirection, BIOLINK.supporting_text, RDFS.label}
    for graph, path, fmt in ((edited["old"], paths[0], "turtle"), (edited["new"], paths[1], "nt")):
        keep = {URIRef(iri) for g in claim_groups(graph).values() if g.key.document in documents for iri in g.claims}
        keep |= set(graph.subjects(SPK.fileName, None))
        part = Graph()
        for triple in graph:
            if triple[0] in keep and triple[1] in read:
                part.add(triple)
        part.serialize(destination=path, format=fmt, encoding="utf-8")
    return paths


def test_cli_same_graph_exits_0(graph_files):
    old, _ = graph_files
    result = run("diff", str(old), str(old))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("no claim differences")


def test_cli_differences_exit_1(graph_files, tmp_path):
    old, new = graph_files
    result = run("diff", str(old), str(new))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[-1].startswith("5 claim differences: 1 added, 1 removed, 3 changed stance")
    out = tmp_path / "diff.json"
    result = run("diff", str(old), str(new), "-f", "json", "-o", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(out.read_text("utf-8"))["counts"]["changed"] == 3
    assert run("diff", str(old), str(new), "-f", "json").stdout == out.read_text("utf-8")  # deterministic


def test_cli_missing_file_is_one_line_exit_2(graph_files, tmp_path):
    old, _ = graph_files
    missing = tmp_path / "nope.ttl"
    result = run("diff", str(old), str(missing))
    assert result.exit_code == 2
    line = one_line_error(result)
    assert str(missing) in line and "no such file" in line and "give two graph files" in line


@pytest.mark.parametrize("name, content, message", [
    ("notes.ttl", "this is not turtle\n", "not valid turtle"),
    ("notes.md", "# a note\n", "cannot tell the RDF syntax from the extension '.md'"),
    ("empty.ttl", "", "file is empty"),
])
def test_cli_non_rdf_file_is_one_line_exit_2(graph_files, tmp_path, name, content, message):
    old, _ = graph_files
    bad = tmp_path / name
    bad.write_text(content, "utf-8")
    result = run("diff", str(old), str(bad))
    assert result.exit_code == 2
    line = one_line_error(result)
    assert str(bad) in line and message in line and "--rdf-format" in line


# ------------------------------------------------------------------------------------------
# two versions of a page
# ------------------------------------------------------------------------------------------


@pytest.fixture
def pages(corpus, tmp_path):
    old = corpus / f"{DOC}.txt"
    text = old.read_bytes().decode("utf-8")
    sentence = "This form of stem cell therapy does not use stem cells from embryonic tissue. "
    assert text.count(sentence) == 1
    new = tmp_path / "new" / f"{DOC}.txt"
    new.parent.mkdir()
    new.write_bytes(("A new first line.\n" + text.replace(sentence, "")).encode("utf-8"))
    return old, new, ROOT / "data" / "documents" / f"{DOC}.yaml"


def test_cli_pages_report_the_reanchoring(pages):
    old, new, curation = pages
    result = run("diff", str(old), str(new), "--curation", str(curation))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "20 spans: 0 unchanged, 19 moved, 0 changed, 1 gone"
    assert lines[0].startswith("moved") and "0-17 -> 18-35" in lines[0] and f"{DOC}.yaml:14" in lines[0]
    data = json.loads(run("diff", str(old), str(new), "--curation", str(curation), "-f", "json").stdout)
    assert data["counts"]["gone"] == 1 and len(data["anchors"]) == 20
    same = run("diff", str(old), str(old), "--curation", str(curation))
    assert same.exit_code == 0 and same.stdout.splitlines()[-1] == "20 spans: 20 unchanged, 0 moved, 0 changed, 0 gone"


def test_cli_pages_need_a_matching_curation(pages, corpus):
    old, new, curation = pages
    result = run("diff", str(old), str(new))
    assert result.exit_code == 2 and "--curation" in one_line_error(result)
    other = corpus / "003_ce75392af366c0c5.txt"
    result = run("diff", str(other), str(new), "--curation", str(curation))
    assert result.exit_code == 2
    line = one_line_error(result)
    assert f"{DOC}.yaml:14" in line and "give as OLD the version of the page" in line
    result = run("diff", str(old), str(new), "--curation", str(new.parent / "missing.yaml"))
    assert result.exit_code == 2 and "no such curation file" in one_line_error(result)


def test_cli_a_page_and_a_graph_are_not_compared(pages, graph_files):
    old, _, _ = pages
    result = run("diff", str(old), str(graph_files[0]))
    assert result.exit_code == 2 and "a graph compared with the page" in one_line_error(result)
    result = run("diff", str(graph_files[0]), str(graph_files[0]), "--curation", str(pages[2]))
    assert result.exit_code == 2 and "--curation is for two .txt pages" in one_line_error(result)
