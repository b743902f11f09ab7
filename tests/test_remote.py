"""The remote engine against real servers: a private Virtuoso 7 (tests/virtuoso.py) and the Oxigraph
server (``spinekg serve``), no mocks.

* the graph is uploaded with ``spinekg push --graph urn:spinekg`` (Virtuoso's Graph Store endpoint),
  and ``spinekg query/sparql --endpoint URL --graph urn:spinekg`` must answer what the local graph
  answers (rows compared as SPARQL JSON, read back with ``json``);
* errors are one line, exit 2: a syntax error with its HTTP status, a push Virtuoso refuses, a server
  that never answers;
* ``validate --endpoint`` gives the rows local ``validate --engine sparql`` gives (read back from the
  JSON report); ``validate --plain`` validates exactly the given files (compared with pyshacl run
  directly on them) and its Turtle report is a graph rdflib reads.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

import virtuoso
from conftest import ROOT, one_line_error

SPINEKG = [sys.executable, "-m", "spinekg"]
GRAPH = "urn:spinekg"
SH = "http://www.w3.org/ns/shacl#"


def cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(SPINEKG + list(args), capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def bindings(result: subprocess.CompletedProcess):
    """The answer of a ``-f json`` run: the boolean of an ASK, else the rows as sorted JSON texts."""
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    if "boolean" in doc:
        return doc["boolean"]
    return sorted(json.dumps(row, sort_keys=True) for row in doc["results"]["bindings"])


def report_rows(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))["results"]


@pytest.fixture(scope="session")
def vt(tmp_path_factory):
    """A private Virtuoso on loopback holding the shipped graph in the graph urn:spinekg."""
    server = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    try:
        pushed = cli("push", "--endpoint", server.graph_store, "--graph", GRAPH)
        assert pushed.returncode == 0, pushed.stderr
        assert f"({'graph ' + GRAPH})" in pushed.stdout
        yield server
    finally:
        server.stop()


def remote(vt, *args: str) -> list[str]:
    return [*args, "--endpoint", vt.sparql, "--graph", GRAPH]


# ------------------------------------------------------------------------------------------
# queries on Virtuoso answer what the local graph answers
# ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_library_query_on_virtuoso_gives_the_local_rows(vt):
    local = bindings(cli("query", "clinics", "-f", "json"))
    assert len(local) > 1
    assert bindings(cli("query", *remote(vt, "clinics"), "-f", "json")) == local


@pytest.mark.slow
def test_a_parameter_travels_as_a_values_block_and_gives_the_local_rows(vt):
    args = ("claims-of-document", "--param", "document=003", "-f", "json")
    local = bindings(cli("query", *args))
    assert local
    assert bindings(cli("query", *remote(vt, *args))) == local
    other = bindings(cli("query", *remote(vt, "claims-of-document", "--param", "document=004", "-f", "json")))
    assert other and set(other).isdisjoint(local)  # the bound value, not the whole graph


@pytest.mark.slow
def test_ask_is_a_boolean_on_virtuoso(vt):
    for text, expected in (("ASK { ?c a spk:Clinic }", True), ("ASK { spk:Clinic a spk:Clinic }", False)):
        assert bindings(cli("sparql", text, "-f", "json")) is expected
        assert bindings(cli("sparql", *remote(vt, text), "-f", "json")) is expected


@pytest.mark.slow
@pytest.mark.parametrize("method", ["get", "post"])
def test_each_request_method_gives_the_same_rows(vt, method):
    local = bindings(cli("query", "clinics", "-f", "json"))
    assert bindings(cli("query", *remote(vt, "clinics"), "--method", method, "-f", "json")) == local


@pytest.mark.slow
def test_a_syntax_error_is_one_line_with_the_http_status(vt):
    result = cli("sparql", *remote(vt, "SELECT ?x WHERE { ?x ?y }"))
    assert result.returncode == 2
    line = one_line_error(result)
    assert "HTTP 400" in line and "SPARQL syntax error" in line and "line 1" in line


@pytest.mark.slow
def test_push_without_a_graph_says_what_virtuoso_answered_and_what_to_do(vt):
    result = cli("push", "--endpoint", vt.graph_store)
    assert result.returncode == 2
    line = one_line_error(result)
    assert "HTTP 500" in line and "--graph urn:spinekg" in line
    assert "broken pipe" not in line.lower() and "cannot reach" not in line


# ------------------------------------------------------------------------------------------
# a server that never answers
# ------------------------------------------------------------------------------------------


@pytest.fixture
def silent():
    """A loopback socket that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["query", "clinics"], ["validate", "--engine", "sparql"]])
