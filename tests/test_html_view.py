"""The evidence explorer (``export --format html``): its embedded data, its escaping, and its
behaviour in a real headless Chromium (legibility measured from vis-network's own label boxes)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from spinekg.core.errors import CorpusError, SpinekgError
from spinekg.core.namespaces import RDF, RDFS, SPK
from spinekg.core.terms import curie
from spinekg.export.html import page_data, to_html, vis_network_assets
from spinekg.kg import KnowledgeGraph

from conftest import chromium_driver

OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
HOSTILE = '<script>window.PWNED=1</script><img src=x onerror="window.PWNED=2"> @JS@ @DATA@'


def embedded(page: bytes) -> dict:
    text = page.decode("utf-8")
    match = re.search(r'<script type="application/json" id="spinekg-data">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


def claims_per_document(kg) -> Counter:
    """Independent count: claim nodes per document file name, read from the RDF graph."""
    g = kg.graph
    return Counter(str(g.value(g.value(c, SPK.statedIn), SPK.fileName)) for c in g.subjects(RDF.type, SPK.Claim))


@pytest.fixture(scope="module")
def page_with_text(kg, corpus) -> bytes:
    return to_html(kg, corpus=corpus)


@pytest.fixture(scope="module")
def page_without_text(kg) -> bytes:
    return to_html(kg)


def test_page_is_self_contained_and_carries_the_graph(kg, page_without_text):
    text = page_without_text.decode("utf-8")
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', text), "no network resources"
    assert "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'" in text
    vis_js, vis_css = vis_network_assets()
    assert vis_js in text and vis_css in text and "@version 9.1.2" in vis_js  # pyvis's file, embedded as is
    data = embedded(page_without_text)
    view = kg.to_networkx("entities", denied=True)
    assert len(data["nodes"]) == view.number_of_nodes() and len(data["edges"]) == view.number_of_edges()
    by_file = {d.file: d.name for d in kg.documents()}
    edge = [e for e in data["edges"] if e["source"] == "spk:PlateletRichPlasmaTherapy" and e["target"] == "spk:TissueRepair"]
    assert [data["claims"][i]["document"] for i in edge[0]["claims"]] == [
        by_file["000_0e4ad2cffa1f476f"], by_file["004_18a61ff07f1e7ac0"]]
    # every claim once; pages by their human names, with the right claims
    assert len(data["claims"]) == sum(claims_per_document(kg).values())
    assert [p["name"] for p in data["pages"]] == [d.name for d in kg.documents()]
    assert by_file["003_ce75392af366c0c5"].startswith("003 Divine Spine: ")
    for p in data["pages"]:
        assert len(p["claims"]) == claims_per_document(kg)[p["file"]]
    kinds = {(c["kind"], c["direction"]) for c in data["claims"]}
    assert {("assertion", None), ("evidence", "supports"), ("recommendation", None)} <= kinds
    assert Counter(c["stance"] for c in data["claims"]).keys() == {"asserted", "hedged", "negated", "attributed"}
    assert all(e["stance"] in ("asserted", "contested", "denied") for e in data["edges"])
    assert page_without_text == to_html(kg)  # deterministic


def test_page_texts_are_cut_at_every_claim_span(kg, corpus, page_with_text):
    data = embedded(page_with_text)
    for page in data["pages"]:
        text = (Path(corpus) / f"{page['file']}.txt").read_text(encoding="utf-8")
        assert "".join(piece for piece, _ in page["segments"]) == text
        for i in page["claims"]:
            claim = data["claims"][i]
            covered = "".join(piece for piece, claims in page["segments"] if i in claims)
            assert covered == "".join(text[a:b] for a, b in claim["spans"])
            assert claim["quote"] in covered


def test_without_text_the_page_lists_its_quotes_in_order(page_without_text):
    data = embedded(page_without_text)
    for page in data["pages"]:
        assert page["segments"] is None
        starts = [data["claims"][i]["start"] for i in page["claims"]]
        assert starts == sorted(starts, key=lambda s: -1 if s is None else s)


def test_a_changed_or_missing_corpus_is_refused_in_one_line(kg, corpus, tmp_path):
    with pytest.raises(CorpusError, match="corpus directory not found"):
        page_data(kg, corpus=tmp_path / "nowhere")
    copy = tmp_path / "corpus"
    copy.mkdir()
    for path in Path(corpus).glob("*.txt"):
        shutil.copyfile(path, copy / path.name)
    changed = copy / "003_ce75392af366c0c5.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA line added later.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"003_ce75392af366c0c5\.txt: sha256 .* the page text changed"):
        page_data(kg, corpus=copy)


@pytest.mark.slow  # a build of its own
def test_embedded_text_serves_the_page_view(corpus):
    from spinekg.kg import compile_shipped

    kg = KnowledgeGraph.from_build(compile_shipped(corpus, embed_text=True))
    data = page_data(kg)
    assert all(p["segments"] is not None for p in data["pages"])
    page = data["pages"][3]
    raw = (Path(corpus) / f"{page['file']}.txt").read_bytes()
    assert "".join(s for s, _ in page["segments"]).encode("utf-8") == raw


def test_matrix_holds_what_pages_say_treats_a_condition(kg, page_without_text):
    data = embedded(page_without_text)
    cells = {(c["row"], c["col"]): c["claims"] for c in data["matrix"]["cells"]}
    names = {str(d.iri): d.name for d in kg.documents()}
    rows = kg.query("treatments-for-condition", condition="back pain")
    assert len(rows) > 3
    for row in rows:
        entries = [data["claims"][i] for i in cells[(curie(row["treatment"]), curie(row["stated_condition"]))]]
        assert any(e["predicate"] == "treats" and e["document"] == names[str(row["document"])]
                   and e["quote"] == str(row["quote"]) for e in entries)


def test_conflicts_are_the_findings_with_page_names(kg, page_without_text):
    data = embedded(page_without_text)
    findings = kg.conflicts()
    assert len(data["conflicts"]) == len(findings) > 0
    names = {d.file: d.name for d in kg.documents()}
    for shown, finding in zip(data["conflicts"], findings):
        assert shown["kind"] == finding.kind
        assert shown["documents"] == [names[f] for f in finding.documents]
        quotes = [q for side in shown["sides"] for q in side["quotes"]]
        assert all(data["claims"][q["index"]]["quote"] == q["quote"] for q in quotes)


def hostile_kg():
    g = Graph()
    a, b = URIRef(str(SPK) + "A"), URIRef(str(SPK) + "B")
    for node, label in ((a, HOSTILE), (b, "b")):
        g.add((node, RDF.type, OWL_CLASS))
        g.add((node, RDFS.label, Literal(label)))
    for top in (SPK.Treatment, SPK.Pathology):
        g.add((top, RDF.type, OWL_CLASS))
    g.add((a, RDFS.subClassOf, SPK.Treatment))
    g.add((b, RDFS.subClassOf, SPK.Pathology))
    g.add((SPK.treats, RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")))
    g.add((a, SPK.treats, b))
    return KnowledgeGraph(graph=g, ontology=Graph(), data=g)


def test_hostile_label_cannot_close_the_script_element():
    page = to_html(hostile_kg()).decode("utf-8")
    assert "<script>window.PWNED" not in page and "<img src=x" not in page
    assert embedded(page.encode())["nodes"][0]["label"] == HOSTILE  # "@JS@" stayed text too


def test_without_pyvis_one_clear_error(kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyvis", None)
    with pytest.raises(SpinekgError, match=r"pip install 'spinekg\[html\]'"):
        to_html(kg)


# ---------------------------------------------------------------------------------------------
# in a real browser

@pytest.fixture(scope="module")
def browser():
    if shutil.which("chromedriver") is None:
        pytest.fail("chromedriver is not installed (.ci/run installs Debian's chromium and chromium-driver)")
    driver = chromium_driver(1400, 900)
    yield driver
    driver.quit()


def open_page(browser, path, timeout=60):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(path.as_uri())
    WebDriverWait(browser, timeout).until(lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "true")


def click(browser, element):
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", element)


#: vis-network's own record of each label: drawn or not (its draw rule), font size x scale, and the
#: box it drew (canvas coordinates, turned into screen pixels here)
LABELS_JS = """
const ex = window.spinekgExplorer, net = ex.network, scale = net.getScale();
const rect = document.getElementById('network').getBoundingClientRect();
return ex.data.nodes.map((d) => {
  const m = net.body.nodes[d.id].labelModule;
  const a = net.canvasToDOM({x: m.size.left, y: m.size.top});
  const b = net.canvasToDOM({x: m.size.left + m.size.width, y: m.size.top + m.size.height});
  return {id: d.id, degree: d.degree, drawn: m.visible() && !net.body.nodes[d.id].options.hidden,
          px: m.fontOptions.size * scale, box: [a.x, a.y, b.x, b.y], width: rect.width, height: rect.height};
});
"""


def check_legibility(browser) -> dict:
    labels = browser.execute_script(LABELS_JS)
    drawn = [lab for lab in labels if lab["drawn"]]
    assert drawn and all(lab["px"] >= 10 for lab in drawn), min(lab["px"] for lab in drawn)
    top = sorted(labels, key=lambda lab: (-lab["degree"], lab["id"]))[:15]
    assert all(lab["drawn"] for lab in top), [lab["id"] for lab in top if not lab["drawn"]]
    for lab in top:  # on screen
        x0, y0, x1, y1 = lab["box"]
        assert x0 >= -5 and y0 >= -5 and x1 <= lab["width"] + 5 and y1 <= lab["height"] + 5, lab
        assert y1 - y0 >= 10  # the box vis-network drew is at least 10 px high

    def area(a, b):
        return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))

    boxes = [lab["box"] for lab in drawn]
    total = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    overlap = sum(area(boxes[i], boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
    assert overlap <= 0.05 * total, (overlap, total)
    return {"drawn": len(drawn), "overlap": overlap / total}


@pytest.fixture(scope="module")
def explorer(page_with_text, tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer") / "kg.html"
    path.write_bytes(page_with_text)
    return path


@pytest.mark.slow
def test_browser_labels_are_legible_at_the_default_zoom(browser, explorer):
    open_page(browser, explorer)
    check_legibility(browser)
    assert browser.execute_script("return performance.getEntriesByName('spinekg-interactive').length") == 1
    # no request left the page: no resource entries, no http(s) address in any src or href
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert not browser.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href]')).filter((e) => /^https?:/.test(e.getAttribute('src') || e.getAttribute('href'))).length")


@pytest.mark.slow
def test_browser_click_edge_and_search_and_filter_fit_the_view(kg, browser, explorer):
    open_page(browser, explorer)
    data = embedded(explorer.read_bytes())
    index = next(i for i, e in enumerate(data["edges"])
                 if e["source"] == "spk:PlateletRichPlasmaTherapy" and e["target"] == "spk:TissueRepair")
    browser.execute_script("spinekgExplorer.network.body.emitter.emit('click', {nodes: [], edges: [arguments[0]]})", index)
    quotes = [q.text for q in browser.find_elements("css selector", "#details blockquote")]
    assert len(quotes) == 2 and any(q.startswith("Platelet Rich Plasma treatments capitalize") for q in quotes)
    assert "004 Southwest Spine and Pain Center" in browser.find_element("id", "details").text

    start_scale = browser.execute_script("return spinekgExplorer.network.getScale()")
    browser.find_element("id", "search").send_keys("PRP")  # a synonym
    assert browser.execute_script("return spinekgExplorer.network.getSelectedNodes()") == ["spk:PlateletRichPlasmaTherapy"]
    assert "platelet-rich plasma therapy" in browser.find_element("id", "details").text
    in_view = """const net = spinekgExplorer.network, r = document.getElementById('network').getBoundingClientRect();
        return arguments[0].every((id) => { const p = net.canvasToDOM(net.getPositions([id])[id]);
        return p.x >= 0 && p.y >= 0 && p.x <= r.width && p.y <= r.height; })"""
    assert browser.execute_script(in_view, ["spk:PlateletRichPlasmaTherapy"])
    assert browser.execute_script("return spinekgExplorer.network.getScale()") > 2 * start_scale  # re-centred, zoomed in
    browser.find_element("id", "search").clear()

    from selenium.webdriver.support.ui import Select

    name = next(d.name for d in kg.documents() if d.file == "003_ce75392af366c0c5")
    Select(browser.find_element("id", "document")).select_by_value(name)
    shown = browser.execute_script("return spinekgExplorer.edges.get({filter: (e) => !e.hidden}).map((e) => e.id)")
    expected = [i for i, e in enumerate(data["edges"]) if any(data["claims"][c]["document"] == name for c in e["claims"])]
    assert sorted(shown) == expected and expected
    nodes = browser.execute_script("return spinekgExplorer.nodes.get({filter: (n) => !n.hidden}).map((n) => n.id)")
    assert browser.execute_script(in_view, nodes)  # the view fits what the filter found
    Select(browser.find_element("id", "category")).select_by_value("treatment")
    nodes = browser.execute_script("return spinekgExplorer.nodes.get({filter: (n) => !n.hidden}).map((n) => n.id)")
    by_id = {n["id"]: n for n in data["nodes"]}
    assert nodes and any(by_id[n]["category"] == "treatment" for n in nodes) and browser.execute_script(in_view, nodes)


@pytest.mark.slow
def test_browser_page_view_highlights_every_claim(kg, browser, explorer):
    open_page(browser, explorer)
    from selenium.webdriver.support.ui import Select

    browser.find_element("css selector", "#tabs button[data-view=page]").click()
    doc = next(d for d in kg.documents() if d.file == "003_ce75392af366c0c5")
    Select(browser.find_element("id", "page-select")).select_by_value(doc.name)
    marks = browser.find_elements("css selector", "#page-text mark.span")
    ids = {int(i) for m in marks for i in m.get_attribute("data-claims").split()}
    assert len(ids) == claims_per_document(kg)[doc.file]
    stances = {m.get_attribute("class").split("stance-")[1] for m in marks}
    assert stances == {"asserted", "hedged", "negated", "attributed"}
    assert len(browser.find_elements("css selector", "#page-legend mark")) == 4
    mark = next(m for m in marks if "stance-negated" in m.get_attribute("class"))
    click(browser, mark)
    details = browser.find_element("id", "details")
    assert "negated (denied)" in details.text and doc.name in details.text
    assert mark.text.strip() and mark.text.strip()[:20] in details.text


@pytest.mark.slow
def test_browser_page_view_without_text_lists_the_quotes(kg, browser, page_without_text, tmp_path):
    path = tmp_path / "kg.html"
    path.write_bytes(page_without_text)
    open_page(browser, path)
    browser.find_element("css selector", "#tabs button[data-view=page]").click()
    quotes = browser.find_elements("css selector", "#page-text blockquote.quote")
    first = kg.documents()[0]
    assert len(quotes) == claims_per_document(kg)[first.file]
    assert "not in this file" in browser.find_element("id", "page-note").text
    click(browser, quotes[0])
    assert quotes[0].text in browser.find_element("id", "details").text


@pytest.mark.slow
def test_browser_matrix_conflicts_and_charts(kg, browser, explorer):
    open_page(browser, explorer)
    names = {str(d.iri): d.name for d in kg.documents()}
    row = next(r for r in kg.query("treatments-for-condition", condition="back pain") if not r["negated"].toPython())
    browser.find_element("css selector", "#tabs button[data-view=matrix]").click()
    cell = browser.find_element(
        "css selector", f'#matrix td[data-row="{curie(row["treatment"])}"][data-col="{curie(row["stated_condition"])}"]')
    entries = cell.find_elements("css selector", ".entry")
    page = names[str(row["document"])]
    assert any(e.get_attribute("data-page") == page and e.get_attribute("data-predicate") == "treats"
               and e.text == page.split()[0] for e in entries)
    click(browser, cell)
    assert str(row["quote"]) in browser.find_element("id", "details").text

    browser.find_element("css selector", "#tabs button[data-view=conflicts]").click()
    findings = browser.find_elements("css selector", "#conflicts .finding")
    conflicts = kg.conflicts()
    assert len(findings) == len(conflicts)
    assert Counter(f.get_attribute("data-kind") for f in findings) == Counter(f.kind for f in conflicts)

    browser.find_element("css selector", "#tabs button[data-view=charts]").click()
    bars = browser.find_elements("css selector", '[data-chart="claims-per-page"] g.bar')
    got = {b.get_attribute("data-label"): int(b.get_attribute("data-value")) for b in bars}
    count = claims_per_document(kg)
    assert got == {d.name: count[d.file] for d in kg.documents()}
    widths = {b.get_attribute("data-label"): float(b.find_element("tag name", "rect").get_attribute("width")) for b in bars}
    longest = max(got, key=got.get)
    assert widths[longest] == max(widths.values())
    per_page = browser.find_elements("css selector", '[data-chart="conflicts-per-page"] g.bar')
    conflict_count = {b.get_attribute("data-label"): int(b.get_attribute("data-value")) for b in per_page}
    by_file = {d.file: d.name for d in kg.documents()}
    assert conflict_count == {by_file[f]: sum(1 for c in conflicts if f in c.documents) for f in by_file}


@pytest.mark.slow
def test_browser_does_not_run_a_hostile_label(browser, tmp_path):
    path = tmp_path / "hostile.html"
    hostile_kg().export("html", path)
    open_page(browser, path)
    assert browser.execute_script("return window.PWNED === undefined")
    browser.find_element("id", "search").send_keys("script")
    assert browser.find_element("css selector", "#details h3").text == HOSTILE  # shown as text
    assert not browser.find_elements("css selector", "#details img, #details script")
    assert browser.execute_script("return window.PWNED === undefined")


#: the enlarged graph of the scale test: 50 synthetic pages of 40 claims (10x the shipped claims);
#: 500 pages (100x) take about 40 s to build and over 9 minutes for kg.conflicts() on rdflib
SCALE_PAGES = 50


@pytest.mark.slow
def test_browser_enlarged_graph_is_legible_and_interactive(kg, browser, tmp_path):
    from spinekg.synthetic import synthetic_graph

    big = synthetic_graph(SCALE_PAGES, 40, seed=1, folder=tmp_path / "syn", kg=kg).to_store("oxigraph")  # fast conflicts
    path = tmp_path / "big.html"
    path.write_bytes(to_html(big, corpus=tmp_path / "syn" / "corpus"))
    open_page(browser, path, timeout=60)
    check_legibility(browser)
    tti = browser.execute_script("return performance.getEntriesByName('spinekg-interactive')[0].startTime")
    assert tti < 30000
    browser.find_element("css selector", "#tabs button[data-view=charts]").click()
    bars = browser.find_elements("css selector", '[data-chart="claims-per-page"] g.bar')
    assert len(bars) == SCALE_PAGES and {int(b.get_attribute("data-value")) for b in bars} == {40}
