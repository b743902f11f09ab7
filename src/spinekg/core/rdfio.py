"""Read and write the knowledge graph in the RDF syntaxes rdflib knows, deterministically.

Formats are rdflib's own serializer plugins (``turtle``, ``trig``, ``nquads``, ``nt``,
``json-ld``, ``xml``, ...); nothing here copies rdflib's list. What this module adds:

* **determinism**: blank nodes get canonical labels (:func:`rdflib.compare.to_canonical_graph`),
  line-based syntaxes (N-Triples, N-Quads) are sorted, JSON-LD nodes are sorted by ``@id`` and
  keys are sorted, so the same graph always gives byte-identical output;
* **named graphs** for the quad syntaxes (TriG, N-Quads, TriX): the ontology goes to
  ``https://w3id.org/spinekg/graph/ontology`` and the documents, claims and provenance to
  ``https://w3id.org/spinekg/graph/data``.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Dataset, Graph, URIRef, plugin
from rdflib.compare import to_canonical_graph
from rdflib.serializer import Serializer

from spinekg.core.errors import FormatError, UnknownNameError
from spinekg.core.namespaces import PREFIXES, bind_prefixes

__all__ = ["serialize", "write_rdf", "rdf_formats", "resolve_format", "format_for_path", "format_of", "read_graph", "ONTOLOGY_GRAPH", "DATA_GRAPH", "check_jsonld", "MAX_JSON_DEPTH", "check_xml_entities",
           "MAX_ENTITY_EXPANSION", "check_line_lengths", "MAX_LINE_BYTES",
           "QUAD_FORMATS", "parse_error_line", "literals_as_written", "parse_exact", "base_iri"]

ONTOLOGY_GRAPH = URIRef("https://w3id.org/spinekg/graph/ontology")
DATA_GRAPH = URIRef("https://w3id.org/spinekg/graph/data")
QUAD_FORMATS = {"trig", "nquads", "trix", "application/trig", "application/n-quads", "application/trix"}
_ALIASES = {"jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml", "rdf/xml": "xml"}
_EXTENSIONS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".nt": "nt", ".jsonld": "json-ld",
               ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3", ".trix": "trix"}


def rdf_formats() -> list[str]:
    """The RDF serializer names rdflib has registered (its plugin registry, not a copy)."""
    return sorted({p.name for p in plugin.plugins(kind=Serializer)})


def resolve_format(name: str) -> str:
    """Normalise a format name; raise :class:`UnknownNameError` listing the known ones."""
    name = _ALIASES.get(name.lower(), name.lower())
    known = rdf_formats()
    if name not in known:
        raise UnknownNameError(f"unknown RDF format {name!r}; known formats: {', '.join(known)} (and jsonld)")
    return name


def format_for_path(path: str | Path, default: str = "turtle") -> str:
    """The RDF syntax a file name's extension implies (``default`` when it implies none)."""
    return _EXTENSIONS.get(Path(path).suffix.lower(), default)