def test_a_silent_server_times_out_quickly_in_one_line(silent, command):
    started = time.monotonic()
    result = cli(*command, "--endpoint", silent, "--timeout", "1", timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert "timed out after 1 s" in one_line_error(result)
    assert elapsed < 15  # the interpreter's start, the graph's load for the query, one second


# ------------------------------------------------------------------------------------------
# validate --endpoint
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_report(tmp_path_factory) -> list[dict]:
    out = tmp_path_factory.mktemp("local") / "report.json"
    result = cli("validate", "--engine", "sparql", "-f", "json", "-o", str(out))
    assert result.returncode in (0, 1), result.stderr
    return report_rows(out)


@pytest.mark.slow
def test_validate_on_the_oxigraph_server_gives_the_local_rows(tmp_path, local_report):
    from spinekg.query.endpoint import free_port
    from test_endpoint import Serving

    server = Serving(tmp_path, "--port", str(free_port()))
    try:
        out = tmp_path / "remote.json"
        result = cli("validate", "--endpoint", server.query_url, "--engine", "sparql", "-f", "json", "-o", str(out))
        assert result.returncode in (0, 1), result.stderr
        rows = report_rows(out)
    finally:
        server.process.terminate()
        server.process.wait(timeout=20)
    assert len(rows) == len(local_report) > 0
    # severity, shape, focus, path (alternative paths too), value, message, labels and quotes
    assert rows == local_report
    assert any(row["path"] and "|" in row["path"] for row in rows)
    assert any(ev["quote"] for row in rows for ev in row["evidence"])


@pytest.mark.slow
def test_validate_on_virtuoso_7_is_refused_in_one_line(vt, tmp_path):
    """Virtuoso 7.2 evaluates the sparql engine's validation queries against the standard (wrong
    rows for MINUS around grouped sub-selects, zero-length path steps, COALESCE over sameTerm; one
    query stops the server): spinekg says so before sending any of them, and writes nothing."""
    out = tmp_path / "remote.json"
    result = cli("validate", *remote(vt, "--engine", "sparql"), "-f", "json", "-o", str(out))
    assert result.returncode == 2
    message = one_line_error(result)
    assert message.startswith("spinekg: error: Virtuoso/07.") and "validate --store oxigraph" in message
    assert not out.exists()
    # the server still answers: nothing was sent but the ASK that read its name
    assert bindings(cli("query", *remote(vt, "clinics"), "-f", "json"))


# ------------------------------------------------------------------------------------------
# validate --plain
# ------------------------------------------------------------------------------------------


def _clinic_class() -> URIRef:
    """spk's clinic class, read from the shipped ontology (the class whose English label is 'clinic')."""
    ontology = Graph().parse(ROOT / "ontology" / "spinekg.ttl")
    found = [c for c in ontology.subjects(RDFS.label, None)
             if any(str(label).lower() == "clinic" for label in ontology.objects(c, RDFS.label))
             and str(c).startswith("https://w3id.org/spinekg/vocab#")]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def small(tmp_path) -> tuple[Path, Path]:
    """A data file with one clinic (no label) and one labelled clinic, and a shapes file asking for a label."""
    clinic = _clinic_class()
    data = Graph()
    data.add((URIRef("urn:test:nameless"), RDF.type, clinic))
    data.add((URIRef("urn:test:named"), RDF.type, clinic))
    data.add((URIRef("urn:test:named"), RDFS.label, Literal("Named clinic")))
    data_file = tmp_path / "one.ttl"
    data_file.write_text(data.serialize(format="turtle"), encoding="utf-8")
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(f"""
        @prefix sh: <{SH}> . @prefix rdfs: <{RDFS}> .
        <urn:test:LabelShape> a sh:NodeShape ; sh:targetClass <{clinic}> ;
            sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
        """, encoding="utf-8")
    return data_file, shapes_file


def _pyshacl_results(data_file: Path, shapes: Path) -> set[tuple[str, str]]:
    """(focus, component) of each result of pyshacl run directly on exactly these files."""
    import pyshacl

    shapes_graph = Graph()
    for path in ([shapes] if shapes.is_file() else sorted(shapes.glob("*.ttl"))):
        shapes_graph.parse(path)
    _, report, _ = pyshacl.validate(Graph().parse(data_file), shacl_graph=shapes_graph, advanced=True,
                                    inference="none")
    roots = list(report.subjects(RDF.type, URIRef(SH + "ValidationReport")))
    results = [r for root in roots for r in report.objects(root, URIRef(SH + "result"))]
    return {(str(report.value(r, URIRef(SH + "focusNode"))),
             str(report.value(r, URIRef(SH + "sourceConstraintComponent"))).rsplit("#", 1)[-1]) for r in results}


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pyshacl", "sparql"])
def test_plain_validates_exactly_the_file_against_exactly_the_shapes(small, tmp_path, engine):
    data_file, shapes_file = small
    out = tmp_path / "plain.json"
    result = cli("validate", "--plain", str(data_file), "--shapes", str(shapes_file), "--engine", engine,
                 "-f", "json", "-o", str(out))
    assert result.returncode == 1, result.stderr
    rows = report_rows(out)
    assert [(r["focus"], r["component"]) for r in rows] == [("urn:test:nameless", "MinCountConstraintComponent")]
    assert {(r["focus"], r["component"]) for r in rows} == _pyshacl_results(data_file, shapes_file)


@pytest.mark.slow
def test_plain_with_the_shipped_shapes_adds_no_ontology(small, tmp_path):
    data_file, _ = small
    shapes = ROOT / "shapes"
    out = tmp_path / "plain.json"
    result = cli("validate", "--plain", str(data_file), "--shapes", str(shapes), "-f", "json", "-o", str(out))
    assert result.returncode in (0, 1), result.stderr
    found = {(r["focus"], r["component"]) for r in report_rows(out)}
    assert found == _pyshacl_results(data_file, shapes)
    # only the file's own nodes are checked: no result about the ontology's classes (OneCategory & co.)
    assert {focus for focus, _ in found} <= {"urn:test:nameless", "urn:test:named"}
    # while the usual run adds the ontology, whose terms the shapes then check as well
    usual = tmp_path / "usual.json"
    cli("validate", str(data_file), "--shapes", str(shapes), "-f", "json", "-o", str(usual))
    assert any(r["focus"].startswith("https://w3id.org/spinekg/") for r in report_rows(usual))


@pytest.mark.slow
def test_plain_turtle_report_is_a_shacl_report_graph(small):
    data_file, shapes_file = small
    result = cli("validate", "--plain", str(data_file), "--shapes", str(shapes_file), "--format", "turtle")
    assert result.returncode == 1, result.stderr
    report = Graph().parse(data=result.stdout, format="turtle")
    root = report.value(predicate=RDF.type, object=URIRef(SH + "ValidationReport"))
    assert report.value(root, URIRef(SH + "conforms")) == Literal(False)
    results = list(report.objects(root, URIRef(SH + "result")))
    assert len(results) == 1
    assert report.value(results[0], URIRef(SH + "focusNode")) == URIRef("urn:test:nameless")
