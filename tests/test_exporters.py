"""Visualizer exports read back by independent readers (networkx's GraphML and GEXF readers)."""

from __future__ import annotations

import json

import networkx as nx
import pytest

STORE_SUITE = True  # every test on the kg fixture runs on each store (see conftest.STORES)
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from spinekg.cli import main
from spinekg.core.errors import SpinekgError
from spinekg.kg import KnowledgeGraph
from spinekg.core.namespaces import RDF, RDFS, SPK
from spinekg.core.terms import curie

from conftest import one_line_error

BACKSLASH = "\\"
FORMATS = ["graphml", "gexf"]  # read back by networkx below (its reader knows GEXF 1.3); see also
# test_export_conformance.py (the XML Schemas, Neo4j's header format, Mermaid and Cytoscape.js in a browser)


def read(fmt: str, path):
    if fmt == "graphml":
        return nx.read_graphml(path, force_multigraph=True)
    return nx.read_gexf(path)


@pytest.fixture(scope="module")
def view(kg):
    return kg.to_networkx("entities")


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_reads_back_with_the_same_nodes_edges_labels_and_claim_counts(kg, view, fmt, tmp_path):
    path = tmp_path / f"kg.{fmt}"
    kg.export(fmt, path)
    back = read(fmt, path)
    assert back.number_of_nodes() == view.number_of_nodes()
    assert back.number_of_edges() == view.number_of_edges()
    labels = {curie(n): d["label"] for n, d in view.nodes(data=True)}
    assert {n: d["label"] for n, d in back.nodes(data=True)} == labels
    expected = sorted((curie(s), curie(o), d["predicate"], d["claims"], d["negated"])
                      for s, o, d in view.edges(data=True))
    got = sorted((s, o, d["predicate"], int(d["claims"]), int(d["negated"])) for s, o, d in back.edges(data=True))
    assert got == expected
    prp = [d for s, o, d in back.edges(data=True)
           if s == "spk:PlateletRichPlasmaTherapy" and o == "spk:TissueRepair"][0]
    assert int(prp["claims"]) == 2 and prp["documents"] == "000_0e4ad2cffa1f476f; 004_18a61ff07f1e7ac0"
    assert any(q.startswith("Platelet Rich Plasma treatments") for q in json.loads(prp["quotes"]))


def test_graphml_declares_typed_keys_and_gexf_colours_categories(kg, tmp_path):
    kg.export("graphml", tmp_path / "g.graphml")
    text = (tmp_path / "g.graphml").read_text(encoding="utf-8")
    assert 'attr.name="claims" attr.type="long"' in text or 'attr.name="claims" attr.type="int"' in text
    kg.export("gexf", tmp_path / "g.gexf")
    gexf = nx.read_gexf(tmp_path / "g.gexf")
    colours = {(d["category"], tuple(d["viz"]["color"][c] for c in "rgb")) for _, d in gexf.nodes(data=True)}
    assert len({c for _, c in colours}) == len({cat for cat, _ in colours}) > 10


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS + ["cytoscape", "dot", "mermaid"])
def test_export_is_deterministic_and_via_cli(kg, fmt, tmp_path):
    one, two = tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"
    part = ["--document", "003"] if fmt == "mermaid" else []  # the whole graph is too big for Mermaid
    (kg.subgraph(document="003") if part else kg).export(fmt, one)
    result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(two), *part], catch_exceptions=False)
    assert result.exit_code == 0
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_labels_stay_inert_text(fmt, tmp_path):
    kg, hostile = _hostile_kg()
    path = tmp_path / f"h.{fmt}"
    kg.export(fmt, path)
    assert "<script>" not in path.read_text(encoding="utf-8")
    back = read(fmt, path)
    assert back.nodes["spk:A"]["label"] == hostile


