"""SPARQL over HTTP against real servers, no mocks.

* ``spinekg serve`` runs as a subprocess (a read-only Oxigraph server); :class:`RemoteEngine`
  queries it and must answer exactly what :class:`RdflibEngine` answers on the same graph;
* ``spinekg push`` uploads to a writable ``oxigraph serve`` (SPARQL 1.1 Graph Store Protocol);
* errors: updates and writes refused, bad queries, unreachable servers: one line, exit code 2.

Needs the ``oxigraph`` executable (the ``server`` extra, included in ``test``).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from spinekg.query.endpoint import RemoteEngine, find_server, free_port, push
from spinekg.core.errors import EndpointError, ParameterError, QuerySyntaxError
from spinekg.core.namespaces import SPK
from spinekg.query.library import EntityIndex, load_library, run
from spinekg.query.engines import RdflibEngine

from conftest import ROOT, chromium_driver, one_line_error

pytestmark = pytest.mark.slow  # a real Oxigraph server

SPINEKG = [sys.executable, "-m", "spinekg"]
PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX spk: <https://w3id.org/spinekg/vocab#>\n")
#: A value that would end the query and start another one if it were pasted into the text.
EVIL = 'it "quotes" {braces} \\ and\nlines } ; DROP ALL ; SELECT * {'
LIBRARY = load_library(ROOT / "queries")
INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")  # (XSD here makes pytest warn)


def table(results) -> list[tuple]:
    """The rows as tuples of terms in column order, sorted (for order-independent comparison)."""
    rows = [tuple(row[c] for c in results.columns) for row in results]
    return sorted(rows, key=lambda t: ["" if v is None else v.n3() for v in t])


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(SPINEKG + list(args), capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    engine = RemoteEngine(url, timeout=2)
    deadline = time.monotonic() + timeout
    while True:
        try:
            engine.select("ASK { }")
            return
        except EndpointError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"no SPARQL server at {url} (exit code {process.poll()})")
            time.sleep(0.05)


class Serving:
    """``spinekg serve`` as a real subprocess, with its own TMPDIR to watch for leftovers."""

    def __init__(self, tmp: Path, *args: str):
        self.tmp = tmp
        self.process = subprocess.Popen(SPINEKG + ["serve", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                        env=dict(os.environ, TMPDIR=str(tmp)))
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.query_url = self.wait_for("SPARQL endpoint: ")
        self.ui_url = self.wait_for("query UI: ")
        self.wait_for("read-only: ")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, prefix: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                self.process.kill()
                pytest.fail(f"spinekg serve printed no {prefix!r} line within {timeout} s: {self.output}")
            if line is None:
                pytest.fail(f"spinekg serve exited ({self.process.wait()}): {self.process.stderr.read()}")
            self.output.append(line)
            if line.startswith(prefix):
                return line[len(prefix):].strip()

    def stop(self, signum: int) -> tuple[int, str]:
        """Send ``signum``; the exit code and stderr."""
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"spinekg serve did not stop on signal {signum}")
        return code, self.process.stderr.read()

    def leftovers(self) -> list[str]:
        return sorted(p.name for p in self.tmp.iterdir() if p.name.startswith("spinekg-serve-"))


def assert_stopped_cleanly(server: Serving, signum: int) -> None:
    code, err = server.stop(signum)
    assert code == 0, err
    assert "Traceback" not in err
    assert server.leftovers() == []  # the store's temporary folder is gone
    with pytest.raises(EndpointError, match="connection refused"):  # and so is the Oxigraph process
        RemoteEngine(server.query_url, timeout=5).select("ASK { }")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``spinekg serve --port P`` (the shipped graph) on a free loopback port; stopped with SIGTERM."""
    server = Serving(tmp_path_factory.mktemp("serve-tmp"), "--port", str(free_port()))
    assert server.leftovers(), "the store should live in a temporary folder while serving"
    yield server
    if server.process.poll() is None:
        assert_stopped_cleanly(server, signal.SIGTERM)


