"""Where the graph lives: rdflib in memory (the default) or Oxigraph, in memory or on disk.

A store is named by a short spec, the value of ``--store`` and of ``spinekg.load(store=...)``:

``memory``
    rdflib's in-memory graph: no extra dependency, fine up to a few hundred thousand triples.
``oxigraph``
    an in-memory `Oxigraph <https://github.com/oxigraph/oxigraph>`_ store (pyoxigraph): native
    parsing and a fast SPARQL engine.
``oxigraph:PATH``
    a persistent Oxigraph store in the folder ``PATH``. The first use fills it; later uses reopen
    it without parsing anything.

In Oxigraph the graph keeps the layout of the N-Quads export: the ontology in the named graph
``https://w3id.org/spinekg/graph/ontology`` and everything else in
``https://w3id.org/spinekg/graph/data``; queries see their union as the default graph. The rest of
spinekg (traversal, statistics, exporters) reads the store through rdflib's ``Graph`` API, by the
Oxigraph plugin for rdflib (`oxrdflib <https://github.com/oxigraph/oxrdflib>`_).

Oxigraph stores some literals in another form than they are written (its storage keeps values,
not lexical forms: ``"42"^^xsd:int`` as ``"42"^^xsd:integer``, ``"0042"^^xsd:integer`` as
``"42"``, ``"4.0"^^xsd:decimal`` as ``"4"``, ``"1"^^xsd:boolean`` as ``"true"``; it has no switch to
turn this off, https://github.com/oxigraph/oxigraph/issues/526). SPARQL and SHACL would then see
another graph than the file (a valid ``xsd:int`` reported as not one), so a graph holding such a
literal is refused with one line naming it (:func:`check_literals`): the memory store keeps every
literal as written. Language tags are stored in lower case, which RDF 1.1 allows (they compare
case-insensitively, in rdflib too).

A persistent store folder carries ``spinekg-store.json``: which source filled it (the shipped
graph, with a key over its sources, or a file with its size and modification time), so that a
store made from a file that has changed since is refilled, and a folder that is not a spinekg
store is never written to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spinekg.core.errors import FormatError, ParameterError, SpinekgError
from spinekg.store.terms import from_oxigraph, to_oxigraph

__all__ = ["StoreSpec", "StoreError", "MANIFEST", "open_store", "views", "fill", "open_or_fill", "wanted_source",
           "is_current", "read_manifest", "write_manifest", "file_source", "fill_from_graphs", "fill_from_file",
           "altered_literals", "check_literals", "LiteralFormError"]

MANIFEST = "spinekg-store.json"
_KINDS = ("memory", "oxigraph")
#: rdflib format names -> pyoxigraph RdfFormat attribute names (Oxigraph parses these natively)
_NATIVE = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG", "xml": "RDF_XML",
           "json-ld": "JSON_LD", "n3": "N3"}


class StoreError(SpinekgError):
    """A store cannot be opened or filled (missing extra, a folder that is not a store, a lock)."""


class LiteralFormError(StoreError):
    """Oxigraph would store a literal of the graph in another form (see the module's docstring)."""


_XSD = "http://www.w3.org/2001/XMLSchema#"


def altered_literals(literals) -> list[tuple]:
    """``(as written, as Oxigraph stores it)`` for each of ``literals`` (pyoxigraph terms) that an
    Oxigraph store holds in another form, in the order given (each distinct literal once)."""
    import pyoxigraph as ox

    # only XSD datatypes are stored as values; everything else keeps its lexical form
    todo = list(dict.fromkeys(t for t in literals if isinstance(t, ox.Literal) and not t.language
                              and t.datatype.value.startswith(_XSD) and t.datatype.value != _XSD + "string"))
    probe = ox.Store()
    probe.extend([ox.Quad(ox.NamedNode(f"urn:spinekg:literal:{i}"), ox.NamedNode("urn:spinekg:is"), lit)
                  for i, lit in enumerate(todo)])
    found = {}
    for quad in probe:
        index = int(quad.subject.value.rsplit(":", 1)[1])
        if quad.object != todo[index]:
            found[index] = (todo[index], quad.object)
    return [found[i] for i in sorted(found)]


def _short(literal) -> str:
    text = str(literal)
    return text.replace(f"<{_XSD}", "xsd:").replace(">", "") if f"^^<{_XSD}" in text else text


def check_literals(literals, source) -> None:
    """Raise :class:`LiteralFormError` (one line, naming ``source``) when Oxigraph would store one
    of ``literals`` (pyoxigraph terms) in another form."""
    altered = altered_literals(literals)
    if altered:
        written, stored = altered[0]
        more = f" (and {len(altered) - 1} other literals)" if len(altered) > 1 else ""
        raise LiteralFormError(
            f"{source}: the Oxigraph store would hold {_short(written)} as {_short(stored)}{more}: Oxigraph keeps "
            "values, not the literals as written (github.com/oxigraph/oxigraph/issues/526), so SPARQL and SHACL "
            "would see another graph; use the memory store (--store memory), which keeps every literal as written")


@dataclass(frozen=True)
class StoreSpec:
    """A parsed ``--store`` value: ``kind`` is ``memory`` or ``oxigraph``; ``path`` is the folder
    of a persistent Oxigraph store (``None``: in memory)."""

    kind: str = "memory"
    path: Path | None = None

    @classmethod
    def parse(cls, value: "str | StoreSpec | None") -> "StoreSpec":
        if value is None:
            return cls()
        if isinstance(value, StoreSpec):
            return value
        text = str(value).strip()
        kind, _, path = text.partition(":")
        kind = {"rdflib": "memory"}.get(kind.lower(), kind.lower())
        if kind not in _KINDS:
            raise ParameterError(f"unknown store {text!r}: use memory, oxigraph or oxigraph:PATH")
        if kind == "memory":
            if path:
                raise ParameterError(f"store {text!r}: the memory store takes no path; for a store on "
                                     "disk use oxigraph:PATH")
            return cls()
        if _ and not path:
            raise ParameterError(f"store {text!r}: give the folder after the colon (oxigraph:PATH), "
                                 "or plain 'oxigraph' for a store in memory")
        return cls("oxigraph", Path(path) if path else None)

    def __str__(self) -> str:
        return self.kind if self.path is None else f"{self.kind}:{self.path}"


# -- the rdflib view of an Oxigraph store --------------------------------------------------------

def _view_class():
    """The rdflib store class over pyoxigraph (built on first use: oxrdflib is an optional extra)."""
    global _VIEW
    if _VIEW is not None:
        return _VIEW
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore


    class OxigraphView(OxigraphStore):
        """A read-mostly rdflib view of some named graphs of a pyoxigraph store.

        ``graphs`` lists the graph names the view shows (``None``: all of them, the union);
        ``exclude`` hides one. Unlike the plain oxrdflib store, a triple is read from every graph
        in view, and xsd:string literals come back as rdflib's plain literals (as every rdflib
        parser makes them), so a graph compares equal whichever store holds it. Added triples go
        to ``target``.
        """

        def __init__(self, store, graphs=None, exclude=None, target=None):
            super().__init__(store=store)
            self._graphs = None if graphs is None else [ox.NamedNode(str(g)) for g in graphs]
            self._exclude = None if exclude is None else ox.NamedNode(str(exclude))
            self._target = ox.NamedNode(str(target)) if target is not None else ox.DefaultGraph()

        def _quads(self, s, p, o):
            inner = self._inner
            for graph in (self._graphs or [None]):
                for quad in inner.quads_for_pattern(s, p, o, graph):
                    if self._exclude is None or quad.graph_name != self._exclude:
                        yield quad

        def triples(self, triple_pattern, context=None):
            try:
                s, p, o = (None if t is None else to_oxigraph(t) for t in triple_pattern)
            except TypeError:  # a pattern no RDF term matches (a path, a formula)
                return iter(())
            if isinstance(s, ox.Literal) or (p is not None and not isinstance(p, ox.NamedNode)):
                return iter(())  # no triple has a literal subject or a non-IRI predicate
            return (((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)), iter((None,)))
                    for q in self._quads(s, p, o))

        def __len__(self, context=None) -> int:
            inner = self._inner
            if self._graphs is None:
                total = len(inner)
                return total - _count(inner, self._exclude) if self._exclude is not None else total
            return sum(_count(inner, graph) for graph in self._graphs)

        def add(self, triple, context=None, quoted=False):
            self._inner.add(ox.Quad(*(to_oxigraph(t) for t in triple), self._target))

        def addN(self, quads):  # noqa: N802 (rdflib's name)
            self._inner.extend([ox.Quad(*(to_oxigraph(t) for t in q[:3]), self._target) for q in quads])

        def detach(self) -> None:
            """Let go of the pyoxigraph store: any later read raises :class:`StoreError`."""
            self._store = _Closed()

        def remove(self, triple, context=None):
            s, p, o = (None if t is None else to_oxigraph(t) for t in triple)
            for quad in list(self._quads(s, p, o)):
                self._inner.remove(quad)

    _VIEW = OxigraphView
    return _VIEW


