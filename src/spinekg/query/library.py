"""The competency-question library: one ``queries/<name>.rq`` per question, run with bound values.

Each file starts with a header comment that the library reads::

    # Question: Which treatments do the documents say treat a condition, and how firmly?
    # Parameters:
    #   condition  entity:Pathology  the condition (e.g. "degenerative disc disease")
    # Columns: treatment, document, modality, negated, quote
    # Order: treatment, document, quote

Parameter types: ``entity`` or ``entity:<Category>`` (given as a label, synonym, IRI or CURIE and
resolved to one entity of that category), ``document`` (a file name, its leading number, its title
or IRI), ``string``, ``integer``; a ``?`` after the type makes the parameter optional (the query
then runs over everything). Values are always bound to the query's variables
(:meth:`Engine.select` ``bindings``), never written into the query text.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from spinekg.core.errors import AmbiguousNameError, CurationError, ParameterError, UnknownNameError
from spinekg.query.engines import Engine, Results

__all__ = ["Parameter", "QuerySpec", "QueryLibrary", "load_library", "parse_query_file", "EntityIndex", "run",
           "MAX_QUERY_BYTES"]

_TYPES = ("entity", "document", "string", "integer")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: the variable name, its type, category (for entities), description, example."""

    name: str
    type: str
    category: str | None
    description: str
    example: str
    optional: bool = False

    @property
    def type_text(self) -> str:
        """The type as written in the header (``entity:Pathology``, ``document?``)."""
        text = f"{self.type}:{self.category}" if self.category else self.type
        return text + ("?" if self.optional else "")


