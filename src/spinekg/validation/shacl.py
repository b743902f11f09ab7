"""SHACL validation of the knowledge graph with pyshacl (https://www.w3.org/TR/shacl/).

:func:`validate` runs the shapes in ``shapes/`` (or any shapes file or folder) over a
:class:`~spinekg.kg.KnowledgeGraph` and returns a frozen :class:`ValidationResult`: SHACL's
``conforms``, the report graph, and one :class:`ValidationRow` per result (focus node, path,
value, severity, shape, component, message) with the labels, documents and quotes a person
needs to read it. Presentation lives in :mod:`spinekg.validation.report`.

Before validating, the graph is completed where it lacks something the shapes need:

* the shipped ontology, when the graph carries none (a data-only export), because the shapes
  follow the class hierarchy (``rdfs:subClassOf``) in the data graph;
* each document's text (``prov:value`` on its snapshot) from the corpus directory, when one is
  available, so the SHACL-SPARQL check "the quote equals the text at its offsets" runs. The
  shapes themselves check that the text is the one the snapshot's SHA-256 names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from spinekg.core.errors import CorpusError, FormatError, ShapesError
from spinekg.core.namespaces import OA, SPK, bind_prefixes

__all__ = ["SEVERITIES", "ValidationRow", "Evidence", "ValidationResult", "validate", "validate_graphs", "load_shapes",
           "report_rows"]

SH = "http://www.w3.org/ns/shacl#"
ONTOLOGY_IRI = URIRef("https://w3id.org/spinekg/ontology")

#: Severity names, most severe first (the values of ``--fail-on``).
SEVERITIES = ("violation", "warning", "info")
_SEVERITY_IRI = {URIRef(SH + "Violation"): "violation", URIRef(SH + "Warning"): "warning", URIRef(SH + "Info"): "info"}


@dataclass(frozen=True)
class Evidence:
    """A claim involved in a result: which document says it, and the exact words."""

    role: str          # "focus" or "value"
    node: str          # IRI of the claim (or text span)
    document: str      # the document's file name
    quote: str


@dataclass(frozen=True)
class ValidationRow:
    """One SHACL result, with what a reader needs to understand it."""

    severity: str               # violation | warning | info
    shape: str                  # IRI of the shape that produced it
    shape_label: str
    focus: str                  # IRI (or literal text) of the focus node
    focus_label: str
    path: str | None            # the result path, shortened (``spk:treats``), if any
    value: str | None           # the offending value, if any
    value_label: str | None
    component: str              # constraint component, e.g. ``MinCountConstraintComponent``
    message: str
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict:
        return {
            "severity": self.severity, "shape": self.shape, "shape_label": self.shape_label,
            "focus": self.focus, "focus_label": self.focus_label, "path": self.path,
            "value": self.value, "value_label": self.value_label, "component": self.component,
            "message": self.message,
            "evidence": [{"role": e.role, "node": e.node, "document": e.document, "quote": e.quote} for e in self.evidence],
        }


@dataclass(frozen=True)
class ValidationResult:
    """What :func:`validate` returns. ``conforms`` is SHACL's: true only when there is no result at all."""

    conforms: bool
    report_graph: Graph = field(repr=False, compare=False)
    rows: tuple[ValidationRow, ...]
    text_checked: bool          # document texts were available, so quotes were compared with them
    shapes: tuple[str, ...]     # the shapes files used

    @property
    def counts(self) -> dict[str, int]:
        """Number of results per severity (every severity present, zero or not)."""
        counter = Counter(row.severity for row in self.rows)
        return {sev: counter.get(sev, 0) for sev in SEVERITIES}

    def fails(self, fail_on: str = "violation") -> bool:
        """True when there is a result at or above the severity ``fail_on``."""
        if fail_on not in SEVERITIES:
            raise ValueError(f"unknown severity {fail_on!r}; use one of {', '.join(SEVERITIES)}")
        worst = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(row.severity) <= worst for row in self.rows)

    def summary(self) -> str:
        """One line of counts, e.g. ``0 violations, 58 warnings, 140 info``."""
        c = self.counts
        plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
        return f"{plural(c['violation'], 'violation')}, {plural(c['warning'], 'warning')}, {c['info']} info"


