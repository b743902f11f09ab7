"""External mappings of the spinekg vocabulary, kept as an SSSOM table.

Format: SSSOM/TSV (https://mapping-commons.github.io/sssom/spec-formats-tsv/): a YAML metadata
block in lines that start with ``#`` (it holds the ``curie_map``), then one tab-separated row per
mapping with at least the columns of :data:`REQUIRED_COLUMNS`.

``ontology/mappings/spinekg.sssom.tsv`` is the single source of truth for the ontology's links to
public ontologies (OBO, MeSH, EFO, MAxO, Biolink): ``ontology/spinekg-mappings.ttl`` is generated
from it by :func:`to_turtle` (``python -m spinekg.model.mappings``; ``--check`` only compares).
Rows about data individuals (``spkd:``) are listed there so that their identifiers are verified
too, but their triples come from the curated data, so the generated ontology file leaves them out.

Reading and rendering are pure functions of text; only :func:`read_sssom`, :func:`write_turtle`
and :func:`main` touch files.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from spinekg.core.errors import CurationError
from spinekg.core.files import write_atomic
from spinekg.core.namespaces import PREFIXES, SKOS, SPK
from spinekg.core.resources import resource_dir

__all__ = [
    "CURIE", "IRI", "Mapping", "MappingSet", "PREDICATES", "REQUIRED_COLUMNS", "CURIE_PREFIXES",
    "parse_sssom", "read_sssom", "expand", "compress", "prefix_of", "to_graph", "to_turtle",
    "write_turtle", "default_sssom_path", "default_turtle_path", "main",
]

CURIE = str
IRI = str

#: The SKOS mapping predicates a row may use (SSSOM's predicate_id).
PREDICATES = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch")
#: Columns every row must fill.
REQUIRED_COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
                    "mapping_justification", "object_source")
#: Further columns this project reads (SSSOM allows more; they are kept in :attr:`Mapping.extra`).
OPTIONAL_COLUMNS = ("object_source_version", "comment")

#: Prefixes for naming external IRIs (longest namespace wins): the project's own plus the
#: ontologies the SSSOM file maps to. The SSSOM ``curie_map`` must agree with it.
CURIE_PREFIXES: dict[str, str] = {
    **{name: str(ns) for name, ns in PREFIXES.items()},
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "PATO": str(PREFIXES["obo"]) + "PATO_",
    "MAXO": str(PREFIXES["obo"]) + "MAXO_",
    "RO": str(PREFIXES["obo"]) + "RO_",
    "BFO": str(PREFIXES["obo"]) + "BFO_",
    "semapv": "https://w3id.org/semapv/vocab/",
}

_TURTLE_HEADER = (
    "# spinekg ontology: mappings of spinekg terms to public ontologies (OBO, MeSH, EFO, MAxO, Biolink).\n"
    "# GENERATED from ontology/mappings/spinekg.sssom.tsv by `python -m spinekg.model.mappings`:\n"
    "# do not edit; change the SSSOM table (one row per mapping, with the file each ID was seen in).\n"
)


@dataclass(frozen=True)
class Mapping:
    """One row of the SSSOM table."""

    subject_id: CURIE
    subject_label: str
    predicate_id: CURIE
    object_id: CURIE
    object_label: str
    mapping_justification: CURIE
    object_source: str
    object_source_version: str = ""
    comment: str = ""
    line: int = 0
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def object_prefix(self) -> str:
        return self.object_id.split(":", 1)[0]


@dataclass(frozen=True)
class MappingSet:
    """The metadata block and the rows of an SSSOM/TSV file."""

    metadata: dict = field(hash=False)
    mappings: tuple[Mapping, ...]
    source: str = "<sssom>"

    @property
    def curie_map(self) -> dict[str, str]:
        return dict(self.metadata.get("curie_map") or {})

    def expand(self, curie: CURIE) -> IRI:
        """The IRI of ``curie`` under this set's ``curie_map``."""
        return expand(curie, self.curie_map)


