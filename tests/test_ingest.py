"""Bringing in a page: spinekg add, spinekg extract (drafts, ConText stance, evaluation), build
refusing proposals and naming corpus pages without a curation file, and a page written for this
test carried from its text to queries and conflicts with the shipped pages."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import one_line_error
from spinekg.cli import main
from spinekg.core.resources import resource_dir
from spinekg.ingest.context import modifiers
from spinekg.ingest.text import MAX_PAGE_CHARS, sentences
from spinekg.kg import KnowledgeGraph
from spinekg.model.compiler import build

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "tests" / "fixtures" / "ingest" / "harbor_spine.txt"
SEEDS = ROOT.parent / "shared" / "seeds"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def space(tmp_path):
    """A copy of the corpus and of the curation folder, to add pages to."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    corpus.mkdir()
    for page in SEEDS.glob("*.txt"):
        shutil.copy(page, corpus / page.name)
    shutil.copytree(resource_dir("data"), data)
    return corpus, data


def _listing(*folders: Path) -> dict:
    return {p: p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


# -- spinekg add -----------------------------------------------------------------------------------

def test_add_stores_the_text_and_creates_the_curation_file(space):
    corpus, data = space
    out = run("add", str(PAGE), "--url", "https://harbor.example/regenerative", "--retrieved", "2026-11-30",
              "--publisher", "Harbor Spine Institute", "--country", "US", "--title", "Regenerative Care",
              "--corpus", str(corpus), "--data", str(data))
    assert out.exit_code == 0, out.output
    [name] = [p.stem for p in corpus.glob("005_*.txt")]
    assert re.fullmatch(r"005_[0-9a-f]{16}", name)
    assert (corpus / f"{name}.txt").read_bytes() == PAGE.read_bytes()
    doc = yaml.safe_load((data / "documents" / f"{name}.yaml").read_text())
    assert doc["document"]["url"] == "https://harbor.example/regenerative"
    assert str(doc["document"]["retrieved"]) == "2026-11-30"
    assert doc["document"]["publisher"] == "HarborSpineInstitute" and doc["document"]["country"] == "UnitedStates"
    assert doc["individuals"] == [{"id": "HarborSpineInstitute", "type": "Organization", "label": "Harbor Spine Institute"}]
    assert f"spinekg extract {name}" in out.output
    # the page is in the graph, with its provenance, and has no claims yet
    kg = KnowledgeGraph.from_build(build(resource_dir("ontology"), data, corpus))
    rows = kg.sparql(f"""PREFIX spk: <https://w3id.org/spinekg/vocab#> PREFIX schema: <http://schema.org/>
        PREFIX pav: <http://purl.org/pav/>
        SELECT ?url ?date ?country WHERE {{ ?d spk:fileName "{name}" ; schema:url ?url ; spk:hasSnapshot/pav:retrievedOn ?date ;
        schema:publisher/spk:locatedIn ?country }}""")
    assert [(str(r["url"]), str(r["date"]), str(r["country"]).rsplit("/", 1)[-1]) for r in rows] == [
        ("https://harbor.example/regenerative", "2026-11-30", "UnitedStates")]


def test_add_never_overwrites_and_a_second_add_changes_nothing(space):
    corpus, data = space
    assert run("add", str(PAGE), "--corpus", str(corpus), "--data", str(data)).exit_code == 0
    [curation] = list((data / "documents").glob("005_*.yaml"))
    curation.write_text(curation.read_text() + "# a curator's note\n")
    before = _listing(corpus, data)
    again = run("add", str(PAGE), "--corpus", str(corpus), "--data", str(data))
    assert again.exit_code == 0 and "already in the corpus" in again.output and "left as it is" in again.output
    assert _listing(corpus, data) == before
    # a different text under the name of a corpus page without a curation file is refused (with
    # one, it is the page's new version: see the re-anchoring test below)
    (corpus / "orphan.txt").write_text("A page nobody curated.\n")
    before = _listing(corpus, data)
    other = corpus.parent / "other.txt"
    other.write_text("Another page about stem cell therapy.\n")
    clash = run("add", str(other), "--name", "orphan", "--corpus", str(corpus), "--data", str(data))
    assert clash.exit_code == 2 and "a different text is already stored under this name" in one_line_error(clash)
    assert _listing(corpus, data) == before


@pytest.mark.parametrize("content, message", [
    (b"", "the page has no text"),
    (b"   \n\t\n", "the page has no text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    ("Cl\u00ednica de columna".encode("latin-1"), "not UTF-8 text"),
    (b"a" * (MAX_PAGE_CHARS + 1), "more than the"),
])
def test_bad_pages_give_one_line_and_write_nothing(space, content, message):
    corpus, data = space
    page = corpus.parent / "page.txt"
    page.write_bytes(content)
    before = _listing(corpus, data)
    out = run("add", str(page), "--corpus", str(corpus), "--data", str(data))
    assert out.exit_code == 2 and message in one_line_error(out)
    assert _listing(corpus, data) == before
    assert run("extract", str(page), "--data", str(data)).exit_code == 2


def test_add_refuses_unknown_country_and_bad_url(space):
    corpus, data = space
    out = run("add", str(PAGE), "--publisher", "X Clinic", "--country", "Atlantis", "--corpus", str(corpus),
              "--data", str(data))
    assert out.exit_code == 2 and "unknown country 'Atlantis'" in one_line_error(out)
    out = run("add", str(PAGE), "--url", "ftp://x", "--corpus", str(corpus), "--data", str(data))
    assert out.exit_code == 2 and "--url must be an http(s) address" in one_line_error(out)
    assert not list(corpus.glob("005_*"))


def test_add_reads_the_main_text_of_a_saved_html_page(space):
    pytest.importorskip("trafilatura")
    corpus, data = space
    html = corpus.parent / "page.html"
    body = " ".join(["Stem cell therapy treats degenerative disc disease in our clinic."] * 8)
    html.write_text(f"<html><head><title>T</title></head><body><nav><a href='/'>Home</a> | <a href='/x'>Contact</a></nav>"
                    f"<main><article><h1>Stem cells for back pain</h1><p>{body}</p></article></main>"
                    "<footer>Copyright 2026 Example</footer></body></html>")
    assert run("add", str(html), "--corpus", str(corpus), "--data", str(data)).exit_code == 0
    [stored] = list(corpus.glob("005_*.txt"))
    text = stored.read_text()
    assert "Stem cell therapy treats degenerative disc disease" in text and "Copyright" not in text
    assert "Contact" not in text


# -- build -----------------------------------------------------------------------------------------

def test_build_names_corpus_pages_without_a_curation_file(space):
    corpus, data = space
    shutil.copy(PAGE, corpus / "new_page.txt")
    out = run("build", "--check", "--corpus", str(corpus), "--data", str(data))
    assert out.exit_code == 0, out.output
    assert "1 corpus page(s) without a curation file, not in the graph: new_page" in out.output


def test_build_refuses_a_draft_until_every_proposal_is_reviewed(space, tmp_path):
    corpus, data = space
    assert run("add", str(PAGE), "--corpus", str(corpus), "--data", str(data)).exit_code == 0
    [curation] = list((data / "documents").glob("005_*.yaml"))
    draft = tmp_path / "draft.yaml"
    assert run("extract", curation.stem, "-o", str(draft), "--corpus", str(corpus), "--data", str(data)).exit_code == 0
    proposals = draft.read_text().count("\n    proposed: true")
    assert proposals >= 5
    shutil.copy(draft, curation)
    out = run("build", "--check", "--corpus", str(corpus), "--data", str(data))
    assert out.exit_code == 2
    assert f"{proposals} proposed item(s) in 1 curation file(s) not yet reviewed" in one_line_error(out)
    assert one_line_error(out).startswith(f"spinekg: error: {curation}:")


# -- spinekg extract -------------------------------------------------------------------------------

def test_json_draft_has_the_documented_shape_and_exact_quotes(space):
    corpus, data = space
    out = run("extract", str(PAGE), "-f", "json", "--data", str(data))
    assert out.exit_code == 0, out.output
    draft = json.loads(out.output)
    text = PAGE.read_text()
    assert set(draft) == {"document", "mentions", "claims"}
    for m in draft["mentions"]:
        assert set(m) == {"start", "end", "text", "entity", "label", "category", "mappings"}
        assert text[m["start"]:m["end"]] == m["text"]
    for c in draft["claims"]:
        assert set(c) == {"subject", "predicate", "object", "quote", "start", "end", "modality", "negated", "attribution"}
        assert text[c["start"]:c["end"]] == c["quote"] and c["modality"] in ("asserted", "hedged")
        assert set(c["attribution"]) == {"source", "cue"}
    found = {(c["subject"]["label"], c["predicate"]["label"], c["object"]["label"], c["modality"], c["negated"])
             for c in draft["claims"]}
    assert ("stem cell therapy", "treats", "degenerative disc disease", "asserted", False) in found
    assert ("platelet-rich plasma therapy", "has mechanism", "anti-inflammatory effect", "hedged", False) in found
    assert ("mesenchymal stem cell", "differentiates into", "intervertebral disc", "asserted", True) in found
    assert ("prolotherapy", "not suitable for", "spinal instability", "asserted", False) in found
    # the abbreviation the page defines names what its long form names
    msc = [m for m in draft["mentions"] if m["text"] == "MSCs"]
    assert msc and {m["label"] for m in msc} == {"mesenchymal stem cell"}


def test_drafts_are_deterministic_and_never_written_over_a_file(space, tmp_path):
    corpus, data = space
    first = run("extract", str(PAGE), "--data", str(data)).output
    assert first == run("extract", str(PAGE), "--data", str(data)).output
    target = tmp_path / "draft.yaml"
    target.write_text("keep me\n")
    out = run("extract", str(PAGE), "-o", str(target), "--data", str(data))
    assert out.exit_code == 2 and "never written over a file" in one_line_error(out)
    assert target.read_text() == "keep me\n"


def test_html_draft_highlights_and_keeps_the_text_inert(tmp_path):
    page = tmp_path / "hostile.txt"
    page.write_text("<script>alert(1)</script> Stem cell therapy treats back pain. <img src=x onerror=alert(2)>\n")
    out = run("extract", str(page), "-f", "html")
    assert out.exit_code == 0, out.output
    assert "<script>alert" not in out.output and "<img" not in out.output
    assert "&lt;script&gt;" in out.output and 'class="m"' in out.output
    assert "default-src 'none'" in out.output


def test_sentences_keep_exact_offsets():
    text = "Dr. Smith treats pain. It works!\nHeading line\n\nNext: e.g. PRP may help. 3 patients improved."
    spans = sentences(text)
    assert [s.text for s in spans] == ["Dr. Smith treats pain.", "It works!", "Heading line",
                                       "Next: e.g. PRP may help.", "3 patients improved."]
    assert all(text[s.start:s.end] == s.text for s in spans)


@pytest.mark.parametrize("sentence, kind, cue", [
    ("Stem cell therapy does not treat cancer.", "negation", "not"),
    ("PRP may reduce inflammation.", "hedge", "may"),
    ("According to the Mayo Clinic, PRP treats tendon injuries.", "attribution", "According to the Mayo Clinic"),
    ("Studies show that PRP reduces pain.", "attribution", "Studies show"),
])
def test_context_triggers(sentence, kind, cue):
    mods = modifiers(sentence, 0, len(sentence))
    assert any(m.kind == kind and m.cue == cue for m in mods), mods


def test_pseudo_triggers_do_not_negate():
    sentence = "PRP not only reduces pain but also improves function."
    assert not [m for m in modifiers(sentence, 0, len(sentence)) if m.kind == "negation"]


def test_evaluation_reports_every_page_and_the_targets(space):
    corpus, data = space
    out = run("extract", "--evaluate", "-f", "json", "--corpus", str(corpus), "--data", str(data))
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert sorted(p[:3] for p in report["pages"]) == ["000", "001", "002", "003", "004"]
    assert all(report["pages"][p]["withheld_synonyms"] > 0 for p in report["pages"])  # leave-one-document-out
    for figures in [report["overall"], *report["pages"].values()]:
        for name in ("mention precision", "mention recall", "claim precision", "claim recall", "modality"):
            assert 0.0 < figures[name] <= 1.0, (name, figures)
    assert report["targets"]["mention recall"] == 0.85


# -- a page written for this test, from its text to queries and conflicts ---------------------------

#: the scripted curator: statements whose claims are all in ACCEPT are accepted, a claim outside
#: it is deleted from its statement, a statement left without claims is deleted
ACCEPT = {("StemCellTherapy", "treats", "DegenerativeDiscDisease"), ("StemCellTherapy", "treats", "ChronicBackPain"),
          ("PlateletRichPlasmaTherapy", "hasMechanism", "AntiInflammatoryEffect"),
          ("StemCellTherapy", "hasCharacteristic", "Safe"), ("Prolotherapy", "notSuitableFor", "SpinalInstability"),
          ("MesenchymalStemCell", "differentiatesInto", "IntervertebralDisc")}


def _curate(draft_text: str) -> str:
    draft = yaml.safe_load(draft_text)
    kept = []
    for st in draft["statements"]:
        claims = [c for c in st["claims"] if (c["s"], c["p"], c["o"]) in ACCEPT]
        if claims:
            st = {k: v for k, v in st.items() if k != "proposed"}
            st["claims"] = claims
            kept.append(st)
    draft["statements"] = kept
    draft.pop("mentions")
    return yaml.safe_dump(draft, sort_keys=False, allow_unicode=True)


def test_a_new_page_from_its_text_to_queries_and_conflicts(space, tmp_path):
    corpus, data = space
    added = run("add", str(PAGE), "--publisher", "Harbor Spine Institute", "--country", "US",
                "--url", "https://harbor.example/", "--corpus", str(corpus), "--data", str(data))
    assert added.exit_code == 0, added.output
    [curation] = list((data / "documents").glob("005_*.yaml"))
    name = curation.stem
    draft = tmp_path / "draft.yaml"
    assert run("extract", name, "-o", str(draft), "--corpus", str(corpus), "--data", str(data)).exit_code == 0
    curation.write_text(_curate(draft.read_text()))
    kg = KnowledgeGraph.from_build(build(resource_dir("ontology"), data, corpus))
    assert kg.report.grounded
    # found by query: the page's claims, with their exact quotes
    rows = kg.query("claims-of-document", document=name)
    got = {(str(r["subject"]).rsplit("#", 1)[-1], str(r["predicate"]).rsplit("#", 1)[-1],
            str(r["object"]).rsplit("#", 1)[-1]) for r in rows}
    assert got == ACCEPT
    treats = kg.query("treatments-for-condition", condition="degenerative disc disease")
    assert any(name in str(r.get("documents", "")) or name in " ".join(map(str, r.values())) for r in treats)
    # conflicts with the shipped pages: the FDA statement 003 reports (the publisher is in the US)
    regulatory = [f for f in kg.conflicts("regulatory") if f.labels == ("stem cell therapy", "treats",
                                                                        "degenerative disc disease")]
    assert regulatory and regulatory[0].pages.get(name) == "in jurisdiction"
    # 001 says MSCs do not turn into new tissue; this page agrees, so only its safety claim meets 003's risks
    safety = [f for f in kg.conflicts("safety-risk") if name in {d.file for d in f.a.documents}]
    assert safety and safety[0].labels == ("stem cell therapy", "has characteristic", "safe")
    assert "003" in " ".join(d.file for d in safety[0].b.documents)


# -- a new version of a shipped page ---------------------------------------------------------------

def test_a_new_version_of_a_page_is_re_anchored_statement_by_statement(space):
    from spinekg.model.curation import read_document

    corpus, data = space
    name = "004_18a61ff07f1e7ac0"
    old = (corpus / f"{name}.txt").read_text()
    curation = data / "documents" / f"{name}.yaml"
    before = curation.read_text()
    statements = read_document(curation).statements
    spans = [(s.start, s.end) for s in statements] + [(s.lead_in.start, s.lead_in.end) for s in statements if s.lead_in]

    def alone(i):  # a statement whose quote no other span touches
        a, b = spans[i]
        return not [(c, d) for j, (c, d) in enumerate(spans) if j != i and c < b and a < d]

    edited_i, deleted_i = [i for i in range(len(statements)) if alone(i) and len(statements[i].quote) > 60][:2]
    edited, deleted = statements[edited_i], statements[deleted_i]
    middle = edited.start + edited.quote.index(" ", len(edited.quote) // 2)
    cuts = sorted([(0, 0, "Updated December 2026. Call us for a consultation.\n\n"),
                   (middle, middle, " really"), (deleted.start, deleted.end, "")], reverse=True)
    new = old
    for a, b, insert in cuts:
        new = new[:a] + insert + new[b:]
    page = corpus.parent / "new-version.txt"
    page.write_text(new)
    out = run("add", str(page), "--name", name, "--retrieved", "2026-12-07", "--corpus", str(corpus), "--data", str(data))
    assert out.exit_code == 0, out.output
    assert "a new version of a known page" in out.output
    # claim by claim: every statement moved (the new first paragraph), one changed, one gone
    after = read_document_lenient(curation)
    assert (corpus / f"{name}.txt").read_text() == new
    old_sha = read_document(page_curation_copy(before, tmp=corpus.parent, name=name)).sha256
    assert (corpus / "snapshots" / name / f"{old_sha}.txt").read_text() == old  # the old text is kept
    assert (data / "documents" / ".history" / f"{name}.{old_sha[:16]}.yaml").read_text() == before
    assert after["document"]["previous"][0]["sha256"] == old_sha
    statuses = {}
    for i, (st_old, st_new) in enumerate(zip(statements, after["statements"])):
        if "review" in st_new:
            statuses[i] = "changed" if st_new["quote"] != st_old.quote else "gone"
        else:
            statuses[i] = "moved"
            assert new[st_new["start"]:st_new["end"]] == st_new["quote"] == st_old.quote
    assert statuses[edited_i] == "changed" and statuses[deleted_i] == "gone"
    assert [i for i, s in statuses.items() if s != "moved"] == sorted([edited_i, deleted_i])
    changed = after["statements"][edited_i]
    assert "really" in changed["quote"] and new[changed["start"]:changed["end"]] == changed["quote"]
    assert "no longer in it" in after["statements"][deleted_i]["review"]
    assert f"{len(statements)} spans: 0 unchanged, {len(statements) - 2} moved, 1 changed, 1 gone" in out.output
    # build refuses until the curator has looked at both; then the graph holds both snapshots
    assert run("build", "--check", "--corpus", str(corpus), "--data", str(data)).exit_code == 2
    text = curation.read_text()
    text = re.sub(r"\n *review: .*", "", text)
    doc = yaml.safe_load(text)
    doc["statements"] = [s for i, s in enumerate(doc["statements"]) if i != deleted_i]
    curation.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    kg = KnowledgeGraph.from_build(build(resource_dir("ontology"), data, corpus))
    rows = kg.sparql(f"""PREFIX spk: <https://w3id.org/spinekg/vocab#> PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX pav: <http://purl.org/pav/>
        SELECT ?new ?date ?old WHERE {{ ?d spk:fileName "{name}" ; spk:hasSnapshot ?s . ?s spk:sha256 ?new ;
        pav:retrievedOn ?date ; prov:wasRevisionOf/spk:sha256 ?old }}""")
    assert [(str(r["date"]), str(r["old"])) for r in rows] == [("2026-12-07", old_sha)]


def read_document_lenient(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def page_curation_copy(text: str, *, tmp: Path, name: str) -> Path:
    folder = tmp / "copy"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path
