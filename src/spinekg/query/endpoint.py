"""SPARQL over HTTP: upload the graph to a store, serve the graph with Oxigraph (queries: :mod:`.remote`).

* :class:`~spinekg.query.remote.RemoteEngine` (defined in :mod:`spinekg.query.remote`, on
  SPARQLWrapper, and importable from here) queries any SPARQL 1.1 Protocol endpoint.
* :func:`push` uploads a graph to a
  `SPARQL 1.1 Graph Store HTTP Protocol <https://www.w3.org/TR/sparql11-http-rdf-update/>`_
  endpoint (``PUT`` replaces a graph, ``POST`` adds to it; ``?graph=IRI`` or ``?default``).
  SPARQLWrapper has no Graph Store support: the upload is http.client, and it reads the server's
  answer even when the server answers before it has read the body (an error) and closes.
* :class:`Server` (and :func:`serve`) runs the `Oxigraph <https://github.com/oxigraph/oxigraph>`_
  server (the ``oxigraph`` executable of the PyPI package ``oxigraph``, the ``server`` extra) on a
  read-only copy of a graph: ``/query`` is the SPARQL endpoint, ``/`` a query page (or pages of
  the caller's, ``pages=``, with Oxigraph's own files behind them); updates and Graph Store writes
  are refused by the server itself.

Errors: an endpoint that cannot be reached, or that fails a request, raises
:class:`~spinekg.core.errors.EndpointError` (one line: the URL, the HTTP status and the server's
message, a hint); a graph name that is not an absolute IRI raises
:class:`~spinekg.core.errors.ParameterError`.
"""

from __future__ import annotations

import http.client
import os
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

from rdflib import Graph

from spinekg.core.errors import EndpointError, ParameterError
from spinekg.query.remote import RemoteEngine, check_url, is_loopback, one_line, redact, server_message
from spinekg.query.text import ABSOLUTE_IRI, NOT_IN_IRI

__all__ = ["RemoteEngine", "push", "find_server", "Server", "serve", "free_port", "redact", "is_loopback"]

IRI = str

_SPARQL_JSON = "application/sparql-results+json"

# ---------------------------------------------------------------------------------------------
# HTTP (the Graph Store upload and the server's readiness check; queries go through remote.py)

def _open(request: urllib.request.Request, timeout: float):
    """``urlopen``, but loopback addresses never go through a proxy from the environment."""
    if is_loopback(urllib.parse.urlsplit(request.full_url).hostname or ""):
        return urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=timeout)
    return urllib.request.urlopen(request, timeout=timeout)


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


def _reason(reason: BaseException, timeout: float) -> str:
    from spinekg.query.remote import failure_reason

    return failure_reason(reason, timeout)


def _http(method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float,
          what: str, shown: str | None = None) -> tuple[int, bytes]:
    """Send one small request: ``(status, body)``; an unreachable server raises :class:`EndpointError`."""
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
            return response.status, b"".join(chunks)
    except urllib.error.HTTPError as err:
        try:
            data = err.read()
        except (OSError, http.client.HTTPException):
            data = b""
        return err.code, data
    except urllib.error.URLError as err:
        why = _reason(err.reason, timeout)
    except (OSError, http.client.HTTPException) as err:  # timeout, connection reset, bad status line, ...
        why = _reason(err, timeout)
    raise EndpointError(f"cannot reach the {what} {redact(shown or url)}: {why}; is the server running, and is the "
                        "URL right?")


def _upload(method: str, url: str, body: bytes, headers: dict[str, str], timeout: float,
            shown: str) -> tuple[int, bytes]:
    """Send a large body: ``(status, answer)``. A server may answer (an error) before it has read
    the body, and close: the body goes in pieces, and as soon as an answer is waiting, or the
    server stops reading (broken pipe, reset), sending stops and the answer is read."""
    import select

    deadline = time.monotonic() + timeout
    sent_to, headers = _credentials(url, headers)
    parts = urllib.parse.urlsplit(sent_to)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    why = ""
    try:
        connection = kind(parts.hostname, parts.port, timeout=timeout)
        try:
            connection.putrequest(method, target)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                connection.putheader(name, value)
            connection.endheaders()
            for start in range(0, len(body), 1 << 16):
                if select.select([connection.sock], [], [], 0)[0]:
                    break  # the server has answered (or closed) before reading everything
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no complete answer within {timeout:g} s")
                connection.send(body[start:start + (1 << 16)])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer says why
        response = connection.getresponse()
        chunks = []
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete answer within {timeout:g} s")
            try:
                chunk = response.read1(1 << 16)
            except (ConnectionResetError, http.client.IncompleteRead):
                break  # what arrived before the reset is the answer
            if not chunk:
                break
            chunks.append(chunk)
        connection.close()
        return response.status, b"".join(chunks)
    except OSError as err:
        why = _reason(err, timeout)
    except http.client.HTTPException as err:  # no status line: the server closed without answering
        why = one_line(str(err)) or type(err).__name__
    raise EndpointError(f"cannot reach the Graph Store endpoint {redact(shown)}: {why}; is the server running, and "
                        "is the URL right?")


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
    check_url(url)
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
    status, data = _upload("PUT" if replace else "POST", target, body,
                           {"Content-Type": "text/turtle; charset=utf-8"}, timeout, url)
    if status < 300:
        return len(graph)
    message = server_message(data) or http.client.responses.get(status, "")
    said = f"HTTP {status}{': ' + message if message else ''}"
    if status in (401, 403):
        raise EndpointError(f"the Graph Store endpoint {redact(url)} refused the write ({said}); "
                            "is it a read-only server, or does it need credentials?")
    if status in (404, 405):
        raise EndpointError(f"{redact(url)} is not a writable Graph Store endpoint ({said}); "
                            "for an Oxigraph server, use .../store; for Virtuoso, .../sparql-graph-crud")
    hint = ""
    if graph_iri is None:
        hint = ("; a store without a default graph in the Graph Store Protocol (Virtuoso) needs a graph IRI: "
                "--graph urn:spinekg")
    raise EndpointError(f"the Graph Store endpoint {redact(url)} answered {said}{hint}")


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
                status, data = _http("POST", url, request, headers, 2, "SPARQL endpoint")
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
        from spinekg.query.gateway import forward

        forward(self, self.server.backend, self.server.backend_timeout, body, refuse=self.send_error)


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
