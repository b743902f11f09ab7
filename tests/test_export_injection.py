"""Hostile labels in the visualizer exports (graphml, gexf, cytoscape, dot, svg, png, mermaid).

Labels, category names, predicate labels, document names, modalities and quotes come from any RDF
file a user exports, so each may hold control characters, markup, HTML entities or a Mermaid
directive. Every document must stay well-formed for its own reader and every label must stay the
text it is. The policy (``spinekg.export.flat``): a character XML 1.0 cannot hold (C0 controls
other than tab, LF, CR; U+FFFE, U+FFFF) or UTF-8 cannot encode (a lone surrogate) becomes U+FFFD;
JSON keeps controls as ``\\u`` escapes. Each document is read back by an independent reader:
ElementTree and networkx for XML, ``json`` for Cytoscape, Graphviz's ``dot`` for DOT/SVG/PNG.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef

from spinekg.core.namespaces import BIOLINK, RDF, RDFS, SPK
from spinekg.kg import KnowledgeGraph

OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
FFFD = "\ufffd"

#: node name -> hostile label, one finding of the review each (and two more cases)
LABELS = {
    "Bell": "\x07bell",                       # a C0 control: GraphML/GEXF were not well-formed XML
    "Nul": "a\x00b",                          # NUL: cut Graphviz's string short (SVG/PNG)
    "Entity": "&#x3c;script&#x3e;",           # Graphviz decoded it and drew <script>
    "Directive": '%%{init: {"themeCSS": "x{background:url(http://127.0.0.1:9/x)}"}}%%',  # Mermaid config
    "Quotes": '"quotes" and \\backslashes\\',  # DOT string delimiters and escapes
    "Close": "</graph>",                      # XML markup
    "Surrogate": "lone \ud800 surrogate",     # UTF-8 cannot encode it: every text export crashed
    "Direction": "style: x; flows direction TB here",  # Mermaid reads a direction statement anywhere
}
#: the other hostile texts: a category's label, the predicate's label, a claim's quote, its
#: document's file name and its modality's label
CATEGORY = "cat\x1b[31m &#60;b&#62;"
PREDICATE = "treats %%{init: {}}%% &lt;i&gt; \x0c"
QUOTE = "said \x07 \"it\" </data> &amp; \ud83d"
DOCUMENT = "doc\x00 &#x3c;.txt"
MODALITY = "maybe \x1f %%"
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def shown(text: str) -> str:
    """What every export must show for ``text``: the characters no export writes as U+FFFD."""
    return UNSAFE.sub(FFFD, text)


def hostile_kg():
    """The builder of tests/test_html_view.py and test_exporters.py, with one node per label of
    :data:`LABELS`, all linked by a chain of ``spk:treats`` edges, the first one claimed."""
    g = Graph()
    nodes = [URIRef(str(SPK) + name) for name in LABELS]
    for i, (node, label) in enumerate(zip(nodes, LABELS.values())):
        g.add((node, RDF.type, OWL_CLASS))
        g.add((node, RDFS.label, Literal(label)))
        g.add((node, RDFS.subClassOf, SPK.Treatment if i % 2 else SPK.Pathology))
    for top in (SPK.Treatment, SPK.Pathology):
        g.add((top, RDF.type, OWL_CLASS))
    g.add((SPK.Treatment, RDFS.label, Literal(CATEGORY)))
    g.add((SPK.treats, RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")))
    g.add((SPK.treats, RDFS.label, Literal(PREDICATE)))
    for s, o in zip(nodes, nodes[1:]):
        g.add((s, SPK.treats, o))
    claim, doc, modality = URIRef(str(SPK) + "claim1"), URIRef(str(SPK) + "doc1"), URIRef(str(SPK) + "maybe")
    for p, o in ((RDF.type, SPK.Claim), (RDF.subject, nodes[0]), (RDF.predicate, SPK.treats),
                 (RDF.object, nodes[1]), (SPK.statedIn, doc), (SPK.modality, modality),
                 (BIOLINK.negated, Literal(False)), (BIOLINK.supporting_text, Literal(QUOTE))):
        g.add((claim, p, o))
    g.add((doc, SPK.fileName, Literal(DOCUMENT)))
    g.add((modality, RDFS.label, Literal(MODALITY)))
    return KnowledgeGraph(graph=g, ontology=Graph(), data=g)


@pytest.fixture(scope="module")
def kg():
    return hostile_kg()


@pytest.fixture(scope="module")
def view(kg):
    return kg.to_networkx("entities")


def test_the_graph_holds_every_hostile_text(view):
    labels = {d["label"] for _, d in view.nodes(data=True)}
    assert set(LABELS.values()) <= labels and CATEGORY in labels
    claimed = [d for _, _, d in view.edges(data=True) if d["claims"]]
    assert [(d["label"], d["quotes"], d["documents"], d["modalities"]) for d in claimed] == [
        (PREDICATE, [QUOTE], [DOCUMENT], [MODALITY])]


# ---------------------------------------------------------------------------------------------
# GraphML and GEXF: well-formed XML 1.0, read back by ElementTree and networkx

@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_are_well_formed_and_keep_every_label(kg, view, fmt, tmp_path):
    path = tmp_path / f"h.{fmt}"
    kg.export(fmt, path)
    data = path.read_bytes()
    ET.fromstring(data)  # a control character (even as &#7;) made this fail: not well-formed
    assert not UNSAFE.search(data.decode("utf-8")) and b"&#0;" not in data and b"&#7;" not in data
    back = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == view.number_of_nodes()
    assert back.number_of_edges() == view.number_of_edges()
    labels = {n: d["label"] for n, d in back.nodes(data=True)}
    for name, label in LABELS.items():
        assert labels[f"spk:{name}"] == shown(label)
    assert labels["spk:Treatment"] == shown(CATEGORY)
    assert back.nodes["spk:Directive"]["category"] == shown(CATEGORY)
    claimed = [d for _, _, d in back.edges(data=True) if int(d["claims"])]
    assert len(claimed) == 1
    edge = claimed[0]
    assert (edge["label"], edge["documents"], edge["modalities"]) == (
        shown(PREDICATE), shown(DOCUMENT), shown(MODALITY))
    # quotes are a JSON array: its controls stay \u escapes (read back exactly), a surrogate is replaced
    assert json.loads(edge["quotes"]) == [QUOTE.replace("\ud83d", FFFD)]


def test_xml_reader_sees_the_close_tag_label_as_text(kg, tmp_path):
    kg.export("graphml", tmp_path / "h.graphml")
    root = ET.parse(tmp_path / "h.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall("g:graph", ns)) == 1
    assert "</graph>" in [d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")]


# ---------------------------------------------------------------------------------------------
# Cytoscape.js JSON: json.dumps escapes controls, so labels read back exactly

def test_cytoscape_json_reads_back_every_label_exactly(kg, tmp_path):
    kg.export("cytoscape", tmp_path / "h.json")  # a lone surrogate raised UnicodeEncodeError
    raw = (tmp_path / "h.json").read_bytes()
    assert b"\x00" not in raw and b"\x07" not in raw
    doc = json.loads(raw.decode("utf-8"))
    labels = {n["data"]["id"]: n["data"]["label"] for n in doc["elements"]["nodes"]}
    for name, label in LABELS.items():
        assert labels[f"spk:{name}"] == label.replace("\ud800", FFFD)  # controls kept, surrogate replaced
    edge = [e["data"] for e in doc["elements"]["edges"] if e["data"]["claims"]][0]
    assert edge["label"] == PREDICATE and edge["documents"] == [DOCUMENT] and edge["modalities"] == [MODALITY]
    assert edge["quotes"] == [QUOTE.replace("\ud83d", FFFD)]


# ---------------------------------------------------------------------------------------------
# Mermaid: no directive, no comment, no markup can form; the label text is still recognisable

def mermaid_decoded(text: str) -> str:
    """What Mermaid draws for a quoted label: its ``#code;`` entity codes decoded (Mermaid turns
    ``#60;`` into ``&#60;`` and ``#quot;`` into ``&quot;``, which the browser decodes)."""
    def one(match):
        code = match.group(1)
        return chr(int(code)) if code.isdigit() else html.unescape(f"&{code};")
    return re.sub(r"#(\w+);", one, text)


