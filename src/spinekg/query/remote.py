"""SPARQL queries on a remote endpoint, through `SPARQLWrapper <https://sparqlwrapper.readthedocs.io>`_.

:class:`RemoteEngine` is the third :class:`~spinekg.query.engines.Engine`: it sends queries to any
`SPARQL 1.1 Protocol <https://www.w3.org/TR/sparql11-protocol/>`_ query endpoint and reads the
`SPARQL 1.1 Query Results JSON Format <https://www.w3.org/TR/sparql11-results-json/>`_. How a query
travels (``method``):

* ``"get"``: ``GET ...?query=`` (the protocol's "query via GET");
* ``"post"``: a form-encoded ``POST`` (``application/x-www-form-urlencoded``, "query via URL-encoded
  POST"), for queries too long for a URL;
* ``"direct"``: ``POST`` with ``Content-Type: application/sparql-query`` ("query via POST
  directly"). Virtuoso 7 never answers it: use it only for servers that need it;
* ``"auto"`` (the default): GET while the URL stays within :data:`GET_LIMIT` characters, else
  form POST. Every SPARQL 1.1 server takes both.

A remote endpoint has no ``initBindings``: bound values travel as ``VALUES`` blocks built from the
terms' `N-Triples <https://www.w3.org/TR/n-triples/>`_ forms, never from raw text. ``default_graph``
(the protocol's ``default-graph-uri``) names the graph the queries see as their default graph, e.g.
the ``urn:spinekg`` a ``spinekg push --graph urn:spinekg`` wrote; parameters in the endpoint's URL
(``?default-graph-uri=...``) are kept.

Servers differ: Virtuoso answers an ASK with a one-row SELECT result (``__ASK_RETVAL``, 0 or 1),
which is read as the boolean; its syntax errors say ``line N`` without a column.

Errors, one line each: an endpoint that cannot be reached or does not answer in time raises
:class:`~spinekg.core.errors.EndpointError`; an HTTP error status raises it with the status, the
server's first error line and what to try; a query the server cannot parse (HTTP 400) raises
:class:`~spinekg.core.errors.QuerySyntaxError` at the position in the text as written. A password or
token in the URL is never shown (:func:`redact`).
"""

from __future__ import annotations

import ast
import ipaddress
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import warnings
from typing import Iterator, Mapping

from rdflib import URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from spinekg.core.errors import EndpointError, QuerySyntaxError
from spinekg.query.engines import Results, collect_rows, iris_in, term_from_json
from spinekg.query.text import (NOT_IN_IRI, Insertions, bind_with_insertions, check_query, iri_text, line_column,
                                original_index, query_form)

__all__ = ["RemoteEngine", "failure_reason", "RemoteStore", "METHODS", "GET_LIMIT", "redact", "is_loopback", "check_url",
           "server_message", "one_line"]

#: how a query may travel (see the module's docstring)
METHODS = ("auto", "get", "post", "direct")
#: the longest URL ``auto`` sends as a GET (servers and proxies commonly accept 2,048 and more)
GET_LIMIT = 2000
_LABEL_CHUNK = 200

# ---------------------------------------------------------------------------------------------
# URLs

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback."""
    host = host.strip("[]")
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL; else :class:`EndpointError`."""
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


# ---------------------------------------------------------------------------------------------
# what a server said

