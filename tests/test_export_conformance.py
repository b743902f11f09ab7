"""The visualizer exports are accepted by the tools they are for, checked by those tools' own rules.

* GraphML: the GraphML 1.1 XML Schema (lxml), then networkx's reader.
* GEXF: the GEXF 1.3 XML Schema (lxml), then a reader of the document written here.
* Neo4j: a reader that follows the ``neo4j-admin database import`` CSV header format of Neo4j's
  manual (https://neo4j.com/docs/operations-manual/current/tools/import/file-header-format/):
  ``<name>:<field_type>``; property types ``int``, ``long``, ... ``string`` (default) with ``[]``
  for arrays split on the array delimiter; ``ID``, ``LABEL`` (one or more labels, split like
  arrays), ``START_ID``, ``END_ID``, ``TYPE``, ``IGNORE``.
* Mermaid and Cytoscape.js: the libraries themselves (``node_modules``) in headless Chromium.
* DOT/SVG: the WCAG 2 contrast of each node's text on its fill, and Graphviz's own SVG.
* Subgraphs: every view of a part reads the same labels (modalities, predicates) as the whole.

The schemas are read from ``../shared/conformance/schemas`` beside the checkout.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from spinekg.cli import main
from spinekg.core.errors import SpinekgError
from spinekg.core.namespaces import RDF, RDFS, SKOS, SPK
from spinekg.core.terms import curie
from spinekg.export.flat import CATEGORY_COLOURS, colour
from spinekg.kg import KnowledgeGraph

from conftest import chromium_driver, one_line_error

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "schemas"
NODE_MODULES = ROOT / "node_modules"
GEXF = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
OWL_OBJECT_PROPERTY = URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")
LIST_ATTRIBUTES = ("documents", "modalities", "asserted_by", "hedged_by", "denied_by")


def schema(relative: str):
    """The XML Schema at ``SCHEMAS/relative``, compiled by lxml (fails, never skips, when absent)."""
    from lxml import etree

    path = SCHEMAS / relative
    if not path.is_file():
        pytest.fail(f"{path} not found: the conformance schemas live in ../shared/conformance/schemas beside "
                    "the checkout (see ../shared/conformance/README.md)")
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(xsd, document: bytes, what: str) -> None:
    from lxml import etree

    if not xsd.validate(etree.fromstring(document)):
        errors = [f"{e.line}: {e.message}" for e in xsd.error_log]
        pytest.fail(f"{what}: {len(errors)} schema errors, first: {errors[:3]}")


@pytest.fixture(scope="module")
def parts(kg):
    """The whole graph and a part cut each way (a document, a category, around an entity)."""
    return {"whole": kg, "document": kg.subgraph(document="003"), "category": kg.subgraph(category="treatment"),
            "around": kg.subgraph("PRP", depth=1)}


def edge_of(data: dict) -> dict:
    """What a flat export holds for an edge of ``kg.to_networkx("entities")``."""
    out = {key: data[key] for key in ("predicate", "label", "claims", "negated", "stance")}
    out.update({key: "; ".join(data[key]) for key in LIST_ATTRIBUTES})
    return out


# ---------------------------------------------------------------------------------------------
# GraphML 1.1

@pytest.mark.parametrize("part", ["whole", "document", "around"])
def test_graphml_is_valid_graphml_1_1_and_reads_back_typed(parts, part):
    from spinekg.export.graphml import to_graphml

    kg = parts[part]
    document = to_graphml(kg)
    # 868 duplicate edge ids (the predicate) and a key id shared by a node and an edge key failed here
    assert_valid(schema("graphml-1.1/graphml.xsd"), document, f"GraphML of {part}")
    view = kg.to_networkx("entities")
    back = nx.read_graphml(io.BytesIO(document), force_multigraph=True)
    assert back.number_of_nodes() == view.number_of_nodes()
    assert back.number_of_edges() == view.number_of_edges()
    for node, data in view.nodes(data=True):
        got = back.nodes[curie(node)]
        assert got == {"iri": str(node), "label": data["label"], "category": data["category"],
                       "synonyms": "; ".join(data["synonyms"]), "mappings": "; ".join(data["mappings"])}
    expected = {(curie(s), curie(o), d["predicate"]): d for s, o, d in view.edges(data=True)}
    ids = [key for _, _, key in back.edges(keys=True)]
    assert sorted(ids) == sorted(f"e{i}" for i in range(len(ids)))
    for s, o, data in back.edges(data=True):
        want = expected[(s, o, data["predicate"])]
        assert type(data["claims"]) is int and type(data["negated"]) is int
        assert {k: data[k] for k in edge_of(want)} == edge_of(want)
        assert json.loads(data["quotes"]) == want["quotes"]


def test_graphml_of_hostile_labels_is_valid(tmp_path):
    from test_export_injection import hostile_kg

    from spinekg.export.graphml import to_graphml

    assert_valid(schema("graphml-1.1/graphml.xsd"), to_graphml(hostile_kg()), "GraphML of hostile labels")


# ---------------------------------------------------------------------------------------------
# GEXF 1.3

def gexf_for_xsd(document: bytes) -> bytes:
    """The document as the published XSD sees it. GEXF 1.3's normative grammar, the RelaxNG
    ``gexf.rnc`` (``include "viz.rnc" inherit = viz``), puts ``color``, ``position``, ... in the
    namespace http://gexf.net/1.3/viz, as Gephi writes them; its translation to XML Schema
    (``gexf.xsd``, ``dynamics.xsd``) declares them in the GEXF namespace. So the viz elements are
    moved into the GEXF namespace, and everything else (their attributes, channels 0..255, alpha
    0..1, the structure, the types) is checked by the schema as it is."""
    from lxml import etree

    root = etree.fromstring(document)
    moved = 0
    for element in root.iter(f"{{{VIZ}}}*"):
        element.tag = f"{{{GEXF}}}{etree.QName(element).localname}"
        moved += 1
    assert moved, "no viz element in the document"
    return etree.tostring(root)


def read_gexf(source) -> nx.MultiDiGraph:
    """A GEXF 1.3 document as a networkx graph: node ``label`` and attribute values typed by their
    declarations (``integer`` as int), ``viz`` colours as ``{"color": {"r", "g", "b", "a"}}``, edges
    keyed by id with ``label`` and ``kind``."""
    root = ET.parse(source).getroot() if not isinstance(source, bytes) else ET.fromstring(source)
    ns = {"g": GEXF, "viz": VIZ}
    assert root.tag == f"{{{GEXF}}}gexf" and root.get("version") == "1.3"
    graph_element = root.find("g:graph", ns)
    types = {}
    for declared in graph_element.findall("g:attributes", ns):
        for attribute in declared.findall("g:attribute", ns):
            types[(declared.get("class"), attribute.get("id"))] = (attribute.get("title"), attribute.get("type"))

    def values(element, cls: str) -> dict:
        out = {}
        for value in element.findall("g:attvalues/g:attvalue", ns):
            title, kind = types[(cls, value.get("for"))]
            out[title] = int(value.get("value")) if kind in ("integer", "long") else value.get("value")
        return out

    graph = nx.MultiDiGraph(meta={child.tag.split("}")[1]: child.text for child in root.find("g:meta", ns)})
    for node in graph_element.findall("g:nodes/g:node", ns):
        data = {"label": node.get("label"), **values(node, "node")}
        found = node.find("viz:color", ns)
        if found is not None:
            data["viz"] = {"color": {c: (float if c == "a" else int)(found.get(c)) for c in "rgba"}}
        graph.add_node(node.get("id"), **data)
    for edge in graph_element.findall("g:edges/g:edge", ns):
        assert edge.get("source") in graph and edge.get("target") in graph
        graph.add_edge(edge.get("source"), edge.get("target"), key=edge.get("id"), label=edge.get("label"),
                       kind=edge.get("kind"), **values(edge, "edge"))
    return graph


@pytest.mark.parametrize("part", ["whole", "document", "around"])
def test_gexf_is_valid_gexf_1_3_and_reads_back(parts, part):
    from spinekg.export.gexf import to_gexf

    kg = parts[part]
    document = to_gexf(kg)
    assert_valid(schema("gexf-1.3/gexf.xsd"), gexf_for_xsd(document), f"GEXF of {part}")
    root = ET.fromstring(document)
    assert root.tag == f"{{{GEXF}}}gexf" and root.get("version") == "1.3"
    assert not root.findall(f".//{{{GEXF}}}color")  # colours are in the viz namespace
    view = kg.to_networkx("entities")
    back = read_gexf(document)
    assert back.graph["meta"]["creator"] == "spinekg"
    assert f"{view.number_of_nodes()} entities" in back.graph["meta"]["description"]
    assert back.number_of_nodes() == view.number_of_nodes()
    assert back.number_of_edges() == view.number_of_edges()
    for node, data in view.nodes(data=True):
        got = back.nodes[curie(node)]
        hex_colour = colour(data["category"])
        assert got == {"label": data["label"], "iri": str(node), "category": data["category"],
                       "synonyms": "; ".join(data["synonyms"]), "mappings": "; ".join(data["mappings"]),
                       "viz": {"color": {"r": int(hex_colour[1:3], 16), "g": int(hex_colour[3:5], 16),
                                         "b": int(hex_colour[5:7], 16), "a": 1.0}}}
    expected = {(curie(s), curie(o), d["predicate"]): d for s, o, d in view.edges(data=True)}
    assert len({key for _, _, key in back.edges(keys=True)}) == back.number_of_edges()
    for s, o, data in back.edges(data=True):
        want = expected[(s, o, data["predicate"])]
        assert data["label"] == data["kind"] == want["label"]
        assert {k: data[k] for k in edge_of(want)} == edge_of(want)
        assert json.loads(data["quotes"]) == want["quotes"]


def test_gexf_of_hostile_labels_is_valid():
    from test_export_injection import hostile_kg

    from spinekg.export.gexf import to_gexf

    assert_valid(schema("gexf-1.3/gexf.xsd"), gexf_for_xsd(to_gexf(hostile_kg())), "GEXF of hostile labels")


def test_gexf_schema_check_is_not_vacuous():
    """The schema refuses what networkx's GEXF 1.2 draft writer gave (another namespace)."""
    from lxml import etree

    draft = b'<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph name=""><nodes/><edges/></graph></gexf>'
    assert not schema("gexf-1.3/gexf.xsd").validate(etree.fromstring(draft))


