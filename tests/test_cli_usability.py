"""The command line as a new user tries it: export infers the format from -o, every command that
takes a document accepts its number (003), progress on a terminal's stderr and nowhere else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from spinekg.cli import main
from spinekg.cli.graph import EXTENSIONS, corpus_keyword, export_format

from conftest import ROOT, one_line_error

DOC = "003_ce75392af366c0c5"
TITLE = "Do Stem Cell Injections Work for Back Pain?"
QUOTE = "Do Stem Cell Injections Work for Back Pain?"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ------------------------------------------------------------------------------------------
# export: the format from the output's extension
# ------------------------------------------------------------------------------------------


def test_jsonld_extension_writes_jsonld(tmp_path):
    out = tmp_path / "part.jsonld"
    result = run("export", "-o", str(out), "--document", "003")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format="json-ld")  # an independent JSON-LD reader
    assert len(graph) > 100
    assert out.read_bytes().lstrip().startswith(b"{")


@pytest.mark.slow  # one export per extension: about 25 s
@pytest.mark.parametrize("suffix,check", [
    (".nq", lambda data: ox.Store().load(data, format=ox.RdfFormat.N_QUADS)),
    (".nt", lambda data: ox.Store().load(data, format=ox.RdfFormat.N_TRIPLES)),
    (".trig", lambda data: ox.Store().load(data, format=ox.RdfFormat.TRIG)),
    (".owl", lambda data: ox.Store().load(data, format=ox.RdfFormat.RDF_XML)),
    (".graphml", lambda data: b"<graphml" in data or pytest.fail("not GraphML")),
    (".gexf", lambda data: b"<gexf" in data or pytest.fail("not GEXF")),
    (".cyjs", lambda data: json.loads(data)["elements"]),
    (".gv", lambda data: data.lstrip().startswith((b"digraph", b"strict digraph")) or pytest.fail("not DOT")),
    (".mmd", lambda data: data.startswith(b"flowchart") or pytest.fail("not Mermaid")),
    (".htm", lambda data: data.lstrip().lower().startswith(b"<!doctype html") or pytest.fail("not HTML")),
])
def test_each_extension_names_its_format(tmp_path, suffix, check):
    out = tmp_path / f"part{suffix}"
    result = run("export", "-o", str(out), "--document", "003")
    assert result.exit_code == 0, result.output
    check(out.read_bytes())


def test_the_extension_table_reads_as_documented():
    assert {s: EXTENSIONS[s] for s in (".ttl", ".jsonld", ".rdf", ".xml", ".cyjs", ".dot", ".gv", ".html")} == {
        ".ttl": "turtle", ".jsonld": "json-ld", ".rdf": "xml", ".xml": "xml", ".cyjs": "cytoscape",
        ".dot": "dot", ".gv": "dot", ".html": "html"}
    assert export_format(None, "-") == "turtle"                # stdout: Turtle unless --format says otherwise
    assert export_format("ttl", "x.ttl") == "ttl"             # the same serializer by another name: accepted
    assert export_format("pretty-xml", "x.rdf") == "pretty-xml"
    assert export_format("neo4j", "folder") == "neo4j"
    assert export_format("nquads", "kg.nquads") == "nquads"   # an extension that names nothing


@pytest.mark.parametrize("args,message", [
    (("-o", "{dir}/x.jsonld", "--format", "turtle"), "--format turtle contradicts the output file"),
    (("-o", "{dir}/x.ttl", "--format", "html"), "(.ttl is turtle)"),
    (("-o", "{dir}/x.graphml", "--format", "neo4j"), "contradicts"),
    (("-o", "{dir}/x.foo",), "cannot tell the format from the extension '.foo'"),
    (("-o", "{dir}/x",), ".graphml"),
    (("-o", "{dir}/x.json",), "give --format jsonld or --format cytoscape"),
    (("-o", "-", "--format", "neo4j"), "writes a folder of files"),
])
def test_contradictions_and_unknown_extensions_are_refused(tmp_path, args, message):
    args = [a.format(dir=tmp_path) for a in args]
    result = run("export", *args)
    assert result.exit_code == 2
    assert message in one_line_error(result)
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a part


def test_unknown_extension_lists_the_known_ones(tmp_path):
    message = one_line_error(run("export", "-o", str(tmp_path / "x.foo")))
    for suffix in EXTENSIONS:
        assert suffix in message


def test_html_exporter_gets_the_corpus_only_when_it_takes_it(tmp_path):
    def new(kg, *, corpus=None):
        return b""

    def old(kg):
        return b""

    assert corpus_keyword(new, "html", tmp_path) == {"corpus": tmp_path}
    assert corpus_keyword(old, "html", tmp_path) == {}
    assert corpus_keyword(new, "graphml", tmp_path) == {}
    assert corpus_keyword(new, "html", None) == {}


def test_html_export_with_a_corpus(tmp_path, corpus):
    out = tmp_path / "part.html"
    result = run("export", "-o", str(out), "--document", "003", "--corpus", str(corpus))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().lstrip().lower().startswith(b"<!doctype html")


# ------------------------------------------------------------------------------------------
# a document by every name it has
# ------------------------------------------------------------------------------------------


def test_locate_takes_every_name_of_a_document(corpus):
    text = (corpus / f"{DOC}.txt").read_text(encoding="utf-8")
    start = text.index(QUOTE)
    expected = f"start: {start}\nend: {start + len(QUOTE)}\n"
    for name in ("003", DOC, f"{DOC}.txt", str(corpus / f"{DOC}.txt"), TITLE):
        result = run("locate", name, QUOTE, "--corpus", str(corpus))
        assert result.exit_code == 0, (name, result.output)
        assert result.stdout == expected, name


def test_locate_an_unknown_document_names_the_known_ones(corpus):
    result = run("locate", "009", QUOTE, "--corpus", str(corpus))
    assert result.exit_code == 2
    message = one_line_error(result)
    assert "009: no such document in the corpus" in message and DOC in message


@pytest.mark.slow  # four commands on the shipped graph: 11 s
def test_conflicts_export_query_and_extract_take_003(tmp_path):
    by_number = json.loads(run("conflicts", "--document", "003", "--format", "json").stdout)
    by_file = json.loads(run("conflicts", "--document", DOC, "--format", "json").stdout)
    assert by_number == by_file and by_number["counts"]
    numbered = run("export", "-o", "-", "--format", "nt", "--document", "003").stdout_bytes
    assert numbered == run("export", "-o", "-", "--format", "nt", "--document", DOC).stdout_bytes
    assert len(numbered) > 1000
    rows = run("query", "claims-of-document", "--param", "document=003", "--format", "csv").stdout
    assert rows == run("query", "claims-of-document", "--param", f"document={DOC}", "--format", "csv").stdout
    assert rows.count("\n") > 10
    draft = tmp_path / "draft.yaml"
    result = run("extract", "003", "-o", str(draft))
    assert result.exit_code == 0, result.output
    assert DOC in draft.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------
# progress: on a terminal's stderr only
# ------------------------------------------------------------------------------------------


def test_phases_write_to_a_terminal_only(tmp_path):
    import io
    import pty

    from spinekg.cli.progress import phases

    quiet = io.StringIO()
    with phases("work", ["one", "two"], stream=quiet, delay=0.05) as progress:
        time.sleep(0.3)
        progress.step()
    assert quiet.getvalue() == ""
    import select

    master, slave = pty.openpty()
    with os.fdopen(slave, "w", closefd=True) as terminal:
        with phases("work", ["first phase", "second phase"], stream=terminal, delay=0.05) as progress:
            time.sleep(0.8)
            progress.step()
            time.sleep(0.8)
        terminal.flush()
        ready, _, _ = select.select([master], [], [], 5)
        seen = os.read(master, 65536).decode("utf-8", "replace") if ready else ""
    os.close(master)
    assert "work: first phase" in seen and "work: second phase" in seen


def _validate_on(stderr_terminal: bool) -> tuple[str, str, int]:
    """``spinekg validate`` (pyshacl, about 20 s) with stderr on a pseudo-terminal or a pipe."""
    import pty
    import select

    env = dict(os.environ, COLUMNS="100")
    if not stderr_terminal:
        done = subprocess.run([sys.executable, "-m", "spinekg", "validate"], capture_output=True, cwd=ROOT, env=env,
                              timeout=600)
        return done.stdout.decode(), done.stderr.decode(), done.returncode
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "spinekg", "validate"], stdout=subprocess.PIPE, stderr=slave,
                               stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the last writer has gone
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    out = process.stdout.read().decode()
    code = process.wait(timeout=600)
    os.close(master)
    return out, seen.decode("utf-8", "replace"), code


@pytest.mark.slow
def test_validate_shows_progress_on_a_terminal_and_nothing_on_a_pipe():
    out_tty, err_tty, code_tty = _validate_on(True)
    out_pipe, err_pipe, code_pipe = _validate_on(False)
    assert code_tty == code_pipe == 0
    assert "validate: check shapes (pyshacl)" in err_tty
    assert out_tty == out_pipe  # the report is the same, without a trace of the progress line
    assert "validate:" not in out_pipe and "\r" not in out_pipe
    assert err_pipe == ""        # as before: validate writes nothing to stderr when the report goes to stdout
