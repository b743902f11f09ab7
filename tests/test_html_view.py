"""The HTML view: its embedded data, its escaping, and its behaviour in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from rdflib import Graph, Literal, URIRef

from spinekg.export.html import to_html
from spinekg.kg import KnowledgeGraph
from spinekg.core.namespaces import RDF, RDFS, SPK

OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
HOSTILE = '<script>window.PWNED=1</script><img src=x onerror="window.PWNED=2">'


def embedded(page: bytes) -> dict:
    text = page.decode("utf-8")
    match = re.search(r'<script type="application/json" id="spinekg-data">(.*?)</script>', text, re.S)
    return json.loads(match.group(1))


def test_page_is_self_contained_and_carries_the_graph(kg):
    page = to_html(kg)
    text = page.decode("utf-8")
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', text), "no network resources"
    data = embedded(page)
    view = kg.to_networkx("entities")
    assert len(data["nodes"]) == view.number_of_nodes() and len(data["edges"]) == view.number_of_edges()
    edge = [e for e in data["edges"] if e["source"] == "spk:PlateletRichPlasmaTherapy" and e["target"] == "spk:TissueRepair"]
    assert [c["document"] for c in edge[0]["claims"]] == ["000_0e4ad2cffa1f476f", "004_18a61ff07f1e7ac0"]
    # each edge lists its assertion claims (the view's count) and the recommendations and evidence about it
    assert sum(1 for e in data["edges"] for c in e["claims"] if c["kind"] == "assertion") == \
        sum(d["claims"] for _, _, d in view.edges(data=True))
    kinds = {(c["kind"], c["direction"]) for e in data["edges"] for c in e["claims"]}
    assert {("assertion", None), ("evidence", "supports"), ("recommendation", None)} <= kinds
    assert page == to_html(kg)  # deterministic, layout included


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
    assert embedded(page.encode())["nodes"][0]["label"] == HOSTILE


# ---------------------------------------------------------------------------------------------
# in a real browser

@pytest.fixture(scope="module")
def browser():
    if shutil.which("chromedriver") is None:
        pytest.fail("chromedriver is not installed (.ci/run installs Debian's chromium and chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(arg)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def open_page(browser, path):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(path.as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "true")


@pytest.mark.slow
def test_browser_renders_nodes_and_shows_quotes_on_click(kg, browser, tmp_path):
    path = tmp_path / "kg.html"
    kg.export("html", path)
    open_page(browser, path)
    view = kg.to_networkx("entities")
    assert len(browser.find_elements("css selector", "#nodes .node")) == view.number_of_nodes()
    assert len(browser.find_elements("css selector", "#edges line")) == view.number_of_edges()
    data = embedded(path.read_bytes())
    index = next(i for i, e in enumerate(data["edges"])
                 if e["source"] == "spk:PlateletRichPlasmaTherapy" and e["target"] == "spk:TissueRepair")
    line = browser.find_element("css selector", f'#edges line[data-index="{index}"]')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", line)
    quotes = [q.text for q in browser.find_elements("css selector", "#details blockquote")]
    assert len(quotes) == 2 and any(q.startswith("Platelet Rich Plasma treatments capitalize") for q in quotes)
    assert "004_18a61ff07f1e7ac0" in browser.find_element("id", "details").text


@pytest.mark.slow
def test_browser_search_and_filters(kg, browser, tmp_path):
    path = tmp_path / "kg.html"
    kg.export("html", path)
    open_page(browser, path)
    search = browser.find_element("id", "search")
    search.send_keys("PRP")  # a synonym
    hits = browser.find_elements("css selector", "#nodes .node.hit")
    assert [h.get_attribute("data-id") for h in hits] == ["spk:PlateletRichPlasmaTherapy"]
    assert "platelet-rich plasma therapy" in browser.find_element("id", "details").text
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "document")).select_by_value("003_ce75392af366c0c5")
    shown = [e for e in browser.find_elements("css selector", "#edges line") if "hidden" not in e.get_attribute("class")]
    data = embedded(path.read_bytes())
    expected = [e for e in data["edges"] if any(c["document"] == "003_ce75392af366c0c5" for c in e["claims"])]
    assert len(shown) == len(expected) > 0


@pytest.mark.slow
def test_browser_does_not_run_a_hostile_label(browser, tmp_path):
    path = tmp_path / "hostile.html"
    hostile_kg().export("html", path)
    open_page(browser, path)
    assert browser.execute_script("return window.PWNED === undefined")
    labels = [t.text for t in browser.find_elements("css selector", "#nodes text")]
    assert HOSTILE in labels
