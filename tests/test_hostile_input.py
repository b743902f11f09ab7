"""Hostile input gets nowhere: no request leaves spinekg unless asked, deep documents are refused
in one line, and a store whose fill did not complete is not trusted.

A listener on loopback stands for the attacker's server: it records every connection, so a test
proves that no request was made (and, with the opt-in, that one would be).
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse

import pytest
from click.testing import CliRunner

import spinekg
from spinekg.cli import main
from spinekg.core.errors import FormatError, QuerySyntaxError
from spinekg.query.text import query_form

from conftest import one_line_error


class Listener:
    """A TCP listener on loopback that accepts, records and closes every connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


# ---- SERVICE -------------------------------------------------------------------------------------

def _service_query(url: str) -> str:
    return f"SELECT ?s WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_service_is_refused_and_sends_nothing(listener, store):
    result = run("sparql", _service_query(listener.url), "--store", store)
    assert result.exit_code == 2
    assert "SERVICE" in one_line_error(result) and "--allow-service" in one_line_error(result)
    assert listener.connections == 0


def test_service_in_a_query_file_is_refused(listener, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("# an innocent-looking question\n" + _service_query(listener.url), encoding="utf-8")
    result = run("query", "--file", str(path))
    assert result.exit_code == 2 and ":2:" in one_line_error(result)  # the line of SERVICE
    assert listener.connections == 0


@pytest.mark.slow
@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_service_is_refused_from_python_unless_allowed(listener, store):
    kg = spinekg.load(store=store)
    with pytest.raises(QuerySyntaxError, match="SERVICE"):
        kg.sparql(_service_query(listener.url))
    assert listener.connections == 0
    kg.engine.allow_service = True  # the opt-in really lets the request go (so the test above can fail)
    try:
        kg.sparql(_service_query(listener.url))
    except Exception:
        pass  # the listener hangs up: what matters is that the engine connected
    assert listener.connections >= 1


def test_the_word_service_in_strings_iris_and_names_is_not_a_service_call():
    kg = spinekg.load()
    text = ('PREFIX service: <http://example.org/service#> SELECT ?x WHERE { '
            'BIND("SERVICE <http://x/>" AS ?x) FILTER(?x != <http://example.org/SERVICE>) } # SERVICE')
    assert len(kg.sparql(text)) == 1


@pytest.mark.parametrize("prefix", ["insert", "with", "load", "drop"])
def test_a_prefix_named_like_an_update_keyword_is_a_select(prefix):
    text = f"PREFIX {prefix}: <http://example.org/> SELECT ?s WHERE {{ ?s a {prefix}:Thing }}"
    assert query_form(text) == "SELECT"
    assert len(spinekg.load().sparql(text)) == 0


# ---- JSON-LD contexts and nesting ---------------------------------------------------------------

def _jsonld(tmp_path, context, name="g.jsonld"):
    path = tmp_path / name
    path.write_text(json.dumps({"@context": context, "@id": "http://example.org/a",
                                "http://example.org/p": "b"}), encoding="utf-8")
    return path


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize("command", [["stats"], ["validate"], ["export", "-f", "nt", "-o", "-", "-i"],
                                     ["query", "outcome-statistics", "-i"]])
def test_a_remote_context_is_not_fetched(listener, tmp_path, command, store):
    path = _jsonld(tmp_path, listener.url + "context.jsonld")
    result = run(*command, str(path), "--store", store)
    assert result.exit_code == 2
    assert "context" in one_line_error(result) and listener.url in one_line_error(result)
    assert listener.connections == 0


@pytest.mark.parametrize("context", ["file:///dev/zero", "/etc/passwd", "other.jsonld", ["other.jsonld"],
                                     [{"@version": 1.1, "@import": "file:///dev/zero"}]])
def test_file_and_relative_contexts_and_imports_are_refused(tmp_path, context):
    (tmp_path / "other.jsonld").write_text('{"@context": {"p": "http://example.org/p"}}', encoding="utf-8")
    path = _jsonld(tmp_path, context)
    with pytest.raises(FormatError, match="context"):
        spinekg.load(path)


def test_a_scoped_context_by_reference_is_refused(listener, tmp_path):
    path = tmp_path / "g.jsonld"
    path.write_text(json.dumps({"@context": {"p": {"@id": "http://example.org/p", "@context": listener.url}},
                                "@id": "http://example.org/a", "p": {"@id": "http://example.org/b"}}),
                    encoding="utf-8")
    with pytest.raises(FormatError, match="context"):
        spinekg.load(path)
    assert listener.connections == 0


def test_an_inline_context_still_reads(tmp_path):
    path = _jsonld(tmp_path, {"p": "http://example.org/p"})
    kg = spinekg.load(path)
    assert len(kg.graph) == 1


@pytest.mark.parametrize("store", ["memory", "oxigraph", "oxigraph:disk"])
def test_deep_nesting_is_one_line_and_leaves_no_store_folder(tmp_path, store):
    depth = 5000
    path = tmp_path / "deep.jsonld"
    path.write_text('{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * depth + '"x"'
                    + "]" * depth + "}", encoding="utf-8")
    folder = tmp_path / "kg.db"
    spec = f"oxigraph:{folder}" if store == "oxigraph:disk" else store
    result = run("stats", str(path), "--store", spec)
    assert result.exit_code == 2 and "nested more than" in one_line_error(result)
    assert not folder.exists()


# ---- stores whose fill did not complete ---------------------------------------------------------

def _manifest(folder):
    return json.loads((folder / "spinekg-store.json").read_text(encoding="utf-8"))


def test_a_killed_refill_is_detected_and_filled_again(tmp_path):
    source = tmp_path / "g.nt"
    source.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n", encoding="utf-8")
    folder = tmp_path / "kg.db"
    with spinekg.load(source, store=f"oxigraph:{folder}") as kg:
        assert len(kg) == 1
    manifest = _manifest(folder)
    assert manifest["complete"] is True
    # what a kill between "clear" and "manifest" leaves: the store emptied, the manifest saying so
    import pyoxigraph

    store = pyoxigraph.Store(str(folder))
    store.clear()
    del store
    (folder / "spinekg-store.json").write_text(json.dumps({**manifest, "complete": False}), encoding="utf-8")
    with spinekg.load(source, store=f"oxigraph:{folder}") as kg:  # the same source: filled again, not trusted
        assert len(kg) == 1
    assert _manifest(folder)["complete"] is True
    (folder / "spinekg-store.json").write_text(json.dumps({**manifest, "complete": False}), encoding="utf-8")
    result = run("stats", "--store", f"oxigraph:{folder}")  # reopened without a source: says how to fix
    assert result.exit_code == 2 and "did not complete" in one_line_error(result)


def test_a_refill_marks_the_store_before_it_changes(tmp_path, monkeypatch):
    from spinekg.store import oxigraph as st

    source = tmp_path / "g.nt"
    source.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n", encoding="utf-8")
    folder = tmp_path / "kg.db"
    spinekg.load(source, store=f"oxigraph:{folder}").close()
    source.write_text(source.read_text() + "<http://example.org/a> <http://example.org/p> <http://example.org/c> .\n",
                      encoding="utf-8")

    def killed(*args, **kwargs):  # the refill dies after the store was cleared
        raise KeyboardInterrupt

    monkeypatch.setattr(st, "fill_from_file", killed)
    with pytest.raises(KeyboardInterrupt):
        spinekg.load(source, store=f"oxigraph:{folder}")
    assert _manifest(folder)["complete"] is False
    monkeypatch.undo()
    with spinekg.load(source, store=f"oxigraph:{folder}") as kg:
        assert len(kg) == 2


# ---- secrets and slow servers --------------------------------------------------------------------

def test_secrets_in_urls_are_masked():
    from spinekg.query.endpoint import redact

    assert redact("http://alice:s3cret@example.org/ds?token=abc&graph=g") == \
        "http://alice:***@example.org/ds?token=***&graph=g"
    assert redact("https://example.org/q?api_key=k&X-Access-Token=t") == "https://example.org/q?api_key=***&X-Access-Token=***"
    assert redact("http://example.org/query") == "http://example.org/query"


def test_push_never_prints_the_password_or_token():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the push fails
    result = run("push", "--endpoint", f"http://alice:s3cret@127.0.0.1:{port}/store?token=t0ken", "--timeout", "2")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "s3cret" not in result.output and "t0ken" not in result.output and "alice:***@" in line


class _Recorder:
    """An HTTP server on loopback that records request headers and answers as told."""

    def __init__(self, answer):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        recorder = self
        self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorder.requests.append((self.path, dict(self.headers)))
                answer(self)

            def do_GET(self):
                recorder.requests.append((self.path, dict(self.headers)))
                answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/query"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_credentials_in_the_url_are_sent_as_basic_auth():
    import base64

    from spinekg.query.endpoint import RemoteEngine

    def answer(handler):
        body = b'{"head": {}, "boolean": true}'
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server = _Recorder(answer)
    try:
        url = server.url.replace("http://", "http://alice:s3cret@")
        for method in ("auto", "get", "post", "direct"):
            assert RemoteEngine(url, method=method).select("ASK { }").boolean is True
    finally:
        server.close()
    assert len(server.requests) == 4
    for path, headers in server.requests:  # the short query travels as a GET (auto), then as each method
        assert path.split("?")[0] == "/query" and "s3cret" not in path
        assert headers["Authorization"] == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("query") for path, _ in server.requests] == \
        [["ASK { }"], ["ASK { }"], None, None]