_VIEW = None


class _Closed:
    """Stands in for the store of a closed knowledge graph."""

    def __getattr__(self, name):
        raise StoreError("this knowledge graph was closed; load it again (spinekg.load(store=...))")

    def __len__(self):
        raise StoreError("this knowledge graph was closed; load it again (spinekg.load(store=...))")


def _count(store, graph) -> int:
    """Triples in one named graph of a pyoxigraph store (counted by Oxigraph, not in Python)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"
    return int(next(iter(store.query(query)))["n"].value)


def views(store):
    """``(graph, ontology, data)``: rdflib Graphs over an Oxigraph store, as a KnowledgeGraph holds them."""
    from rdflib import Graph

    from spinekg.core.namespaces import bind_prefixes
    from spinekg.core.rdfio import DATA_GRAPH, ONTOLOGY_GRAPH

    view = _view_class()
    out = []
    for spec in ({}, {"graphs": [ONTOLOGY_GRAPH], "target": ONTOLOGY_GRAPH},
                 {"exclude": ONTOLOGY_GRAPH, "target": DATA_GRAPH}):
        graph = Graph(store=view(store, **spec))
        bind_prefixes(graph)
        out.append(graph)
    return tuple(out)


# -- opening and filling ------------------------------------------------------------------------

def _pyoxigraph():
    from importlib import import_module

    try:
        import_module("oxrdflib")  # checked here, so that the message names the extra
        pyoxigraph = import_module("pyoxigraph")
    except ImportError as err:
        raise StoreError(f"the oxigraph store needs pyoxigraph and oxrdflib ({err.name} is missing): "
                         "pip install 'spinekg[oxigraph]'") from None
    return pyoxigraph


def open_store(spec: StoreSpec):
    """A pyoxigraph Store for ``spec`` (in memory, or the folder, created when missing)."""
    ox = _pyoxigraph()
    if spec.path is None:
        return ox.Store()
    path = spec.path
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: is a file, not an Oxigraph store folder; give a folder for oxigraph:PATH")
    if path.is_dir() and any(path.iterdir()) and not (path / MANIFEST).is_file():
        raise StoreError(f"{path}: this folder is not a spinekg store (no {MANIFEST}); it is left untouched: "
                         "choose a new or empty folder")
    if not (path / MANIFEST).is_file():  # a new store says it is spinekg's (and not filled) before
        path.mkdir(parents=True, exist_ok=True)  # Oxigraph writes anything, so a crash leaves a
        write_manifest(spec, {"complete": False})  # folder spinekg recognises and fills again
    try:
        return ox.Store(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the Oxigraph store: {str(err).splitlines()[0]} "
                         "(is another spinekg process using it?)") from None


def read_manifest(spec: StoreSpec) -> dict | None:
    """What filled a persistent store (``None`` for an in-memory or a new store)."""
    if spec.path is None:
        return None
    try:
        return json.loads((spec.path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(spec: StoreSpec, manifest: dict) -> None:
    if spec.path is None:
        return
    from spinekg.core.files import write_atomic

    write_atomic(spec.path / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def file_source(path: Path, fmt: str) -> dict:
    """The manifest entry of a graph file: a store filled from it is stale once the file changes."""
    stat = path.stat()
    return {"source": str(path.resolve()), "format": fmt, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def fill_from_graphs(store, ontology, data) -> None:
    """Copy two rdflib graphs into the store's ontology and data graphs (one transaction); refused
    (:class:`LiteralFormError`, nothing copied) when Oxigraph would hold a literal in another form."""
    import pyoxigraph as ox

    from spinekg.core.rdfio import DATA_GRAPH, ONTOLOGY_GRAPH

    quads = []
    for name, part in ((ONTOLOGY_GRAPH, ontology), (DATA_GRAPH, data)):
        graph = ox.NamedNode(str(name))
        quads.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph) for s, p, o in part)
    check_literals((q.object for q in quads), "the graph")
    store.extend(quads)


def _check_source(path: Path, fmt: str) -> None:
    """What is refused before a file is loaded: JSON-LD contexts by reference and deep nesting,
    XML entities that expand without bound (see :mod:`spinekg.core.rdfio`), a syntax error, a
    literal Oxigraph would store in another form (:func:`check_literals`)."""
    from spinekg.core.rdfio import check_jsonld, check_xml_entities

    if fmt == "json-ld":
        check_jsonld(path)
    elif fmt in ("xml", "trix"):
        check_xml_entities(path, fmt)
    native = _NATIVE.get(fmt)
    if native is not None:
        check_literals(_objects(path, fmt, native), path)


def _objects(path: Path, fmt: str, native: str):
    """The objects of the file's statements as Oxigraph's parser reads them (streamed)."""
    import pyoxigraph as ox

    from spinekg.core.rdfio import base_iri

    try:
        for quad in ox.parse(path=str(path), format=getattr(ox.RdfFormat, native), base_iri=base_iri(path)):
            yield quad.object
    except SyntaxError as err:
        raise FormatError(f"{path}: not valid {fmt}: {str(err).splitlines()[0]}") from None
    except MemoryError as err:
        raise _too_long(err, path, fmt) from None


def _too_long(err: MemoryError, path: Path, fmt: str) -> Exception:
    """Oxigraph's parser holds one token (a literal, an IRI) in a bounded buffer: past it, one line."""
    if "buffer maximal size" not in str(err):
        return err
    return FormatError(f"{path}: not valid {fmt}: a literal or IRI longer than Oxigraph's parser takes "
                       f"({str(err).splitlines()[0]}); shorten it")


