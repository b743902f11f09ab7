"""SPARQL over HTTP: query any endpoint, upload the graph to a store, serve the graph with Oxigraph.

* :class:`RemoteEngine` is the third :class:`~spinekg.query.engines.Engine`: it sends queries to any
  `SPARQL 1.1 Protocol <https://www.w3.org/TR/sparql11-protocol/>`_ query endpoint ("query via
  POST directly", ``Content-Type: application/sparql-query``) and reads the
  `SPARQL 1.1 Query Results JSON Format <https://www.w3.org/TR/sparql11-results-json/>`_.
  A remote endpoint has no ``initBindings``: bound values travel as ``VALUES`` blocks built from
  the terms' `N-Triples <https://www.w3.org/TR/n-triples/>`_ forms, never from raw text.
* :func:`push` uploads a graph to a
  `SPARQL 1.1 Graph Store HTTP Protocol <https://www.w3.org/TR/sparql11-http-rdf-update/>`_
  endpoint (``PUT`` replaces a graph, ``POST`` adds to it; ``?graph=IRI`` or ``?default``).
* :class:`Server` (and :func:`serve`) runs the `Oxigraph <https://github.com/oxigraph/oxigraph>`_
  server (the ``oxigraph`` executable of the PyPI package ``oxigraph``, the ``server`` extra) on a
  read-only copy of a graph: ``/query`` is the SPARQL endpoint, ``/`` a query page (or pages of
  the caller's, ``pages=``, with Oxigraph's own files behind them); updates and Graph Store writes
  are refused by the server itself.

Errors: an endpoint that cannot be reached, or that fails a request, raises
:class:`~spinekg.core.errors.EndpointError` (one line: the URL, what happened, a hint); a query the
server cannot parse (HTTP 400) raises :class:`~spinekg.core.errors.QuerySyntaxError`; a value that
cannot be written as an RDF term raises :class:`~spinekg.core.errors.ParameterError`.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Mapping

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from spinekg.core.errors import EndpointError, ParameterError, QuerySyntaxError
from spinekg.query.engines import Results, collect_rows, iris_in, term_from_json
from spinekg.query.text import (ABSOLUTE_IRI, NOT_IN_IRI, Insertions, bind_with_insertions, check_query, iri_text,
                                line_column, original_index)

__all__ = ["RemoteEngine", "push", "find_server", "Server", "serve", "free_port", "redact", "is_loopback"]

IRI = str

_SPARQL_JSON = "application/sparql-results+json"
_LABEL_CHUNK = 200

# ---------------------------------------------------------------------------------------------
# HTTP

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{redact(url)!r} is not an http:// or https:// URL")
    return url


#: parts of query parameter names whose values are secrets (names compared without '-' and '_')
_SECRET_WORDS = ("token", "secret", "password", "passwd", "pwd", "auth", "signature", "apikey", "accesskey")


def _secret(name: str) -> bool:
    name = name.lower().replace("-", "").replace("_", "")
    return name in ("key", "sig") or any(word in name for word in _SECRET_WORDS)


def redact(url: str) -> str:
    """``url`` as it may be shown: a password in it and the values of secret-looking query
    parameters (``token``, ``api_key``, ``password``, ...) replaced by ``***``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<an unparsable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{hostport}" if ":" in userinfo else f"{user}@{hostport}"
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        if any(_secret(k) for k, _ in pairs):
            query = "&".join(f"{urllib.parse.quote(k, safe='')}=" + ("***" if _secret(k) else urllib.parse.quote(v, safe=''))
                             for k, v in pairs)
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _credentials(url: str, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A URL with ``user:password@`` becomes the URL without it and an HTTP Basic header."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, headers
    import base64

    pair = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
    host = parts.netloc.rpartition("@")[2]
    bare = urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, {**headers, "Authorization": "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")}


def _open(request: urllib.request.Request, timeout: float):
    """``urlopen``, but loopback addresses never go through a proxy from the environment."""
    if is_loopback(urllib.parse.urlsplit(request.full_url).hostname or ""):
        return urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=timeout)
    return urllib.request.urlopen(request, timeout=timeout)


