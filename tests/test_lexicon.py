"""The recognition lexicon (ontology/lexicon/): the shipped data, the runtime reader, the matching
key, and the build (its pure parts on small fixtures; the whole build, in the slow tier, only
where the pinned release packages are installed)."""

from __future__ import annotations

import ast
import csv
import importlib.metadata
import re
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from spinekg.core.errors import CurationError
from spinekg.model import lexicon_build
from spinekg.model.lexicon import (
    CATEGORIES, COLUMNS, IRI_PREFIXES, TERM_TYPES, Lexicon, LexiconEntry, curie_to_iri, default_lexicon_path,
    load_lexicon, normalize_term, read_lexicon)
from spinekg.model.lexicon_build import LexiconBuildError, Ontology, Root, Row, Term

FOLDER = Path(__file__).resolve().parents[1] / "ontology" / "lexicon"
TSV = FOLDER / "lexicon.tsv"
README = FOLDER / "README.md"
ROOTS = FOLDER / "roots.tsv"

#: the identifier shape of each source
CURIE_SHAPES = {
    "UBERON": r"UBERON:\d{7}", "MONDO": r"MONDO:\d{7}", "HP": r"HP:\d{7}", "CL": r"CL:\d{7}",
    "CHEBI": r"CHEBI:\d+", "GO": r"GO:\d{7}", "MESH": r"MESH:D\d{6,9}",
}


def _rows() -> list[list[str]]:
    lines = TSV.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    return [line.split("\t") for line in lines[:-1]]


def _sort_key(row: list[str]) -> tuple:
    return (row[0], TERM_TYPES.index(row[2]), row[1])


# --- the shipped data ---------------------------------------------------------------------------------

def test_the_shipped_path_is_the_checkout_file():
    assert default_lexicon_path().resolve() == TSV.resolve()


def test_every_row_is_well_formed():
    header, *rows = _rows()
    assert tuple(header) == COLUMNS
    assert len(rows) > 5000
    bad = []
    for number, row in enumerate(rows, start=2):
        if len(row) != len(COLUMNS):
            bad.append(f"{number}: {len(row)} fields")
            continue
        curie, term, term_type, source, category, root = row
        if (source not in CURIE_SHAPES or not re.fullmatch(CURIE_SHAPES[source], curie)
                or not re.fullmatch(CURIE_SHAPES[source], root) or term_type not in TERM_TYPES
                or category not in CATEGORIES or term != " ".join(term.split()) or not term):
            bad.append(f"{number}: {row!r}")
    assert not bad, "\n".join(bad[:20])


def test_rows_are_sorted_and_unique():
    rows = _rows()[1:]
    assert rows == sorted(rows, key=_sort_key)
    pairs = Counter((row[0], row[1]) for row in rows)
    assert [pair for pair, n in pairs.items() if n > 1] == []


def test_each_term_has_one_root_category_and_at_most_one_label():
    by_curie: dict[str, set] = {}
    labels = Counter()
    for curie, _term, term_type, source, category, root in _rows()[1:]:
        by_curie.setdefault(curie, set()).add((source, category, root))
        labels[curie] += term_type == "label"
    assert [c for c, found in by_curie.items() if len(found) != 1] == []
    assert max(labels.values()) == 1


def test_terms_useless_for_recognition_are_left_out():
    bad = [row for row in _rows()[1:]
           if len(normalize_term(row[1])) < 3 or normalize_term(row[1]).replace(" ", "").isdigit()
           or "obsolete" in row[1].casefold()]
    assert bad == []


def test_every_root_of_the_data_is_a_root_in_roots_tsv():
    with open(ROOTS, encoding="utf-8", newline="") as handle:
        listed = {(r["source"], r["curie"], r["spinekg_category"]) for r in csv.DictReader(handle, delimiter="\t")
                  if r["use"] == "root"}
    used = {(row[3], row[5], row[4]) for row in _rows()[1:]}
    assert used <= listed
    # each root is a term of the lexicon under itself
    roots_as_terms = {(row[3], row[0], row[4]) for row in _rows()[1:] if row[0] == row[5]}
    assert {(s, c, k) for s, c, k in listed if (s, c, k) in used} <= roots_as_terms