# ---------------------------------------------------------------------------------------------
# Neo4j: the neo4j-admin import header format

#: property types of the header format (Neo4j operations manual, "CSV file header format")
NEO4J_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "point", "date",
               "localtime", "time", "localdatetime", "datetime", "duration"}
SPECIAL = {"ID", "START_ID", "END_ID", "TYPE", "LABEL", "IGNORE"}


def parse_header(fields: list[str]) -> list[tuple[str, str, bool]]:
    """(name, type, is_array) per field: type is one of :data:`SPECIAL` or a property type."""
    parsed = []
    for field in fields:
        name, _, kind = field.partition(":")
        if not _:
            parsed.append((name, "string", False))
            continue
        special = re.fullmatch(r"(ID|START_ID|END_ID|TYPE|LABEL|IGNORE)(?:\([^)]*\))?", kind)
        if special:
            parsed.append((name, special.group(1), False))
            continue
        array = kind.endswith("[]")
        base = kind[:-2] if array else kind
        assert base.lower() in NEO4J_TYPES, f"header field {field!r}: unknown type {base!r}"
        assert name, f"header field {field!r}: a property needs a name"
        parsed.append((name, base.lower(), array))
    return parsed


def read_neo4j_csv(path: Path, delimiter: str = "|") -> tuple[list[tuple], list[dict]]:
    """The header and the rows of a neo4j-admin CSV, each value converted as the header says."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))  # RFC 4180 quoting, fields may span lines (--multiline-fields)
    header = parse_header(rows[0])
    out = []
    for row in rows[1:]:
        assert len(row) == len(header)
        record: dict = {"labels": set(), "properties": {}}
        for (name, kind, array), value in zip(header, row):
            if kind == "LABEL":
                record["labels"] = set(value.split(delimiter)) if value else set()
            elif kind in SPECIAL:
                record[kind] = value
                if kind == "ID" and name:
                    record["properties"][name] = value
            else:
                convert = int if kind in ("int", "long", "short", "byte") else str
                record["properties"][name] = ([convert(v) for v in value.split(delimiter)] if value else []) \
                    if array else convert(value)
        out.append(record)
    return header, out


def pascal(category: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", category))


@pytest.mark.parametrize("part", ["whole", "document"])
def test_neo4j_files_follow_the_import_header_format(parts, part, tmp_path):
    kg = parts[part]
    kg.export("neo4j", tmp_path / "neo")
    header, nodes = read_neo4j_csv(tmp_path / "neo" / "nodes.csv")
    rel_header, rels = read_neo4j_csv(tmp_path / "neo" / "relationships.csv")
    assert [k for _, k, _ in header].count("ID") == 1 and "LABEL" in {k for _, k, _ in header}
    assert {"START_ID", "END_ID", "TYPE"} <= {k for _, k, _ in rel_header}
    view = kg.to_networkx("entities")
    by_id = {curie(n): d for n, d in view.nodes(data=True)}
    assert len(nodes) == len(by_id) and {n["ID"] for n in nodes} == set(by_id)
    for node in nodes:
        data, props = by_id[node["ID"]], node["properties"]
        # with "Entity;Pathology", --array-delimiter="|" gave every node the one label "Entity;Pathology"
        assert node["labels"] == {"Entity", pascal(data["category"])}
        assert (props["label"], props["category"], props["synonyms"], props["mappings"]) == (
            data["label"], data["category"], data["synonyms"], data["mappings"])
    expected = {(curie(s), d["predicate"], curie(o)): d for s, o, d in view.edges(data=True)}
    assert len(rels) == len(expected)
    for rel in rels:
        assert rel["START_ID"] in by_id and rel["END_ID"] in by_id
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", rel["TYPE"]), rel["TYPE"]
        props = rel["properties"]
        want = expected[(rel["START_ID"], props["predicate"], rel["END_ID"])]
        assert (props["claims"], props["negated"], props["stance"]) == (want["claims"], want["negated"], want["stance"])
        assert {k: props[k] for k in LIST_ATTRIBUTES} == {k: want[k] for k in LIST_ATTRIBUTES}
        assert json.loads(props["quotes_json"]) == want["quotes"]
    assert {r["TYPE"] for r in rels if r["properties"]["predicate"] == str(SPK.hasMechanism)} == {"HAS_MECHANISM"}


def test_neo4j_cypher_reads_every_column_and_sets_the_labels(kg, tmp_path):
    kg.subgraph("PRP", depth=1).export("neo4j", tmp_path / "neo")
    cypher = (tmp_path / "neo" / "import.cypher").read_text(encoding="utf-8")
    for name in ("nodes.csv", "relationships.csv"):
        with open(tmp_path / "neo" / name, newline="", encoding="utf-8") as handle:
            columns = next(csv.reader(handle))
        file_part = cypher[cypher.index(f"'file:///{name}'"):]
        file_part = file_part[:file_part.index(";\n")]
        read = set(re.findall(r"row\.`([^`]+)`|row\.(\w+)", file_part))
        read = {a or b for a, b in read}
        assert read == set(columns), f"{name}: columns {set(columns) - read} not read, {read - set(columns)} unknown"
        for column in columns:
            if column.endswith("[]") or column == ":LABEL":
                assert f"split(row.`{column}`, '|')" in file_part, column
    assert "apoc.create.addLabels(n, split(row.`:LABEL`, '|'))" in cypher


def test_neo4j_array_element_cannot_hold_the_delimiter(tmp_path):
    g = Graph()
    a, b = URIRef(str(SPK) + "A"), URIRef(str(SPK) + "B")
    for node, top in ((a, SPK.Treatment), (b, SPK.Pathology)):
        g.add((node, RDF.type, OWL_CLASS))
        g.add((node, RDFS.label, Literal(str(node)[-1])))
        g.add((node, RDFS.subClassOf, top))
        g.add((top, RDF.type, OWL_CLASS))
        g.add((top, RDFS.label, Literal("regulatory status" if top == SPK.Treatment else "pathology")))
    g.add((a, SKOS.altLabel, Literal("x|y")))
    g.add((SPK.treats, RDF.type, OWL_OBJECT_PROPERTY))
    g.add((a, SPK.treats, b))
    KnowledgeGraph(graph=g, ontology=Graph(), data=g).export("neo4j", tmp_path / "n")
    _, nodes = read_neo4j_csv(tmp_path / "n" / "nodes.csv")
    found = {n["ID"]: n for n in nodes}
    assert found["spk:A"]["properties"]["synonyms"] == ["x\ufffdy"]
    assert found["spk:A"]["labels"] == {"Entity", "RegulatoryStatus"}


# ---------------------------------------------------------------------------------------------
# Mermaid: its limits, and a real render

def test_mermaid_refuses_a_graph_above_its_limits(kg):
    from spinekg.export.mermaid import to_mermaid

    edges = kg.to_networkx("entities").number_of_edges()
    assert edges > 500
    with pytest.raises(SpinekgError, match=rf"{edges} edges, above the 500 .*--document.*--category.*--around"):
        to_mermaid(kg)


def test_mermaid_limits_are_mermaids_defaults():
    """The limits spinekg enforces are those of the pinned Mermaid (read from its bundle)."""
    from spinekg.export.mermaid import MAX_EDGES, MAX_TEXT_SIZE

    bundle = mermaid_bundle().with_name("mermaid.js").read_text(encoding="utf-8")
    defaults = bundle[bundle.index('"src/schemas/config.schema.yaml'):]
    assert re.search(r'"maxTextSize": (\S+),', defaults).group(1) == "5e4" and MAX_TEXT_SIZE == 5e4
    assert int(re.search(r'"maxEdges": (\d+),', defaults).group(1)) == MAX_EDGES


def test_mermaid_cli_whole_graph_is_one_line_and_no_file(tmp_path):
    out = tmp_path / "x.mmd"
    result = CliRunner().invoke(main, ["export", "-f", "mermaid", "-o", str(out)])
    assert result.exit_code == 2
    line = one_line_error(result)
    assert "edges" in line and "500" in line and "--around ENTITY --depth N" in line
    assert not out.exists() and not list(tmp_path.iterdir())


def mermaid_bundle() -> Path:
    path = NODE_MODULES / "mermaid" / "dist" / "mermaid.min.js"
    if not path.is_file():
        pytest.fail(f"{path} not found: run npm ci (package.json pins mermaid 11.12.2)")
    return path


@pytest.fixture(scope="module")
def browser():
    if shutil.which("chromedriver") is None:
        pytest.fail("chromedriver is not installed (.ci/run installs Debian's chromium and chromium-driver)")
    driver = chromium_driver(1400, 900)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def open_with(browser, tmp_path: Path, script: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"></head><body><div id="out" style="width:1200px;height:800px"></div>'
                    f'<script src="{script.as_uri()}"></script></body></html>', encoding="utf-8")
    browser.get(page.as_uri())


RENDER_MERMAID = """
const [text, done] = arguments;
mermaid.initialize({startOnLoad: false});
mermaid.render('graph' + Math.floor(Math.random() * 1e9), text).then(({svg}) => {
  const out = document.getElementById('out');
  out.innerHTML = svg;
  const nodes = [...out.querySelectorAll('g.node')];
  done({nodes: nodes.length, edges: out.querySelectorAll('path.flowchart-link').length,
        ids: nodes.map(n => n.id), texts: nodes.map(n => n.textContent.trim()),
        error: out.textContent.includes('Syntax error') ? 'syntax error drawn' : null});
}, (err) => done({error: String(err && err.message || err)}));
"""


@pytest.mark.slow
@pytest.mark.parametrize("part", ["document", "category", "around"])
def test_mermaid_renders_in_a_browser_with_one_node_per_entity(parts, part, browser, tmp_path):
    from spinekg.export.mermaid import to_mermaid

    kg = parts[part]
    view = kg.to_networkx("entities")
    open_with(browser, tmp_path, mermaid_bundle())
    drawn = browser.execute_async_script(RENDER_MERMAID, to_mermaid(kg).decode("utf-8"))
    assert drawn.get("error") is None, drawn.get("error")
    assert drawn["nodes"] == view.number_of_nodes()
    assert drawn["edges"] == view.number_of_edges()
    labels = sorted(" ".join(d["label"].split()) for _, d in view.nodes(data=True))
    assert sorted(drawn["texts"]) == labels


@pytest.mark.slow
def test_mermaid_refuses_more_edges_than_the_limit_in_a_browser_too(browser, tmp_path):
    """The limit is Mermaid's: 501 edges are not drawn (so refusing them is right)."""
    text = "flowchart LR\n" + "".join(f"  a{i} --> b{i}\n" for i in range(501))
    open_with(browser, tmp_path, mermaid_bundle())
    drawn = browser.execute_async_script(RENDER_MERMAID, text)
    assert "Edge limit exceeded" in (drawn.get("error") or "")