@pytest.fixture(scope="module")
def remote(served) -> RemoteEngine:
    return RemoteEngine(served.query_url)


@pytest.fixture(scope="module")
def local(kg) -> RdflibEngine:
    return RdflibEngine(kg.graph)


@pytest.fixture(scope="module")
def indexes(local, remote) -> dict:
    return {local: EntityIndex(local), remote: EntityIndex(remote)}


# ------------------------------------------------------------------------------------------
# RemoteEngine answers what rdflib answers
# ------------------------------------------------------------------------------------------


def test_serve_prints_where_to_find_it(served):
    assert served.query_url.startswith("http://127.0.0.1:") and served.query_url.endswith("/query")
    assert served.ui_url == served.query_url[:-len("query")]
    assert "updates are refused" in served.output[-1]
    with urllib.request.urlopen(served.ui_url, timeout=10) as page:  # the query page for people
        assert page.status == 200 and "html" in page.headers["Content-Type"]


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_query_over_http_matches_rdflib(name, local, remote, indexes):
    spec = LIBRARY[name]
    here = run(local, spec, spec.examples, index=indexes[local])
    there = run(remote, spec, spec.examples, index=indexes[remote])
    assert there.columns == here.columns
    assert table(there) == table(here)
    # conflict-exclusive-status has no answer on the five pages (tests/test_queries.py,
    # EMPTY_ON_THE_SHIPPED_PAGES): its rows are compared on the fixture pages instead
    assert len(here) > 0 or name == "conflict-exclusive-status"
    assert dict(there.labels) == dict(here.labels)


def test_select_and_ask_match_rdflib(local, remote, kg):
    query = PREFIXES + """SELECT ?class ?label (COUNT(?x) AS ?n) WHERE {
      ?class a <http://www.w3.org/2002/07/owl#Class> ; rdfs:label ?label .
      OPTIONAL { ?x a ?class }
    } GROUP BY ?class ?label"""
    there, here = remote.select(query), local.select(query)
    assert there.columns == here.columns == ("class", "label", "n")
    assert table(there) == table(here) and len(here) > 50
    assert there.labels and dict(there.labels) == dict(here.labels)

    count = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count[0]["n"] == Literal(len(kg.graph), datatype=INTEGER)
    ask = remote.select(PREFIXES + "ASK { spk:PlateletRichPlasmaTherapy spk:hasMechanism spk:AntiInflammatoryEffect }")
    assert ask.boolean is True and ask.columns == ()
    assert remote.select(PREFIXES + "ASK { spk:PlateletRichPlasmaTherapy spk:hasMechanism spk:Nothing }").boolean is False


def test_bound_values_are_values_never_query_text(local, remote, kg):
    query = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
    prp = SPK.PlateletRichPlasmaTherapy
    label = kg.graph.value(prp, RDFS.label)
    cases = [
        {"s": prp},
        {"s": prp, "label": label},
        {"s": prp, "label": Literal(EVIL)},
        {"label": Literal(EVIL, lang="en")},
        {"s": URIRef("https://example.org/a?b=c#d"), "label": Literal("7", datatype=INTEGER)},
    ]
    for bindings in cases:
        there, here = remote.select(query, bindings), local.select(query, bindings)
        assert there.columns == here.columns
        assert table(there) == table(here), bindings
    assert table(remote.select(query, {"s": prp})) == [(prp, label)]
    assert len(remote.select(query, {"s": prp, "label": Literal(EVIL)})) == 0  # zero extra rows
    # the value arrives exactly as it was, and nothing else ran
    echo = remote.select("SELECT ?x ?y WHERE { }", {"x": Literal(EVIL), "y": Literal(EVIL, lang="en-GB")})
    assert echo.rows == ({"x": Literal(EVIL), "y": Literal(EVIL, lang="en-GB")},)
    assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].toPython() == len(kg.graph)