def test_the_file_stays_small():
    assert TSV.stat().st_size < 3 * 1024 * 1024


# --- the README -------------------------------------------------------------------------------------------

def _readme_sources() -> dict[str, dict[str, str]]:
    table = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) == 7 and cells[0] in CURIE_SHAPES:
            table[cells[0]] = dict(zip(("source", "ontology", "package", "release", "licence", "terms", "rows"), cells))
    return table


def test_readme_lists_every_source_with_a_licence_and_the_tsv_counts():
    table = _readme_sources()
    rows = _rows()[1:]
    assert set(table) == set(CURIE_SHAPES) == {row[3] for row in rows}
    for source, cells in table.items():
        assert cells["licence"], source
        assert re.search(r"==[\w.]+", cells["package"]), cells["package"]
        mine = [row for row in rows if row[3] == source]
        assert int(cells["rows"]) == len(mine), source
        assert int(cells["terms"]) == len({row[0] for row in mine}), source
    assert "CC BY 3.0" in table["UBERON"]["licence"]
    assert "CC BY 4.0" in table["MONDO"]["licence"] and "CC BY 4.0" in table["CL"]["licence"]
    assert "HPO" in table["HP"]["licence"] and "NLM" in table["MESH"]["licence"]


def test_readme_lists_every_root_with_its_label():
    text = README.read_text(encoding="utf-8")
    with open(ROOTS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            assert f"{row['curie']} | {row['label']} |" in text or f"{row['curie']} ({row['label']})" in text, row


# --- the runtime reader -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, curie", [
    ("lumbar vertebrae", "MESH:D008159"),
    ("intervertebral disc", "UBERON:0001066"),
    ("Intervertebral discs", "UBERON:0001066"),
    ("intervertebral disk", "UBERON:0001066"),
    ("Wharton's jelly", "UBERON:0003422"),
    ("low back pain", "HP:0003419"),
    ("Low-back pain", "MESH:D017116"),
    ("mesenchymal stem cells", "CL:0000134"),
    ("lumbar spine", "UBERON:0006074"),
    ("platelets", "CL:0000233"),
    ("bone marrow", "UBERON:0002371"),
    ("hyaluronic acid", "CHEBI:16336"),
    ("D-glucose", "CHEBI:17634"),
    ("sciatica", "MONDO:0024333"),
    ("inflammatory response", "GO:0006954"),
    ("fluoroscopy", "MESH:D005471"),
])
def test_known_terms_are_found(text, curie):
    assert curie in {entry.curie for entry in load_lexicon().lookup(normalize_term(text))}


def test_entries_carry_category_and_iri():
    lexicon = load_lexicon()
    (disk,) = [e for e in lexicon.lookup("intervertebral disk") if e.source == "UBERON"]
    assert disk == LexiconEntry("UBERON:0001066", "http://purl.obolibrary.org/obo/UBERON_0001066",
                                "intervertebral disk", "label", "UBERON", "AnatomicalEntity")
    (jelly,) = lexicon.lookup(normalize_term("Wharton Jelly"))
    assert (jelly.iri, jelly.category) == ("http://id.nlm.nih.gov/mesh/D059631", "CellSource")
    assert {e.category for e in lexicon.lookup("bone marrow")} == {"CellSource"}
    assert lexicon.lookup("no such term at all") == ()
    with pytest.raises(AttributeError):
        disk.term = "x"


def test_counts_and_max_tokens():
    lexicon = load_lexicon()
    rows = _rows()[1:]
    assert len(lexicon) == len(rows)
    assert lexicon.sources() == dict(sorted(Counter(row[3] for row in rows).items()))
    assert lexicon.max_tokens == max(len(normalize_term(row[1]).split()) for row in rows)


def test_load_is_cached_and_fast():
    assert load_lexicon() is load_lexicon()
    start = time.perf_counter()
    read_lexicon(TSV)
    assert time.perf_counter() - start < 1.5  # about 0.1 s; the bound leaves room for a slow machine


@pytest.mark.parametrize("curie, iri", [
    ("UBERON:0001066", "http://purl.obolibrary.org/obo/UBERON_0001066"),
    ("CHEBI:16336", "http://purl.obolibrary.org/obo/CHEBI_16336"),
    ("MESH:D012345", "http://id.nlm.nih.gov/mesh/D012345"),
])
def test_curie_to_iri(curie, iri):
    assert curie_to_iri(curie) == iri