def _hostile_kg():
    hostile = '<script>alert("x")</script>, "quoted"\n=1+2 & more \\ end'
    g = Graph()
    a, b = URIRef(str(SPK) + "A"), URIRef(str(SPK) + "B")
    for node, label in ((a, hostile), (b, "b")):
        g.add((node, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
        g.add((node, RDFS.label, Literal(label)))
    g.add((SPK.treats, RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")))
    g.add((a, RDFS.subClassOf, SPK.Treatment))
    g.add((b, RDFS.subClassOf, SPK.Pathology))
    for top in (SPK.Treatment, SPK.Pathology):
        g.add((top, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
    g.add((a, SPK.treats, b))
    return KnowledgeGraph(graph=g, ontology=Graph(), data=g), hostile


def test_hostile_label_in_dot_is_one_string_for_graphviz(tmp_path):
    import subprocess

    kg, hostile = _hostile_kg()
    kg.export("dot", tmp_path / "h.dot")
    proc = subprocess.run(["dot", "-Tjson0", str(tmp_path / "h.dot")], capture_output=True, text=True, check=True)
    labels = {o["name"]: o["label"] for o in json.loads(proc.stdout)["objects"]}
    # Graphviz keeps escString escapes (a backslash-n line break, a doubled backslash) and unescapes quotes
    assert labels["spk:A"] == hostile.replace(BACKSLASH, BACKSLASH * 2).replace("\n", BACKSLASH + "n")


def test_hostile_label_in_mermaid_and_cytoscape_stays_text(tmp_path):
    kg, hostile = _hostile_kg()
    kg.export("mermaid", tmp_path / "h.mmd")
    text = (tmp_path / "h.mmd").read_text(encoding="utf-8")
    assert "<script>" not in text and '"quoted"' not in text
    kg.export("cytoscape", tmp_path / "h.json")
    nodes = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))["elements"]["nodes"]
    assert {n["data"]["id"]: n["data"]["label"] for n in nodes}["spk:A"] == hostile


def test_unknown_format_lists_rdf_and_visualizer_formats(tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "pajek", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "visualizer formats: graphml, gexf" in one_line_error(result)
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------------------------------------
# Cytoscape.js JSON, DOT (read back by Graphviz), SVG/PNG, Mermaid

def test_cytoscape_json_reads_back_with_claims(kg, view, tmp_path):
    kg.export("cytoscape", tmp_path / "kg.json")
    doc = json.loads((tmp_path / "kg.json").read_text(encoding="utf-8"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert len(nodes) == view.number_of_nodes() and len(edges) == view.number_of_edges()
    ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    assert sum(e["data"]["claims"] for e in edges) == sum(d["claims"] for _, _, d in view.edges(data=True))


@pytest.mark.slow
def test_dot_is_read_back_by_graphviz(kg, view, tmp_path):
    import shutil
    import subprocess

    if shutil.which("dot") is None:
        pytest.fail("Graphviz is not installed (.ci/run installs it): apt install graphviz")
    kg.export("dot", tmp_path / "kg.dot")
    # Graphviz's own parser re-emits the graph as JSON: count nodes, edges and read the labels.
    proc = subprocess.run(["dot", "-Tjson0", str(tmp_path / "kg.dot")], capture_output=True, text=True, check=True)
    doc = json.loads(proc.stdout)
    assert len(doc["objects"]) == view.number_of_nodes()
    assert len(doc["edges"]) == view.number_of_edges()
    assert {o["label"] for o in doc["objects"]} == {d["label"] for _, d in view.nodes(data=True)}
    prp = [e for e in doc["edges"] if doc["objects"][e["tail"]]["name"] == "spk:PlateletRichPlasmaTherapy"
           and doc["objects"][e["head"]]["name"] == "spk:TissueRepair"]
    assert [e["label"] for e in prp] == ["has mechanism ×2"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_svg_and_png_are_rendered_by_graphviz(kg, tmp_path, fmt, magic):
    kg.subgraph("PRP", depth=1).export(fmt, tmp_path / f"prp.{fmt}")
    data = (tmp_path / f"prp.{fmt}").read_bytes()
    assert magic in data[:400]
    if fmt == "svg":
        assert "plasma therapy</text>" in data.decode("utf-8")


def test_missing_graphviz_is_a_clear_error(kg, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot on this PATH
    result = CliRunner().invoke(main, ["export", "--format", "svg", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert "install Graphviz" in one_line_error(result)
    assert not (tmp_path / "x.svg").exists()


def test_mermaid_has_every_node_and_edge(kg, tmp_path):
    part = kg.subgraph(document="003")  # the whole graph is above Mermaid's 500 edges: refused
    view = part.to_networkx("entities")
    part.export("mermaid", tmp_path / "kg.mmd")
    lines = (tmp_path / "kg.mmd").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "flowchart LR"
    assert sum(1 for line in lines if line.strip().startswith("n") and "[" in line) == view.number_of_nodes()
    assert sum(1 for line in lines if "-->|" in line or "-.->|" in line) == view.number_of_edges()
    with pytest.raises(SpinekgError, match="Mermaid"):
        kg.export("mermaid", tmp_path / "all.mmd")
    assert not (tmp_path / "all.mmd").exists()


# ---------------------------------------------------------------------------------------------
# exporting a part of the graph

def test_export_of_one_document_keeps_its_claims_only(kg, tmp_path):
    doc = URIRef("https://w3id.org/spinekg/id/doc/003_ce75392af366c0c5")
    result = CliRunner().invoke(main, ["export", "-f", "graphml", "-o", str(tmp_path / "d.graphml"),
                                       "--document", "003"], catch_exceptions=False)
    assert result.exit_code == 0
    back = nx.read_graphml(tmp_path / "d.graphml", force_multigraph=True)
    g = kg.graph
    stated = {(curie(g.value(c, RDF.subject)), curie(g.value(c, RDF.predicate)), curie(g.value(c, RDF.object)))
              for c in g.subjects(SPK.statedIn, doc)}
    edges = {(s, d["predicate"], o) for s, o, d in back.edges(data=True)}
    assert {(s, curie(URIRef(p)), o) for s, p, o in edges} <= stated
    assert all(d["documents"] == "003_ce75392af366c0c5" for _, _, d in back.edges(data=True) if int(d["claims"]))
    assert "spk:ComputerizedSpinalAdjustment" in back  # Divine Spine's own treatment is on its page


@pytest.mark.slow
def test_export_of_one_category_and_around_an_entity(kg, tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["export", "-f", "cytoscape", "-o", str(tmp_path / "t.json"), "--category", "treatment"])
    nodes = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["elements"]["nodes"]
    assert nodes and {n["data"]["category"] for n in nodes} == {"treatment"}
    runner.invoke(main, ["export", "-f", "cytoscape", "-o", str(tmp_path / "a.json"), "--around", "PRP", "--depth", "1"])
    around = {n["data"]["id"] for n in json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["elements"]["nodes"]}
    assert set(map(curie, kg.subgraph("PRP", depth=1).to_networkx().nodes)) == around
    assert "spk:PlateletRichPlasmaTherapy" in around and "spk:BackPain" not in around
    bad = runner.invoke(main, ["export", "-f", "dot", "-o", str(tmp_path / "x.dot"), "--category", "PRP"])
    assert bad.exit_code == 2 and "not an upper category" in one_line_error(bad)
    assert not (tmp_path / "x.dot").exists()


# ---------------------------------------------------------------------------------------------
# Neo4j import files, read back with the csv module

def test_neo4j_csvs_read_back_with_counts_labels_and_claims(kg, view, tmp_path):
    import csv

    result = CliRunner().invoke(main, ["export", "-f", "neo4j", "-o", str(tmp_path / "neo")], catch_exceptions=False)
    assert result.exit_code == 0
    with open(tmp_path / "neo" / "nodes.csv", newline="", encoding="utf-8") as handle:
        nodes = list(csv.DictReader(handle))
    with open(tmp_path / "neo" / "relationships.csv", newline="", encoding="utf-8") as handle:
        rels = list(csv.DictReader(handle))
    assert len(nodes) == view.number_of_nodes() and len(rels) == view.number_of_edges()
    assert {n["id:ID"]: n["label"] for n in nodes} == {curie(n): d["label"] for n, d in view.nodes(data=True)}
    ids = {n["id:ID"] for n in nodes}
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in rels)
    assert sorted((r[":START_ID"], r["predicate"], r[":END_ID"], int(r["claims:int"])) for r in rels) == sorted(
        (curie(s), d["predicate"], curie(o), d["claims"]) for s, o, d in view.edges(data=True))
    prp = [r for r in rels if r[":START_ID"] == "spk:PlateletRichPlasmaTherapy" and r[":END_ID"] == "spk:TissueRepair"]
    assert prp[0][":TYPE"] == "HAS_MECHANISM" and len(json.loads(prp[0]["quotes_json"])) == 2
    assert {n[":LABEL"] for n in nodes if n["category"] == "treatment"} == {"Entity|Treatment"}
    assert "LOAD CSV WITH HEADERS" in (tmp_path / "neo" / "import.cypher").read_text(encoding="utf-8")


def test_neo4j_hostile_label_is_text_and_stdout_is_refused(tmp_path):
    import csv

    kg, hostile = _hostile_kg()
    kg.export("neo4j", tmp_path / "h")
    with open(tmp_path / "h" / "nodes.csv", newline="", encoding="utf-8") as handle:
        labels = {row["id:ID"]: row["label"] for row in csv.DictReader(handle)}
    assert labels["spk:A"] == hostile
    result = CliRunner().invoke(main, ["export", "-f", "neo4j", "-o", "-"])
    assert result.exit_code == 2 and "folder" in one_line_error(result)