def _one_line(text: str, limit: int = 300) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[:limit] + "..."


def _reason(reason: object, timeout: float) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return _one_line(str(reason)) or type(reason).__name__


def _http(method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float,
          what: str, shown: str | None = None) -> tuple[int, bytes, str, urllib.error.HTTPError | None]:
    """Send one request: ``(status, body, content type, HTTPError or None)``.

    An unreachable server (refused, unknown host, timeout, dropped connection) raises
    :class:`EndpointError`; HTTP error statuses are returned for the caller to explain.
    """
    deadline = time.monotonic() + timeout
    sent_to, headers = _credentials(url, headers)
    request = urllib.request.Request(sent_to, data=body, headers=headers, method=method)
    try:
        with _open(request, timeout) as response:
            chunks = []
            while True:  # the whole answer within ``timeout``, not each read (a server that drips)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no complete answer within {timeout:g} s")
                chunk = response.read1(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            return response.status, b"".join(chunks), response.headers.get("Content-Type", ""), None
    except urllib.error.HTTPError as err:
        try:
            data = err.read()
        except (OSError, http.client.HTTPException):
            data = b""
        return err.code, data, err.headers.get("Content-Type", "") if err.headers else "", err
    except urllib.error.URLError as err:
        why = _reason(err.reason, timeout)
    except (TimeoutError, socket.timeout) as err:
        why = _reason(err, timeout)
    except (OSError, http.client.HTTPException) as err:  # connection reset, bad status line, ...
        why = _one_line(str(err)) or type(err).__name__
    raise EndpointError(f"cannot reach the {what} {redact(shown or url)}: {why}; is the server running, and is the "
                        "URL right?")


def _http_error(status: int, data: bytes, err: urllib.error.HTTPError | None, url: str, what: str) -> EndpointError:
    message = _error_message(data) or (err.reason if err is not None else "")
    return EndpointError(f"the {what} {redact(url)} answered HTTP {status}: {message}")


# ---------------------------------------------------------------------------------------------
# the remote engine

class RemoteEngine:
    """Queries on any SPARQL 1.1 Protocol endpoint, e.g. ``http://127.0.0.1:7878/query``.

    Updates, CONSTRUCT and DESCRIBE are refused before anything is sent. Bound values are sent
    as a ``VALUES`` block of N-Triples terms that opens each group of the query (see
    :func:`bind_with_insertions`); ``labels`` are fetched with one more query per 200 IRIs.
    """

    name = "remote"

    def __init__(self, url: str, timeout: float = 30, *, allow_service: bool = False):
        self.url = _check_url(url)
        self.timeout = timeout
        #: send queries that use SERVICE (the endpoint would request the servers they name)
        self.allow_service = allow_service


    def __repr__(self) -> str:
        return f"RemoteEngine({redact(self.url)!r})"

    def _post(self, text: str, source: str, written: str | None = None, insertions: Insertions = ()) -> dict:
        status, data, content_type, err = _http(
            "POST", self.url, text.encode("utf-8"),
            {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": _SPARQL_JSON},
            self.timeout, "SPARQL endpoint")
        if status == 400:
            raise _syntax_error(_error_message(data), text, written or text, source,
                                list(insertions))
        if err is not None or status >= 300:
            raise _http_error(status, data, err, self.url, "SPARQL endpoint")
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise EndpointError(f"{redact(self.url)} did not answer with SPARQL JSON results (Content-Type "
                                f"{content_type or 'missing'}); is it a SPARQL query endpoint "
                                "(for Oxigraph, .../query)?") from error

    def select(self, text: str, bindings: Mapping[str, Node] | None = None, *,
               source: str = "<query>", max_rows: int | None = None) -> Results:
        """Run a SELECT or ASK query on the endpoint with ``bindings`` bound; labels filled."""
        check_query(text, source, allow_service=self.allow_service)
        sent, insertions = bind_with_insertions(text, bindings)
        doc = self._post(sent, source, text, insertions)
        if isinstance(doc, dict) and "boolean" in doc:
            return Results(columns=(), boolean=bool(doc["boolean"]))
        try:
            columns = tuple(doc["head"]["vars"])
            rows = collect_rows(({c: term_from_json(b[c]) if c in b else None for c in columns}
                                 for b in doc["results"]["bindings"]), max_rows)
        except (KeyError, TypeError, ValueError) as error:
            raise EndpointError(f"{redact(self.url)} answered with malformed SPARQL JSON results: {error!r}") from error
        return Results(columns=columns, rows=rows, labels=self.labels(iris_in(rows)))

    def labels(self, iris: set[URIRef]) -> dict[URIRef, str]:
        """The ``rdfs:label`` of each IRI that has one (English, then no language, then any)."""
        sendable = sorted(i for i in iris if isinstance(i, URIRef) and not NOT_IN_IRI.search(str(i)))
        best: dict[URIRef, tuple[int, str]] = {}
        for start in range(0, len(sendable), _LABEL_CHUNK):
            chunk = " ".join(iri_text(i, "IRI") for i in sendable[start:start + _LABEL_CHUNK])
            query = (f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {chunk} }} "
                     f"?s <{RDFS.label}> ?label }}")
            doc = self._post(query, "labels")
            for b in doc.get("results", {}).get("bindings", []):
                if "s" not in b or "label" not in b:
                    continue
                subject, label = term_from_json(b["s"]), term_from_json(b["label"])
                lang = (getattr(label, "language", None) or "").lower()
                rank = (0 if lang == "en" or lang.startswith("en-") else 1 if not lang else 2, str(label))
                if subject not in best or rank < best[subject]:
                    best[subject] = rank
        return {iri: text for iri, (_, text) in best.items()}