@pytest.mark.parametrize("curie", ["DOID:1234", "UBERON", "UBERON:", "http://x"])
def test_curie_to_iri_rejects_other_prefixes(curie):
    with pytest.raises(ValueError, match="not a CURIE of a lexicon source"):
        curie_to_iri(curie)


HEADER = "\t".join(COLUMNS) + "\n"


@pytest.mark.parametrize("text, message", [
    ("", "the header must be"),
    ("curie\tterm\n", "the header must be"),
    (HEADER + "UBERON:0001066\tdisk\tlabel\tUBERON\n", ":2: expected 6 tab-separated fields, found 4"),
    (HEADER + "UBERON:0001066\tdisk\tlabel\tMONDO\tAnatomicalEntity\tUBERON:0001066\n", "does not belong to source"),
    (HEADER + "DOID:1\tdisk\tlabel\tDOID\tPathology\tDOID:1\n", "not a CURIE of a lexicon source"),
    (HEADER + "UBERON:0001066\tdisk\tsynonym\tUBERON\tAnatomicalEntity\tUBERON:0001066\n", "term_type must be"),
    (HEADER + "UBERON:0001066\tdisk\tlabel\tUBERON\tAnatomy\tUBERON:0001066\n", "spinekg_category one of"),
])
def test_a_malformed_file_is_reported_with_its_line(tmp_path, text, message):
    path = tmp_path / "lexicon.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CurationError, match=re.escape(message)):
        read_lexicon(path)


def test_a_small_file_reads(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text(HEADER + "HP:0003418\tBack pain\tlabel\tHP\tPathology\tHP:0012531\n"
                    "MESH:D001416\tBack Pain\tlabel\tMESH\tPathology\tMESH:D001416\n", encoding="utf-8")
    lexicon = read_lexicon(path)
    assert isinstance(lexicon, Lexicon) and len(lexicon) == 2 and lexicon.max_tokens == 2
    assert [e.curie for e in lexicon.lookup("back pain")] == ["HP:0003418", "MESH:D001416"]
    assert lexicon.sources() == {"HP": 1, "MESH": 1}


def test_the_runtime_module_needs_only_the_standard_library_and_spinekg():
    path = Path(lexicon_build.__file__).with_name("lexicon.py")
    tops = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            tops |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            tops.add((node.module or "").split(".")[0])
    assert {t for t in tops if t not in sys.stdlib_module_names} <= {"spinekg"}


# --- the matching key -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, key", [
    ("Intervertebral Disc", "intervertebral disc"),
    ("intervertebral discs", "intervertebral disc"),
    ("Low-Back Pain", "low back pain"),
    ("low back  pain ", "low back pain"),
    ("Wharton's jelly", "whartons jelly"),
    ("C5/C6 disc", "c5 c6 disc"),
    ("platelet_rich plasma", "platelet rich plasma"),
    ("Cell- and Tissue-Based Therapy", "cell and tissue based therapy"),
    ("therapies", "therapy"),          # -ies -> -y
    ("injuries", "injury"),
    ("ties", "tie"),                   # too short for the -ies rule (4 letters), so the final-s rule
    ("masses", "mass"),                # -sses -> -ss
    ("stenosis", "stenosis"),          # -is stays
    ("nucleus", "nucleus"),            # -us stays
    ("fitness", "fitness"),            # -ss stays
    ("gas", "gas"),                    # 3 letters stay
    ("MSCs", "msc"),
    ("stem cells", "stem cell"),
    ("cells of the vertebrae", "cells of the vertebrae"),  # only the last word; Latin plurals stay
    ("STRASSE", "strasse"),
    ("Ærø’s", "ærø"),                  # letters of any script; the apostrophe dropped, then singular
    ("--", ""),
    ("", ""),
])
def test_normalize_term(text, key):
    assert normalize_term(text) == key


# --- the build: its pure parts -----------------------------------------------------------------------------

