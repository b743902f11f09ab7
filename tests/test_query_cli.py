"""``spinekg query`` and ``spinekg sparql``: listing, formats, files, errors, injection; the cache."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinekg.cli import main
from spinekg.query.library import load_library

from conftest import one_line_error

DDD = "degenerative disc disease"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_list_names_every_query_with_its_question_and_parameters(library):
    result = run("query", "--list")
    assert result.exit_code == 0
    for name, spec in library.items():
        assert f"\n{name}\n" in "\n" + result.output
        for param in spec.parameters:
            assert f"--param {param.name}=" in result.output
    assert f"{len(library)} queries" in result.output


def test_table_shows_labels_not_iris(kg):
    result = run("query", "treatments-for-condition", "--param", f"condition={DDD}")
    assert result.exit_code == 0, result.output
    assert "stem cell therapy" in result.output and DDD in result.output
    assert "https://" not in result.output and "spk:" not in result.output
    rows = kg.query("treatments-for-condition", condition=DDD)
    assert result.output.rstrip().endswith(f"({len(rows)} rows)")


def test_json_is_sparql_results_json_and_matches_the_api(kg, library):
    result = run("query", "treatments-for-condition", "-p", f"condition={DDD}", "--format", "json")
    doc = json.loads(result.output)
    assert doc["head"]["vars"] == list(library["treatments-for-condition"].columns)
    api = kg.query("treatments-for-condition", condition=DDD)
    assert len(doc["results"]["bindings"]) == len(api)
    first = doc["results"]["bindings"][0]
    assert first["treatment"] == {"type": "uri", "value": str(api[0]["treatment"])}
    assert first["negated"]["datatype"] == "http://www.w3.org/2001/XMLSchema#boolean"


def test_csv_and_tsv_are_readable_and_complete(kg):
    api = kg.query("claims-of-document", document="003")
    out = run("query", "claims-of-document", "-p", "document=003", "-f", "csv").output
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == len(api)
    assert [int(r["start"]) for r in rows] == [row["start"].toPython() for row in api]
    assert rows[0]["quote"] == str(api[0]["quote"])
    tsv = run("query", "claims-of-document", "-p", "document=003", "-f", "tsv").output.splitlines()
    assert tsv[0].split("\t")[:2] == ["?start", "?end"] and len(tsv) == len(api) + 1


def test_markdown_table(kg):
    out = run("query", "document-summary", "-f", "markdown").output
    lines = [line for line in out.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + 5  # header, rule, one row per document


def test_output_file_is_written_and_a_failure_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.csv"
    result = run("query", "clinics", "-f", "csv", "-o", str(target))
    assert result.exit_code == 0 and "written to" in result.stderr
    assert target.read_text(encoding="utf-8").startswith("clinic,place,country,offers,document")
    before = target.read_bytes()
    bad = run("query", "treatments-for-condition", "-p", "condition=no such thing", "-f", "csv", "-o", str(target))
    assert bad.exit_code == 2
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("args, message", [
    (("query", "no-such-query"), r"unknown query 'no-such-query'; .*known queries: agreement, "),
    (("query", "treatments-for-condtion"), r"did you mean treatments-for-condition, "),
    (("query", "treatments-for-condition"), r"needs --param condition=VALUE"),
    (("query", "treatments-for-condition", "-p", "disease=back pain"), r"has no parameter 'disease'"),
    (("query", "treatments-for-condition", "-p", "condition"), r"--param expects NAME=VALUE"),
    (("query", "treatments-for-condition", "-p", "condition=degenerative disk disease"),
     r"unknown condition .* did you mean 'degenerative disc disease'"),
    (("query", "treatments-for-condition", "-p", "condition=PRP"), r"'PRP' is not a pathology: it names platelet-rich"),
    (("query", "claims-of-document", "-p", "document=007"), r"unknown document '007'; known documents: 000_"),
    (("query",), r"give a query NAME"),
    (("sparql", "SELECT ?x WHERE {\n  ?x ?y }"), r"<query>:2:\d+: SPARQL syntax error: Expected"),
    (("sparql", "SELECT ?x WHERE { ?x foo:bar ?y }"), r"<query>:1:22: SPARQL syntax error: unknown prefix 'foo'"),
    (("sparql", "PREFIX x: <urn:x:>\nINSERT DATA { x:a x:b x:c }"), r"<query>:2:1: INSERT is a SPARQL update"),
    (("sparql", "DROP ALL"), r"DROP is a SPARQL update"),
    (("sparql", "CONSTRUCT WHERE { ?s ?p ?o }"), r"CONSTRUCT queries return a graph"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    import re

    assert re.search(message, one_line_error(result)), one_line_error(result)


def test_malformed_query_file_names_the_file_and_position(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# a query\nSELECT ?x\nWHERE { ?x ?y ?z . FILTER( }\n", encoding="utf-8")
    result = run("query", "--file", str(bad))
    assert result.exit_code == 2
    assert one_line_error(result).startswith(f"spinekg: error: {bad}:3:")


def test_query_file_with_header_and_parameter(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text(
        "# Question: What treats this?\n# Parameters:\n"
        '#   condition  entity:Pathology  a condition (e.g. "neck pain")\n'
        "# Columns: t\n# Order: t\n"
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        "PREFIX spk: <https://w3id.org/spinekg/vocab#>\n"
        "SELECT DISTINCT ?t WHERE { ?c rdf:predicate spk:treats ; rdf:subject ?t ; rdf:object ?condition } ORDER BY ?t\n",
        encoding="utf-8")
    out = run("query", "--file", str(path), "-p", "condition=neck pain", "-f", "csv").output.split()
    assert out[0] == "t" and "https://w3id.org/spinekg/vocab#MesenchymalStemCellTherapy" in out


def test_query_file_without_header(tmp_path):
    path = tmp_path / "plain.rq"
    path.write_text("ASK { ?s a <https://w3id.org/spinekg/vocab#Clinic> }\n", encoding="utf-8")
    assert run("query", "--file", str(path)).output.strip() == "true"


def test_sparql_select_ask_and_stdin(kg):
    text = "PREFIX spk: <https://w3id.org/spinekg/vocab#> SELECT ?c WHERE { ?c a spk:Clinic } ORDER BY ?c"
    out = run("sparql", text, "-f", "csv").output.split()
    assert out == ["c"] + sorted(str(s) for s in kg.graph.subjects(
        predicate=__import__("rdflib").RDF.type, object=__import__("rdflib").URIRef("https://w3id.org/spinekg/vocab#Clinic")))
    assert run("sparql", "-", input="ASK { ?s ?p ?o }").output.strip() == "true"


@pytest.mark.slow
@pytest.mark.parametrize("hostile", [
    'x" } ; DROP ALL ; SELECT * { ?s ?p ?o } #',
    "} UNION { ?entity ?naming ?matched }",
    "'; DELETE WHERE { ?s ?p ?o } ; '",
    '\\" . } SELECT',
])
def test_injection_through_param_is_just_a_value(kg, hostile):
    before = len(kg.graph)
    result = run("query", "find-entity", "-p", f"text={hostile}", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["results"]["bindings"] == []
    entity = run("query", "mechanisms-of-treatment", "-p", f"treatment={hostile}")
    assert entity.exit_code == 2 and "unknown treatment" in one_line_error(entity)
    assert len(kg.graph) == before


@pytest.mark.slow
def test_exported_graph_gives_the_same_answer(tmp_path):
    graph_file = tmp_path / "kg.nt"
    assert run("export", "-f", "nt", "-o", str(graph_file)).exit_code == 0
    shipped = run("query", "conflict-regulatory", "-f", "csv").output
    exported = run("query", "conflict-regulatory", "-f", "csv", "--input", str(graph_file)).output
    assert exported == shipped and shipped.count("\n") == 1 + 69


def test_show_prints_the_sparql_text(library):
    assert run("query", "clinics", "--show").output == library["clinics"].text


def test_module_entry_point_runs_a_query():
    proc = subprocess.run([sys.executable, "-m", "spinekg", "query", "outcome-statistics", "-f", "csv"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(list(csv.reader(io.StringIO(proc.stdout)))) == 1 + 7


# ---------------------------------------------------------------------------------------------
# compiled-graph cache

def test_cache_key_follows_the_sources(sources):
    from spinekg.core.cache import source_key

    key = source_key(sources / "ontology", sources / "data")
    assert key == source_key(sources / "ontology", sources / "data")
    doc = next((sources / "data" / "documents").glob("*.yaml"))
    doc.write_text(doc.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert source_key(sources / "ontology", sources / "data") != key


@pytest.mark.slow
def test_cached_graph_equals_the_compiled_one_and_a_corrupt_cache_is_ignored(tmp_path, monkeypatch):
    from rdflib.compare import isomorphic

    import spinekg
    from spinekg.kg import compile_shipped

    monkeypatch.setenv("SPINEKG_CACHE_DIR", str(tmp_path))
    first = spinekg.load()
    files = list(tmp_path.glob("graph-*.json"))
    assert len(files) == 1
    second = spinekg.load()  # from the cache
    compiled = compile_shipped()
    merged = compiled.data + compiled.ontology
    assert isomorphic(second.graph, merged) and isomorphic(first.graph, merged)
    assert isomorphic(second.ontology, compiled.ontology)
    files[0].write_bytes(b"not a pickle")
    assert len(spinekg.load().graph) == len(first.graph)
    monkeypatch.setenv("SPINEKG_CACHE_DIR", "off")
    assert len(spinekg.load().graph) == len(first.graph)
    assert Path(files[0]).read_bytes() != b"not a pickle"  # rewritten by the load before "off"