# ---------------------------------------------------------------------------------------------
# Cytoscape.js

LOAD_CYTOSCAPE = """
const [doc, done] = arguments;
try {
  const cy = cytoscape({container: document.getElementById('out'), elements: doc.elements});
  const layout = cy.layout({name: 'cose', animate: false, randomize: false, numIter: 200});
  layout.promiseOn('layoutstop').then(() => {
    const positions = cy.nodes().map(n => n.position());
    done({nodes: cy.nodes().length, edges: cy.edges().length,
          ids: cy.elements().map(e => e.id()),
          label: cy.getElementById('spk:PlateletRichPlasmaTherapy').data('label'),
          laidOut: positions.every(p => Number.isFinite(p.x) && Number.isFinite(p.y))
                   && new Set(positions.map(p => p.x + ',' + p.y)).size > 1});
  });
  layout.run();
} catch (err) { done({error: String(err && err.message || err)}); }
"""


def cytoscape_bundle() -> Path:
    path = NODE_MODULES / "cytoscape" / "dist" / "cytoscape.min.js"
    if not path.is_file():
        pytest.fail(f"{path} not found: run npm ci (package.json pins cytoscape 3.35.0)")
    return path


@pytest.mark.slow
def test_cytoscape_js_loads_and_lays_out_the_export(kg, browser, tmp_path):
    from spinekg.export.cytoscape import elements

    view = kg.to_networkx("entities")
    doc = elements(kg)
    open_with(browser, tmp_path, cytoscape_bundle())
    loaded = browser.execute_async_script(LOAD_CYTOSCAPE, doc)
    assert loaded.get("error") is None, loaded.get("error")
    assert loaded["nodes"] == view.number_of_nodes() and loaded["edges"] == view.number_of_edges()
    assert len(set(loaded["ids"])) == len(loaded["ids"])
    assert loaded["label"] == view.nodes[SPK.PlateletRichPlasmaTherapy]["label"] and loaded["laidOut"]
    # the check can fail: Cytoscape.js drops an element whose id it already holds, so the counts differ
    doc["elements"]["edges"].append(doc["elements"]["edges"][0])
    open_with(browser, tmp_path, cytoscape_bundle())
    assert browser.execute_async_script(LOAD_CYTOSCAPE, doc)["edges"] == len(doc["elements"]["edges"]) - 1