def test_the_roots_file_reads_and_covers_every_source():
    branches = lexicon_build.read_roots(ROOTS)
    assert set(branches) == {source.name for source in lexicon_build.SOURCES} == set(CURIE_SHAPES)
    for name, (roots, excluded) in branches.items():
        assert roots, name
        for root in roots + excluded:
            assert root.curie.startswith(name + ":") and root.category in CATEGORIES and root.label


@pytest.mark.parametrize("text, message", [
    ("source\tcurie\n", "the header must be"),
    ("source\tcurie\tlabel\tspinekg_category\tuse\nUBERON\tUBERON:1\tx\tAnatomy\troot\n", "bad row"),
    ("source\tcurie\tlabel\tspinekg_category\tuse\nUBERON\tMONDO:1\tx\tPathology\troot\n", "bad row"),
    ("source\tcurie\tlabel\tspinekg_category\tuse\nUBERON\tUBERON:1\tx\tAnatomicalEntity\troot\n", "no root for"),
])
def test_a_bad_roots_file_is_refused(tmp_path, text, message):
    path = tmp_path / "roots.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconBuildError, match=message):
        lexicon_build.read_roots(path)


def _toy() -> Ontology:
    """root A (category Pathology) and root B (CellType): C under A at 1 and B at 2; D under both at 1;
    E obsolete under A; F under the excluded X; G's label is too short."""
    def term(curie, label, *synonyms, obsolete=False, **ancestors):
        return Term(curie, label, synonyms, obsolete, ancestors={k.replace("_", ":"): v for k, v in ancestors.items()})
    terms = [term("T:A", "alpha root"), term("T:B", "beta root"),
             term("T:C", "gamma", "gamma", "gamma thing", "12 34", "obsolete gamma", T_A=1, T_B=2),
             term("T:D", "delta", T_A=1, T_B=1),
             term("T:E", "epsilon", obsolete=True, T_A=1),
             term("T:X", "excluded root", T_A=1), term("T:F", "phi", T_X=1, T_A=2),
             term("T:G", "g", "good synonym", T_A=1)]
    return Ontology({t.curie: t for t in terms}, "test")


SOURCE = lexicon_build.Source("T", "Test", "pkg", "path", "cellxgene", "CC0")
ROOT_A, ROOT_B = Root("T:A", "alpha root", "Pathology"), Root("T:B", "beta root", "CellType")


def test_select_files_a_term_under_its_nearest_root_and_filters_terms():
    rows = sorted(lexicon_build.select(SOURCE, _toy(), (ROOT_A, ROOT_B), (Root("T:X", "excluded root", "Pathology"),)))
    got = [(r.curie, r.term, r.term_type, r.category, r.root) for r in rows]
    assert got == [
        ("T:A", "alpha root", "label", "Pathology", "T:A"),
        ("T:B", "beta root", "label", "CellType", "T:B"),
        ("T:C", "gamma", "label", "Pathology", "T:A"),          # A at 1 beats B at 2
        ("T:C", "gamma thing", "exact_synonym", "Pathology", "T:A"),
        ("T:D", "delta", "label", "Pathology", "T:A"),          # a tie: the first root listed
        ("T:G", "good synonym", "exact_synonym", "Pathology", "T:A"),
    ]
    swapped = {r.curie: r.root for r in lexicon_build.select(SOURCE, _toy(), (ROOT_B, ROOT_A))}
    assert swapped["T:D"] == "T:B" and swapped["T:C"] == "T:A" and "T:F" in swapped


@pytest.mark.parametrize("root, message", [
    (Root("T:A", "alpha", "Pathology"), "labelled 'alpha root' in path, the build records 'alpha'"),
    (Root("T:Z", "zeta", "Pathology"), "is not in path"),
    (Root("T:E", "epsilon", "Pathology"), "is obsolete"),
])
def test_select_refuses_a_root_the_release_does_not_confirm(root, message):
    with pytest.raises(LexiconBuildError, match=re.escape(message)):
        lexicon_build.select(SOURCE, _toy(), (root,))