def one_line(text: str, limit: int = 300) -> str:
    """The first non-blank line of ``text``, stripped, cut at ``limit`` characters."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[:limit] + "..."


_HTML = re.compile(r"^\s*(?:<!DOCTYPE|<html)", re.IGNORECASE)
_PRE = re.compile(r"<(xmp|pre)\b[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_HEADINGS = re.compile(r"<(title|h1|h2|h3|head)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def server_message(body: bytes) -> str:
    """The server's explanation in an error answer, as one line: its first line (and the next one
    when the first ends with ':'); of an HTML page, the text of its ``<pre>``/``<xmp>`` (Virtuoso's
    Graph Store errors) or of its body without the headings."""
    import html

    text = body.decode("utf-8", "replace")
    if _HTML.match(text):
        pre = _PRE.search(text)
        inner = pre.group(2) if pre else _TAG.sub("\n", _HEADINGS.sub("", text))
        text = html.unescape(_TAG.sub("", inner) if pre else inner)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return one_line(f"{lines[0]} {lines[1]}")
    return one_line(lines[0]) if lines else ""


def failure_reason(err: BaseException, timeout: float) -> str:
    """Why a request failed, in a few words (a URLError is read through to its reason)."""
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s (no answer within {timeout:g} s)"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return one_line(str(reason)) or type(reason).__name__


#: a hint per HTTP status of a failed query
_HINTS = {
    401: "it needs credentials: put them in the URL (http://USER:PASSWORD@HOST/...)",
    403: "it refused the query: does it need credentials, or does it allow only some queries?",
    404: "no SPARQL endpoint at that URL: Virtuoso's is .../sparql, Oxigraph's .../query, Fuseki's .../DATASET/sparql",
    405: "it does not take this request method: try another --method (get, post)",
    406: "it cannot answer in SPARQL JSON results: is it a SPARQL query endpoint?",
    414: "the query is too long for a URL: use --method post",
    415: "it does not take this request's content type: try --method get or post",
    500: "the server failed on this query: its message says why",
    503: "the server is busy or down: try again later",
}

#: Where a server says a parse error is: Oxigraph "error at 2:5: ...", Jena "at line 2, column 5",
#: Virtuoso "SPARQL compiler, line 5: ..." (a line, no column).
_LOCATED = re.compile(r"(?:at (?:line )?)?(\d+):(\d+)|line (\d+),? column (\d+)|compiler, line (\d+)")


def _syntax_error(message: str, sent: str, written: str, source: str, insertions: Insertions) -> QuerySyntaxError:
    """A QuerySyntaxError from the server's message, its position mapped back to the text as written."""
    if not message:
        return QuerySyntaxError("the SPARQL endpoint rejected the query (HTTP 400)", source)
    match = _LOCATED.search(message)
    if not match:
        return QuerySyntaxError(f"SPARQL syntax error (HTTP 400): {message}", source)
    if match.group(5):  # a line only
        line_group, column_group = 5, None
    else:
        line_group, column_group = (1, 2) if match.group(1) else (3, 4)
    line = int(match.group(line_group))
    column = int(match.group(column_group)) if column_group else None
    starts = [0] + [i + 1 for i, char in enumerate(sent) if char == "\n"]
    if insertions and 1 <= line <= len(starts):
        index = min(len(sent), starts[line - 1] + max(column or 1, 1) - 1)
        mapped_line, mapped_column = line_column(written, original_index(index, insertions))
        line, column = mapped_line, (mapped_column if column_group else None)
    if column_group:
        located = (message[:match.start(line_group)] + str(line) + message[match.end(line_group):match.start(column_group)]
                   + str(column) + message[match.end(column_group):])
    else:
        located = message[:match.start(line_group)] + str(line) + message[match.end(line_group):]
    return QuerySyntaxError(f"SPARQL syntax error (HTTP 400): {located}", source, line, column)


# ---------------------------------------------------------------------------------------------
# the remote engine

#: SPARQLWrapper's exception for each HTTP status it names (the others arrive as urllib's HTTPError)
_WRAPPER_STATUS = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404, "URITooLong": 414,
                   "EndPointInternalError": 500}


def _wrapper_body(err: Exception) -> bytes:
    """The server's answer inside a SPARQLWrapper exception (it keeps it only in its message, as
    the ``repr`` of the bytes after ``Response:``)."""
    _, found, tail = str(err).partition("\n\nResponse:\n")
    if not found:
        return b""
    try:
        value = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return tail.encode("utf-8", "replace")
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")