# ---------------------------------------------------------------------------------------------
# DOT, SVG: legible text on every category's colour

def wcag_contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio) of two #rrggbb colours."""
    def luminance(value: str) -> float:
        channels = []
        for i in (1, 3, 5):
            c = int(value[i:i + 2], 16) / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palette_kg() -> KnowledgeGraph:
    """One entity per category of the palette, and one of a category outside it (grey)."""
    g = Graph()
    g.add((SPK.treats, RDF.type, OWL_OBJECT_PROPERTY))
    names = list(CATEGORY_COLOURS) + ["not in the palette"]
    entities = []
    for i, name in enumerate(names):
        top, entity = URIRef(f"{SPK}Top{i}"), URIRef(f"{SPK}Entity{i}")
        for node, label in ((top, name), (entity, f"entity of {name}")):
            g.add((node, RDF.type, OWL_CLASS))
            g.add((node, RDFS.label, Literal(label)))
        g.add((entity, RDFS.subClassOf, top))
        entities.append(entity)
    for s, o in zip(entities, entities[1:]):
        g.add((s, SPK.treats, o))
    return KnowledgeGraph(graph=g, ontology=Graph(), data=g)


DOT_NODE = re.compile(r'^  "([^"]+)" \[label=.*?, fillcolor="(#[0-9a-f]{6})", fontcolor="(#[0-9a-f]{6})"', re.M)