def test_read_obo(tmp_path):
    path = tmp_path / "x.obo"
    path.write_text(
        "format-version: 1.2\ndata-version: x/releases/2025-01-16\n"
        "property_value: terms:license https://example.org/licence\n\n"
        "[Term]\nid: X:0000001\nname: Root\n\n"
        "[Term]\nid: X:0000002\nname: Child\nis_a: X:0000001 ! Root\n"
        'synonym: "Kid" EXACT layperson []\nsynonym: "Offspring" RELATED []\n'
        'synonym: "Old kid" EXACT obsolete_synonym []\nsynonym: "A \\"quoted\\" kid" EXACT []\n\n'
        "[Term]\nid: X:0000003\nname: obsolete Grandchild\nis_a: X:0000002\nis_obsolete: true\n\n"
        "[Typedef]\nid: part_of\nname: part of\n", encoding="utf-8")
    ontology = lexicon_build.read_obo(path)
    assert ontology.release == "x/releases/2025-01-16"
    assert set(ontology.terms) == {"X:0000001", "X:0000002", "X:0000003"}
    assert ontology.terms["X:0000002"].synonyms == ("Kid", 'A "quoted" kid')
    assert ontology.terms["X:0000003"].obsolete
    assert ontology.branch("X:0000001") == {"X:0000001": 0, "X:0000002": 1, "X:0000003": 2}
    rows = lexicon_build.select(lexicon_build.Source("X", "x", "p", "path", "obo", ""), ontology,
                                (Root("X:0000001", "Root", "Pathology"),))
    assert sorted(r.term for r in rows) == ['A "quoted" kid', "Child", "Kid", "Root"]


def test_read_mesh_csv(tmp_path):
    path = tmp_path / "mesh.csv"
    path.write_text("id,scheme,subject\r\nhttps://id.nlm.nih.gov/mesh/D001416,MeSH,Back Pain\r\n"
                    'https://id.nlm.nih.gov/mesh/D007268,MeSH,"Injections, Epidural"\r\n', encoding="utf-8")
    ontology = lexicon_build.read_mesh_csv(path)
    assert {c: t.label for c, t in ontology.terms.items()} == {
        "MESH:D001416": "Back Pain", "MESH:D007268": "Injections, Epidural"}
    assert ontology.branch("MESH:D001416") == {"MESH:D001416": 0}
    path.write_text("id,scheme,subject\nhttp://example.org/D1,MeSH,X\n", encoding="utf-8")
    with pytest.raises(LexiconBuildError, match=r"mesh.csv:2: 'http://example.org/D1' is not a MeSH descriptor URI"):
        lexicon_build.read_mesh_csv(path)


def test_to_tsv_refuses_a_tab_in_a_term():
    with pytest.raises(LexiconBuildError, match="tab or line break"):
        lexicon_build.to_tsv([Row("T:1", 0, "a\tb", "T", "Pathology", "T:1")])


def test_check_pins_names_the_package_and_the_version():
    with pytest.raises(LexiconBuildError, match=r"^no-such-package-spinekg is not installed: pip install "):
        lexicon_build.check_pins({"no-such-package-spinekg": "1.0"})
    with pytest.raises(LexiconBuildError, match=r"pytest .* is installed, the lexicon is built from pytest==0\.0\.1"):
        lexicon_build.check_pins({"pytest": "0.0.1"})


def test_the_iri_prefixes_cover_the_sources():
    assert set(IRI_PREFIXES) == set(CURIE_SHAPES)


# --- the build: the whole of it ------------------------------------------------------------------------------

def _pinned_releases_or_skip() -> None:
    pytest.importorskip("zstandard")
    for package, version in lexicon_build.PINS.items():
        try:
            installed = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{package}=={version} is not installed (pip install -e '.[lexicon-build]')")
        if installed != version:
            pytest.skip(f"{package} {installed} is installed, the lexicon is built from {version}")


@pytest.mark.slow
def test_the_build_reproduces_the_shipped_files(tmp_path):
    _pinned_releases_or_skip()
    assert lexicon_build.main(["--output", str(tmp_path)]) == 0
    for name in ("lexicon.tsv", "README.md"):
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), f"{name} differs: rebuild it"
    assert lexicon_build.main(["--output", str(tmp_path), "--check"]) == 0
    (tmp_path / "README.md").write_text("changed", encoding="utf-8")
    assert lexicon_build.main(["--output", str(tmp_path), "--check"]) == 1