@pytest.mark.slow
def test_a_server_that_drips_its_answer_is_cut_off_at_the_timeout():
    import time

    from spinekg.core.errors import EndpointError
    from spinekg.query.endpoint import RemoteEngine

    def answer(handler):  # headers, then one byte every 0.2 s: each read succeeds, the whole never ends
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            for _ in range(200):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    server = _Recorder(answer)
    try:
        started = time.monotonic()
        with pytest.raises(EndpointError, match="within 1 s"):
            RemoteEngine(server.url, timeout=1).select("ASK { }")
        assert time.monotonic() - started < 5
    finally:
        server.close()


def test_an_endless_query_file_is_not_read_to_its_end():
    result = run("query", "--file", "/dev/zero")
    assert result.exit_code == 2 and "not a query file" in one_line_error(result)
    result = run("sparql", "-", input="#" * ((1 << 20) + 10))
    assert result.exit_code == 2 and "not a query" in one_line_error(result)


# ---- XML entities --------------------------------------------------------------------------------

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&g;&g;&g;&g;&g;&g;&g;&g;</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_entity_expansion_is_refused_at_once(tmp_path, store):
    import time

    path = tmp_path / "laughs.rdf"
    path.write_text(LAUGHS, encoding="utf-8")
    started = time.monotonic()
    result = run("stats", str(path), "--store", store)
    assert result.exit_code == 2 and "refers to other entities" in one_line_error(result)
    assert "line 4: the entity 'b'" in one_line_error(result)  # the first entity that refers to another
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("declaration", ['<!ENTITY x SYSTEM "file:///etc/passwd">', '<!ENTITY % p "x">',
                                         '<!ENTITY big "' + "x" * 1000 + '">'])