def test_dot_text_contrasts_with_every_category_colour():
    from spinekg.export.dot import to_dot

    kg = palette_kg()
    view = kg.to_networkx("entities")
    found = {name: (fill, font) for name, fill, font in DOT_NODE.findall(to_dot(kg).decode("utf-8"))}
    assert len(found) == view.number_of_nodes()
    fills = {fill for fill, _ in found.values()}
    assert fills == set(CATEGORY_COLOURS.values()) | {"#999999"}  # the palette and the fallback grey
    for name, (fill, font) in found.items():
        assert wcag_contrast(fill, font) >= 4.5, (name, fill, font)


def test_dot_text_is_legible_on_the_shipped_graph(kg):
    from spinekg.export.dot import to_dot

    found = DOT_NODE.findall(to_dot(kg).decode("utf-8"))
    assert len(found) == kg.to_networkx("entities").number_of_nodes()
    assert all(wcag_contrast(fill, font) >= 4.5 for _, fill, font in found)


def regulatory_status_node(kg) -> URIRef:
    view = kg.to_networkx("entities")
    return sorted(n for n, d in view.nodes(data=True) if d["category"] == "regulatory status")[0]


@pytest.mark.slow
def test_svg_draws_regulatory_status_text_in_a_legible_colour(kg, tmp_path):
    if shutil.which("dot") is None:
        pytest.fail("Graphviz is not installed (.ci/run installs it): apt install graphviz")
    node = regulatory_status_node(kg)
    kg.subgraph(node, depth=1).export("svg", tmp_path / "r.svg")
    root = ET.parse(tmp_path / "r.svg").getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    groups = {g.findtext("s:title", namespaces=ns): g for g in root.iter(f"{{{ns['s']}}}g") if g.get("class") == "node"}
    group = groups[curie(node)]
    shape = group.find(".//s:path", ns)
    if shape is None:
        shape = group.find(".//s:polygon", ns)
    texts = group.findall(".//s:text", ns)
    assert shape.get("fill") == CATEGORY_COLOURS["regulatory status"] and texts
    named = {"white": "#ffffff", "black": "#000000"}
    for text in texts:  # black text on a black box before
        fill = named.get(text.get("fill", "black"), text.get("fill"))
        assert wcag_contrast(shape.get("fill"), fill) >= 4.5, fill