def _canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes carry canonical (content-derived) labels."""
    with_bnodes = Graph()
    out = Graph()
    bind_prefixes(out)
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            with_bnodes.add((s, p, o))
        else:
            out.add((s, p, o))
    if len(with_bnodes):
        for triple in to_canonical_graph(with_bnodes):
            out.add(triple)
    return out


def _dataset(kg) -> Dataset:
    ds = Dataset()
    bind_prefixes(ds)
    for name, part in ((ONTOLOGY_GRAPH, kg.ontology), (DATA_GRAPH, kg.data)):
        target = ds.graph(name)
        for triple in _canonical(part):
            target.add(triple)
    return ds


_LINE_FORMATS = {"nquads", "application/n-quads", "nt", "nt11", "ntriples", "application/n-triples"}
#: lines sorted in memory at a time when streaming N-Quads/N-Triples (a sorted run on disk each)
RUN_LINES = 200_000


def write_rdf(kg, format: str, out: BinaryIO, *, beside: str | Path | None = None) -> None:
    """Write the complete graph of ``kg`` to the binary stream ``out``.

    N-Quads and N-Triples are streamed: one sorted line per triple, sorted in runs of
    :data:`RUN_LINES` lines kept in temporary files and merged, so a graph of any size is written
    without a second copy of it in memory. The runs go into a private folder beside the output
    ``beside`` (``.NAME.spinekg-XXXXXXXX.tmp``, so that what a killed writer leaves is found and
    removed by the next write of that output), else in the system's temporary folder; the folder
    is removed when the write ends, fails or is interrupted. The other syntaxes are built in memory
    by rdflib.
    """
    fmt = resolve_format(format)
    if fmt in _LINE_FORMATS:
        try:
            _write_sorted_lines(kg, fmt in ("nquads", "application/n-quads"), out, beside)
        except UnicodeEncodeError as err:
            raise _encoding_error(err) from None
    else:
        out.write(serialize(kg, fmt))


def _write_sorted_lines(kg, quads: bool, out: BinaryIO, beside: str | Path | None = None) -> None:
    import heapq
    import tempfile

    from rdflib.plugins.serializers.nquads import _nq_row
    from rdflib.plugins.serializers.nt import _nt_row

    if quads and not len(kg.ontology) and not len(kg.data):
        raise FormatError("empty knowledge graph")
    parts = [(ONTOLOGY_GRAPH, kg.ontology), (DATA_GRAPH, kg.data)] if quads else [(None, kg.graph)]
    row = (lambda triple, name: _nq_row(triple, name)) if quads else (lambda triple, name: _nt_row(triple))
    target = Path(beside).resolve() if beside is not None else None
    if target is not None and (not target.exists() or target.is_file()):  # not beside a device or FIFO
        from spinekg.core.files import temp_prefix

        where = {"dir": target.parent, "prefix": temp_prefix(target.name), "suffix": ".tmp"}
    else:
        where = {"prefix": "spinekg-sort-"}
    with tempfile.TemporaryDirectory(**where) as tmp:
        runs: list[Path] = []
        lines: list[str] = []

        def spill() -> None:
            lines.sort()
            run = Path(tmp) / f"run{len(runs)}"
            with open(run, "w", encoding="utf-8", newline="\n") as handle:
                handle.writelines(lines)
            runs.append(run)
            lines.clear()

        for name, part in parts:
            blank = Graph()  # triples with blank nodes get content-derived labels (few: lists, restrictions)
            for triple in part:
                if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
                    blank.add(triple)
                    continue
                lines.append(row(triple, name))
                if len(lines) >= RUN_LINES:
                    spill()
            if len(blank):
                lines.extend(row(triple, name) for triple in to_canonical_graph(blank))
        if not runs:
            lines.sort()
            out.write("".join(lines).encode("utf-8"))
            return
        spill()
        handles = [open(run, encoding="utf-8", newline="\n") for run in runs]
        try:
            for line in heapq.merge(*handles):
                out.write(line.encode("utf-8"))
        finally:
            for handle in handles:
                handle.close()


#: characters XML 1.0 cannot hold, not even as character references
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_FORMATS = {"xml", "pretty-xml", "application/rdf+xml", "trix", "application/trix"}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_terms(graph: Graph, fmt: str) -> None:
    """Refuse to write what the syntax cannot hold, instead of a file that is not well-formed
    (XML) or a silently changed text (rdflib writes a lone surrogate as '?')."""
    xml = fmt in _XML_FORMATS
    for triple in graph:
        for term in triple:
            text = str(term)
            if text.isascii() and not xml:
                continue
            found = _SURROGATE.search(text) or (_NOT_XML.search(text) if xml else None)
            if found is None:
                continue
            if _SURROGATE.match(found.group()):
                raise FormatError(f"the graph holds a lone surrogate (U+{ord(found.group()):04X}) that UTF-8 cannot "
                                  f"encode, in {term.n3()[:80]!r}; fix the source of that text")
            raise FormatError(f"{term.n3()[:80]} holds the character U+{ord(found.group()):04X}, which {fmt} "
                              "(XML) cannot hold; export as turtle, nt, nquads or json-ld")


def _encoding_error(err: UnicodeEncodeError) -> FormatError:
    text = err.object[max(0, err.start - 30):err.end + 30] if isinstance(err.object, str) else ""
    return FormatError(f"the graph holds a lone surrogate (U+{ord(err.object[err.start]):04X}) that UTF-8 cannot "
                       f"encode, near {text!r}; fix the source of that text")


def serialize(kg, format: str = "turtle") -> bytes:
    """Serialize the complete graph of ``kg`` (a :class:`~spinekg.kg.KnowledgeGraph`) to bytes
    (deterministic; :func:`write_rdf` streams big graphs to a file instead)."""
    try:
        return _serialize(kg, format)
    except UnicodeEncodeError as err:
        raise _encoding_error(err) from None


def _serialize(kg, format: str) -> bytes:
    fmt = resolve_format(format)
    if fmt not in _LINE_FORMATS:  # (the line formats encode strictly and fail on their own)
        _check_terms(kg.graph, fmt)
    if fmt in _LINE_FORMATS:
        from io import BytesIO

        buffer = BytesIO()
        _write_sorted_lines(kg, fmt in ("nquads", "application/n-quads"), buffer)
        return buffer.getvalue()
    if fmt in QUAD_FORMATS:
        if not len(kg.ontology) and not len(kg.data):
            raise FormatError("empty knowledge graph")
        return _dataset(kg).serialize(format=fmt, encoding="utf-8")
    graph = _canonical(kg.graph)
    if fmt in ("json-ld", "application/ld+json"):
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        doc = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        doc = _sorted_sets(doc)
        return (json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")


def format_of(path: Path, format: str | None = None) -> str:
    """The RDF syntax of a graph file: ``format`` when given, else guessed from the extension."""
    fmt = resolve_format(format) if format else _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise FormatError(f"{path}: cannot tell the RDF syntax from the extension {Path(path).suffix!r}; pass a format")
    return fmt


def _sorted_sets(node):
    """A JSON-LD document with every set (an array that is not an ``@list``) in a fixed order,
    so the output does not depend on the order the store returns triples in."""
    if isinstance(node, dict):
        return {key: (_sorted_sets(value) if key != "@list" else [_sorted_sets(v) for v in value])
                for key, value in node.items()}
    if isinstance(node, list):
        items = [_sorted_sets(item) for item in node]
        return sorted(items, key=lambda item: (str(item.get("@id", "")) if isinstance(item, dict) else "",
                                               json.dumps(item, sort_keys=True, ensure_ascii=False)))
    return node


#: how deeply a JSON-LD document may nest objects and arrays (real documents stay far below it)
MAX_JSON_DEPTH = 200


def check_jsonld(path: Path) -> None:
    """Refuse a JSON-LD document that would make a parser reach outside it, or nests too deeply.

    A context given by reference (``"@context": "http://..."``, a relative or ``file:`` reference,
    or ``@import`` inside a context) would be fetched by the parser: a request to an address the
    document chooses, or a read of a local file. spinekg never fetches one: the context must be
    written into the document. Raises :class:`FormatError` (one line, the offending reference).
    """
    try:
        with open(path, "rb") as handle:
            doc = json.load(handle)
    except RecursionError:
        raise FormatError(f"{path}: not valid json-ld: nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError as err:
        raise FormatError(f"{path}: not valid json-ld: {parse_error_line(err)}") from None
    todo = [(doc, 1, False)]
    while todo:
        node, depth, in_context = todo.pop()
        if depth > MAX_JSON_DEPTH:
            raise FormatError(f"{path}: not valid json-ld: nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(node, list):
            todo.extend((item, depth + 1, in_context) for item in node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ref in (value if isinstance(value, list) else [value]):
                        if isinstance(ref, str):
                            raise FormatError(f"{path}: the JSON-LD context {ref!r} is a reference that would be "
                                              "fetched; spinekg does not fetch contexts: write the context into "
                                              "the document")
                    todo.append((value, depth + 1, True))
                elif key == "@import" and in_context:
                    raise FormatError(f"{path}: the JSON-LD context imports {value!r}, which would be fetched; "
                                      "spinekg does not fetch contexts: write it into the document")
                else:
                    todo.append((value, depth + 1, in_context))


#: how many characters the entities of an XML document may expand to, in all
MAX_ENTITY_EXPANSION = 10_000_000
_ENTITY = re.compile(r"<!ENTITY\s+(%\s*)?([\w.:-]+)\s+(SYSTEM|PUBLIC)?\s*(\"[^\"]*\"|'[^']*')", re.DOTALL)


def check_xml_entities(path: Path, fmt: str) -> None:
    """Refuse an XML document (RDF/XML, TriX) whose entities could make the parser do unbounded
    work or read elsewhere: an entity that refers to other entities ("billion laughs"), a
    parameter or external (``SYSTEM``/``PUBLIC``) entity, or entities that would expand to more
    than :data:`MAX_ENTITY_EXPANSION` characters. Plain entities (``<!ENTITY rdf "http://...">``,
    common in OWL files) are fine."""
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "replace")
    doctype = text.find("<!DOCTYPE")
    if doctype < 0:
        return
    declared = text.count("<!ENTITY", doctype)
    matches = list(_ENTITY.finditer(text, doctype))
    if len(matches) != declared:  # a declaration the check cannot read is not passed to the parser
        raise FormatError(f"{path}: not valid {fmt}: an entity declaration spinekg cannot check; write the entity "
                          "values out")
    expansion = 0
    for match in matches:
        parameter, name, external, value = match.group(1), match.group(2), match.group(3), match.group(4)[1:-1]
        line = text.count("\n", 0, match.start()) + 1
        where = f"{path}: not valid {fmt}: line {line}"
        if parameter or external:
            raise FormatError(f"{where}: the entity {name!r} is a parameter or external entity; spinekg reads no "
                              "entity from elsewhere: write its value into the document")
        if "&" in value or "%" in value:
            raise FormatError(f"{where}: the entity {name!r} refers to other entities, which can expand without "
                              "bound; write its value out")
        expansion += len(value) * text.count(f"&{name};")
        if expansion > MAX_ENTITY_EXPANSION:
            raise FormatError(f"{where}: the entities expand to more than {MAX_ENTITY_EXPANSION:,} characters")


#: the longest line rdflib is given in N-Triples or N-Quads (its parser takes time quadratic in the
#: length of a line: 1 s at 512 KiB, 16 s at 2 MiB); Oxigraph's parser has no such limit
MAX_LINE_BYTES = 512 * 1024


def check_line_lengths(path: Path, fmt: str) -> None:
    """Refuse a line-based file with a line longer than :data:`MAX_LINE_BYTES` (one line, exit 2)."""
    with open(path, "rb") as handle:
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), 1):
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):  # cut at the limit: longer
                raise FormatError(f"{path}: not valid {fmt}: line {number} is longer than {MAX_LINE_BYTES // 1024} KiB "
                                  "(rdflib's parser would take minutes on it); load the file with --store oxigraph")


def base_iri(path: str | Path) -> str:
    """The base IRI relative IRIs of a graph file resolve against: the file's own ``file://`` URI
    (absolute, symbolic links kept), the same for rdflib's parsers and Oxigraph's."""
    return Path(path).absolute().as_uri()


@contextmanager
def literals_as_written():
    """While active, rdflib keeps every literal it makes exactly as written.

    rdflib normalises typed literals when it makes them (``rdflib.NORMALIZE_LITERALS``):
    ``"0042"^^xsd:integer`` becomes ``"42"``, ``"1"^^xsd:boolean`` and ``"none"^^xsd:boolean``
    become ``"true"`` and ``"false"``, so a SHACL check of the lexical form or of well-formedness
    would see another value than the file holds. This switches that off (rdflib's own setting: it
    is global, so the switch is held only for the parse) and silences rdflib's warnings and logged
    tracebacks about ill-typed values, which SHACL reports itself (``sh:datatype``).
    """
    import logging
    import warnings

    import rdflib

    term_log = logging.getLogger("rdflib.term")  # "does not look like a valid URI" (checked after
    level, normalize = term_log.level, rdflib.NORMALIZE_LITERALS  # parsing, one line), ill-typed values
    term_log.setLevel(logging.CRITICAL)
    rdflib.NORMALIZE_LITERALS = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Parsing weird boolean"
            yield
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
        term_log.setLevel(level)


def parse_exact(graph: Graph, path: str | Path, fmt: str) -> Graph:
    """Parse the file ``path`` into ``graph`` (a Graph or Dataset) with every literal as written and
    relative IRIs resolved against :func:`base_iri`; rdflib's exceptions pass through."""
    with literals_as_written():
        graph.parse(str(path), format=fmt, publicID=base_iri(path))
    return graph


