"""The HTTP front of ``spinekg serve``: what reaches the Oxigraph server, and what does not.

The Oxigraph server runs on a private loopback port; this front listens where the user asked and
passes requests on, after three checks that the Oxigraph server does not make itself:

* the ``Host`` header names the address the front listens on (for a loopback address, also
  ``localhost``), so a web page that re-binds its own domain name to 127.0.0.1 (DNS rebinding)
  is refused; a wildcard address (``0.0.0.0``, ``::``) accepts any host name;
* a query that uses ``SERVICE`` is refused (the server would send requests to the addresses the
  query names) unless the operator allowed it; updates are refused;
* only reading methods and paths are passed: GET and HEAD anywhere (the query page and its files),
  POST to ``/query`` only.

Answers are streamed back as they come, up to :data:`MAX_ANSWER_BYTES`; a client that goes away
closes the connection to the server, which ends the work there.

No CORS headers are sent, so a page on another origin cannot read the answers. The server's own
time limit (``--timeout-s``) bounds the work a query may cause, also when the client has gone.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from spinekg.core.errors import QuerySyntaxError
from spinekg.query.text import check_query

__all__ = ["Gateway", "MAX_QUERY_BYTES", "MAX_ANSWER_BYTES", "forward"]

#: the largest query body passed on (a query is text; megabytes of it are not a question)
MAX_QUERY_BYTES = 1 << 20
#: the most bytes of one answer passed back (the server's time limit bounds its work; this bounds
#: what one query can send, e.g. a cartesian SELECT *)
MAX_ANSWER_BYTES = 256 << 20
#: how much of a refused request's body (an upload to the read-only endpoint) is read before the
#: refusal is sent; beyond it the connection is closed and the sender sees a reset
MAX_DISCARD_BYTES = 64 << 20
_PASSED_HEADERS = ("Content-Type", "Content-Length", "Cache-Control", "Last-Modified", "ETag")


class _Handler(BaseHTTPRequestHandler):
    server: "_FrontServer"
    server_version = "spinekg"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the CLI prints what matters
        pass

    def do_GET(self):
        self._handle(None)

    def do_HEAD(self):
        self._handle(None)

    def do_POST(self):
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            return self._refuse(411, "a POST needs a Content-Length")
        if int(length) > MAX_QUERY_BYTES:
            self._discard_body()
            return self._refuse(413, f"the request body is larger than {MAX_QUERY_BYTES} bytes")
        self._handle(self.rfile.read(int(length)))

    def do_PUT(self):
        self._discard_body()
        self._refuse(403, "this endpoint is read-only")

    def _discard_body(self) -> None:
        """Read and drop a refused request's body (up to :data:`MAX_DISCARD_BYTES`) before
        answering, so that a client still sending it (an upload to a read-only server) reads the
        refusal instead of a reset connection; a larger body is cut off and the connection closed."""
        length = self.headers.get("Content-Length")
        left = min(int(length), MAX_DISCARD_BYTES) if length is not None and length.isdigit() else 0
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                break
            left -= len(chunk)
        self.close_connection = True

    do_DELETE = do_PATCH = do_PUT

    def _refuse(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _handle(self, body: bytes | None) -> None:
        gateway = self.server.gateway
        if not gateway.host_allowed(self.headers.get("Host")):
            return self._refuse(403, f"this server answers requests for {gateway.host_names()[0]}, not for "
                                     f"{self.headers.get('Host')!r}")
        path = urllib.parse.urlsplit(self.path).path
        if body is not None and path != "/query":
            return self._refuse(403, "this endpoint is read-only: POST only to /query")
        if path == "/query":
            text = self._query_text(body)
            if text is None:
                return self._refuse(400, "no query: send it as ?query=, a form field 'query' or an "
                                         "application/sparql-query body")
            try:
                check_query(text, "<request>", allow_service=gateway.allow_service)
            except QuerySyntaxError as err:
                return self._refuse(400, str(err))
        self._forward(body)

    def _query_text(self, body: bytes | None) -> str | None:
        if body is None:
            values = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query")
            return values[0] if values else None
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-query":
            return body.decode("utf-8", "replace")
        if kind == "application/x-www-form-urlencoded":
            values = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query")
            return values[0] if values else None
        return None

    def _forward(self, body: bytes | None) -> None:
        gateway = self.server.gateway
        forward(self, gateway.backend_port, gateway.timeout, body, refuse=self._refuse, max_bytes=gateway.max_bytes)


def forward(handler: BaseHTTPRequestHandler, port: int, timeout: float, body: bytes | None, *,
            refuse, max_bytes: int | None = None) -> None:
    """Pass ``handler``'s request on to the server on ``127.0.0.1:port`` and stream the answer
    back as it comes (never held whole in memory), up to ``max_bytes`` when given; when the
    client goes, the connection to the server is closed, which ends the query's work there.
    ``refuse(status, message)`` answers when the server does not (502)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {name: value for name, value in handler.headers.items()
               if name.lower() in ("accept", "content-type", "if-none-match", "if-modified-since")}
    try:
        try:
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as err:
            return refuse(502, f"the SPARQL server did not answer: {err}")
        handler.send_response(response.status)
        for name in _PASSED_HEADERS:
            value = response.getheader(name)
            if value is not None:
                handler.send_header(name, value)
        if response.getheader("Content-Length") is None:  # streamed: the end of the answer is
            handler.send_header("Connection", "close")       # the end of the connection
            handler.close_connection = True
        handler.end_headers()
        if handler.command == "HEAD":
            return
        sent = 0
        while True:
            try:
                chunk = response.read1(1 << 16)
            except (OSError, http.client.HTTPException):
                break  # the server stopped (its time limit): the client sees the answer end
            if not chunk:
                break
            sent += len(chunk)
            if max_bytes is not None and sent > max_bytes:  # cut off: a client sees an incomplete answer
                handler.close_connection = True
                break
            try:
                handler.wfile.write(chunk)
            except OSError:
                break  # the client has gone
    finally:
        connection.close()


class _FrontServer(ThreadingHTTPServer):
    daemon_threads = True
    gateway: "Gateway"


class Gateway:
    """The front listening on ``host:port`` for the Oxigraph server on ``127.0.0.1:backend_port``."""

    def __init__(self, host: str, port: int, backend_port: int, *, allow_service: bool = False,
                 timeout: float = 60, max_bytes: int = MAX_ANSWER_BYTES):
        self.host = host.strip("[]")
        self.max_bytes = max_bytes
        self.backend_port = backend_port
        self.allow_service = allow_service
        self.timeout = timeout
        self.httpd = _FrontServer((self.host or "0.0.0.0", port), _Handler)
        self.httpd.gateway = self
        self.port = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None

    def host_names(self) -> list[str]:
        """The ``Host`` header values this front answers (empty for a wildcard address: any)."""
        if self.host in ("", "0.0.0.0", "::"):
            return []
        names = [self.host]
        if self.host in ("127.0.0.1", "::1", "localhost"):
            names += ["localhost", "127.0.0.1", "::1"]
        out = []
        for name in names:
            shown = f"[{name}]" if ":" in name else name
            out += [f"{shown}:{self.port}"] + ([shown] if self.port == 80 else [])
        return out

    def host_allowed(self, value: str | None) -> bool:
        names = self.host_names()
        if not names:
            return True
        return value is not None and value.strip().lower() in names

    def start(self) -> "Gateway":
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="spinekg-gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        self.httpd.server_close()