def test_external_parameter_and_huge_entities_are_refused(tmp_path, declaration):
    body = "&big;" * 20_000 if "big" in declaration else "x"
    path = tmp_path / "g.rdf"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {declaration} ]>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
                    f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{body}</ex:p></rdf:Description></rdf:RDF>',
                    encoding="utf-8")
    with pytest.raises(FormatError, match="entit"):
        spinekg.load(path)


def test_plain_namespace_entities_still_read(tmp_path):
    path = tmp_path / "g.rdf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
                    '<rdf:Description rdf:about="&ex;a"><ex:p rdf:resource="&ex;b"/></rdf:Description></rdf:RDF>',
                    encoding="utf-8")
    assert len(spinekg.load(path).graph) == 1


# ---- bounded queries -----------------------------------------------------------------------------

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.mark.slow
@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_cartesian_select_stops_at_the_row_cap(store):
    import time

    started = time.monotonic()
    result = run("sparql", CARTESIAN, "--max-rows", "1000", "--store", store)
    assert result.exit_code == 2 and "more than 1,000 rows" in one_line_error(result)
    assert time.monotonic() - started < 20


@pytest.mark.slow
def test_a_long_query_is_stopped_at_the_time_limit():
    import subprocess
    import sys
    import time

    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "spinekg", "sparql", "--timeout", "2",
                           "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "ran longer than 2 s" in proc.stderr and "Traceback" not in proc.stderr
    assert time.monotonic() - started < 30


