"""The evidence explorer: one self-contained, offline HTML page of the graph and its claims.

The page has five views: **Graph** (the entities view drawn by `vis-network
<https://visjs.github.io/vis-network/docs/network/>`_, which the ``pyvis`` package ships: its
``vis-network.min.js`` and CSS are read from the installed package at export time and embedded,
never copied into this repository; ``pip install 'spinekg[html]'``), **Page** (a page's text with
every claim's span highlighted by stance, or its quotes in page order when no text is at hand),
**Matrix** (treatments against pathologies, each cell listing the pages and their stances),
**Conflicts** (the findings of ``kg.conflicts()``) and **Charts** (claims per page, treatment and
stance; conflicts per page). The script is :file:`explorer.js` beside this module, the style
:file:`explorer.css`.

The layout is vis-network's physics (ForceAtlas2 with overlap avoidance, a fixed random seed and a
capped number of stabilization iterations), switched off once it has settled; then the labels that
fit are sized to be legible at the default zoom and the others appear on hover or zoom.

Page texts come from ``corpus`` (a folder of ``NNN_hash.txt`` files, each checked against the
SHA-256 the graph records) or from the graph itself (``spinekg build --embed-text``). Texts are cut
into segments here, in Python, so offsets (code points) never have to be converted in the browser.

Safety: the data travels as JSON inside ``<script type="application/json">`` with ``<``, ``>`` and
``&`` written as ``\\u003c``-style escapes; the script puts text into the page only with
``textContent`` (vis-network draws labels on a canvas), so a label such as ``<script>`` is shown,
never run; a Content-Security-Policy allows inline script and style only, no network.
The same graph always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from bisect import bisect_left
from collections import defaultdict
from importlib import resources
from pathlib import Path

from rdflib import Literal

from spinekg.core.errors import CorpusError, SpinekgError
from spinekg.core.files import write_atomic
from spinekg.export.flat import CATEGORY_COLOURS, colour, safe_json_text

__all__ = ["to_html", "write_html", "page_data", "render", "vis_network_assets", "STANCES"]

DEFAULT_TITLE = "spinekg: claims about regenerative treatments for neck and back pain"
#: how a claim stands, strongest first (a negated, attributed claim is shown as negated)
STANCES = ("negated", "attributed", "hedged", "asserted")
_TREATMENT, _PATHOLOGY = "treatment", "pathology"
_VIS_DIR = "lib/vis-9.1.2"


def vis_network_assets() -> tuple[str, str]:
    """vis-network's script and style sheet, read from the installed ``pyvis`` package."""
    try:
        root = resources.files("pyvis")
    except ModuleNotFoundError as err:
        raise SpinekgError("the html export embeds vis-network, which the pyvis package ships, and pyvis is "
                           "not installed: pip install 'spinekg[html]'") from err
    folder = root.joinpath(*_VIS_DIR.split("/"))
    try:
        return (folder.joinpath("vis-network.min.js").read_text(encoding="utf-8"),
                folder.joinpath("vis-network.css").read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise SpinekgError(f"pyvis is installed but has no {_VIS_DIR}/vis-network.min.js (a different pyvis "
                           "release?): pip install 'spinekg[html]' (pyvis 0.3.2)") from err


def _stance(negated: bool, attributed: bool, hedged: bool) -> str:
    return "negated" if negated else "attributed" if attributed else "hedged" if hedged else "asserted"


def _name(term) -> str:
    from spinekg.core.terms import curie

    return str(term) if isinstance(term, Literal) else curie(term)


def _claims(kg, names: dict[str, str]) -> tuple[list[dict], dict[str, int]]:
    """Every claim once (library question ``claim-details``), in (document, start, claim) order."""
    from spinekg.core.terms import curie, label_of

    g = kg.graph
    labels: dict = {}

    def label(term) -> str:
        if term not in labels:
            labels[term] = str(term) if isinstance(term, Literal) else label_of(g, term)
        return labels[term]

    grouped: dict[str, dict] = {}
    for row in kg.query("claim-details"):
        key = str(row["claim"])
        claim = grouped.get(key)
        if claim is None:
            doc = str(row["document"])
            negated = bool(row["negated"].toPython())
            hedged = str(row["modality"]).endswith("#Hedged")
            claim = grouped[key] = {
                "iri": key, "document": names.get(doc, doc), "quote": str(row["quote"]),
                "s": _name(row["subject"]), "p": curie(row["predicate"]), "o": _name(row["object"]),
                "subject": label(row["subject"]), "predicate": label(row["predicate"]), "object": label(row["object"]),
                "kind": str(row["kind"]), "modality": label(row["modality"]), "negated": negated,
                "direction": label(row["direction"]) if row["direction"] is not None else None,
                "source": label(row["source"]) if row["source"] is not None else None,
                "cue": str(row["attribution"]) if row["attribution"] is not None else None,
                "spans": set(), "_terms": (row["subject"], row["predicate"], row["object"])}
            claim["stance"] = _stance(negated, row["source"] is not None, hedged)
        if row["start"] is not None and row["end"] is not None:
            claim["spans"].add((int(row["start"]), int(row["end"])))
    ordered = sorted(grouped.values(), key=lambda c: (c["document"], min(c["spans"], default=(-1, -1)), c["iri"]))
    for claim in ordered:
        claim["spans"] = sorted(claim["spans"])
        claim["start"] = claim["spans"][0][0] if claim["spans"] else None
    return ordered, {c["iri"]: i for i, c in enumerate(ordered)}


def _texts(kg, docs, corpus: str | Path | None) -> dict[str, str]:
    """Each page's text by file name: from ``corpus`` (checked against the graph's SHA-256), else
    embedded in the graph (``prov:value`` on the current snapshot); pages without text are left out."""
    found: dict[str, str] = {}
    rows = kg.sparql("""PREFIX spk: <https://w3id.org/spinekg/vocab#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?file ?sha ?text WHERE {
          ?doc spk:fileName ?file ; spk:sha256 ?sha .
          OPTIONAL { ?doc spk:hasSnapshot ?snap . ?snap spk:sha256 ?sha ; prov:value ?text . }
        } ORDER BY ?file""")
    hashes = {}
    for row in rows:
        hashes[str(row["file"])] = str(row["sha"])
        if row["text"] is not None:
            found[str(row["file"])] = str(row["text"])
    if corpus is not None:
        folder = Path(corpus)
        if not folder.is_dir():
            raise CorpusError(f"{folder}: corpus directory not found; pass the folder of the page texts (NNN_hash.txt)")
        for doc in docs:
            path = folder / f"{doc.file}.txt"
            if not path.is_file():
                continue
            raw = path.read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            if doc.file in hashes and digest != hashes[doc.file]:
                raise CorpusError(f"{path}: sha256 {digest[:16]}... differs from the {hashes[doc.file][:16]}... the "
                                  "graph records: the page text changed; pass the corpus the graph was built from")
            try:
                found[doc.file] = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise CorpusError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    return found


def _segments(text: str, claims: list[tuple[int, list[tuple[int, int]]]]) -> list[list]:
    """``text`` cut at every span boundary: ``[piece, [claim indices covering it]]``, in order."""
    bounds = {0, len(text)}
    for _, spans in claims:
        for start, end in spans:
            if 0 <= start < end <= len(text):
                bounds.update((start, end))
    cuts = sorted(bounds)
    covering: dict[int, list[int]] = defaultdict(list)
    for index, spans in claims:
        for start, end in spans:
            if 0 <= start < end <= len(text):
                for i in range(bisect_left(cuts, start), bisect_left(cuts, end)):
                    covering[i].append(index)
    return [[text[a:b], sorted(set(covering.get(i, [])))] for i, (a, b) in enumerate(zip(cuts, cuts[1:])) if b > a]


def page_data(kg, corpus: str | Path | None = None) -> dict:
    """What the explorer shows: entities and edges (claims by index), pages (text segments or
    quotes), every claim, the treatment x pathology matrix and the conflicts."""
    from spinekg.core.terms import curie, label_of

    docs = kg.documents()
    names = {}
    for doc in docs:
        names[str(doc.iri)] = names[doc.file] = doc.name
    texts = _texts(kg, docs, corpus)  # a wrong corpus fails before any other work
    claims, index = _claims(kg, names)
    view = kg.to_networkx("entities", denied=True)
    g = kg.graph
    by_relation: dict[tuple, list[int]] = defaultdict(list)
    for i, claim in enumerate(claims):
        by_relation[claim["_terms"]].append(i)
    nodes = []
    for node, d in sorted(view.nodes(data=True), key=lambda x: str(x[0])):
        nodes.append({"id": curie(node), "iri": str(node), "label": d["label"], "category": d["category"],
                      "color": colour(d["category"]), "synonyms": d["synonyms"], "mappings": d["mappings"],
                      "degree": view.degree(node)})
    edges = []
    for s, o, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        edges.append({"source": curie(s), "target": curie(o), "predicate": curie(key), "label": d["label"],
                      "stance": d["stance"], "claims": by_relation.get((s, key, o), [])})
    # the matrix: claims whose subject is a treatment and whose object is a pathology
    tops: dict = {}

    def category(term) -> str:
        if term not in tops:
            top = None if isinstance(term, Literal) else kg.category(term)
            tops[term] = label_of(g, top) if top is not None else ""
        return tops[term]

    cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, claim in enumerate(claims):
        s, _, o = claim["_terms"]
        claim["sc"], claim["oc"] = category(s), category(o)
        if claim["sc"] == _TREATMENT and claim["oc"] == _PATHOLOGY:
            cells[(claim["s"], claim["o"])].append(i)
    term_labels = {c["s"]: c["subject"] for c in claims} | {c["o"]: c["object"] for c in claims}
    rows = sorted({t for t, _ in cells}, key=lambda t: (term_labels[t].lower(), t))
    cols = sorted({c for _, c in cells}, key=lambda t: (term_labels[t].lower(), t))
    matrix = {"rows": [{"id": t, "label": term_labels[t]} for t in rows],
              "cols": [{"id": t, "label": term_labels[t]} for t in cols],
              "cells": [{"row": r, "col": c, "claims": cells[(r, c)]} for r in rows for c in cols if (r, c) in cells]}
    pages = []
    for doc in docs:
        mine = [i for i, c in enumerate(claims) if c["document"] == doc.name]
        text = texts.get(doc.file)
        pages.append({"file": doc.file, "name": doc.name, "url": doc.url, "claims": mine,
                      "segments": _segments(text, [(i, claims[i]["spans"]) for i in mine]) if text is not None
                      else None})
    conflicts = []
    for finding in kg.conflicts():
        item = finding.to_dict()
        item["documents"] = [names.get(f, f) for f in item["documents"]]
        for side in item["sides"]:
            side["documents"] = [names.get(f, f) for f in side["documents"]]
            for quote in side["quotes"]:
                quote["document"] = names.get(quote["document"], quote["document"])
                quote["index"] = index.get(quote.pop("claim"), None)
                quote.pop("title", None)
        if "regulatory" in item:
            item["regulatory"]["pages"] = {names.get(f, f): state for f, state in item["regulatory"]["pages"].items()}
        conflicts.append(item)
    for claim in claims:
        del claim["_terms"], claim["iri"]
        claim["spans"] = [list(span) for span in claim["spans"]]
    categories = sorted({n["category"] for n in nodes if n["category"]})
    return {"nodes": nodes, "edges": edges, "claims": claims, "pages": pages, "matrix": matrix,
            "conflicts": conflicts, "stances": list(STANCES),
            "categories": [{"name": c, "color": CATEGORY_COLOURS.get(c, colour(c))} for c in categories]}


def _json_for_script(data: dict) -> str:
    text = safe_json_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _own(name: str) -> str:
    return resources.files("spinekg.export").joinpath(name).read_text(encoding="utf-8")


def _inline(code: str) -> str:
    """Library code made safe inside a ``<script>``/``<style>`` element (it never contains ``</script``
    in vis-network 9.1.2; this keeps it so for any release)."""
    return code.replace("</script", "<\\/script").replace("</style", "<\\/style")


def to_html(kg, title: str = DEFAULT_TITLE, *, corpus: str | Path | None = None) -> bytes:
    """The explorer page (``bytes``); ``corpus``: a folder of page texts for the Page view."""
    vis_network_assets()  # no pyvis: say so before any work
    return render(page_data(kg, corpus), title)


def render(data: dict, title: str = DEFAULT_TITLE) -> bytes:
    """The explorer page for :func:`page_data`'s ``data`` (the benchmark feeds it synthetic graphs)."""
    vis_js, vis_css = vis_network_assets()
    parts = {"TITLE": html.escape(title), "VIS_CSS": _inline(vis_css), "CSS": _inline(_own("explorer.css")),
             "DATA": _json_for_script(data), "VIS_JS": _inline(vis_js),
             "JS": _inline(_own("explorer.js"))}
    # one pass: what a part contains (a label "@JS@") is never expanded again
    return _MARKER.sub(lambda m: parts[m.group(1)], _TEMPLATE).encode("utf-8")


def write_html(kg, path: str | Path, *, corpus: str | Path | None = None,
               title: str = DEFAULT_TITLE) -> None:
    """Write the explorer page to ``path`` atomically."""
    write_atomic(path, to_html(kg, title, corpus=corpus))


_MARKER = re.compile(r"@(TITLE|VIS_CSS|CSS|DATA|VIS_JS|JS)@")
_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>@TITLE@</title>
<style>@VIS_CSS@</style>
<style>@CSS@</style>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <nav id="tabs" role="tablist">
    <button role="tab" data-view="graph" aria-selected="true">Graph</button>
    <button role="tab" data-view="page">Page</button>
    <button role="tab" data-view="matrix">Matrix</button>
    <button role="tab" data-view="conflicts">Conflicts</button>
    <button role="tab" data-view="charts">Charts</button>
  </nav>
</header>
<main>
  <section id="view-graph" class="view active">
    <div id="controls">
      <label>Search <input type="search" id="search" placeholder="label or synonym"></label>
      <label>Page <select id="document"><option value="">all pages</option></select></label>
      <label>Category <select id="category"><option value="">all categories</option></select></label>
      <label>Stance <select id="modality"><option value="">any stance</option></select></label>
      <button id="reset" type="button">Show all</button>
      <span id="counts" class="meta"></span>
    </div>
    <div id="network"></div>
    <div id="legend" class="meta"></div>
  </section>
  <section id="view-page" class="view">
    <div id="page-controls"><label>Page <select id="page-select"></select></label> <span id="page-legend"></span></div>
    <div id="page-note" class="meta"></div>
    <div id="page-text"></div>
  </section>
  <section id="view-matrix" class="view"><p class="meta" id="matrix-note"></p><div id="matrix"></div></section>
  <section id="view-conflicts" class="view"><p class="meta" id="conflicts-note"></p><div id="conflicts"></div></section>
  <section id="view-charts" class="view"><div id="charts"></div></section>
  <aside id="details"><p class="meta">Click a node, an edge, a highlighted span, a cell or a quote to read its claims.</p></aside>
</main>
<script type="application/json" id="spinekg-data">@DATA@</script>
<script>@VIS_JS@</script>
<script>@JS@</script>
</body>
</html>
"""