@dataclass(frozen=True)
class QuerySpec:
    """One competency question: its name (the file stem), question, parameters, columns and text."""

    name: str
    question: str
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    order: tuple[str, ...]
    text: str
    path: Path | None = None

    @property
    def examples(self) -> dict[str, str]:
        """The example value of every parameter (running with them gives a non-empty answer)."""
        return {p.name: p.example for p in self.parameters}

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (raises :class:`ParameterError` listing the known ones)."""
        for param in self.parameters:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")


_PARAM_LINE = re.compile(r'^#\s{2,}(?P<name>[A-Za-z_]\w*)\s+(?P<type>[a-z]+)(?::(?P<cat>[A-Za-z]\w*))?(?P<opt>\?)?'
                         r'\s+(?P<desc>.*?)\s*\(e\.g\.\s+"(?P<example>[^"]*)"\)\s*$')
_KEY_LINE = re.compile(r"^#\s*(Question|Parameters|Columns|Order):\s*(.*)$")


#: the largest query file read (a query is text; megabytes of it are not a question)
MAX_QUERY_BYTES = 1 << 20


def parse_query_file(path: Path, *, strict: bool = True) -> QuerySpec:
    """Read one ``.rq`` file and its header (raises :class:`CurationError` with file:line).

    With ``strict=False`` (a user's own query file) the header is optional: a file without
    ``Question``/``Columns``/``Order`` lines is a query without parameters.
    """
    with open(path, "rb") as handle:  # a device or a huge file is not read to its end
        raw = handle.read(MAX_QUERY_BYTES + 1)
    if len(raw) > MAX_QUERY_BYTES:
        raise CurationError(f"larger than {MAX_QUERY_BYTES // 1024} KiB: not a query file", path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CurationError(f"not UTF-8 text ({err.reason} at byte {err.start})", path) from err
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    current = None  # the header field that indented continuation lines belong to
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break  # the header ends at the first line of SPARQL
            continue
        key = _KEY_LINE.match(line)
        if key:
            current, value = key.group(1), key.group(2).strip()
            if current in fields:
                raise CurationError(f"header field {current!r} given twice", path, lineno)
            fields[current] = value
            if current == "Parameters" and value and value.lower() != "none":
                raise CurationError("write each parameter on its own indented line under 'Parameters:'", path, lineno)
        elif re.match(r"^#\s{2,}\S", line) and current == "Parameters":
            match = _PARAM_LINE.match(line)
            if not match or match.group("type") not in _TYPES:
                raise CurationError('a parameter line reads \'#   name  type  description (e.g. "example")\' '
                                    f"with type one of {', '.join(_TYPES)}", path, lineno)
            params.append(Parameter(match.group("name"), match.group("type"), match.group("cat"),
                                    match.group("desc"), match.group("example"), bool(match.group("opt"))))
        elif re.match(r"^#\s{2,}\S", line) and current in ("Question", "Columns", "Order"):
            fields[current] += " " + line[1:].strip()  # a field wrapped over several lines
        else:
            current = None
    for required in ("Question", "Columns", "Order"):
        if strict and not fields.get(required):
            raise CurationError(f"the header has no '# {required}:' line", path, 1)
    return QuerySpec(
        name=path.stem, question=fields.get("Question", ""), parameters=tuple(params),
        columns=tuple(c.strip() for c in fields.get("Columns", "").split(",") if c.strip()),
        order=tuple(c.strip() for c in fields.get("Order", "").split(",") if c.strip()),
        text=text, path=path)


class QueryLibrary(Mapping[str, QuerySpec]):
    """The queries of a folder, by name; an unknown name raises an error listing the known ones."""

    def __init__(self, specs: Mapping[str, QuerySpec]):
        self._specs = dict(sorted(specs.items()))

    def __getitem__(self, name: str) -> QuerySpec:
        try:
            return self._specs[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._specs), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise UnknownNameError(f"unknown query {name!r}; {hint}known queries: {', '.join(self._specs)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)


def load_library(folder: str | Path | None = None) -> QueryLibrary:
    """The query library in ``folder`` (default: the queries shipped with spinekg)."""
    if folder is None:
        from spinekg.core.resources import resource_dir

        folder = resource_dir("queries")
    return QueryLibrary({p.stem: parse_query_file(p) for p in sorted(Path(folder).glob("*.rq"))})


# ---------------------------------------------------------------------------------------------
# resolving parameter values

_INDEX_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX spk: <https://w3id.org/spinekg/vocab#>
SELECT ?entity ?name ?kind WHERE {
  { ?entity rdfs:label ?name BIND("label" AS ?kind) }
  UNION { ?entity skos:altLabel ?name BIND("synonym" AS ?kind) }
  UNION { ?entity spk:fileName ?name BIND("file" AS ?kind) }
  UNION { ?entity schema:name ?name BIND("title" AS ?kind) }
  UNION { ?entity skos:exactMatch|skos:closeMatch ?name BIND("mapping" AS ?kind) }
  FILTER NOT EXISTS { ?entity a spk:Claim }
}
"""

_IS_A = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK { ?entity rdf:type?/rdfs:subClassOf* ?category }
"""


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = re.sub(r"[\u2010-\u2015_-]", " ", text)  # "back-pain", "back_pain" and "back pain" match
    return " ".join(text.casefold().split())


class EntityIndex:
    """Names of the graph's entities (labels, synonyms, file names, titles, mapped IRIs) for lookup."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.by_name: dict[str, set[URIRef]] = {}
        self.labels: dict[URIRef, str] = {}
        self.files: dict[str, URIRef] = {}
        self.titles: dict[str, set[URIRef]] = {}  # document titles name documents only
        self.iris: set[URIRef] = set()
        for row in engine.select(_INDEX_QUERY, source="entity index"):
            entity, name, kind = row["entity"], row["name"], str(row["kind"])
            if not isinstance(entity, URIRef):
                continue
            self.iris.add(entity)
            key = str(name) if kind == "mapping" else _norm(str(name))
            if kind == "title":  # "Stem Cell Therapy" is 004's title, not a name of the therapy
                self.titles.setdefault(key, set()).add(entity)
                continue
            self.by_name.setdefault(key, set()).add(entity)
            if kind == "label":
                self.labels.setdefault(entity, str(name))
            elif kind == "file":
                self.files[str(name)] = entity

    def is_a(self, entity: URIRef, category: str) -> bool:
        """Whether ``entity`` is an instance or subclass of ``spk:<category>``."""
        from spinekg.core.namespaces import SPK

        return bool(self.engine.select(_IS_A, {"entity": entity, "category": SPK[category]}, source="category check"))

    def _candidates(self, value: str) -> set[URIRef]:
        text = value.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if re.match(r"^https?://\S+$", text):
            iri = URIRef(text)
            return {iri} if iri in self.iris else set(self.by_name.get(text, ()))
        curie = re.match(r"^([A-Za-z][\w.-]*):([\w.-]+)$", text)
        if curie:
            from spinekg.core.namespaces import PREFIXES

            ns = PREFIXES.get(curie.group(1)) or PREFIXES.get(curie.group(1).upper())
            if ns is not None:
                iri = URIRef(str(ns) + curie.group(2))
                found = {iri} if iri in self.iris else set(self.by_name.get(str(iri), ()))
                if found:
                    return found
        return set(self.by_name.get(_norm(text), ()))

    def resolve(self, value: str, category: str | None = None, *, what: str = "entity") -> URIRef:
        """The one entity named ``value`` (of ``category`` when given), else a helpful error."""
        found = self._candidates(value)
        if category is not None and found:
            typed = {e for e in found if self.is_a(e, category)}
            if not typed:
                shown = "; ".join(f"{self.labels.get(e, e)} ({_curie(e)})" for e in sorted(found))
                raise ParameterError(f"{what} {value!r} is not a {_split_camel(category)}: it names {shown}")
            found = typed
        if len(found) == 1:
            return next(iter(found))
        if found:
            candidates = sorted((str(e), self.labels.get(e, "")) for e in found)
            shown = "; ".join(f"{label} ({_curie(iri)})" for iri, label in candidates)
            raise AmbiguousNameError(f"{what} {value!r} is ambiguous: it names {shown}; give the CURIE or IRI",
                                     candidates)
        names = [n for n in self.by_name if not n.startswith("http")]
        close = difflib.get_close_matches(_norm(value), names, n=25, cutoff=0.6)
        if category is not None:  # suggest only names of the right kind
            close = [n for n in close if any(self.is_a(e, category) for e in self.by_name[n])]
        if not close:  # a fragment ("stem"): names that contain it
            needle = _norm(value)
            close = sorted((n for n in names if needle and needle in n), key=lambda n: (len(n), n))
            if category is not None:
                close = [n for n in close[:50] if any(self.is_a(e, category) for e in self.by_name[n])]
        close = close[:5]
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownNameError(f"unknown {what} {value!r}: no label, synonym, IRI or CURIE matches{hint}")

    def document(self, value: str) -> URIRef:
        """A document by file name, its leading number (``003``), title, label or IRI."""
        text = value.strip()
        if text.endswith(".txt"):
            text = text[:-4]
        if text in self.files:
            return self.files[text]
        prefixed = [iri for name, iri in self.files.items() if name.split("_")[0] == text]
        if len(prefixed) == 1:
            return prefixed[0]
        titled = self.titles.get(_norm(text), set())
        if len(titled) == 1:
            return next(iter(titled))
        try:
            return self.resolve(value, "Document", what="document")
        except UnknownNameError:
            raise UnknownNameError(f"unknown document {value!r}; known documents: {', '.join(sorted(self.files))}") from None


def _curie(iri: URIRef) -> str:
    from spinekg.core.terms import curie

    return curie(iri)


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def bind_parameters(spec: QuerySpec, params: Mapping[str, object], index_factory) -> dict[str, Node]:
    """Check and convert the given values into RDF terms for ``spec``'s variables."""
    for name in params:
        spec.parameter(name)  # raises for an undeclared name
    bindings: dict[str, Node] = {}
    index = None
    for param in spec.parameters:
        value = params.get(param.name)
        if value is None:
            if not param.optional:
                raise ParameterError(f"query {spec.name!r} needs --param {param.name}=VALUE "
                                     f"({param.description}, e.g. {param.example!r})")
            continue
        if isinstance(value, Node):
            bindings[param.name] = value
            continue
        if param.type == "string":
            bindings[param.name] = Literal(str(value))
        elif param.type == "integer":
            try:
                bindings[param.name] = Literal(int(str(value)), datatype=XSD.integer)
            except ValueError:
                raise ParameterError(f"parameter {param.name!r} of query {spec.name!r} must be an integer, "
                                     f"not {value!r}") from None
        else:
            index = index or index_factory()
            if param.type == "document":
                bindings[param.name] = index.document(str(value))
            else:
                bindings[param.name] = index.resolve(str(value), param.category, what=param.name)
    return bindings


def run(engine: Engine, spec: QuerySpec, params: Mapping[str, object] | None = None,
        index: EntityIndex | Callable[[], EntityIndex] | None = None, *, max_rows: int | None = None) -> Results:
    """Run a library query on ``engine`` with its parameters resolved and bound.

    ``index`` (an :class:`EntityIndex` or a function returning one) is built from the engine
    when a parameter needs resolving and none is given. ``max_rows`` caps the answer
    (:class:`~spinekg.core.errors.QueryLimitError` past it).
    """
    def index_factory() -> EntityIndex:
        if index is None:
            return EntityIndex(engine)
        return index() if callable(index) else index

    bindings = bind_parameters(spec, params or {}, index_factory)
    source = str(spec.path) if spec.path is not None else spec.name
    return engine.select(spec.text, bindings, source=source, max_rows=max_rows)
