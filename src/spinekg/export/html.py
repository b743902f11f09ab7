"""One self-contained HTML page of the entities view: works offline, no CDN, no network.

The layout is computed once, in Python, by networkx (``spring_layout`` with a fixed seed), so the
page opens settled (no endless physics) and is the same every time. The page draws the graph as
SVG with a little plain JavaScript: nodes coloured by category; pan (drag) and zoom (wheel);
search by label or synonym; filters by document, category and modality; clicking a node or an
edge lists its claims with their quotes, documents and qualifiers.

Safety: the data travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``
and ``&`` written as ``\\u003c``-style escapes, and the script only ever puts text into the page
with ``textContent``, so a label such as ``<script>`` is shown, never run.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from pathlib import Path

from spinekg.core.files import write_atomic
from spinekg.export.flat import CATEGORY_COLOURS, colour, safe_json_text

__all__ = ["to_html", "write_html", "page_data"]


def page_data(kg) -> dict:
    """What the page shows: nodes with positions, edges with their claims, documents, categories."""
    import networkx as nx

    from spinekg.core.namespaces import BIOLINK, OA, PROV, RDF, SPK
    from spinekg.core.terms import curie
    from spinekg.core.terms import label_of

    view = kg.to_networkx("entities")
    g = kg.graph
    simple = nx.Graph()
    simple.add_nodes_from(sorted(view.nodes, key=str))
    simple.add_edges_from(sorted(((str(s), str(o)) for s, o in view.edges()), key=str))
    simple = nx.relabel_nodes(simple, {n: str(n) for n in simple.nodes})
    try:
        positions = nx.spring_layout(simple, seed=7, iterations=80) if len(simple) else {}
    except ImportError as err:
        from spinekg.core.errors import SpinekgError

        raise SpinekgError(f"the html export lays the graph out with networkx, which needs {err.name} here "
                           "(numpy, and scipy above 500 nodes): pip install 'spinekg[html]'") from err
    claims_by_edge = defaultdict(list)
    documents = {}
    for claim in sorted(g.subjects(RDF.type, SPK.Claim)):
        key = (g.value(claim, RDF.subject), g.value(claim, RDF.predicate), g.value(claim, RDF.object))
        doc = g.value(claim, SPK.statedIn)
        name = str(g.value(doc, SPK.fileName) or doc)
        documents[name] = label_of(g, doc)
        start = end = None
        for selector in g.objects(g.value(claim, PROV.wasDerivedFrom), OA.hasSelector):
            start = g.value(selector, OA.start) if start is None else start
            end = g.value(selector, OA.end) if end is None else end
        claims_by_edge[key].append({
            "document": name, "quote": str(g.value(claim, BIOLINK.supporting_text)),
            "modality": label_of(g, g.value(claim, SPK.modality)),
            "negated": bool(g.value(claim, BIOLINK.negated).toPython()),
            "kind": ("recommendation" if (claim, RDF.type, SPK.RecommendationClaim) in g
                     else "evidence" if (claim, RDF.type, SPK.EvidenceClaim) in g else "assertion"),
            "direction": label_of(g, g.value(claim, SPK.evidenceDirection)) if (claim, SPK.evidenceDirection, None) in g else None,
            "start": int(start) if start is not None else None, "end": int(end) if end is not None else None})
    nodes = []
    for node, d in sorted(view.nodes(data=True), key=lambda x: str(x[0])):
        x, y = positions.get(str(node), (0.0, 0.0))
        nodes.append({"id": curie(node), "iri": str(node), "label": d["label"], "category": d["category"],
                      "color": colour(d["category"]), "synonyms": d["synonyms"], "mappings": d["mappings"],
                      "x": round(float(x) * 1000, 1), "y": round(float(y) * 1000, 1)})
    edges = []
    for s, o, key, d in sorted(view.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[2]), str(e[1]))):
        edges.append({"source": curie(s), "target": curie(o), "predicate": curie(key), "label": d["label"],
                      "claims": sorted(claims_by_edge.get((s, key, o), []),
                                       key=lambda c: (c["document"], c["start"] or 0))})
    categories = sorted({n["category"] for n in nodes if n["category"]})
    return {"nodes": nodes, "edges": edges, "documents": dict(sorted(documents.items())),
            "categories": [{"name": c, "color": CATEGORY_COLOURS.get(c, colour(c))} for c in categories]}


def _json_for_script(data: dict) -> str:
    text = safe_json_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


def to_html(kg, title: str = "spinekg: claims about regenerative treatments for neck and back pain") -> bytes:
    """The page."""
    page = _TEMPLATE.replace("@TITLE@", html.escape(title)).replace("@DATA@", _json_for_script(page_data(kg)))
    return page.encode("utf-8")


def write_html(kg, path: str | Path) -> None:
    write_atomic(path, to_html(kg))


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>@TITLE@</title>
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; display: flex; height: 100vh; }
  #side { width: 380px; overflow: auto; padding: 10px; border-right: 1px solid #ccc; box-sizing: border-box; }
  #main { flex: 1; position: relative; }
  svg { width: 100%; height: 100%; cursor: grab; background: #fafafa; }
  .edge { stroke: #999; stroke-opacity: .6; }
  .edge.denied { stroke-dasharray: 4 3; stroke: #c00; }
  .edge:hover, .edge.selected { stroke: #000; stroke-opacity: 1; stroke-width: 3; }
  .node circle { stroke: #333; stroke-width: .5; }
  .node.hit circle { stroke: #000; stroke-width: 3; }
  .node text { font-size: 10px; pointer-events: none; }
  .hidden { display: none; }
  label { display: block; margin: 4px 0; }
  select, input[type=search] { width: 100%; box-sizing: border-box; }
  blockquote { margin: 4px 0 10px; padding-left: 8px; border-left: 3px solid #ccc; }
  .meta { color: #555; font-size: 12px; }
  .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
</style>
</head>
<body>
<div id="side">
  <h3 id="title"></h3>
  <label>Search <input type="search" id="search" placeholder="label or synonym"></label>
  <div id="matches" class="meta"></div>
  <label>Document <select id="document"><option value="">all documents</option></select></label>
  <label>Modality <select id="modality"><option value="">asserted and hedged</option>
    <option value="asserted">asserted</option><option value="hedged">hedged</option></select></label>
  <fieldset id="categories"><legend>Categories</legend></fieldset>
  <div id="counts" class="meta"></div>
  <div id="details"></div>
</div>
<div id="main"><svg id="graph" role="img" aria-label="knowledge graph"><g id="viewport"><g id="edges"></g><g id="nodes"></g></g></svg></div>
<script type="application/json" id="spinekg-data">@DATA@</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById("spinekg-data").textContent);
const NS = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
$("title").textContent = document.title;
const byId = new Map(DATA.nodes.map((n) => [n.id, n]));
const state = { document: "", modality: "", categories: new Set(DATA.categories.map((c) => c.name)) };

for (const [file, label] of Object.entries(DATA.documents)) {
  const option = el("option", label); option.value = file; $("document").appendChild(option);
}
for (const c of DATA.categories) {
  const box = el("input"); box.type = "checkbox"; box.checked = true; box.value = c.name;
  const row = el("label"); const sw = el("span", "", "swatch"); sw.style.background = c.color;
  row.append(box, sw, document.createTextNode(c.name)); $("categories").appendChild(row);
  box.addEventListener("change", () => { box.checked ? state.categories.add(c.name) : state.categories.delete(c.name); render(); });
}

const nodeEls = new Map(), edgeEls = [];
for (const n of DATA.nodes) {
  const g = document.createElementNS(NS, "g"); g.setAttribute("class", "node"); g.setAttribute("data-id", n.id);
  g.setAttribute("transform", `translate(${n.x},${n.y})`);
  const c = document.createElementNS(NS, "circle"); c.setAttribute("r", 9); c.setAttribute("fill", n.color);
  const t = document.createElementNS(NS, "text"); t.setAttribute("x", 11); t.setAttribute("y", 4); t.textContent = n.label;
  const tip = document.createElementNS(NS, "title"); tip.textContent = `${n.label} (${n.category})`;
  g.append(c, t, tip); g.addEventListener("click", (e) => { e.stopPropagation(); showNode(n); });
  $("nodes").appendChild(g); nodeEls.set(n.id, g);
}
DATA.edges.forEach((edge, i) => {
  const a = byId.get(edge.source), b = byId.get(edge.target);
  const line = document.createElementNS(NS, "line");
  line.setAttribute("x1", a.x); line.setAttribute("y1", a.y); line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
  line.setAttribute("class", "edge" + (edge.claims.some((c) => c.negated && c.kind === "assertion") ? " denied" : ""));
  line.setAttribute("stroke-width", Math.min(1 + edge.claims.length, 6)); line.setAttribute("data-index", i);
  const tip = document.createElementNS(NS, "title"); tip.textContent = `${a.label} ${edge.label} ${b.label}`;
  line.appendChild(tip); line.addEventListener("click", (e) => { e.stopPropagation(); showEdge(edge, line); });
  $("edges").appendChild(line); edgeEls.push(line);
});

function visibleClaims(edge) {
  return edge.claims.filter((c) => (!state.document || c.document === state.document) && (!state.modality || c.modality === state.modality));
}
function render() {
  const filtering = state.document || state.modality;
  const shownNodes = new Set();
  DATA.edges.forEach((edge, i) => {
    const ends = [byId.get(edge.source), byId.get(edge.target)];
    const ok = ends.every((n) => state.categories.has(n.category)) && (!filtering || visibleClaims(edge).length > 0);
    edgeEls[i].classList.toggle("hidden", !ok);
    if (ok) { shownNodes.add(edge.source); shownNodes.add(edge.target); }
  });
  let count = 0;
  for (const n of DATA.nodes) {
    const ok = state.categories.has(n.category) && (!filtering || shownNodes.has(n.id));
    nodeEls.get(n.id).classList.toggle("hidden", !ok); if (ok) count++;
  }
  $("counts").textContent = `${count} entities, ${edgeEls.filter((e) => !e.classList.contains("hidden")).length} edges shown`;
}
function claimList(claims, parent) {
  if (!claims.length) { parent.appendChild(el("p", "No claim states this edge (ontology or reference data).", "meta")); return; }
  for (const c of claims) {
    const meta = `${DATA.documents[c.document] || c.document} · ${c.modality}${c.negated ? (c.kind === "recommendation" ? " · advises against" : " · denied") : ""}` +
      (c.kind === "recommendation" ? " · recommendation" : "") + (c.kind === "evidence" ? ` · evidence (${c.direction})` : "") +
      (c.start !== null ? ` · characters ${c.start}–${c.end}` : "");
    parent.append(el("div", meta, "meta"), el("blockquote", c.quote, "quote"));
  }
}
function showEdge(edge, line) {
  document.querySelectorAll(".edge.selected").forEach((e) => e.classList.remove("selected"));
  if (line) line.classList.add("selected");
  const box = $("details"); box.replaceChildren();
  const a = byId.get(edge.source), b = byId.get(edge.target);
  box.appendChild(el("h4", `${a.label} — ${edge.label} → ${b.label}`));
  claimList(visibleClaims(edge), box);
}
function showNode(n) {
  const box = $("details"); box.replaceChildren();
  box.append(el("h4", n.label), el("div", `${n.category} · ${n.id}`, "meta"));
  if (n.synonyms.length) box.appendChild(el("div", "Synonyms: " + n.synonyms.join(", "), "meta"));
  if (n.mappings.length) box.appendChild(el("div", "Mappings: " + n.mappings.join(", "), "meta"));
  for (const edge of DATA.edges) {
    if (edge.source !== n.id && edge.target !== n.id) continue;
    const claims = visibleClaims(edge); if (!claims.length) continue;
    box.appendChild(el("h5", `${byId.get(edge.source).label} — ${edge.label} → ${byId.get(edge.target).label}`));
    claimList(claims, box);
  }
}
$("document").addEventListener("change", (e) => { state.document = e.target.value; render(); });
$("modality").addEventListener("change", (e) => { state.modality = e.target.value; render(); });
$("search").addEventListener("input", (e) => {
  const q = e.target.value.trim().toLowerCase(); const hits = [];
  for (const n of DATA.nodes) {
    const hit = q.length > 0 && [n.label, ...n.synonyms].some((s) => s.toLowerCase().includes(q));
    nodeEls.get(n.id).classList.toggle("hit", hit); if (hit) hits.push(n);
  }
  $("matches").textContent = q ? `${hits.length} match${hits.length === 1 ? "" : "es"}` + (hits.length ? ": " + hits.slice(0, 8).map((n) => n.label).join(", ") : "") : "";
  if (hits.length === 1) { showNode(hits[0]); center(hits[0]); }
});

// pan and zoom on a viewBox fitted to the layout
const svg = $("graph");
const xs = DATA.nodes.map((n) => n.x), ys = DATA.nodes.map((n) => n.y);
let view = xs.length ? [Math.min(...xs) - 60, Math.min(...ys) - 60, Math.max(...xs) - Math.min(...xs) + 260, Math.max(...ys) - Math.min(...ys) + 120] : [0, 0, 100, 100];
const apply = () => svg.setAttribute("viewBox", view.join(" "));
function center(n) { view = [n.x - view[2] / 2, n.y - view[3] / 2, view[2], view[3]]; apply(); }
svg.addEventListener("wheel", (e) => {
  e.preventDefault(); const k = e.deltaY > 0 ? 1.15 : 1 / 1.15; const r = svg.getBoundingClientRect();
  const px = view[0] + view[2] * (e.clientX - r.left) / r.width, py = view[1] + view[3] * (e.clientY - r.top) / r.height;
  view = [px - (px - view[0]) * k, py - (py - view[1]) * k, view[2] * k, view[3] * k]; apply();
}, { passive: false });
let drag = null;
svg.addEventListener("mousedown", (e) => { drag = [e.clientX, e.clientY, view[0], view[1]]; });
window.addEventListener("mouseup", () => { drag = null; });
window.addEventListener("mousemove", (e) => {
  if (!drag) return; const r = svg.getBoundingClientRect();
  view[0] = drag[2] - (e.clientX - drag[0]) * view[2] / r.width; view[1] = drag[3] - (e.clientY - drag[1]) * view[3] / r.height; apply();
});
apply(); render();
document.body.setAttribute("data-ready", "true");
</script>
</body>
</html>
"""