def test_bound_values_are_joined_before_grouping(local, remote):
    # a trailing VALUES clause would be joined after GROUP BY, where ?s is no longer bound
    query = PREFIXES + "SELECT ?label (COUNT(?p) AS ?n) WHERE { ?s ?p ?o ; rdfs:label ?label } GROUP BY ?label"
    bindings = {"s": SPK.PlateletRichPlasmaTherapy}
    there, here = remote.select(query, bindings), local.select(query, bindings)
    assert table(there) == table(here) and len(here) == 1


@pytest.mark.parametrize("bindings, match", [
    ({"s": URIRef("https://example.org/a> } ; DROP ALL ; SELECT * { <b")}, "not a valid IRI"),
    ({"s": URIRef("https://example.org/a b")}, "not a valid IRI"),
    ({"s": BNode()}, "cannot send"),
    ({"s": "https://example.org/a"}, "cannot send"),
    ({"s } ; DROP ALL": URIRef("https://example.org/a")}, "not a SPARQL variable name"),
    ({"label": Literal("x", datatype=URIRef("https://example.org/t{}"))}, "not a valid IRI"),
])
def test_values_that_cannot_be_terms_are_refused_before_sending(bindings, match, remote):
    with pytest.raises(ParameterError, match=match):
        remote.select(PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label }", bindings)


def test_labels_of_many_iris(local, remote, kg):
    iris = set(kg.graph.subjects(RDFS.label, None)) | {URIRef("https://example.org/unlabelled")}
    assert len(iris) > 400  # several chunks
    labels = remote.labels(iris)
    assert labels == local.labels(iris)
    assert labels[SPK.PlateletRichPlasmaTherapy] == str(kg.graph.value(SPK.PlateletRichPlasmaTherapy, RDFS.label))


def test_malformed_query_is_a_syntax_error_with_its_position(remote):
    bad = PREFIXES + "SELECT ?s WHERE {\n  ?s rdfs:label ?label .\n  FILTER(?label = }"
    with pytest.raises(QuerySyntaxError, match="SPARQL syntax error") as plain:
        remote.select(bad, source="bad.rq")
    assert str(plain.value).startswith("bad.rq:5:")
    with pytest.raises(QuerySyntaxError) as bound:  # the VALUES block does not move the position
        remote.select(bad.replace("{\n", "{ ?s ?p ?o .\n"), {"s": SPK.PlateletRichPlasmaTherapy}, source="bad.rq")
    assert (bound.value.line, bound.value.column) == (plain.value.line, plain.value.column)
    one_line = bad.replace("\n", " ")  # the error on the line that holds the VALUES block
    with pytest.raises(QuerySyntaxError) as unbound:
        remote.select(one_line)
    with pytest.raises(QuerySyntaxError) as bound:
        remote.select(one_line, {"label": Literal(EVIL)})
    assert unbound.value.line == 1 and unbound.value.column > len(PREFIXES)
    assert (bound.value.line, bound.value.column) == (unbound.value.line, unbound.value.column)


# ------------------------------------------------------------------------------------------
# the served graph is read-only
# ------------------------------------------------------------------------------------------


def _http(method: str, url: str, body: bytes, content_type: str) -> int:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_updates_and_writes_are_refused(served, remote, kg):
    base = served.ui_url
    triple = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> ."
    ask = "ASK { <https://example.org/s> ?p ?o }"
    assert 400 <= _http("POST", base + "update", b"INSERT DATA { " + triple + b" }", "application/sparql-update") < 500
    assert 400 <= _http("PUT", base + "store?default", triple, "application/n-triples") < 500
    assert 400 <= _http("POST", base + "store?graph=https%3A%2F%2Fexample.org%2Fg", triple, "text/turtle") < 500
    assert remote.select(ask).boolean is False
    assert remote.select("ASK { GRAPH ?g { ?s ?p ?o } }").boolean is False
    assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].toPython() == len(kg.graph)
    with pytest.raises(QuerySyntaxError, match="update"):  # refused before sending
        remote.select("INSERT DATA { " + triple.decode() + " }")