def test_mermaid_label_cannot_become_a_directive_or_markup(kg, view, tmp_path):
    kg.export("mermaid", tmp_path / "h.mmd")
    text = (tmp_path / "h.mmd").read_text(encoding="utf-8")
    # spinekg writes no directive or comment of its own, so none may appear anywhere
    assert "%%" not in text and "%%{" not in text and "%" not in text
    assert "{" not in text and "}" not in text and "`" not in text and "<" not in text
    assert "\x00" not in text and "\x07" not in text and "\ud800" not in text
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    node_lines = [line for line in lines if re.match(r"  n\d+\[", line)]
    assert len(node_lines) == view.number_of_nodes()
    assert sum(1 for line in lines if "-->|" in line or "-.->|" in line) == view.number_of_edges()
    # a label line is one quoted string holding nothing Mermaid reads as syntax
    labels = [re.fullmatch(r'  n\d+\["([^"%{}<>`|:]*)"\]', line).group(1) for line in node_lines]
    for line in lines[1:]:
        assert not re.match(r".*direction\s+(TB|BT|RL|LR)", line), line  # a direction statement
        if not line.startswith("  classDef "):
            assert not re.search(r"(style|classDef).*:\S*#.*;", line), line  # Mermaid drops the ;
    drawn = {mermaid_decoded(label) for label in labels}
    for label in list(LABELS.values()) + [CATEGORY]:
        assert " ".join(shown(label).split()) in drawn