def expand(curie: CURIE, curie_map: dict[str, str]) -> IRI:
    """Expand ``curie`` with ``curie_map``; an unknown prefix raises :class:`CurationError`."""
    prefix, sep, local = curie.partition(":")
    if not sep or not local or prefix not in curie_map:
        known = ", ".join(sorted(curie_map))
        raise CurationError(f"cannot expand {curie!r}: prefix {prefix!r} is not in the curie_map ({known})")
    return curie_map[prefix] + local


def compress(iri: IRI, prefixes: dict[str, str] | None = None) -> CURIE | None:
    """``iri`` as a CURIE under the longest matching namespace of ``prefixes``, or ``None``."""
    prefix = prefix_of(iri, prefixes)
    if prefix is None:
        return None
    return f"{prefix}:{iri[len((prefixes or CURIE_PREFIXES)[prefix]):]}"


def prefix_of(iri: IRI, prefixes: dict[str, str] | None = None) -> str | None:
    """The name of the longest namespace of ``prefixes`` (default :data:`CURIE_PREFIXES`) that ``iri`` starts with."""
    best = None
    for name, ns in (prefixes or CURIE_PREFIXES).items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
            best = (name, ns)
    return best[0] if best else None


def _metadata(lines: list[str], source: str) -> dict:
    text = "\n".join(line[1:] for line in lines)
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise CurationError(f"the metadata block is not valid YAML: {err}", source) from err
    if not isinstance(meta, dict) or not isinstance(meta.get("curie_map"), dict):
        raise CurationError("the metadata block needs a curie_map (prefix: namespace)", source, 1)
    return meta