#: Where a server says a parse error is: Oxigraph "error at 2:5: ...", Jena "at line 2, column 5".
_LOCATED = re.compile(r"(?:at (?:line )?)?(\d+):(\d+)|line (\d+),? column (\d+)")


def _error_message(body: bytes) -> str:
    """The server's explanation: its first line (and the next one when the first ends with ':')."""
    lines = [line.strip() for line in body.decode("utf-8", "replace").splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return _one_line(f"{lines[0]} {lines[1]}")
    return _one_line(lines[0]) if lines else ""


def _syntax_error(message: str, sent: str, written: str, source: str, insertions: Insertions) -> QuerySyntaxError:
    """A QuerySyntaxError from the server's message, its position mapped back to the text as written."""
    if not message:
        return QuerySyntaxError("the SPARQL endpoint rejected the query (HTTP 400)", source)
    match = _LOCATED.search(message)
    if not match:
        return QuerySyntaxError(f"the SPARQL endpoint rejected the query: {message}", source)
    line_group, column_group = (1, 2) if match.group(1) else (3, 4)
    line, column = int(match.group(line_group)), int(match.group(column_group))
    if insertions:
        starts = [0] + [i + 1 for i, char in enumerate(sent) if char == "\n"]
        if 1 <= line <= len(starts):
            index = min(len(sent), starts[line - 1] + max(column, 1) - 1)
            line, column = line_column(written, original_index(index, insertions))
    located = (message[:match.start(line_group)] + str(line) + message[match.end(line_group):match.start(column_group)]
               + str(column) + message[match.end(column_group):])
    return QuerySyntaxError(f"SPARQL syntax error: {located}", source, line, column)


# ---------------------------------------------------------------------------------------------
# Graph Store HTTP Protocol

def _graph_store_url(url: str, graph_iri: str | None) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    if graph_iri is None:
        return f"{url}{sep}default"
    return f"{url}{sep}graph={urllib.parse.quote(graph_iri, safe='')}"


def push(graph: Graph, url: str, graph_iri: IRI | None = None, *, replace: bool = True,
         timeout: float = 60) -> int:
    """Upload ``graph`` to a Graph Store endpoint; return the number of triples sent.

    ``replace`` sends ``PUT`` (the graph's previous content is dropped), otherwise ``POST`` (the
    triples are added; sending the same triples twice changes nothing, an RDF graph being a set,
    except for triples with blank nodes: every upload's blank nodes are new ones, RDF merge).
    ``graph_iri`` names the target graph (``?graph=``); without it the default graph (``?default``).
    """
    _check_url(url)
    if graph_iri is not None:
        if not ABSOLUTE_IRI.fullmatch(graph_iri) or NOT_IN_IRI.search(graph_iri):
            raise ParameterError(f"graph name {graph_iri!r} is not an absolute IRI (e.g. https://example.org/graph)")
    target = _graph_store_url(url, graph_iri)
    # The body is N-Triples, sent as text/turtle: N-Triples is a subset of Turtle, so the body is
    # also valid Turtle, and text/turtle is the one RDF media type every Graph Store implementation
    # accepts (the GSP spec's own examples use it; Oxigraph, Fuseki, RDF4J/GraphDB take
    # application/n-triples too, but older Virtuoso and Blazegraph releases only know it as
    # text/plain). One triple per line, no prefixes: nothing for a server to misread.
    body = graph.serialize(format="nt", encoding="utf-8")
    method = "PUT" if replace else "POST"
    status, data, _, err = _http(method, target, body, {"Content-Type": "text/turtle; charset=utf-8"},
                                 timeout, "Graph Store endpoint", url)
    if status in (401, 403):
        message = _error_message(data) or (err.reason if err is not None else "")
        raise EndpointError(f"the Graph Store endpoint {redact(url)} refused the write (HTTP {status}: {message}); "
                            "is it a read-only server, or does it need credentials?")
    if status in (404, 405):
        message = _error_message(data) or (err.reason if err is not None else "")
        raise EndpointError(f"{redact(url)} is not a writable Graph Store endpoint (HTTP {status}: {message}); "
                            "for an Oxigraph server, use .../store")
    if err is not None or status >= 300:
        raise _http_error(status, data, err, url, "Graph Store endpoint")
    return len(graph)


# ---------------------------------------------------------------------------------------------
# the Oxigraph server

def find_server() -> str:
    """The path of the ``oxigraph`` executable: beside the running Python first, then on PATH."""
    name = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EndpointError("the Oxigraph server is not installed: pip install 'spinekg[server]'")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (another process may take it before you do)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host.strip("[]"), 0))
        return sock.getsockname()[1]


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        if os.name != "nt":  # as the server does: a port in TIME_WAIT is free
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except socket.gaierror as err:
            raise EndpointError(f"cannot serve on {host}:{port}: unknown host {host!r}") from err
        except OSError as err:
            raise EndpointError(f"cannot serve on {host}:{port}: {(err.strerror or str(err)).lower()} "
                                "(another server on that port? choose one with --port)") from err