def test_the_caps_do_not_touch_ordinary_answers():
    result = run("query", "treatments-for-condition", "--param", "condition=back pain", "--max-rows", "500",
                 "-f", "csv")
    assert result.exit_code == 0 and len(result.output.splitlines()) > 2


# ---- what a graph file may hold and an export cannot ---------------------------------------------

def _one_triple(tmp_path, literal_nt: str):
    path = tmp_path / "g.nt"
    path.write_text(f"<http://example.org/a> <http://example.org/p> {literal_nt} .\n", encoding="utf-8")
    return path


def test_a_control_character_cannot_make_rdfxml_that_is_not_well_formed(tmp_path):
    source = _one_triple(tmp_path, '"bell\\u0007"')
    out = tmp_path / "g.rdf"
    result = run("export", "-i", str(source), "-f", "xml", "-o", str(out))
    assert result.exit_code == 2 and "U+0007" in one_line_error(result) and not out.exists()
    assert run("export", "-i", str(source), "-f", "turtle", "-o", str(tmp_path / "g.ttl")).exit_code == 0


@pytest.mark.parametrize("fmt", ["turtle", "nt", "xml"])
def test_a_lone_surrogate_is_one_line(tmp_path, fmt):
    source = tmp_path / "g.jsonld"
    source.write_text('{"@id": "http://example.org/a", "http://example.org/p": "x\\ud800y"}', encoding="utf-8")
    out = tmp_path / "out"
    result = run("export", "-i", str(source), "-f", fmt, "-o", str(out))
    assert result.exit_code == 2 and "surrogate" in one_line_error(result) and not out.exists()


# ---- curation files that would crash or lie ------------------------------------------------------

CURATED = "000_0e4ad2cffa1f476f"


def _curated(sources):
    return sources / "data" / "documents" / f"{CURATED}.yaml"


def _build(sources, corpus, tmp_path):
    return run("build", "--corpus", str(corpus), "--ontology", str(sources / "ontology"), "--data",
               str(sources / "data"), "-o", str(tmp_path / "kg.ttl"))


def _replace_line(path, needle, new):
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if needle in line)
    lines[number] = lines[number].replace(needle, new)
    path.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


@pytest.mark.parametrize("value, message", [(".inf", "finite number"), (".nan", "finite number"),
                                            ("-.inf", "finite number"), ("1" * 5001, "more than 100 digits")])
def test_numbers_that_are_not_numbers_are_one_line(sources, corpus, tmp_path, value, message):
    doc = _curated(sources)
    line = _replace_line(doc, "value: 4", f"value: {value}")
    result = _build(sources, corpus, tmp_path)
    assert result.exit_code == 2
    assert f"{doc}:{line}" in one_line_error(result) and message in one_line_error(result)
    assert len(one_line_error(result)) < 400 and not (tmp_path / "kg.ttl").exists()


def test_an_impossible_date_is_one_line(sources, corpus, tmp_path):
    doc = _curated(sources)
    line = _replace_line(doc, "datePublished, 2021-05-11]", "datePublished, 2021-02-30]")
    result = _build(sources, corpus, tmp_path)
    assert result.exit_code == 2
    assert f"{doc}:{line}" in one_line_error(result) and "not a valid date" in one_line_error(result)