def fill_from_file(store, path: Path, fmt: str, *, checked: bool = False) -> None:
    """Parse a graph file into the store with Oxigraph's own parser (streamed, not held in memory).

    Quad syntaxes keep their graph names; a triple syntax goes to the data graph. Relative IRIs
    resolve against the file's ``file://`` URI (:func:`spinekg.core.rdfio.base_iri`). A literal Oxigraph
    would store in another form is refused before the store changes (:func:`check_literals`).
    """
    import pyoxigraph as ox

    from spinekg.core.rdfio import DATA_GRAPH, QUAD_FORMATS

    if not checked:  # (``checked``: the caller ran :func:`_check_source` already)
        _check_source(path, fmt)
    native = _NATIVE.get(fmt)
    if native is None:  # a syntax only rdflib reads (TriX): parse there and copy
        from spinekg.core.rdfio import read_graph

        ontology, data = read_graph(path, fmt)
        fill_from_graphs(store, ontology, data)
        return
    from spinekg.core.rdfio import base_iri

    to_graph = None if fmt in QUAD_FORMATS else ox.NamedNode(str(DATA_GRAPH))
    try:  # relative IRIs resolve against the file's own URI, as rdflib resolves them
        store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, native), to_graph=to_graph,
                        base_iri=base_iri(path))
    except SyntaxError as err:
        store.clear()
        raise FormatError(f"{path}: not valid {fmt}: {str(err).splitlines()[0]}") from None
    except MemoryError as err:
        if "buffer maximal size" not in str(err):
            raise
        store.clear()
        raise _too_long(err, path, fmt) from None