def test_push_to_the_read_only_server_fails_in_one_line(served):
    result = cli("push", "--endpoint", served.ui_url + "store", "--graph", "https://example.org/g")
    assert result.returncode == 2
    assert "refused the write" in one_line_error(result)
    assert result.stdout == ""


# ------------------------------------------------------------------------------------------
# serve: failures and Ctrl-C
# ------------------------------------------------------------------------------------------


def test_serve_on_a_busy_port_fails_in_one_line(served):
    port = served.query_url.rsplit(":", 1)[1].split("/")[0]
    result = cli("serve", "--port", port)
    assert result.returncode == 2
    assert "address already in use" in one_line_error(result)


def test_serve_warns_when_not_on_loopback(tmp_path):
    result = cli("serve", "--host", "no-such-host.invalid", "--port", str(free_port()))
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr
    assert "unknown host" in one_line_error(result)


def test_ctrl_c_stops_the_server_cleanly(tmp_path):
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        pytest.skip("SIGINT is ignored by this process (started in the background), so by the server too")
    server = Serving(tmp_path, "--port", str(free_port()))
    assert RemoteEngine(server.query_url).select("ASK { ?s ?p ?o }").boolean is True
    assert_stopped_cleanly(server, signal.SIGINT)


def test_sighup_stops_the_server_cleanly(tmp_path):
    server = Serving(tmp_path, "--port", str(free_port()))
    assert_stopped_cleanly(server, signal.SIGHUP)


# ------------------------------------------------------------------------------------------
# the served endpoint sends no request it is asked to and answers only its own host
# ------------------------------------------------------------------------------------------


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _service(url: str) -> str:
    return f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"


def test_service_is_refused_by_the_endpoint(served):
    from test_hostile_input import Listener

    listener = Listener()
    try:
        query = urllib.parse.quote(_service(listener.url))
        status, _, body = _get(f"{served.query_url}?query={query}", {"Accept": "application/sparql-results+json"})
        assert status == 400 and b"SERVICE" in body
        form = urllib.parse.urlencode({"query": _service(listener.url)}).encode()
        assert _http("POST", served.query_url, form, "application/x-www-form-urlencoded") == 400
        assert _http("POST", served.query_url, _service(listener.url).encode(), "application/sparql-query") == 400
        with pytest.raises(QuerySyntaxError, match="SERVICE"):  # and the client refuses before sending
            RemoteEngine(served.query_url).select(_service(listener.url))
    finally:
        listener.close()
    assert listener.connections == 0


def test_the_operator_can_allow_service(tmp_path):
    from test_hostile_input import Listener

    listener = Listener()
    server = Serving(tmp_path, "--port", str(free_port()), "--allow-service")
    try:
        _get(f"{server.query_url}?query={urllib.parse.quote(_service(listener.url))}")
    finally:
        assert_stopped_cleanly(server, signal.SIGTERM)
        listener.close()
    assert listener.connections >= 1  # the refusal above is the gateway's doing, not a missing feature


def test_a_foreign_host_header_is_refused(served):
    ask = urllib.parse.quote("ASK { ?s ?p ?o }")
    status, _, body = _get(f"{served.query_url}?query={ask}", {"Host": "attacker.example:80"})
    assert status == 403 and b"attacker.example" in body
    port = served.query_url.split(":")[2].split("/")[0]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert _get(f"{served.query_url}?query={ask}", {"Host": host})[0] == 200


def test_no_cross_origin_answers(served):
    ask = urllib.parse.quote("ASK { ?s ?p ?o }")
    status, headers, _ = _get(f"{served.query_url}?query={ask}", {"Origin": "http://attacker.example"})
    assert status == 200
    assert not [h for h in headers if h.lower().startswith("access-control-")]