def test_a_yaml_alias_bomb_is_refused_without_expanding_it(sources, corpus, tmp_path):
    doc = _curated(sources)
    bomb = ["x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    bomb += [f"x{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]"
             for i in range(1, 10)]
    doc.write_text("\n".join(bomb) + "\n" + doc.read_text(encoding="utf-8"), encoding="utf-8")
    result = _build(sources, corpus, tmp_path)
    assert result.exit_code == 2
    assert f"{doc}:1" in one_line_error(result) and "aliases" in one_line_error(result)
    assert len(result.output) < 2000


def test_a_new_store_is_marked_before_oxigraph_writes(tmp_path):
    from spinekg.store.oxigraph import StoreSpec, open_store

    folder = tmp_path / "kg.db"
    store = open_store(StoreSpec.parse(f"oxigraph:{folder}"))
    del store  # what a crash right after opening leaves: the next use fills it instead of refusing it
    assert _manifest(folder) == {"complete": False}
    with spinekg.load(store=f"oxigraph:{folder}") as kg:
        assert len(kg) > 20000 and _manifest(folder)["complete"] is True


def test_graph_on_the_memory_store_is_one_line():
    result = run("sparql", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")
    assert result.exit_code == 2 and "--store oxigraph" in one_line_error(result)
    assert run("sparql", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", "--store", "oxigraph").exit_code == 0


@pytest.mark.slow
def test_sigterm_ends_a_command_like_ctrl_c(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    env = dict(os.environ, TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "spinekg", "sparql", "--timeout", "100",
                             "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"],
                            stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    assert "Traceback" not in proc.stderr.read()
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("command", [["export", "-f", "nt", "-o", "-", "-i"], ["stats"], ["push", "--endpoint",
                                     "http://127.0.0.1:9/store"]])
def test_an_invalid_iri_is_refused_when_read(tmp_path, command):
    path = tmp_path / "g.ttl"
    path.write_text('<http://example.org/a> <http://example.org/p> "x" .\n'
                    '<http://example.org/c d> <http://example.org/p> "y" .\n', encoding="utf-8")
    result = run(*command, str(path))
    assert result.exit_code == 2
    assert "line 2" in one_line_error(result) and "not a valid IRI" in one_line_error(result)


def test_a_huge_line_is_refused_on_the_memory_store_and_read_by_oxigraph(tmp_path):
    import time

    path = tmp_path / "g.nt"
    path.write_text('<http://example.org/a> <http://example.org/p> "short" .\n'
                    '<http://example.org/a> <http://example.org/q> "' + "x" * (2 << 20) + '" .\n', encoding="utf-8")
    started = time.monotonic()
    result = run("stats", str(path))
    assert result.exit_code == 2 and "line 2 is longer than 512 KiB" in one_line_error(result)
    assert time.monotonic() - started < 10
    assert run("stats", str(path), "--store", "oxigraph").exit_code == 0


@pytest.mark.parametrize("name, text", [
    ("g.nt", '<http://example.org/a> <http://example.org/p> "x" .\n\n<http://example.org/a> <http://example.org/p> "x .\n'),
    ("g.nq", '<http://example.org/a> <http://example.org/p> "x" <http://example.org/g> .\n'
             '# a comment\n<http://example.org/a> <http://example.org/p> .\n'),
])
def test_line_format_errors_say_the_line(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run("stats", str(path))
    assert result.exit_code == 2 and ": line 3: " in one_line_error(result)


# ---- the serve gateway, in front of a stand-in server ---------------------------------------------

def _backend(body_chunks):
    """An HTTP/1.0 server on loopback that answers every request with the given chunks, streamed."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            try:
                for chunk in body_chunks():
                    self.wfile.write(chunk)
            except OSError:
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.mark.parametrize("size, cap, received", [(5_000, 100_000, 5_000), (10_000_000, 100_000, None)])
def test_the_gateway_streams_answers_up_to_its_cap(size, cap, received):
    import urllib.request

    from spinekg.query.gateway import Gateway

    backend = _backend(lambda: (b"x" * 10_000 for _ in range(size // 10_000)) if size >= 10_000 else iter([b"x" * size]))
    gateway = Gateway("127.0.0.1", 0, backend.server_address[1], max_bytes=cap).start()
    try:
        url = f"http://127.0.0.1:{gateway.port}/query?query=ASK%20%7B%7D"
        with urllib.request.urlopen(url, timeout=30) as response:
            got = len(response.read())
        assert got == received if received is not None else got <= cap
    finally:
        gateway.stop()
        backend.shutdown()
        backend.server_close()


@pytest.mark.parametrize("store", ["oxigraph", "oxigraph:disk"])
def test_a_literal_past_oxigraphs_buffer_is_one_line(tmp_path, store):
    path = tmp_path / "g.nt"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<http://example.org/a> <http://example.org/p> "' + "x" * (17 << 20) + '" .\n')
    folder = tmp_path / "kg.db"
    result = run("stats", str(path), "--store", f"oxigraph:{folder}" if store == "oxigraph:disk" else store)
    assert result.exit_code == 2 and "longer than Oxigraph's parser takes" in one_line_error(result)
    assert not folder.exists()


@pytest.mark.slow
def test_a_backslash_in_a_quote_that_pyshacl_cannot_format_is_one_line():
    from pathlib import Path

    from rdflib import Literal

    from spinekg.core.errors import ShapesError
    from spinekg.core.namespaces import BIOLINK
    from spinekg.core.resources import resource_dir
    from spinekg.kg import KnowledgeGraph
    from spinekg.model.compiler import build

    fixtures = Path(__file__).resolve().parent / "fixtures"
    kg = KnowledgeGraph.from_build(build(resource_dir("ontology"), fixtures / "data", fixtures / "corpus"))
    for claim, quote in list(kg.graph.subject_objects(BIOLINK.supporting_text)):  # {?otherQuote} in a message
        kg.graph.remove((claim, BIOLINK.supporting_text, quote))
        kg.graph.add((claim, BIOLINK.supporting_text, Literal(str(quote) + " \\p")))
    # no shipped message carries a quote any more ({?otherQuote} went with the pair-wise content
    # shapes), so pyshacl's re.sub, which reads a substituted value as a replacement template, is
    # not reached: both engines report the four warnings
    assert kg.validate(engine="pyshacl").counts == kg.validate(engine="sparql").counts
    assert kg.validate(engine="sparql").counts["warning"] == 4
    assert ShapesError  # what a message that did carry such a quote raises (see spinekg.validation.shacl)


# ---- sort files of the streamed exports ----------------------------------------------------------

def test_sort_runs_live_beside_the_output_and_a_killed_writers_are_removed_later(tmp_path, monkeypatch):
    import io
    import os
    import time

    from spinekg.core import rdfio

    kg = spinekg.load()
    monkeypatch.setattr(rdfio, "RUN_LINES", 2000)  # several runs on disk for the shipped graph
    seen = []

    class Peek(io.BytesIO):
        def write(self, data):
            if not seen:
                seen.extend(sorted(p.name for p in tmp_path.iterdir()))
            return super().write(data)

    rdfio.write_rdf(kg, "nt", Peek(), beside=tmp_path / "g.nt")
    assert len(seen) == 1 and seen[0].startswith(".g.nt.spinekg-") and seen[0].endswith(".tmp")
    assert list(tmp_path.iterdir()) == []  # removed when the write ended
    stale = tmp_path / ".g.nt.spinekg-abcd1234.tmp"  # what kill -9 leaves: runs in a folder
    stale.mkdir()
    (stale / "run0").write_text("x\n", encoding="utf-8")
    old = time.time() - 7200
    os.utime(stale / "run0", (old, old))
    os.utime(stale, (old, old))
    kg.export("nt", tmp_path / "g.nt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.nt"]