# -- what fills a store, and when it is refilled ---------------------------------------------------

def wanted_source(source: Path | None, format: str | None, shipped_key: str) -> tuple[dict, Path | None, str | None]:
    """What should fill a store, as a manifest entry, with the file and its format: the shipped
    graph (``source`` ``None``: identified by ``shipped_key``, a key over its sources) or a graph file."""
    from spinekg.core.rdfio import format_of

    if source is None:
        return {"source": "shipped", "key": shipped_key}, None, None
    path = Path(source)
    fmt = format_of(path, format)
    if not path.is_file():
        raise FormatError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise FormatError(f"{path}: file is empty")
    return file_source(path, fmt), path, fmt


def is_current(manifest: dict | None, wanted: dict) -> bool:
    """Whether a store's content can be reused: it was filled from ``wanted`` and that has not
    changed; with no source asked for, whatever graph file filled it."""
    if manifest is None or manifest.get("complete") is False:  # a fill that never finished
        return False
    if wanted["source"] == "shipped":
        return manifest.get("source") != "shipped" or manifest.get("key") == wanted["key"]
    return all(manifest.get(k) == v for k, v in wanted.items())


def _record(spec: StoreSpec, store, manifest: dict) -> None:
    """Write the manifest of a completed fill (always the last step of a fill)."""
    from spinekg.core.version import __version__

    write_manifest(spec, {**manifest, "spinekg": __version__, "triples": len(store), "complete": True})