class RemoteEngine:
    """Queries on any SPARQL 1.1 Protocol endpoint, e.g. ``http://127.0.0.1:8890/sparql``.

    Updates, CONSTRUCT and DESCRIBE are refused before anything is sent; so is SERVICE unless
    ``allow_service``. Bound values are sent as a ``VALUES`` block of N-Triples terms that opens
    each group of the query (see :func:`~spinekg.query.text.bind_with_insertions`); ``labels`` are
    fetched with one more query per 200 IRIs. ``timeout``: seconds for the whole answer of one
    request. ``method``: one of :data:`METHODS`. ``default_graph``: the graph IRI sent as
    ``default-graph-uri``.
    """

    name = "remote"

    def __init__(self, url: str, timeout: float = 30, *, allow_service: bool = False, method: str = "auto",
                 default_graph: str | None = None):
        self.url = check_url(url)
        if method not in METHODS:
            raise EndpointError(f"unknown request method {method!r}; use one of {', '.join(METHODS)}")
        self.timeout = timeout
        self.method = method
        #: send queries that use SERVICE (the endpoint would request the servers they name)
        self.allow_service = allow_service
        if default_graph is not None and (not default_graph or NOT_IN_IRI.search(default_graph)):
            raise EndpointError(f"graph name {default_graph!r} is not an IRI (e.g. urn:spinekg)")
        self.default_graph = default_graph
        #: the HTTP ``Server`` header of the last answer (None before the first)
        self.server: str | None = None

    def __repr__(self) -> str:
        return f"RemoteEngine({redact(self.url)!r})"

    def server_software(self) -> str:
        """What the endpoint says it runs (its HTTP ``Server`` header, e.g. ``Virtuoso/07.20.3229
        (Linux) ...``; empty when it says nothing), asking with ``ASK {}`` before the first query."""
        if self.server is None:
            self.request("ASK {}", "<server>")
        return self.server or ""

    # one request ------------------------------------------------------------------------------

    def _wrapper(self, text: str):
        """A SPARQLWrapper for ``text``: method, parameters, credentials, timeout."""
        from SPARQLWrapper import BASIC, GET, JSON, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper

        parts = urllib.parse.urlsplit(self.url)
        host = parts.netloc.rpartition("@")[2]
        params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if self.default_graph is not None:
            params.append(("default-graph-uri", self.default_graph))
        bare = urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
        method = self.method
        if method == "auto":
            encoded = urllib.parse.urlencode([*params, ("query", text)])
            method = "get" if len(bare) + 1 + len(encoded) <= GET_LIMIT else "post"
        # form POST keeps the URL's own parameters in the URL (SPARQLWrapper sends its parameters in
        # the body); GET and direct POST get them back from SPARQLWrapper's parameters
        own = bare if method != "post" or not parts.query else f"{bare}?{parts.query}"
        client = SPARQLWrapper(own, agent="spinekg (SPARQLWrapper)")
        with warnings.catch_warnings():  # its guess at the query form (spinekg has checked it)
            warnings.simplefilter("ignore")
            client.setQuery(text)
        client.setReturnFormat(JSON)
        client.setOnlyConneg(True)  # the Accept header only, no format=/output= parameters
        client.setMethod(GET if method == "get" else POST)
        client.setRequestMethod(POSTDIRECTLY if method == "direct" else URLENCODED)
        for name, value in (params if method != "post" else
                            [("default-graph-uri", self.default_graph)] if self.default_graph else []):
            client.addParameter(name, value)
        if parts.username is not None:
            client.setHTTPAuth(BASIC)
            client.setCredentials(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
        client.timeout = self.timeout  # seconds per socket operation (setTimeout would round to an int)
        return client, method

    def request(self, text: str, source: str = "<query>", written: str | None = None,
                insertions: Insertions = ()) -> dict:
        """Send ``text`` as it is; the SPARQL JSON results document (a dict)."""
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client, method = self._wrapper(text)
        shown = redact(self.url)
        deadline = time.monotonic() + self.timeout
        try:
            response = client.query().response
            data = _read_all(response, deadline, self.timeout)
            content_type = response.headers.get("Content-Type", "") if response.headers else ""
            self.server = (response.headers.get("Server") if response.headers else None) or ""
        except SPARQLWrapperException as err:
            status = _WRAPPER_STATUS.get(type(err).__name__, 0)
            raise self._failed(status, _wrapper_body(err), text, source, written, insertions, method) from None
        except urllib.error.HTTPError as err:
            try:
                body = err.read()
            except OSError:
                body = b""
            raise self._failed(err.code, body, text, source, written, insertions, method) from None
        except (urllib.error.URLError, OSError, ValueError) as err:  # refused, unknown host, timeout, reset
            why = failure_reason(err, self.timeout)
            raise EndpointError(f"cannot reach the SPARQL endpoint {shown}: {why}; is the server running, and is "
                                "the URL right?" if "timed out" not in why else
                                f"the SPARQL endpoint {shown} {why}; is the query too heavy for it (add a LIMIT), "
                                "or does it need more time (--timeout)?") from None
        except Exception as err:  # http.client's protocol errors (a bad status line, ...)
            raise EndpointError(f"cannot reach the SPARQL endpoint {shown}: {one_line(str(err)) or type(err).__name__}"
                                "; is it a SPARQL endpoint?") from None
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise EndpointError(f"{shown} did not answer with SPARQL JSON results (Content-Type "
                                f"{content_type or 'missing'}); is it a SPARQL query endpoint "
                                "(Virtuoso: .../sparql, Oxigraph: .../query)?") from error

    def _failed(self, status: int, body: bytes, text: str, source: str, written: str | None,
                insertions: Insertions, method: str) -> Exception:
        message = server_message(body)
        if status == 400:
            return _syntax_error(message, text, written or text, source, list(insertions))
        hint = _HINTS.get(status, "")
        if status == 405 and method == "get":
            hint = "it does not take GET: try --method post"
        return EndpointError(f"the SPARQL endpoint {redact(self.url)} answered HTTP {status or '?'}"
                             f"{': ' + message if message else ''}" + (f"; {hint}" if hint else ""))

    # the engine ---------------------------------------------------------------------------

    def select(self, text: str, bindings: Mapping[str, Node] | None = None, *,
               source: str = "<query>", max_rows: int | None = None) -> Results:
        """Run a SELECT or ASK query on the endpoint with ``bindings`` bound; labels filled."""
        check_query(text, source, allow_service=self.allow_service)
        sent, insertions = bind_with_insertions(text, bindings)
        doc = self.request(sent, source, text, insertions)
        try:
            if isinstance(doc, dict) and "boolean" in doc:
                return Results(columns=(), boolean=bool(doc["boolean"]))
            columns = tuple(doc["head"]["vars"])
            bindings_out = doc["results"]["bindings"]
            if query_form(text) == "ASK":  # Virtuoso: one row, one column (__ASK_RETVAL), 0 or 1
                return Results(columns=(), boolean=_ask_value(columns, bindings_out))
            rows = collect_rows(({c: term_from_json(b[c]) if c in b else None for c in columns}
                                 for b in bindings_out), max_rows)
        except (KeyError, TypeError, ValueError) as error:
            raise EndpointError(f"{redact(self.url)} answered with malformed SPARQL JSON results: {error!r}") from error
        return Results(columns=columns, rows=rows, labels=self.labels(iris_in(rows)))

    def labels(self, iris: set[URIRef]) -> dict[URIRef, str]:
        """The ``rdfs:label`` of each IRI that has one (English, then no language, then any)."""
        sendable = sorted(i for i in iris if isinstance(i, URIRef) and not NOT_IN_IRI.search(str(i)))
        best: dict[URIRef, tuple[int, str]] = {}
        for start in range(0, len(sendable), _LABEL_CHUNK):
            chunk = " ".join(iri_text(i, "IRI") for i in sendable[start:start + _LABEL_CHUNK])
            query = f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {chunk} }} ?s <{RDFS.label}> ?label }}"
            doc = self.request(query, "labels")
            for b in doc.get("results", {}).get("bindings", []):
                if "s" not in b or "label" not in b:
                    continue
                subject, label = term_from_json(b["s"]), term_from_json(b["label"])
                lang = (getattr(label, "language", None) or "").lower()
                rank = (0 if lang == "en" or lang.startswith("en-") else 1 if not lang else 2, str(label))
                if subject not in best or rank < best[subject]:
                    best[subject] = rank
        return {iri: text for iri, (_, text) in best.items()}