# ---------------------------------------------------------------------------------------------
# DOT, SVG, PNG: rendered by the real Graphviz

def graphviz() -> str:
    dot = shutil.which("dot")
    if dot is None:
        pytest.fail("Graphviz is not installed (.ci/run installs it): apt install graphviz")
    return dot


def test_dot_labels_are_literal_strings_for_graphviz(kg, view, tmp_path):
    kg.export("dot", tmp_path / "h.dot")
    raw = (tmp_path / "h.dot").read_bytes()
    assert b"\x00" not in raw and b"\x07" not in raw
    proc = subprocess.run([graphviz(), "-Tjson0", str(tmp_path / "h.dot")], capture_output=True, check=True)
    objects = json.loads(proc.stdout)["objects"]
    assert len(objects) == view.number_of_nodes()
    labels = {o["name"]: o["label"] for o in objects}
    # Graphviz keeps the escString escapes in json0: \\ for a backslash, &amp; before an entity
    assert labels["spk:Quotes"] == '"quotes" and \\\\backslashes\\\\'
    assert labels["spk:Entity"] == "&amp;#x3c;script&amp;#x3e;"
    assert labels["spk:Nul"] == "a" + FFFD + "b"


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)  # well-formed: a control character in a label made Graphviz's SVG invalid
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_svg_draws_every_label_as_its_text(kg, tmp_path):
    graphviz()
    kg.export("svg", tmp_path / "h.svg")  # a NUL ended Graphviz's string: the DOT did not parse
    svg = (tmp_path / "h.svg").read_bytes()
    assert b"&amp;#x3c;script&amp;#x3e;" in svg  # Graphviz drew "<script>" for "&#x3c;script&#x3e;"
    assert b"&lt;script" not in svg and b"&#x3c;script" not in svg.replace(b"&amp;#x3c;", b"")
    texts = svg_texts(svg)
    for label in list(LABELS.values()) + [CATEGORY]:
        assert shown(label) in texts, label
    assert shown(PREDICATE) + " ×1" in texts


def test_png_renders_with_a_nul_in_a_label(kg, tmp_path):
    graphviz()
    kg.export("png", tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "dot", "mermaid"])
def test_hostile_exports_are_deterministic(fmt):
    from spinekg.export import exporter

    to = getattr(exporter(fmt), f"to_{fmt}")
    assert to(hostile_kg()) == to(hostile_kg())