# ------------------------------------------------------------------------------------------
# push to a writable Graph Store
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A writable ``oxigraph serve`` on a free port; its base URL."""
    folder = tmp_path_factory.mktemp("store")
    port = free_port()
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen([find_server(), "serve", "--location", str(folder / "db"),
                                    "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    wait_until_answering(base + "query", process)
    yield base
    process.terminate()
    process.wait(timeout=20)


def count(query_url: str, graph: URIRef | None = None) -> int:
    if graph is None:
        return RemoteEngine(query_url).select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].toPython()
    # the graph name is bound, and counted per graph: the VALUES block must come before the COUNT
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return RemoteEngine(query_url).select(query, {"g": graph})[0]["n"].toPython()


def test_push_replaces_and_appends(store, kg, tmp_path):
    url, name = store + "store", "https://example.org/g"
    graph = URIRef(name)
    pushed = cli("push", "--endpoint", url, "--graph", name)
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout.strip() == f"pushed {len(kg.graph)} triples to {url} (graph {name})"
    assert count(store + "query", graph) == len(kg.graph)

    again = cli("push", "--endpoint", url, "--graph", name)  # PUT replaces: same count
    assert again.returncode == 0, again.stderr
    assert count(store + "query", graph) == len(kg.graph)

    ground = Graph()  # POST adds; for triples without blank nodes, adding them again changes nothing
    for triple in kg.graph:
        if not any(isinstance(term, BNode) for term in triple):
            ground.add(triple)
    blank = len(kg.graph) - len(ground)
    assert blank > 0
    ground.serialize(destination=tmp_path / "ground.nt", format="nt", encoding="utf-8")
    appended = cli("push", "--endpoint", url, "--graph", name, "--append", str(tmp_path / "ground.nt"))
    assert appended.returncode == 0, appended.stderr
    assert appended.stdout.strip() == f"pushed {len(ground)} triples to {url} (graph {name})"
    assert count(store + "query", graph) == len(kg.graph)
    # blank nodes are new in every upload (RDF merge), so their triples do add up
    assert push(kg.graph, url, name, replace=False) == len(kg.graph)
    assert count(store + "query", graph) == len(kg.graph) + blank
    assert count(store + "query", URIRef("https://example.org/other")) == 0

    assert push(kg.graph, url) == len(kg.graph)  # the default graph
    assert count(store + "query") == len(kg.graph)
    assert count(store + "query", graph) == len(kg.graph) + blank


def test_push_to_a_closed_port_fails_in_one_line():
    url = f"http://127.0.0.1:{free_port()}/store"
    result = cli("push", "--endpoint", url)
    assert result.returncode == 2
    line = one_line_error(result)
    assert url in line and "connection refused" in line and "is the server running" in line


@pytest.mark.parametrize("graph_iri", ["relative/name", "https://example.org/a b", "https://example.org/<g>", ""])
def test_push_needs_an_absolute_graph_iri(graph_iri, kg):
    with pytest.raises(ParameterError, match="not an absolute IRI"):
        push(kg.graph, "http://127.0.0.1:1/store", graph_iri)


def test_push_to_the_query_endpoint_explains(store, kg):
    with pytest.raises(EndpointError, match=r"not a writable Graph Store endpoint .*\.\.\./store"):
        push(kg.graph, store + "query", "https://example.org/g")


# ---------------------------------------------------------------------------------------------
# spinekg query/sparql --endpoint: the same answers over HTTP as on the local graph

@pytest.mark.parametrize("args", [
    ("query", "conflict-regulatory"),
    ("query", "treatments-for-condition", "--param", "condition=degenerative disc disease"),
    ("query", "mechanisms-of-treatment", "--param", "treatment=PRP"),
    ("query", "claims-of-document", "--param", "document=003"),
    ("sparql", "PREFIX spk: <https://w3id.org/spinekg/vocab#> SELECT ?c WHERE { ?c a spk:Clinic } ORDER BY ?c"),
])
def test_cli_over_the_endpoint_equals_local(served, args):
    for fmt in ("csv", "table"):
        local = cli(*args, "--format", fmt)
        remote = cli(*args, "--format", fmt, "--endpoint", served.query_url)
        assert local.returncode == remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout and remote.stdout.count("\n") > 1


def test_cli_endpoint_errors_are_one_line(served):
    unknown = cli("query", "mechanisms-of-treatment", "--param", "treatment=PRPX", "--endpoint", served.query_url)
    assert unknown.returncode == 2 and "unknown treatment 'PRPX'" in one_line_error(unknown)
    closed = cli("query", "clinics", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert closed.returncode == 2 and "is the server running" in one_line_error(closed)


# ------------------------------------------------------------------------------------------
# the spinekg pages: the library's questions, each one click from the query editor
# ------------------------------------------------------------------------------------------


def _question_links(url: str) -> dict[str, str]:
    """The landing page's links to the editor, by query name (read with lxml's HTML parser)."""
    from lxml import html as lxml_html

    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
        tree = lxml_html.fromstring(page.read())
    return {a.get("data-query"): a.get("href") for a in tree.xpath("//a[@class='open']")}


def test_the_landing_page_lists_every_library_question(served):
    links = _question_links(served.ui_url)
    assert set(links) == set(LIBRARY)
    with urllib.request.urlopen(served.ui_url, timeout=10) as page:
        text = page.read().decode("utf-8")
    for name, spec in LIBRARY.items():
        assert spec.question.replace("'", "&#x27;").replace('"', "&quot;") in text or spec.question in text, name
        for param in spec.parameters:
            assert f"<code>{param.name}</code>" in text
    editor = urllib.request.urlopen(served.ui_url + "ui", timeout=10).read().decode("utf-8")
    # the prefixes new tabs start with, as JSON that cannot close the script element (< is \\u003c)
    assert "/yasgui.min.js" in editor and "PREFIX spk: \\u003chttps://w3id.org/spinekg/vocab#\\u003e" in editor
    with urllib.request.urlopen(served.ui_url + "yasgui.min.js", timeout=10) as script:  # Oxigraph's own file
        assert script.status == 200 and len(script.read()) > 100000


def _sparql_json_rows(doc: dict) -> list[tuple]:
    from spinekg.query.engines import term_from_json

    columns = doc["head"]["vars"]
    rows = [tuple(term_from_json(b[c]) if c in b else None for c in columns) for b in doc["results"]["bindings"]]
    return sorted(rows, key=lambda t: ["" if v is None else v.n3() for v in t])


def test_a_question_link_answers_what_spinekg_query_answers(served):
    links = _question_links(served.ui_url)
    remote = RemoteEngine(served.query_url)
    plain = sorted(name for name, spec in LIBRARY.items() if not spec.parameters)
    assert len(plain) >= 10
    for name in plain:
        text = urllib.parse.parse_qs(urllib.parse.urlsplit(links[name]).query)["query"][0]
        assert text == LIBRARY[name].text
        there = remote.select(text)
        here = cli("query", name, "--format", "json")
        assert here.returncode == 0, here.stderr
        assert table(there) == _sparql_json_rows(json.loads(here.stdout)), name
    # a question with parameters comes with its examples bound, and answers what the CLI does with them
    spec = LIBRARY["mechanisms-of-treatment"]
    text = urllib.parse.parse_qs(urllib.parse.urlsplit(links[spec.name]).query)["query"][0]
    example = cli("query", spec.name, *[a for k, v in spec.examples.items() for a in ("--param", f"{k}={v}")],
                  "--format", "json")
    assert table(remote.select(text)) == _sparql_json_rows(json.loads(example.stdout)) != []


def test_the_editor_opens_with_the_question(served):
    """In a real browser: a question's link opens YASGUI with that query in the editor."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium_driver(1280, 900)
    try:
        driver.get(served.ui_url)
        driver.find_element("css selector", "a[data-query='clinics']").click()
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(
            "return typeof yasgui !== 'undefined' && !!yasgui.getTab()"))
        shown = driver.execute_script("return yasgui.getTab().getQuery()")
        endpoint = driver.execute_script("return yasgui.getTab().getEndpoint()")
    finally:
        driver.quit()
    assert shown.strip() == LIBRARY["clinics"].text.strip()
    assert endpoint == served.query_url