# -- shapes ------------------------------------------------------------------------------------

def _shape_files(shapes: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if shapes is None:
        from spinekg.core.resources import resource_dir

        shapes = [resource_dir("shapes")]
    elif isinstance(shapes, (str, Path)):
        shapes = [shapes]
    files: list[Path] = []
    for item in shapes:
        path = Path(item)
        if path.is_dir():
            found = sorted(path.glob("*.ttl"))
            if not found:
                raise ShapesError(f"{path}: no shapes files (*.ttl) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ShapesError(f"{path}: shapes file not found")
    return files


def load_shapes(shapes: str | Path | Iterable[str | Path] | None = None) -> tuple[Graph, list[Path]]:
    """Parse the shapes files (a file, a folder of ``*.ttl``, or several); default: the shipped shapes."""
    from spinekg.core.rdfio import format_for_path, parse_error_line, parse_exact

    files = _shape_files(shapes)
    graph = Graph()
    for path in files:
        fmt = format_for_path(path)
        if path.stat().st_size == 0:
            raise ShapesError(f"{path}: shapes file is empty")
        try:
            parse_exact(graph, path, fmt)  # "1"^^xsd:boolean stays "1", not the term true
        except Exception as err:  # rdflib raises many types for bad syntax
            raise ShapesError(f"{path}: not valid {fmt}: {parse_error_line(err)}") from err
    return graph, files


# -- completing the data graph -----------------------------------------------------------------

def _working_graph(kg, corpus: Path | None) -> tuple[Graph, bool]:
    """A private copy of the graph with the ontology and document texts added where missing."""
    data = Graph()
    bind_prefixes(data)
    for triple in kg.graph:
        data.add(triple)
    if (ONTOLOGY_IRI, RDF.type, OWL.Ontology) not in data:
        for triple in _shipped_ontology():
            data.add(triple)
    snapshots = [(doc, name, snap) for doc, name in data.subject_objects(SPK.fileName)
                 for snap in data.objects(doc, SPK.hasSnapshot)]
    with_text = {snap for _, _, snap in snapshots if data.value(snap, PROV.value) is not None}
    texts, text_checked = _document_texts(snapshots, with_text, corpus)
    for snap, text in texts.items():
        data.add((snap, PROV.value, text))
    return data, text_checked


def _shipped_ontology() -> Graph:
    from spinekg.model.compiler import load_ontology
    from spinekg.core.resources import resource_dir

    return load_ontology(resource_dir("ontology"))


def _document_texts(snapshots: list, with_text: set, corpus: Path | None) -> tuple[dict, bool]:
    """The texts to attach (snapshot -> ``prov:value`` literal) and whether every quote can be
    compared with its text. ``snapshots``: (document, file name, snapshot) triples; ``with_text``:
    the snapshots that already carry their text."""
    if snapshots and all(snap in with_text for _, _, snap in snapshots):
        return {}, True
    texts: dict = {}
    text_checked = False
    if corpus is not None:
        corpus = Path(corpus)
        if not corpus.is_dir():
            raise CorpusError(f"{corpus}: corpus directory not found; point --corpus or SPINEKG_CORPUS at the folder of .txt files")
        text_checked = bool(snapshots)
        for _doc, name, snap in snapshots:
            if snap in with_text or snap in texts:
                continue
            path = corpus / f"{name}.txt"
            try:
                text = path.read_bytes().decode("utf-8")
            except FileNotFoundError:
                text_checked = False  # this document's quotes cannot be compared
                continue
            except UnicodeDecodeError as err:
                raise CorpusError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
            texts[snap] = Literal(text)
    return texts, text_checked


# -- reading the report ------------------------------------------------------------------------

def _short(graph: Graph, node) -> str:
    if isinstance(node, URIRef):
        try:
            prefix, _ns, local = graph.namespace_manager.compute_qname(str(node), generate=False)
            return f"{prefix}:{local}" if prefix else str(node)
        except Exception:  # rdflib raises several types when no prefix is known
            return str(node)
    return str(node)


def _path_text(report: Graph, data: Graph, node) -> str | None:
    """A SHACL path as SPARQL property-path text (``spk:treats``, ``(a/b)``, ``rdf:type?``)."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return _short(data, node)
    first = report.value(node, RDF.first)
    if first is not None:  # a sequence
        from rdflib.collection import Collection

        return "/".join(_path_text(report, data, item) or "?" for item in Collection(report, node))
    for pred, op in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = report.value(node, URIRef(SH + pred))
        if inner is not None:
            return f"{_path_text(report, data, inner)}{op}"
    inner = report.value(node, URIRef(SH + "inversePath"))
    if inner is not None:
        return f"^{_path_text(report, data, inner)}"
    alternatives = report.value(node, URIRef(SH + "alternativePath"))
    if alternatives is not None:
        from rdflib.collection import Collection

        return "(" + "|".join(_path_text(report, data, item) or "?" for item in Collection(report, alternatives)) + ")"
    return None


class _Labels:
    """Labels, documents and quotes of nodes, read from the validated graph (each node's once:
    a document or a claim is named by many results)."""

    def __init__(self, data: Graph):
        self.data = data
        self._labels: dict = {}
        self._evidence: dict = {}

    def label(self, node) -> str:
        found = self._labels.get(node)
        if found is None:
            found = self._labels[node] = self._label(node)
        return found

    def evidence(self, role: str, node) -> list[Evidence]:
        found = self._evidence.get((role, node))
        if found is None:
            found = self._evidence[(role, node)] = tuple(self._find_evidence(role, node))
        return list(found)

    def _label(self, node) -> str:
        if isinstance(node, Literal):
            return str(node)
        if (node, RDF.type, SPK.WebPage) in self.data:
            name = self.data.value(node, SPK.fileName)
            if name is not None:
                return str(name)
        for pred in (RDFS.label, SPK.fileName):
            value = self.data.value(node, pred)
            if value is not None:
                return str(value)
        if isinstance(node, URIRef):
            return _short(self.data, node)
        return "(blank node)"

    def _find_evidence(self, role: str, node) -> list[Evidence]:
        g = self.data
        if not isinstance(node, URIRef):
            return []
        if (node, RDF.type, SPK.Claim) in g:
            doc = g.value(node, SPK.statedIn)
            quote = g.value(node, URIRef("https://w3id.org/biolink/vocab/supporting_text"))
            return [Evidence(role, str(node), self.label(doc) if doc is not None else "", str(quote or ""))]
        if (node, RDF.type, OA.SpecificResource) in g:
            doc = g.value(node, OA.hasSource)
            quote = next((g.value(sel, OA.exact) for sel in g.objects(node, OA.hasSelector)
                          if g.value(sel, OA.exact) is not None), None)
            return [Evidence(role, str(node), self.label(doc) if doc is not None else "", str(quote or ""))]
        # statuses and statistics: the claims they were derived from
        found: list[Evidence] = []
        for source in sorted(g.objects(node, PROV.wasDerivedFrom)):
            if (source, RDF.type, SPK.Claim) in g:
                found.extend(self.evidence(role, source))
        return found


def _shape_label(shapes: Graph, shape) -> str:
    for pred in (RDFS.label, URIRef(SH + "name")):
        value = shapes.value(shape, pred)
        if value is not None:
            return str(value)
    return str(shape).rsplit("#", 1)[-1] if isinstance(shape, URIRef) else "(anonymous shape)"


def _top_results(report: Graph) -> list:
    """The results of the report itself (``sh:result`` of the ``sh:ValidationReport``), in a fixed
    order; those nested under another result's ``sh:detail`` are part of that result, not counted."""
    roots = list(report.subjects(RDF.type, URIRef(SH + "ValidationReport")))
    return sorted({result for root in roots for result in report.objects(root, URIRef(SH + "result"))}, key=str)


def report_rows(report: Graph, data: Graph, shapes: Graph) -> tuple[ValidationRow, ...]:
    """The rows of a SHACL report graph, sorted: severity, shape, focus, path, value, message, and
    from ``data`` the labels (a page by its file name), documents and quotes of the nodes involved
    (the nodes' ``rdf:type``, ``rdfs:label``, ``spk:fileName``, ``spk:statedIn``, the claims' supporting
    text, ``oa:hasSource`` and ``oa:hasSelector``/``oa:exact``, ``prov:wasDerivedFrom``; ``data``'s
    prefixes shorten the paths). ``data`` may hold only those triples (a remote graph's)."""
    labels = _Labels(data)
    rows = []
    for result in _top_results(report):
        severity = _SEVERITY_IRI.get(report.value(result, URIRef(SH + "resultSeverity")), "violation")
        focus = report.value(result, URIRef(SH + "focusNode"))
        value = report.value(result, URIRef(SH + "value"))
        shape = report.value(result, URIRef(SH + "sourceShape"))
        component = report.value(result, URIRef(SH + "sourceConstraintComponent"))
        messages = sorted(str(m) for m in report.objects(result, URIRef(SH + "resultMessage")))
        evidence = labels.evidence("focus", focus)
        if value is not None and value != focus:
            evidence += labels.evidence("value", value)
        rows.append(ValidationRow(
            severity=severity,
            shape=str(shape) if isinstance(shape, URIRef) else "",
            shape_label=_shape_label(shapes, shape),
            focus=str(focus),
            focus_label=labels.label(focus),
            path=_path_text(report, data, report.value(result, URIRef(SH + "resultPath"))),
            value=str(value) if value is not None else None,
            value_label=labels.label(value) if value is not None else None,
            component=str(component).rsplit("#", 1)[-1] if component is not None else "",
            message=messages[0] if messages else "",
            evidence=tuple(evidence),
        ))
    order = {sev: i for i, sev in enumerate(SEVERITIES)}
    rows.sort(key=lambda r: (order[r.severity], r.shape_label, r.shape, r.focus_label, r.focus, r.value or "", r.message))
    return tuple(rows)


_rows = report_rows  # the name the validators use


#: Validation engines: pyshacl (the reference) and SPARQL compiled set-at-a-time (:mod:`spinekg.validation.sparql`).
ENGINES = ("pyshacl", "sparql")
#: The named graph that holds, while a store-backed graph is validated, what validation adds to it.
VALIDATION_GRAPH = "https://w3id.org/spinekg/graph/validation"


def validate(kg, shapes: str | Path | Iterable[str | Path] | None = None, *,
             corpus: str | Path | None = None, engine: str = "pyshacl") -> ValidationResult:
    """Validate ``kg`` against SHACL shapes (default: the shipped ones).

    ``corpus``: folder of the documents' ``.txt`` files; when given (or when the graph embeds the
    texts), every quote is compared with the text at its offsets. ``engine``: ``"pyshacl"``, or
    ``"sparql"`` (each constraint one SPARQL query over the whole graph: on the graph's Oxigraph
    store, or for an rdflib graph on an Oxigraph copy when pyoxigraph is installed and holds every
    literal as written, else on rdflib's SPARQL engine; see :mod:`spinekg.validation.sparql`).
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    shapes_graph, files = load_shapes(shapes)
    corpus = Path(corpus) if corpus is not None else None
    if engine == "sparql":
        return _validate_sparql(kg, shapes_graph, files, corpus)
    data, text_checked = _working_graph(kg, corpus)
    # `data` is already a private copy, so pyshacl need not clone it again (inplace).
    conforms, report = _pyshacl(data, shapes_graph, files, inplace=True)
    return ValidationResult(conforms=conforms, report_graph=report, rows=_rows(report, data, shapes_graph),
                            text_checked=text_checked, shapes=tuple(str(f) for f in files))


def validate_graphs(data: Graph | str | Path | Iterable[str | Path], shapes: Graph | str | Path | Iterable[str | Path],
                    *, engine: str = "pyshacl", store: str = "memory") -> ValidationResult:
    """Validate exactly ``data`` against exactly ``shapes`` (plain SHACL: no ontology added, no texts).

    ``data``: an rdflib graph, or graph files; ``shapes``: an rdflib graph, or shapes files or
    folders as for :func:`validate`. Files are read with every literal as written
    (``"0042"^^xsd:integer``, ``"none"^^xsd:boolean``) and relative IRIs resolved against the file.
    ``engine``: ``"pyshacl"`` or ``"sparql"``. ``store``: where the data is held while validated,
    as for :func:`spinekg.load`: ``"memory"`` (rdflib; the sparql engine runs on an Oxigraph copy
    when pyoxigraph is installed and stores every literal as written, else on rdflib's SPARQL engine) or ``"oxigraph"`` / ``"oxigraph:PATH"`` (the sparql engine runs on
    Oxigraph, pyshacl on the store's rdflib view; data Oxigraph would store in another form is
    refused, see :mod:`spinekg.store.oxigraph`). Raises :class:`~spinekg.core.errors.ShapesError`
    for shapes the engine refuses, :class:`~spinekg.core.errors.FormatError` for an unreadable
    data file, :class:`~spinekg.store.oxigraph.StoreError` for what the store cannot hold.
    """
    from spinekg.store.oxigraph import StoreSpec

    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    spec = StoreSpec.parse(store)
    if isinstance(shapes, Graph):
        shapes_graph, files = shapes, []
    else:
        shapes_graph, files = load_shapes(shapes)
    paths = [] if isinstance(data, Graph) else [Path(data)] if isinstance(data, (str, Path)) else [Path(d) for d in data]
    if spec.kind == "oxigraph":
        return _validate_in_oxigraph(data if isinstance(data, Graph) else paths, spec, shapes_graph, files, engine)
    graph = data if isinstance(data, Graph) else _read_data(paths)
    if engine == "pyshacl":
        conforms, report = _pyshacl(graph, shapes_graph, files, inplace=False)
    else:
        from spinekg.validation.sparql.graphstore import GraphStore

        report = _run_sparql(_oxigraph_copy(graph) or GraphStore(graph), shapes_graph, files, union=False)
        conforms = _conforms(report)
    return ValidationResult(conforms=conforms, report_graph=report, rows=_rows(report, graph, shapes_graph),
                            text_checked=False, shapes=tuple(str(f) for f in files))


def _validate_in_oxigraph(data, spec, shapes_graph: Graph, files: list, engine: str) -> ValidationResult:
    """:func:`validate_graphs` with the data (an rdflib graph or files) in an Oxigraph store."""
    from spinekg.store import oxigraph as st

    ox_store = st.open_store(spec)
    ox_store.clear()
    if isinstance(data, Graph):
        st.fill_from_graphs(ox_store, Graph(), data)
    else:
        from spinekg.core.rdfio import format_of

        for path in data:
            if not path.is_file():
                raise FormatError(f"{path}: data file not found")
            st.fill_from_file(ox_store, path, format_of(path))
    graph = st.views(ox_store)[0]
    if engine == "pyshacl":
        conforms, report = _pyshacl(graph, shapes_graph, files, inplace=False)
    else:
        report = _run_sparql(ox_store, shapes_graph, files, union=True)
        conforms = _conforms(report)
    return ValidationResult(conforms=conforms, report_graph=report, rows=_rows(report, graph, shapes_graph),
                            text_checked=False, shapes=tuple(str(f) for f in files))


def _conforms(report: Graph) -> bool:
    root = report.value(predicate=RDF.type, object=URIRef(SH + "ValidationReport"))
    return bool(report.value(root, URIRef(SH + "conforms")).toPython())


def _run_sparql(store, shapes_graph: Graph, files: list, *, union: bool) -> Graph:
    """The sparql engine's report on ``store`` (pyoxigraph's, or a GraphStore); its refusals name the shapes files."""
    from spinekg.validation.sparql import validate_store

    try:
        report = validate_store(store, shapes_graph, union=union)
    except ShapesError as err:
        where = ", ".join(str(f) for f in files)
        raise ShapesError(f"{where}: {err}" if where else str(err)) from err
    bind_prefixes(report)
    return report


def _read_data(paths: list[Path]) -> Graph:
    """The data files merged into one rdflib graph (the union of their graphs for quad syntaxes),
    every literal as written."""
    from spinekg.core.rdfio import QUAD_FORMATS, format_for_path, parse_error_line, parse_exact

    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        fmt = format_for_path(path)
        if not path.is_file():
            raise FormatError(f"{path}: data file not found")
        try:
            if fmt in QUAD_FORMATS:
                from rdflib import Dataset

                dataset = parse_exact(Dataset(), path, fmt)
                for s, p, o, _g in dataset.quads():
                    graph.add((s, p, o))
            else:
                parse_exact(graph, path, fmt)
        except Exception as err:  # rdflib raises many types for bad syntax
            raise FormatError(f"{path}: not valid {fmt}: {parse_error_line(err)}") from err
    return graph


def _pyshacl(data: Graph, shapes_graph: Graph, files: list, *, inplace: bool) -> tuple[bool, Graph]:
    """pyshacl's (conforms, report graph) for ``data``; its errors (any exception raised inside
    pyshacl) as one-line ShapesErrors naming the shapes files."""
    import pyshacl
    from pyparsing import ParseException
    from pyshacl.errors import ReportableRuntimeError, ShapeLoadError, ConstraintLoadError

    where = ", ".join(str(f) for f in files) or "<shapes graph>"
    try:
        conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes_graph,
            # SHACL-AF is needed for the SPARQL targets that select the vocabulary's own terms and
            # each SHACL-SPARQL check's candidate focus nodes (see shapes/spinekg-core.ttl).
            advanced=True,
            # No inference: the shapes follow rdfs:subClassOf themselves, and RDFS inference would
            # turn a wrong domain or range into an inferred type instead of reporting it.
            inference="none",
            inplace=inplace,
        )
    except (ShapeLoadError, ConstraintLoadError) as err:
        raise ShapesError(f"{where}: bad shape: {_first_line(err)}") from err
    except ParseException as err:  # a SHACL-SPARQL query in a shape is not valid SPARQL
        raise ShapesError(f"{where}: bad SPARQL in a shape: {_first_line(err)}") from err
    except ReportableRuntimeError as err:
        raise ShapesError(f"{where}: pyshacl could not run the shapes: {_first_line(err)}") from err
    except Exception as err:  # pyshacl itself failed (e.g. re.error formatting a message whose value holds "\p")
        raise ShapesError(f"{where}: pyshacl failed while validating ({type(err).__name__}: {_first_line(err)[:200]}); "
                          "the sparql engine (--engine sparql) may get through") from err
    if not isinstance(report, Graph):  # pyshacl returns a failure object instead of a report
        raise ShapesError(f"{where}: pyshacl could not run the shapes: {_first_line(_text)}")
    bind_prefixes(report)
    return bool(conforms), report


def _first_line(err) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


# -- the sparql engine -----------------------------------------------------------------------------

def _validate_sparql(kg, shapes_graph: Graph, files: list[Path], corpus: Path | None) -> ValidationResult:
    """Validation by :func:`spinekg.validation.sparql.validate_store`: on the graph's own Oxigraph store
    when it has one, else on the working graph (an Oxigraph copy when it can hold it exactly)."""
    if getattr(kg, "oxigraph", None) is not None:
        report, rows, text_checked = _validate_in_store(kg, shapes_graph, files, corpus)
    else:
        report, rows, text_checked = _validate_copy(kg, shapes_graph, files, corpus)
    return ValidationResult(conforms=_conforms(report), report_graph=report, rows=rows,
                            text_checked=text_checked, shapes=tuple(str(f) for f in files))


def _validate_copy(kg, shapes_graph: Graph, files: list, corpus: Path | None) -> tuple[Graph, tuple, bool]:
    """Validate the working graph of an rdflib-backed ``kg``: in a new in-memory Oxigraph store when
    pyoxigraph is installed (fast, and the engine's queries are tuned for it), else with rdflib's
    SPARQL. A literal Oxigraph keeps as a value in another form (``"42"^^xsd:int`` as an
    ``xsd:integer``) is seen in that form here; :func:`validate_graphs` (``--plain``) sees every
    literal as written."""
    data, text_checked = _working_graph(kg, corpus)
    store = _oxigraph_copy(data, exact=False)
    if store is None:
        from spinekg.validation.sparql.graphstore import GraphStore

        store = GraphStore(data)
    report = _run_sparql(store, shapes_graph, files, union=False)
    if hasattr(store, "quads_for_pattern"):  # a pyoxigraph store, not the rdflib GraphStore
        _restore_literals(report, data)
    return report, _rows(report, data, shapes_graph), text_checked


def _restore_literals(report: Graph, data: Graph) -> None:
    """Put back, in the report's ``sh:value``s, the literals of ``data`` as written where the
    Oxigraph copy held them in another form (``"44.0"^^xsd:decimal`` stored as ``"44"``); a stored
    form that stands for two written ones is left as it is."""
    import pyoxigraph as ox

    from spinekg.store.oxigraph import altered_literals
    from spinekg.store.terms import from_oxigraph, to_oxigraph

    written = {to_oxigraph(o): o for o in set(data.objects()) if isinstance(o, Literal)}
    back: dict = {}
    for original, stored in altered_literals(t for t in written if isinstance(t, ox.Literal)):
        key = from_oxigraph(stored)
        back[key] = None if key in back else written[original]
    value = URIRef(SH + "value")
    for result, literal in list(report.subject_objects(value)):
        if back.get(literal) is not None:
            report.remove((result, value, literal))
            report.add((result, value, back[literal]))


def _validate_in_store(kg, shapes_graph: Graph, files: list, corpus: Path | None) -> tuple[Graph, tuple, bool]:
    """Validate ``kg.oxigraph`` in place: what :func:`_working_graph` would add (the ontology
    when missing, the document texts) goes to the scratch graph ``VALIDATION_GRAPH``, which is
    dropped again whatever happens. The rows are read while it is there (labels of the ontology)."""
    import pyoxigraph as ox

    from spinekg.store.terms import to_oxigraph

    store, scratch = kg.oxigraph, ox.NamedNode(VALIDATION_GRAPH)
    if store.contains_named_graph(scratch):  # left by a process that was killed while validating
        store.remove_graph(scratch)
    try:
        added = []
        if not store.query(f"ASK {{ <{ONTOLOGY_IRI}> a <{OWL.Ontology}> }}", use_default_graph_as_union=True):
            added += list(_shipped_ontology())
        snapshots = [(row["doc"], row["name"], row["snap"]) for row in _solutions(store, f"""
            SELECT ?doc ?name ?snap WHERE {{ ?doc <{SPK.fileName}> ?name ; <{SPK.hasSnapshot}> ?snap }}""")]
        with_text = {row["snap"] for row in _solutions(store, f"SELECT DISTINCT ?snap WHERE {{ ?snap <{PROV.value}> ?t }}")}
        texts, text_checked = _document_texts(snapshots, with_text, corpus)
        added += [(snap, PROV.value, text) for snap, text in texts.items()]
        store.extend([ox.Quad(*(to_oxigraph(t) for t in triple), scratch) for triple in added])
        report = _run_sparql(store, shapes_graph, files, union=True)
        return report, _rows(report, kg.graph, shapes_graph), text_checked
    finally:
        store.remove_graph(scratch)


def _solutions(store, query: str) -> list[dict]:
    from spinekg.store.terms import from_oxigraph

    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{name: from_oxigraph(solution[name]) for name in names} for solution in result]


def _oxigraph_copy(graph: Graph, *, exact: bool = True):
    """A new in-memory pyoxigraph store holding ``graph`` (blank nodes keep their ids); ``None``
    when pyoxigraph is not installed or, with ``exact``, would store one of its literals in another
    form (``"42"^^xsd:int`` as ``xsd:integer``, see :mod:`spinekg.store.oxigraph`)."""
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    from spinekg.store.oxigraph import altered_literals
    from spinekg.store.terms import to_oxigraph

    terms: dict = {}

    def convert(term):
        found = terms.get(term)
        if found is None:
            found = terms[term] = to_oxigraph(term)
        return found

    quads = [ox.Quad(convert(s), convert(p), convert(o)) for s, p, o in graph]
    if exact and altered_literals(t for t in terms.values() if isinstance(t, ox.Literal)):
        return None
    store = ox.Store()
    store.extend(quads)
    return store