# ---------------------------------------------------------------------------------------------
# Subgraphs: the same labels as the whole graph

@pytest.mark.parametrize("part", ["document", "category", "around"])
def test_subgraph_edges_carry_modality_labels(kg, parts, part):
    whole = kg.to_networkx("entities")
    sub = parts[part]
    view = sub.to_networkx("entities")
    assert view.number_of_edges()
    document = URIRef("https://w3id.org/spinekg/id/doc/003_ce75392af366c0c5")
    for s, o, key, data in view.edges(keys=True, data=True):
        assert not any(m.startswith("http") for m in data["modalities"]), data["modalities"]
        assert data["label"] == whole.edges[s, o, key]["label"]
        if part == "document":  # only that page's claims: their modalities, read on the whole graph
            claims = kg.claims(subject=s, predicate=key, object=o, document=document, kind="assertion")
            assert data["modalities"] == sorted({c.modality for c in claims})
        else:
            assert data["modalities"] == whole.edges[s, o, key]["modalities"]
    claims = sub.to_networkx("claims")
    for claim, data in claims.nodes(data=True):
        if data["kind"] == "claim":
            assert data["modality"] in ("asserted", "hedged") and not data["predicate_label"].startswith("http")


@pytest.mark.parametrize("fmt", ["graphml", "cytoscape", "neo4j"])
def test_subgraph_exports_write_modality_labels(parts, fmt, tmp_path):
    parts["document"].export(fmt, tmp_path / "out")
    paths = [tmp_path / "out"] if fmt != "neo4j" else list((tmp_path / "out").iterdir())
    text = "".join(p.read_text(encoding="utf-8") for p in paths)
    assert "vocab#Hedged" not in text and "vocab#Asserted" not in text
    assert "hedged" in text and "asserted" in text