def _begin(spec: StoreSpec, manifest: dict) -> None:
    """Mark a store as being filled before its content changes: a fill that is killed leaves a
    manifest saying so, and the next use fills the store again instead of trusting it."""
    write_manifest(spec, {**manifest, "complete": False})


def fill(spec: StoreSpec, manifest: dict, ontology, data):
    """Replace the content of the store ``spec`` with two rdflib graphs and record ``manifest``;
    the pyoxigraph Store. A store folder this call created is removed again if filling fails."""
    import shutil

    created = spec.path is not None and not spec.path.exists()
    store = open_store(spec)
    try:
        _begin(spec, manifest)
        store.clear()
        fill_from_graphs(store, ontology, data)
        _record(spec, store, manifest)
    except BaseException:
        if created:
            del store
            shutil.rmtree(spec.path, ignore_errors=True)
        raise
    return store


def open_or_fill(spec: StoreSpec, wanted: dict, path: Path | None = None, fmt: str | None = None, shipped=None):
    """Open the store ``spec``; unless its manifest says it holds ``wanted``, clear it and fill it
    from the file ``path`` (Oxigraph's parser) or, with no file, from ``shipped()`` (a pair of rdflib
    graphs: ontology, data). A store folder this call created is removed again if filling fails."""
    import shutil

    manifest = read_manifest(spec)
    created = spec.path is not None and not spec.path.exists()
    store = open_store(spec)
    try:
        if manifest is not None and manifest.get("complete") is False and path is None and "size" in manifest:
            raise StoreError(f"{spec.path}: filling this store from {manifest['source']} did not complete; fill it "
                             f"again (--input {manifest['source']} --store oxigraph:{spec.path})")
        if not is_current(manifest, wanted):
            if path is not None:  # refused before anything in the store changes
                _check_source(path, fmt)
            _begin(spec, wanted)
            store.clear()
            if path is None:
                fill_from_graphs(store, *shipped())
            else:
                fill_from_file(store, path, fmt, checked=True)
            _record(spec, store, wanted)
    except BaseException:
        if created:  # a store this call began: leave nothing half-filled behind
            del store
            shutil.rmtree(spec.path, ignore_errors=True)
        raise
    return store