def _error_line(text: str) -> str:
    """The line of an oxigraph log that says what went wrong (its ``Error:`` line, else the last)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Error:"):
            return line[len("Error:"):].strip()
    return lines[-1] if lines else "no message"


class Server:
    """The Oxigraph SPARQL server on a read-only copy of a graph, for as long as it runs.

    ``Server(graph, host, port)`` writes the graph as N-Triples into a new temporary folder, loads
    it into an Oxigraph store there (``oxigraph load``), and :meth:`start` runs
    ``oxigraph serve-read-only`` on it on a private loopback port, behind the front of
    :mod:`spinekg.query.gateway` on ``host:port`` (it checks the Host header and refuses SERVICE
    and updates), and waits until the endpoint answers a query. :meth:`stop` stops both and removes
    the folder. As a context manager it starts and stops::

        with Server(kg.graph, port=7878) as server:
            RemoteEngine(server.query_url).select("ASK { ?s ?p ?o }")

    Everything is loaded into the default graph, so the queries that run on ``kg.graph`` run
    unchanged. ``pages`` maps paths (``/``, ``/ui``) to HTML documents served there instead of
    the Oxigraph server's (a small proxy between the front and the Oxigraph server answers
    them and passes everything else on). ``port=0`` picks a free port. With ``location`` the store is built in that folder
    (which must be new or empty) and kept after :meth:`stop`. If the Python process is killed
    without a chance to clean up (SIGKILL), the server process outlives it.
    """

    def __init__(self, graph: Graph, host: str = "127.0.0.1", port: int = 7878, *,
                 location: str | Path | None = None, startup_timeout: float = 30, timeout: float = 60,
                 allow_service: bool = False, pages: Mapping[str, bytes] | None = None):
        self.graph = graph
        #: HTML pages served at these paths (e.g. ``/``) in front of the Oxigraph server's own
        self.pages = dict(pages or {})
        self._pages_server = None
        self.host = host
        self.port = port
        self.location = Path(location) if location is not None else None
        self.startup_timeout = startup_timeout
        #: seconds a query may run (the Oxigraph server's own limit)
        self.timeout = timeout
        #: pass queries that use SERVICE (the server would send requests to the addresses they name)
        self.allow_service = allow_service
        self.process: subprocess.Popen | None = None
        self.gateway = None
        self.tempdir: Path | None = None
        self.triples = 0

    # where to find it -------------------------------------------------------------------

    @property
    def _client_host(self) -> str:
        """A host name that reaches the server (a wildcard bind is reached on loopback)."""
        host = self.host.strip("[]")
        if host in ("", "0.0.0.0"):
            return "127.0.0.1"
        if host == "::":
            return "[::1]"
        return f"[{host}]" if ":" in host else host

    @property
    def url(self) -> str:
        """The server's address, e.g. ``http://127.0.0.1:7878/`` (a query page for people)."""
        return f"http://{self._client_host}:{self.port}/"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint, e.g. ``http://127.0.0.1:7878/query``."""
        return self.url + "query"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # life cycle ---------------------------------------------------------------------------

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Server {self.query_url} {state}>"

    def start(self) -> "Server":
        """Load the graph, start the server, wait until it answers; :class:`EndpointError` if it cannot."""
        if self.process is not None:
            return self
        executable = find_server()
        if self.port == 0:
            self.port = free_port(self.host.strip("[]") if self.host not in ("", "0.0.0.0", "::") else "127.0.0.1")
        _check_port_free(self.host, self.port)
        try:
            self.tempdir = Path(tempfile.mkdtemp(prefix="spinekg-serve-"))
            store = self.location if self.location is not None else self.tempdir / "store"
            if store.exists() and any(store.iterdir()):
                raise EndpointError(f"{store}: the store folder must be new or empty")
            data = self.tempdir / "graph.nt"
            self.graph.serialize(destination=str(data), format="nt", encoding="utf-8")
            self.triples = len(self.graph)
            loaded = subprocess.run([executable, "load", "--location", str(store), "--file", str(data)],
                                    stdin=subprocess.DEVNULL, capture_output=True, text=True)
            if loaded.returncode != 0:
                raise EndpointError(f"oxigraph load failed: {_error_line(loaded.stderr)}")
            data.unlink()
            log = self.tempdir / "server.log"
            backend = free_port("127.0.0.1")
            with open(log, "wb") as handle:
                # its own session: a Ctrl-C in the terminal reaches us, and we stop the server
                self.process = subprocess.Popen(
                    [executable, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{backend}",
                     "--timeout-s", str(max(1, round(self.timeout)))],
                    stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
                    start_new_session=True)
            self._wait_ready(log, f"http://127.0.0.1:{backend}/query")
            if self.pages:
                self._pages_server = _PagesServer(self.pages, backend, self.timeout + 5)
                backend = self._pages_server.port
            from spinekg.query.gateway import Gateway

            try:
                self.gateway = Gateway(self.host, self.port, backend, allow_service=self.allow_service,
                                       timeout=self.timeout + 5).start()
            except OSError as err:
                raise EndpointError(f"cannot serve on {self.host}:{self.port}: {(err.strerror or str(err)).lower()} "
                                    "(another server on that port? choose one with --port)") from err
            self.port = self.gateway.port
            self._wait_ready(log, self.query_url)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, log: Path, url: str) -> None:
        deadline = time.monotonic() + self.startup_timeout
        request = b"ASK { }"
        headers = {"Content-Type": "application/sparql-query", "Accept": _SPARQL_JSON}
        while True:
            if self.process.poll() is not None:
                raise EndpointError(f"the Oxigraph server stopped at once (exit code {self.process.returncode}): "
                                    f"{_error_line(log.read_text('utf-8', 'replace'))}")
            try:
                status, data, _, _ = _http("POST", url, request, headers, 2, "SPARQL endpoint")
                if status == 200 and b"boolean" in data and self.process.poll() is None:
                    return
            except EndpointError:
                pass  # not listening yet: poll again until the deadline
            if time.monotonic() > deadline:
                raise EndpointError(f"the Oxigraph server did not answer at {url} within "
                                    f"{self.startup_timeout:g} s")
            time.sleep(0.05)

    def wait(self) -> int:
        """Block until the server process ends (it only ends when stopped or killed); its exit code."""
        if self.process is None:
            raise EndpointError("the server is not running")
        return self.process.wait()

    def error(self) -> str:
        """The last thing the server said about a failure (from its log)."""
        log = self.tempdir / "server.log" if self.tempdir is not None else None
        return _error_line(log.read_text("utf-8", "replace")) if log is not None and log.exists() else "no message"

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop within 10 s) and remove its folder."""
        gateway, self.gateway = self.gateway, None
        if gateway is not None:
            gateway.stop()
        pages, self._pages_server = self._pages_server, None
        if pages is not None:
            pages.stop()
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.tempdir is not None:
            shutil.rmtree(self.tempdir, ignore_errors=True)
            self.tempdir = None


def serve(graph: Graph, host: str = "127.0.0.1", port: int = 7878, *, location: str | Path | None = None,
          timeout: float = 60, allow_service: bool = False, pages: Mapping[str, bytes] | None = None) -> Server:
    """Start a read-only Oxigraph server on ``graph``; a running :class:`Server` (stop it, or use ``with``)."""
    return Server(graph, host, port, location=location, timeout=timeout, allow_service=allow_service,
                  pages=pages).start()


class _PagesHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD of the pages' paths; passes every other request on to the Oxigraph
    server, streaming its answer back (the front before it has made the checks)."""

    server_version = "spinekg"

    def log_message(self, format, *args):  # quiet: the CLI prints what matters
        pass

    def do_GET(self):
        page = self.server.pages.get(urllib.parse.urlsplit(self.path).path)
        if page is None:
            return self._forward(None)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(page)

    do_HEAD = do_GET

    def do_POST(self):
        length = self.headers.get("Content-Length")
        self._forward(self.rfile.read(int(length)) if length and length.isdigit() else b"")

    def _forward(self, body: bytes | None) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.backend, timeout=self.server.backend_timeout)
        headers = {name: value for name, value in self.headers.items()
                   if name.lower() in ("accept", "content-type", "if-none-match", "if-modified-since")}
        try:
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as err:
                self.send_error(502, f"the SPARQL server did not answer: {err}")
                return
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in ("connection", "keep-alive", "transfer-encoding", "server", "date"):
                    self.send_header(name, value)
            self.end_headers()  # HTTP/1.0: the answer ends with the connection
            while self.command != "HEAD":
                try:
                    chunk = response.read1(1 << 16)
                except (OSError, http.client.HTTPException):
                    break
                if not chunk:
                    break
                try:
                    self.wfile.write(chunk)
                except OSError:
                    break  # the client has gone
        finally:
            connection.close()


class _PagesServer:
    """:class:`_PagesHandler` on a private loopback port, in a thread."""

    def __init__(self, pages: Mapping[str, bytes], backend: int, timeout: float):
        import threading
        from http.server import ThreadingHTTPServer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _PagesHandler)
        self.httpd.daemon_threads = True
        self.httpd.pages, self.httpd.backend, self.httpd.backend_timeout = dict(pages), backend, timeout
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="spinekg-pages", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.thread.join(5)
        self.httpd.server_close()