def read_graph(path: Path, format: str | None = None) -> tuple[Graph, Graph]:
    """Read an exported graph; return ``(ontology, data)``.

    Quad syntaxes keep the two named graphs apart; a triple syntax gives everything as ``data``
    and an empty ``ontology``.
    """
    path = Path(path)
    if not path.is_file():
        raise FormatError(f"{path}: file not found")
    fmt = format_of(path, format)
    if path.stat().st_size == 0:
        raise FormatError(f"{path}: file is empty")
    if fmt in ("json-ld", "application/ld+json"):
        check_jsonld(path)
    elif fmt in ("xml", "application/rdf+xml", "trix", "application/trix"):
        check_xml_entities(path, fmt)
    elif fmt in _LINE_FORMATS:
        check_line_lengths(path, fmt)
    ontology, data = Graph(), Graph()
    bind_prefixes(ontology)
    bind_prefixes(data)
    try:
        if fmt in QUAD_FORMATS:
            ds = Dataset()
            parse_exact(ds, path, fmt)
            for g in ds.graphs():
                target = ontology if g.identifier == ONTOLOGY_GRAPH else data
                for triple in g:
                    target.add(triple)
        else:
            parse_exact(data, path, fmt)
    except Exception as err:  # rdflib raises many types for bad syntax; report one clear line
        why = parse_error_line(err)
        if fmt in _LINE_FORMATS and not why.startswith("line "):  # rdflib's N-Triples parser gives no number
            line = _first_bad_line(path, fmt)
            why = f"line {line}: {why}" if line else why
        raise FormatError(f"{path}: not valid {fmt}: {why}") from err
    for graph in (ontology, data):
        _check_iris(graph, path, fmt)
    return ontology, data


