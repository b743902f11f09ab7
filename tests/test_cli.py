"""The command line: build, stats, export, locate; exit codes; one-line errors; no partial files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from spinekg.cli import main

from conftest import one_line_error

DOC = "004_18a61ff07f1e7ac0"


def run(*args: str, env: dict | None = None):
    """Invoke the CLI in-process; ``env`` overrides variables (``None`` unsets one)."""
    runner = CliRunner()
    return runner.invoke(main, list(args), env=env, catch_exceptions=False)


# ------------------------------------------------------------------------------------------
# build
# ------------------------------------------------------------------------------------------


def test_build_writes_a_parsable_graph_and_a_summary(tmp_path, corpus):
    out = tmp_path / "kg.ttl"
    result = run("build", "--corpus", str(corpus), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "re-checked against" in result.stdout
    assert "claims per document" in result.stdout
    # pages by number, publisher and title (the hash file name only for a page with neither)
    assert "  003 Divine Spine: Do Stem Cell Injections Work for Back Pain?  " in result.stdout
    assert "003_ce75392af366c0c5" not in result.stdout and "  002_e5784d77ced1175a  " in result.stdout
    store = ox.Store()
    store.load(out.read_bytes(), format=ox.RdfFormat.TURTLE)
    assert len(store) > 15000


@pytest.mark.slow
def test_output_file_gets_the_usual_permissions(tmp_path):
    import os
    import stat

    out = tmp_path / "kg.ttl"
    assert run("export", "-o", str(out)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_summary_and_stats_agree_on_the_triple_count(tmp_path, corpus):
    result = run("build", "--check", "--corpus", str(corpus))
    first, second = result.stdout.splitlines()[:2]
    assert first.split(" triples")[0].rsplit(" ", 1)[-1] == second.split(" triples")[0]


@pytest.mark.slow
def test_build_without_corpus_warns_that_grounding_was_not_checked(tmp_path):
    out = tmp_path / "kg.ttl"
    result = run("build", "-o", str(out), env={"SPINEKG_CORPUS": None})
    assert result.exit_code == 0
    assert "grounding not re-checked" in result.stderr
    assert out.is_file()


def test_build_reads_the_corpus_from_the_environment(tmp_path, corpus):
    result = run("build", "--check", env={"SPINEKG_CORPUS": str(corpus)})
    assert result.exit_code == 0
    assert f"re-checked against {corpus}" in result.stdout


@pytest.mark.slow
def test_build_is_deterministic(tmp_path, corpus):
    outputs = []
    for i in range(2):
        out = tmp_path / f"kg{i}.nq"
        assert run("build", "--corpus", str(corpus), "-o", str(out)).exit_code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_console_script_and_module_entry_point(corpus):
    for cmd in (["spinekg"], [sys.executable, "-m", "spinekg"]):
        exe = Path(sys.executable).parent / "spinekg" if cmd == ["spinekg"] else None
        argv = [str(exe)] if exe is not None else cmd
        proc = subprocess.run([*argv, "build", "--check", "--corpus", str(corpus)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert "claims" in proc.stdout


# ------------------------------------------------------------------------------------------
# bad curation input: exit 2, one line naming file and line, nothing written
# ------------------------------------------------------------------------------------------


def _doc_file(sources: Path) -> Path:
    return sources / "data" / "documents" / f"{DOC}.yaml"


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def _build_sources(sources: Path, corpus: Path, out: Path):
    return run("build", "--corpus", str(corpus), "--ontology", str(sources / "ontology"),
               "--data", str(sources / "data"), "-o", str(out))


def _mutate(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_entity(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    line = _line_of(doc, "PlantarFasciitis]")
    _mutate(doc, "PlantarFasciitis]", "PlantarFascitis]")
    out = tmp_path / "kg.ttl"
    result = _build_sources(sources, corpus, out)
    assert result.exit_code == 2
    message = one_line_error(result)
    assert f"{doc}:{line}: unknown entity 'PlantarFascitis'" in message
    assert "did you mean PlantarFasciitis" in message
    assert not out.exists()


def test_unknown_property(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    text = doc.read_text(encoding="utf-8")
    old = re.search(r", treats, ", text).group(0)
    line = _line_of(doc, old)
    _mutate(doc, old, ", cures, ")
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    assert f"{doc}:{line}: unknown property 'cures'" in one_line_error(result)


def test_quote_not_in_text(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    _mutate(doc, "Bone marrow has a high concentration of stem cells, and", "Bone marrow has a huge concentration of stem cells, and")
    line = _line_of(doc, "Bone marrow has a huge concentration")
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    message = one_line_error(result)
    assert f"{doc}:{line}: quote not found in {DOC}.txt" in message


def _set_offsets(doc: Path, quote_start: str, shift_start: int, shift_end: int) -> tuple[int, int]:
    """Shift the offsets of the statement whose quote begins with ``quote_start``; return the old ones."""
    text = doc.read_text(encoding="utf-8")
    match = re.search(rf"quote: \"?{re.escape(quote_start)}[^\n]*\n\s*start: (\d+)\n\s*end: (\d+)", text)
    start, end = int(match.group(1)), int(match.group(2))
    shifted = (match.group(0).replace(f"start: {start}", f"start: {start + shift_start}")
               .replace(f"end: {end}", f"end: {end + shift_end}"))
    doc.write_text(text.replace(match.group(0), shifted), encoding="utf-8")
    return start, end


def test_wrong_offsets(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    start, end = _set_offsets(doc, "Bone marrow has a high concentration", 3, 3)
    line = _line_of(doc, "Bone marrow has a high concentration")
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    message = one_line_error(result)
    assert f"{doc}:{line}: offsets {start + 3}-{end + 3} do not match the quote, which occurs at {start}-{end}" in message


def test_offsets_that_do_not_span_the_quote(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    start, end = _set_offsets(doc, "Bone marrow has a high concentration", 0, 5)
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    message = one_line_error(result)
    assert f"offsets {start}-{end + 5} span {end + 5 - start} characters but the quote has {end - start}" in message


def test_malformed_yaml(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    lines = doc.read_text(encoding="utf-8").splitlines()
    lines.append("  - quote: [unclosed")
    doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    message = one_line_error(result)
    assert re.search(rf"{re.escape(str(doc))}:\d+: YAML syntax error", message)


def test_hash_mismatch(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    text = doc.read_text(encoding="utf-8")
    sha = re.search(r"sha256: \"?([0-9a-f]{64})", text).group(1)
    wrong = "ab" * 32
    _mutate(doc, sha, wrong)
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    assert f"{doc}:{_line_of(doc, wrong)}: sha256 {wrong} does not match the corpus file" in one_line_error(result)


def test_domain_violation(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    text = doc.read_text(encoding="utf-8")
    old = re.search(r"\[(\w+), treats, (\w+)\]", text).group(0)
    bad = re.sub(r"\[(\w+), treats,", "[Hip, treats,", old)
    line = _line_of(doc, old)
    _mutate(doc, old, bad)
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    assert f"{doc}:{line}: 'Hip' (a anatomical entity) cannot be the subject of 'treats'" in one_line_error(result)


def test_failed_build_leaves_an_existing_output_untouched(sources, corpus, tmp_path):
    out = tmp_path / "kg.ttl"
    out.write_text("previous graph\n", encoding="utf-8")
    _mutate(_doc_file(sources), "PlantarFasciitis]", "Nonsense]")
    assert _build_sources(sources, corpus, out).exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous graph\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kg.ttl")] == []


def test_missing_corpus_directory(tmp_path):
    result = run("build", "--check", "--corpus", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "corpus directory not found" in one_line_error(result)


def test_debug_shows_the_traceback(sources, corpus):
    _mutate(_doc_file(sources), "PlantarFasciitis]", "Nonsense]")
    proc = subprocess.run([sys.executable, "-m", "spinekg", "--debug", "build", "--check", "--corpus", str(corpus),
                           "--data", str(sources / "data")], capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


# ------------------------------------------------------------------------------------------
# export, stats, locate
# ------------------------------------------------------------------------------------------

OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "xml": ox.RdfFormat.RDF_XML}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(OX_FORMATS))
def test_export_parses_in_pyoxigraph_with_the_same_triples(fmt, tmp_path, kg):
    out = tmp_path / f"kg.{fmt}"
    result = run("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.load(out.read_bytes(), format=OX_FORMATS[fmt])
    if fmt in ("nquads", "trig"):
        names = {str(g) for g in store.named_graphs()}
        assert names == {"<https://w3id.org/spinekg/graph/ontology>", "<https://w3id.org/spinekg/graph/data>"}
        assert len(store) == len(kg.ontology) + len(kg.data)
    else:
        assert len(store) == len(kg.graph)


@pytest.mark.slow
def test_export_jsonld_round_trips_in_rdflib(tmp_path, kg):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    out = tmp_path / "kg.jsonld"
    assert run("export", "--format", "jsonld", "-o", str(out)).exit_code == 0
    back = Graph().parse(out, format="json-ld")
    assert len(back) == len(kg.graph)
    assert isomorphic(back, kg.graph)


@pytest.mark.slow
def test_export_is_byte_identical_across_runs(tmp_path):
    for fmt in ("turtle", "trig", "jsonld", "nt"):
        first = run("export", "--format", fmt, "-o", "-").stdout_bytes
        second = run("export", "--format", fmt, "-o", "-").stdout_bytes
        assert first == second and len(first) > 100000


def test_export_unknown_format_lists_the_known_ones():
    result = run("export", "--format", "gml", "-o", "-")
    assert result.exit_code == 2
    message = one_line_error(result)
    assert "unknown RDF format 'gml'" in message and "turtle" in message and "nquads" in message


@pytest.mark.slow
def test_export_of_an_exported_file(tmp_path):
    out = tmp_path / "kg.nq"
    assert run("export", "--format", "nquads", "-o", str(out)).exit_code == 0
    again = tmp_path / "again.nq"
    assert run("export", "--input", str(out), "--format", "nquads", "-o", str(again)).exit_code == 0
    assert out.read_bytes() == again.read_bytes()


def test_stats_json_matches_the_graph(kg):
    result = run("stats", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["documents"] == 5
    assert data["claims"] == kg.report.claims
    assert sum(row["claims"] for row in data["claims_per_document"].values()) == data["claims"]
    assert data["claims_by_modality"]["asserted"] + data["claims_by_modality"]["hedged"] == data["claims"]
    assert set(data["claims_per_document"]) == {"000_0e4ad2cffa1f476f", "001_5b7cb8a502fbf0ae",
                                                "002_e5784d77ced1175a", "003_ce75392af366c0c5", DOC}
    assert data["entities_per_category"]["anatomical entity"] >= 40


def test_stats_of_a_file_that_is_not_rdf(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b \n", encoding="utf-8")
    result = run("stats", str(bad))
    assert result.exit_code == 2
    assert f"{bad}: not valid turtle" in one_line_error(result)


def test_stats_of_an_empty_or_missing_file(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_bytes(b"")
    assert "file is empty" in one_line_error(run("stats", str(empty)))
    assert "file not found" in one_line_error(run("stats", str(tmp_path / "missing.ttl")))


def test_locate(corpus):
    result = run("locate", DOC, "Bone marrow has a high concentration of stem cells", "--corpus", str(corpus))
    assert result.exit_code == 0
    text = (corpus / f"{DOC}.txt").read_text(encoding="utf-8")
    start = text.index("Bone marrow has a high concentration of stem cells")
    assert result.stdout == f"start: {start}\nend: {start + 50}\n"
    missing = run("locate", DOC, "not in this page at all", "--corpus", str(corpus))
    assert missing.exit_code == 2 and "quote not found" in one_line_error(missing)
    straight = run("locate", "000_0e4ad2cffa1f476f", "the patient's own bone marrow", "--corpus", str(corpus))
    assert straight.exit_code == 2
    assert "the text has 'the patient\u2019s own bone marrow'" in one_line_error(straight)


def test_cue_must_be_words_of_the_text(sources, corpus, tmp_path):
    doc = sources / "data" / "documents" / "002_e5784d77ced1175a.yaml"
    text = doc.read_text(encoding="utf-8")
    # a list item whose hedge ("may be considered for") is only in its lead-in
    match = re.search(r"(\n    lead_in:\n      quote: [^\n]*may be considered for[^\n]*\n      start: \d+\n      end: \d+)", text)
    doc.write_text(text.replace(match.group(1), "", 1), encoding="utf-8")
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    message = one_line_error(result)
    assert "is not in the quote" in message and "add lead_in" in message
    assert str(doc) in message


def test_is_a_as_evidence_is_refused(sources, corpus, tmp_path):
    doc = _doc_file(sources)
    text = doc.read_text(encoding="utf-8")
    old = re.search(r"- \[(\w+), isA, (\w+)\]", text)
    line = _line_of(doc, old.group(0))
    _mutate(doc, old.group(0), f"- {{s: {old.group(1)}, p: isA, o: {old.group(2)}, direction: supports}}")
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    assert f"{doc}:{line}: isA cannot be a recommendation or evidence" in one_line_error(result)


def test_ontology_syntax_error_names_file_and_line(sources, corpus, tmp_path):
    terms = sources / "ontology" / "spinekg-terms.ttl"
    with open(terms, "a", encoding="utf-8") as handle:
        handle.write('\nspk:Broken a owl:Class ;\n    rdfs:label "broken"@en\n    skos:definition "no dot above"@en .\n')
    line = len(terms.read_text(encoding="utf-8").splitlines())
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    assert f"{terms}:{line}: Turtle syntax error" in one_line_error(result)


@pytest.mark.parametrize("content,expected", [
    (b"", "a document file must be a mapping"),
    (b"\xff\xfe\x00binary\x00", "not UTF-8 text"),
    (b"- just\n- a list\n", "a document file must be a mapping"),
    (b"document:\n  file: 004_18a61ff07f1e7ac0\n", "'document' needs a 'sha256'"),
    (b"document:\n  file: 004_18a61ff07f1e7ac0\n  file: again\n", ":3: duplicate key 'file'"),
])
def test_malformed_document_files(sources, corpus, tmp_path, content, expected):
    _doc_file(sources).write_bytes(content)
    result = _build_sources(sources, corpus, tmp_path / "kg.ttl")
    assert result.exit_code == 2
    message = one_line_error(result)
    assert str(_doc_file(sources)) in message and expected in message