def _ask_value(columns: tuple[str, ...], bindings: list) -> bool:
    """The answer of an ASK that came back as a SELECT result (Virtuoso's ``__ASK_RETVAL``)."""
    if not bindings:
        return False
    if len(columns) != 1:
        raise ValueError(f"an ASK answered with columns {columns!r}")
    value = term_from_json(bindings[0][columns[0]]).toPython()
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true")
    return bool(value)


def _read_all(response, deadline: float, timeout: float) -> bytes:
    """The whole body within ``timeout`` (not each read: a server that drips its answer is cut off)."""
    chunks = []
    try:
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no complete answer within {timeout:g} s")
            chunk = response.read1(1 << 16) if hasattr(response, "read1") else response.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        response.close()
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------
# a store for the sparql validation engine

class _Variable:
    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = value


class _Solutions:
    """Solutions as the sparql validation engine reads them: ``variables`` (``.value`` names) and
    rows indexed by name (rdflib terms, ``None`` when unbound)."""

    def __init__(self, columns: tuple[str, ...], rows: tuple[dict, ...]):
        self.variables = [_Variable(c) for c in columns]
        self._rows = rows

    def __iter__(self) -> Iterator[dict]:
        return iter(self._rows)


class RemoteStore:
    """A :class:`RemoteEngine` behind the ``query(text, use_default_graph_as_union=...)`` that
    :func:`spinekg.validation.sparql.validate_store` calls: the compiled validation queries run on
    the endpoint, on its default graph (the engine's ``default_graph`` when set). The union of
    named graphs is the server's business (``use_default_graph_as_union`` is not sent)."""

    def __init__(self, engine: RemoteEngine):
        self.engine = engine
        #: requests sent (for progress and timing)
        self.requests = 0

    def query(self, text: str, use_default_graph_as_union: bool = False) -> _Solutions:
        self.requests += 1
        doc = self.engine.request(text, "<validation query>")
        try:
            columns = tuple(doc["head"]["vars"])
            rows = tuple({c: term_from_json(b[c]) if c in b else None for c in columns}
                         for b in doc["results"]["bindings"])
        except (KeyError, TypeError, ValueError) as error:
            raise EndpointError(f"{redact(self.engine.url)} answered with malformed SPARQL JSON results: "
                                f"{error!r}") from error
        return _Solutions(columns, rows)

    def triples_of(self, node: Node) -> Iterator[tuple[Node, Node]]:
        """(predicate, object) of the triples about a blank node: none, unless the server names its
        blank nodes with IRIs a query can hold (Virtuoso's ``nodeID://...``)."""
        label = str(node)
        if "://" not in label or NOT_IN_IRI.search(label):
            return iter(())
        doc = self.engine.request(f"SELECT ?p ?o WHERE {{ <{label}> ?p ?o }}", "<validation query>")
        return iter([(term_from_json(b["p"]), term_from_json(b["o"]))
                     for b in doc.get("results", {}).get("bindings", []) if "p" in b and "o" in b])