#: what an IRI may not contain (RFC 3987): rdflib's parsers let some through, and then every
#: writer, Oxigraph and any server would fail on them later
_BAD_IRI = re.compile(r'[<>"{}|^`\\\s\x00-\x20\x7f]')


def _check_iris(graph: Graph, path: Path, fmt: str) -> None:
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and _BAD_IRI.search(term):
                where = ""
                try:
                    with open(path, "rb") as handle:
                        text = handle.read().decode("utf-8", "replace")
                    at = text.find(str(term))
                    where = f"line {text.count(chr(10), 0, at) + 1}: " if at >= 0 else ""
                except OSError:
                    pass  # the message without its line
                raise FormatError(f"{path}: not valid {fmt}: {where}{str(term)[:100]!r} is not a valid IRI (it holds "
                                  f"{_BAD_IRI.search(term).group()!r}); percent-encode that character")


def _first_bad_line(path: Path, fmt: str, limit: int = 100_000) -> int | None:
    """The number of the first line of an N-Triples or N-Quads file that does not parse on its own
    (each line of these syntaxes is a statement), among the first ``limit`` lines."""
    quads = fmt in ("nquads", "application/n-quads")
    try:  # Oxigraph's parser (when installed) is fast and says where it failed
        import pyoxigraph

        for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS if quads
                                  else pyoxigraph.RdfFormat.N_TRIPLES):
            pass  # parsing is the point: it stops at the first error
    except ImportError:
        pass  # without pyoxigraph: found line by line below
    except SyntaxError as err:
        found = re.search(r"line (\d+)", str(err))
        if found:
            return int(found.group(1))
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            if number > limit:
                return None
            text = raw.decode("utf-8", "replace").strip()
            if not text or text.startswith("#"):
                continue
            try:
                (Dataset() if quads else Graph()).parse(data=text, format="nquads" if quads else "nt")
            except Exception:
                return number
    return None


def parse_error_line(err: Exception) -> str:
    """One line saying where a parser failed (line and column when the parser tells) and why."""
    why = getattr(err, "_why", None)
    raw = getattr(err, "_str", None)
    index = getattr(err, "_i", None)
    if why and isinstance(raw, bytes) and isinstance(index, int):  # rdflib's Turtle/TriG/N3 parser
        text = raw.decode("utf-8", "replace")
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return f"line {line}, column {column}: {why}"
    if why:
        line = getattr(err, "lines", None)
        return f"line {line + 1 if isinstance(line, int) else '?'}: {why}"
    lineno, colno = getattr(err, "lineno", None), getattr(err, "colno", None)  # json.JSONDecodeError
    if isinstance(lineno, int) and isinstance(colno, int):
        return f"line {lineno}, column {colno}: {getattr(err, 'msg', err)}"
    get_line = getattr(err, "getLineNumber", None)  # xml.sax.SAXParseException
    if callable(get_line):
        return f"line {get_line()}, column {err.getColumnNumber()}: {err.getMessage()}"
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