def parse_sssom(text: str, source: str = "<sssom>") -> MappingSet:
    """Parse SSSOM/TSV ``text`` (``source`` names it in errors) into a :class:`MappingSet`."""
    lines = text.splitlines()
    head = [line for line in lines if line.startswith("#")]
    body = [(n, line) for n, line in enumerate(lines, 1) if not line.startswith("#") and line.strip()]
    meta = _metadata(head, source)
    if not body:
        raise CurationError("no header row (subject_id, predicate_id, ...) after the metadata block", source)
    header_line, header = body[0]
    columns = header.split("\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CurationError(f"missing column(s) {', '.join(missing)} in the header {columns!r}", source, header_line)
    curie_map = meta["curie_map"]
    rows, seen = [], {}
    for number, line in body[1:]:
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise CurationError(f"{len(cells)} cells where the header has {len(columns)} columns", source, number)
        row = dict(zip(columns, cells))
        for column in REQUIRED_COLUMNS:
            if not row[column].strip():
                raise CurationError(f"empty {column}", source, number)
        if row["predicate_id"] not in PREDICATES:
            raise CurationError(f"predicate_id {row['predicate_id']!r} is not one of {', '.join(PREDICATES)}", source, number)
        for column in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
            try:
                expand(row[column], curie_map)
            except CurationError as err:
                raise CurationError(f"{column}: {err.message}", source, number) from err
        key = (row["subject_id"], row["object_id"])
        if key in seen:
            raise CurationError(f"{row['subject_id']} -> {row['object_id']} is mapped twice (also line {seen[key]})", source, number)
        seen[key] = number
        known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
        rows.append(Mapping(
            **{c: row[c] for c in REQUIRED_COLUMNS},
            **{c: row.get(c, "") for c in OPTIONAL_COLUMNS},
            line=number,
            extra=tuple((c, row[c]) for c in columns if c not in known and row[c]),
        ))
    return MappingSet(metadata=meta, mappings=tuple(rows), source=source)


def read_sssom(path: str | Path | None = None) -> MappingSet:
    """Read an SSSOM/TSV file (default: the shipped ``ontology/mappings/spinekg.sssom.tsv``)."""
    path = Path(path) if path is not None else default_sssom_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CurationError(f"cannot read the mapping table: {err}", path) from err
    return parse_sssom(text, str(path))


def _in_ontology(mapping: Mapping) -> bool:
    return mapping.subject_id.startswith("spk:")


def to_graph(mappings: MappingSet) -> Graph:
    """The mapping triples of the vocabulary (``spk:`` subjects), with the SKOS mapping properties
    declared as annotation properties so that the ontology stays OWL 2 DL."""
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("spk", SPK)
    for predicate in PREDICATES:
        g.add((URIRef(mappings.expand(predicate)), RDF.type, OWL.AnnotationProperty))
    for m in mappings.mappings:
        if _in_ontology(m):
            g.add((URIRef(mappings.expand(m.subject_id)), URIRef(mappings.expand(m.predicate_id)),
                   URIRef(mappings.expand(m.object_id))))
    return g


def _turtle_name(iri: IRI, namespaces: dict[str, str]) -> str:
    for prefix, ns in sorted(namespaces.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(ns):]
        if iri.startswith(ns) and local and all(ch.isalnum() or ch in "_-." for ch in local) and local[-1] != ".":
            return f"{prefix}:{local}"
    return f"<{iri}>"


def to_turtle(mappings: MappingSet) -> str:
    """The generated ``spinekg-mappings.ttl``: deterministic Turtle (sorted prefixes, subjects,
    predicates and objects), the same bytes for the same table."""
    g = to_graph(mappings)
    used = {str(node) for triple in g for node in triple}
    namespaces = {p: ns for p, ns in mappings.curie_map.items()
                  if any(iri.startswith(ns) for iri in used) and p not in ("semapv", "spkd")}
    namespaces["owl"] = str(OWL)
    out = [_TURTLE_HEADER]
    out += [f"@prefix {p}: <{ns}> ." for p, ns in sorted(namespaces.items(), key=lambda kv: kv[0].lower())]
    out.append("")
    declared = sorted(mappings.expand(p) for p in PREDICATES)
    out += [f"{_turtle_name(p, namespaces)} a owl:AnnotationProperty ." for p in declared]
    subjects = sorted({s for s in g.subjects() if (s, RDF.type, OWL.AnnotationProperty) not in g}, key=str)
    for s in subjects:
        out.append("")
        preds = sorted(set(g.predicates(s)), key=str)
        parts = []
        for p in preds:
            objs = sorted((_turtle_name(str(o), namespaces) for o in g.objects(s, p)))
            parts.append(f"{_turtle_name(str(p), namespaces)} " + ",\n        ".join(objs))
        out.append(f"{_turtle_name(str(s), namespaces)} " + " ;\n    ".join(parts) + " .")
    return "\n".join(out) + "\n"


def write_turtle(mappings: MappingSet, path: str | Path) -> None:
    """Write :func:`to_turtle` to ``path`` (atomically)."""
    write_atomic(path, to_turtle(mappings).encode("utf-8"))


def default_sssom_path() -> Path:
    """The shipped SSSOM table."""
    return resource_dir("ontology") / "mappings" / "spinekg.sssom.tsv"


def default_turtle_path() -> Path:
    """The generated ontology file."""
    return resource_dir("ontology") / "spinekg-mappings.ttl"


def main(argv: list[str] | None = None) -> int:
    """``python -m spinekg.model.mappings [--check] [--sssom FILE] [--output FILE]``: regenerate
    the mapping ontology file from the SSSOM table (exit 0), or with ``--check`` report whether
    it is up to date (exit 1 if not); 2 for an unreadable or invalid table."""
    parser = argparse.ArgumentParser(prog="python -m spinekg.model.mappings", description=main.__doc__)
    parser.add_argument("--sssom", type=Path, default=None, help="the SSSOM/TSV table (default: the shipped one)")
    parser.add_argument("--output", type=Path, default=None, help="the Turtle file to write (default: ontology/spinekg-mappings.ttl)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the Turtle file is out of date")
    args = parser.parse_args(argv)
    output = args.output or default_turtle_path()
    try:
        mappings = read_sssom(args.sssom)
    except CurationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    text = to_turtle(mappings)
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != text:
            print(f"{output} is out of date: run python -m spinekg.model.mappings", file=sys.stderr)
            return 1
        return 0
    write_atomic(output, text.encode("utf-8"))
    print(f"wrote {output} ({len(mappings.mappings)} rows)", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
