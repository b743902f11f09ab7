// spinekg evidence explorer: the graph (vis-network), a page's text with its claims, the
// treatment x pathology matrix, the conflicts and a few charts. Data comes from the JSON element
// #spinekg-data; text reaches the page only through textContent (never innerHTML).
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("spinekg-data").textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const SVG = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };
  const SHOWN_PX = 14;   // screen height of a label shown at the default zoom
  const HIDDEN_PX = 7;   // the others: drawn from about 1.6x zoom on (vis draws labels of 10 px and more)
  const THRESHOLD = 11;  // vis-network draws a label when font size x scale >= THRESHOLD - 1
  const MAX_LABELS = 80;
  const STANCE_TEXT = { asserted: "asserted", hedged: "hedged", negated: "negated (denied)", attributed: "attributed to a third party" };
  $("title").textContent = document.title;
  const byId = new Map(DATA.nodes.map((n) => [n.id, n]));
  const pageByName = new Map(DATA.pages.map((p) => [p.name, p]));
  const short = (name) => name.split(" ")[0];

  // ------------------------------------------------------------------ tabs
  const tabs = Array.from(document.querySelectorAll("#tabs button"));
  function showView(name) {
    for (const t of tabs) t.setAttribute("aria-selected", String(t.dataset.view === name));
    for (const v of document.querySelectorAll(".view")) v.classList.toggle("active", v.id === "view-" + name);
    document.body.dataset.view = name;
  }
  for (const t of tabs) t.addEventListener("click", () => showView(t.dataset.view));

  // ------------------------------------------------------------------ side panel
  function claimMeta(c) {
    const parts = [c.document, STANCE_TEXT[c.stance], c.modality, c.negated ? "negated" : "not negated", c.kind];
    if (c.direction) parts.push("evidence " + c.direction);
    if (c.source) parts.push("according to " + c.source);
    if (c.start !== null) parts.push("characters " + c.spans.map((s) => s[0] + "–" + s[1]).join(", "));
    return parts.join(" · ");
  }
  function claimBlock(index, parent) {
    const c = DATA.claims[index];
    const box = el("div", undefined, "claim stance-" + c.stance);
    box.dataset.claim = String(index);
    box.append(el("div", c.subject + " — " + c.predicate + " → " + c.object, "relation"),
      el("div", claimMeta(c), "meta"), el("blockquote", c.quote, "quote"));
    parent.appendChild(box);
  }
  function showClaims(heading, indices, extra) {
    const box = $("details");
    box.replaceChildren(el("h3", heading));
    if (extra) extra(box);
    if (!indices.length) box.appendChild(el("p", "No claim states this (ontology or reference data).", "meta"));
    for (const i of indices) claimBlock(i, box);
  }

  // ------------------------------------------------------------------ graph
  const n = DATA.nodes.length;
  const nodeSize = (d) => 6 + 3 * Math.sqrt(d.degree);
  const stanceColor = { asserted: "#8a8a8a", contested: "#e08a00", denied: "#c00000" };
  const tooltip = (node) => {
    const t = el("div", node.label + " (" + node.category + ")", "tip");
    if (node.synonyms.length) t.appendChild(el("div", "also: " + node.synonyms.join(", ")));
    return t;
  };
  const visNodes = new vis.DataSet(DATA.nodes.map((d) => ({
    id: d.id, label: d.label, shape: "dot", size: nodeSize(d), title: tooltip(d),
    color: { background: d.color, border: "#333333", highlight: { background: d.color, border: "#000000" } },
    font: { size: HIDDEN_PX, face: "arial", color: "#111111", strokeWidth: 3, strokeColor: "#ffffff" },
  })));
  const visEdges = new vis.DataSet(DATA.edges.map((e, i) => ({
    id: i, from: e.source, to: e.target, label: e.label, arrows: "to",
    dashes: e.stance !== "asserted", color: { color: stanceColor[e.stance] || "#8a8a8a", opacity: 0.7 },
    width: Math.min(1 + e.claims.length / 2, 5), font: { size: 9, align: "middle", strokeWidth: 3 },
  })));
  // iterations: enough to settle small graphs, capped so 10k nodes still become interactive quickly
  const iterations = Math.max(60, Math.min(1000, Math.round(250000 / Math.max(n, 1))));
  const options = {
    layout: { randomSeed: 7, improvedLayout: n <= 300 },
    physics: {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, centralGravity: 0.008, springLength: 90, springConstant: 0.06, avoidOverlap: 0.6, damping: 0.5 },
      stabilization: { enabled: true, iterations: iterations, updateInterval: 25, fit: true },
      minVelocity: 1,
    },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: n > 2000, hideEdgesOnZoom: n > 2000, multiselect: true },
    nodes: { scaling: { label: { enabled: false, drawThreshold: THRESHOLD, maxVisible: 40 } } },
    edges: { smooth: false, arrows: { to: { enabled: true, scaleFactor: 0.5 } }, scaling: { label: { drawThreshold: THRESHOLD, maxVisible: 18 } } },
  };
  performance.mark("spinekg-start");
  const network = new vis.Network($("network"), { nodes: visNodes, edges: visEdges }, options);
  const state = { document: "", category: "", stance: "", shown: new Set(), focus: null };
  let visible = new Set(DATA.nodes.map((d) => d.id));
  let baseScale = 1;

  const measure = document.createElement("canvas").getContext("2d");
  // Labels: the nodes of highest degree first; a label is shown at SHOWN_PX below (or else above)
  // its node when its box overlaps no label already shown; the first 15 are always shown, where
  // they overlap least. The others stay small (drawn on zoom; on hover they are enlarged).
  function placeLabels(ids) {
    const scale = network.getScale();
    baseScale = scale;
    const pos = network.getPositions(ids);
    const order = ids.slice().sort((a, b) => byId.get(b).degree - byId.get(a).degree || (a < b ? -1 : 1));
    const boxes = [];
    const updates = [];
    const area = (a, b) => Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    measure.font = SHOWN_PX + "px arial";
    const rect = $("network").getBoundingClientRect();
    state.shown = new Set();
    order.forEach((id, rank) => {
      const d = byId.get(id);
      const p = network.canvasToDOM(pos[id]);
      const r = nodeSize(d) * scale;
      const w = measure.measureText(d.label).width + 4, h = SHOWN_PX * 1.25;
      const onScreen = p.x > 0 && p.y > 0 && p.x < rect.width && p.y < rect.height;
      let best = null;
      if (state.shown.size < MAX_LABELS && onScreen) {
        for (const [dy, vadjust] of [[r + 2, 0], [-r - 2 - h, -(2 * r + h + 4) / scale]]) {
          const box = [p.x - w / 2, p.y + dy, p.x + w / 2, p.y + dy + h];
          const overlap = boxes.reduce((sum, b) => sum + area(box, b), 0);
          if (best === null || overlap < best.overlap) best = { box, vadjust, overlap };
          if (overlap === 0) break;
        }
        if (best.overlap > 0 && rank >= 15) best = null;
      }
      if (best) {
        boxes.push(best.box);
        state.shown.add(id);
        updates.push({ id, font: { size: SHOWN_PX / scale, vadjust: best.vadjust } });
      } else {
        updates.push({ id, font: { size: HIDDEN_PX / scale, vadjust: 0 } });
      }
    });
    visNodes.update(updates);
    visEdges.update(DATA.edges.map((e, i) => ({ id: i, font: { size: 8 / scale } })));
  }
  // zooming in: shown labels grow a little, not without bound
  network.on("zoom", () => {
    const scale = network.getScale();
    const px = Math.min(SHOWN_PX * Math.max(1, scale / baseScale), 20);
    visNodes.update(Array.from(state.shown, (id) => ({ id, font: { size: px / scale } })));
  });
  network.on("hoverNode", (p) => {
    if (!state.shown.has(p.node)) visNodes.update({ id: p.node, font: { size: SHOWN_PX / network.getScale() } });
  });
  network.on("blurNode", (p) => {
    if (!state.shown.has(p.node)) visNodes.update({ id: p.node, font: { size: HIDDEN_PX / baseScale } });
  });

  function fitTo(ids) {
    if (!ids.length) return;
    network.fit({ nodes: ids, animation: false, minZoomLevel: 0.0001, maxZoomLevel: 4 });
    placeLabels(ids);
  }
  // Second look, at the boxes vis-network actually drew: a label that still overlaps one of a
  // higher-degree node moves to the other side of its node (the first 15) or is hidden until zoom.
  function pruneLabels(pass) {
    const scale = network.getScale();
    const order = Array.from(state.shown).sort((a, b) => byId.get(b).degree - byId.get(a).degree || (a < b ? -1 : 1));
    const kept = [];
    const updates = [];
    const overlaps = (m) => kept.some((k) => m.left < k.left + k.width && k.left < m.left + m.width && m.top < k.top + k.height && k.top < m.top + m.height);
    order.forEach((id, rank) => {
      const node = network.body.nodes[id];
      const m = node.labelModule.size;
      if (!overlaps(m)) { kept.push({ left: m.left, top: m.top, width: m.width, height: m.height }); return; }
      if (rank < 15 && pass < 2) {
        const flip = (node.options.font.vadjust || 0) === 0 ? -(2 * node.options.size + m.height + 4) : 0;
        updates.push({ id, font: { vadjust: flip } });
        kept.push({ left: m.left, top: m.top + flip, width: m.width, height: m.height });
      } else if (rank >= 15) {
        state.shown.delete(id);
        updates.push({ id, font: { size: HIDDEN_PX / scale, vadjust: 0 } });
      } else {
        kept.push({ left: m.left, top: m.top, width: m.width, height: m.height });
      }
    });
    if (updates.length) visNodes.update(updates);
    return updates.length;
  }
  function settleLabels(done, pass) {
    network.once("afterDrawing", () => requestAnimationFrame(() => {
      if (pass < 3 && pruneLabels(pass)) settleLabels(done, pass + 1);
      else done();
    }));
    network.redraw();
  }
  function ready() {
    network.setOptions({ physics: false });
    network.fit({ animation: false });
    placeLabels(DATA.nodes.map((d) => d.id));
    performance.mark("spinekg-layout-done");
    settleLabels(() => {
      performance.mark("spinekg-interactive");
      document.body.dataset.ready = "true";
    }, 0);
  }
  if (n === 0) {
    performance.mark("spinekg-layout-done");
    performance.mark("spinekg-interactive");
    document.body.dataset.ready = "true";
  } else {
    network.once("stabilizationIterationsDone", ready);
  }

  // filters: a page, a category (its entities and their neighbours), a stance
  for (const p of DATA.pages) { const o = el("option", p.name); o.value = p.name; $("document").appendChild(o); }
  for (const c of DATA.categories) { const o = el("option", c.name); o.value = c.name; $("category").appendChild(o); }
  for (const s of DATA.stances) { const o = el("option", STANCE_TEXT[s]); o.value = s; $("modality").appendChild(o); }
  for (const c of DATA.categories) {
    const item = el("span", c.name, "key");
    const sw = el("span", "", "swatch"); sw.style.background = c.color; item.prepend(sw);
    $("legend").appendChild(item);
  }
  const claimOk = (i) => (!state.document || DATA.claims[i].document === state.document) && (!state.stance || DATA.claims[i].stance === state.stance);
  function applyFilters(fit) {
    const claimFilter = state.document || state.stance;
    const nodeOk = new Set();
    const edgeUpdates = DATA.edges.map((e, i) => {
      let ok = !claimFilter || e.claims.some(claimOk);
      if (state.category) ok = ok && (byId.get(e.source).category === state.category || byId.get(e.target).category === state.category);
      if (state.focus) ok = ok && (e.source === state.focus || e.target === state.focus);
      if (ok) { nodeOk.add(e.source); nodeOk.add(e.target); }
      return { id: i, hidden: !ok };
    });
    for (const d of DATA.nodes) {
      if (!claimFilter && !state.category && !state.focus) nodeOk.add(d.id);
      else if (state.category && !claimFilter && !state.focus && d.category === state.category) nodeOk.add(d.id);
    }
    if (state.focus) nodeOk.add(state.focus);
    visEdges.update(edgeUpdates);
    visNodes.update(DATA.nodes.map((d) => ({ id: d.id, hidden: !nodeOk.has(d.id) })));
    visible = nodeOk;
    $("counts").textContent = nodeOk.size + " entities, " + edgeUpdates.filter((e) => !e.hidden).length + " edges shown";
    if (fit) fitTo(Array.from(nodeOk));
  }
  $("document").addEventListener("change", (e) => { state.document = e.target.value; applyFilters(true); });
  $("category").addEventListener("change", (e) => { state.category = e.target.value; applyFilters(true); });
  $("modality").addEventListener("change", (e) => { state.stance = e.target.value; applyFilters(true); });
  $("reset").addEventListener("click", () => {
    Object.assign(state, { document: "", category: "", stance: "", focus: null });
    for (const id of ["document", "category", "modality", "search"]) $(id).value = "";
    $("matches").textContent = "";
    applyFilters(true);
  });
  function focusOn(id) { state.focus = id; applyFilters(true); network.selectNodes([id]); }

  // search by label or synonym: select the matches and fit the view to them
  const matches = el("div", "", "meta"); matches.id = "matches"; $("controls").appendChild(matches);
  $("search").addEventListener("input", (e) => {
    const q = e.target.value.trim().toLowerCase();
    if (!q) { matches.textContent = ""; network.unselectAll(); return; }
    const hits = DATA.nodes.filter((d) => visible.has(d.id) && [d.label, ...d.synonyms].some((s) => s.toLowerCase().includes(q)));
    matches.textContent = hits.length + (hits.length === 1 ? " match" : " matches") + (hits.length ? ": " + hits.slice(0, 8).map((d) => d.label).join(", ") : "");
    const ids = hits.map((d) => d.id);
    network.selectNodes(ids);
    if (ids.length) {
      network.fit({ nodes: ids, animation: false, maxZoomLevel: 2 });
      const scale = network.getScale();
      visNodes.update(ids.map((id) => ({ id, font: { size: SHOWN_PX / scale } })));
      for (const id of ids) state.shown.add(id);
    }
    if (hits.length === 1) showNode(hits[0]);
  });

  function edgeTitle(e) { return byId.get(e.source).label + " — " + e.label + " → " + byId.get(e.target).label; }
  function showNode(d) {
    const edges = DATA.edges.filter((e) => e.source === d.id || e.target === d.id);
    const box = $("details");
    box.replaceChildren(el("h3", d.label), el("div", d.category + " · " + d.id, "meta"));
    if (d.synonyms.length) box.appendChild(el("div", "Synonyms: " + d.synonyms.join(", "), "meta"));
    if (d.mappings.length) box.appendChild(el("div", "Mappings: " + d.mappings.join(", "), "meta"));
    const focus = el("button", "Focus on its neighbourhood"); focus.type = "button"; focus.id = "focus";
    focus.addEventListener("click", () => focusOn(d.id));
    box.appendChild(focus);
    for (const e of edges) {
      const claims = e.claims.filter(claimOk);
      if (!claims.length) continue;
      box.appendChild(el("h4", edgeTitle(e)));
      for (const i of claims) claimBlock(i, box);
    }
  }
  network.on("click", (p) => {
    if (p.nodes.length) showNode(byId.get(p.nodes[0]));
    else if (p.edges.length) { const e = DATA.edges[p.edges[0]]; showClaims(edgeTitle(e), e.claims.filter(claimOk)); }
  });
  network.on("doubleClick", (p) => { if (p.nodes.length) focusOn(p.nodes[0]); });

  // ------------------------------------------------------------------ page view
  function legend(parent) {
    for (const s of DATA.stances) parent.appendChild(el("mark", STANCE_TEXT[s], "key stance-" + s));
  }
  legend($("page-legend"));
  for (const p of DATA.pages) { const o = el("option", p.name + " (" + p.claims.length + " claims)"); o.value = p.name; $("page-select").appendChild(o); }
  const strongest = (indices) => DATA.stances.find((s) => indices.some((i) => DATA.claims[i].stance === s));
  function renderPage(name) {
    const page = pageByName.get(name);
    const out = $("page-text");
    out.replaceChildren();
    if (!page) return;
    if (page.segments) {
      $("page-note").textContent = page.claims.length + " claims; click a highlighted span to read its claims.";
      out.className = "text";
      for (const [piece, indices] of page.segments) {
        if (!indices.length) { out.appendChild(document.createTextNode(piece)); continue; }
        const m = el("mark", piece, "span stance-" + strongest(indices));
        m.dataset.claims = indices.join(" ");
        m.addEventListener("click", () => showClaims(page.name, indices));
        out.appendChild(m);
      }
    } else {
      $("page-note").textContent = "The page's text is not in this file (export with a corpus, or build with --embed-text): its " +
        page.claims.length + " quotes in page order.";
      out.className = "quotes";
      for (const i of page.claims) {
        const q = el("blockquote", DATA.claims[i].quote, "quote span stance-" + DATA.claims[i].stance);
        q.dataset.claims = String(i);
        q.addEventListener("click", () => showClaims(page.name, [i]));
        out.appendChild(q);
      }
    }
  }
  $("page-select").addEventListener("change", (e) => renderPage(e.target.value));
  if (DATA.pages.length) renderPage(DATA.pages[0].name);

  // ------------------------------------------------------------------ matrix
  //: a cell lists its pages one by one up to this many claims, else counts pages per stance
  const CELL_ENTRIES = 12;
  (function matrix() {
    const M = DATA.matrix;
    $("matrix-note").textContent = M.rows.length + " treatments × " + M.cols.length +
      " pathologies, from the claims whose subject is a treatment and whose object a pathology (treats, causes, risks, ...). Each cell lists the pages by number, coloured by stance (a cell of more than " + CELL_ENTRIES + " claims: how many pages per stance); click it for the claims.";
    legend($("matrix-note"));
    const cells = new Map(M.cells.map((c) => [c.row + "\u0000" + c.col, c]));
    const table = el("table", undefined, "matrix");
    const head = el("tr"); head.appendChild(el("th", "treatment \\ pathology"));
    for (const c of M.cols) { const th = el("th", undefined, "col"); th.appendChild(el("span", c.label)); th.dataset.col = c.id; head.appendChild(th); }
    table.appendChild(head);
    for (const r of M.rows) {
      const tr = el("tr"); const th = el("th", r.label, "row"); th.dataset.row = r.id; tr.appendChild(th);
      for (const c of M.cols) {
        const td = el("td");
        const cell = cells.get(r.id + "\u0000" + c.id);
        if (cell) {
          td.dataset.row = r.id; td.dataset.col = c.id; td.className = "filled";
          if (cell.claims.length <= CELL_ENTRIES) {
            for (const i of cell.claims) {
              const cl = DATA.claims[i];
              const s = el("span", short(cl.document), "entry stance-" + cl.stance);
              s.dataset.stance = cl.stance; s.dataset.page = cl.document; s.dataset.predicate = cl.predicate;
              s.title = cl.document + ": " + cl.predicate + ", " + STANCE_TEXT[cl.stance] + " (" + cl.kind + ")";
              td.appendChild(s);
            }
          } else {  // a crowded cell (hundreds of pages): how many pages per stance; the list on click
            const pages = new Map();
            for (const i of cell.claims) {
              const cl = DATA.claims[i];
              if (!pages.has(cl.stance)) pages.set(cl.stance, new Set());
              pages.get(cl.stance).add(cl.document);
            }
            for (const [stance, docs] of [...pages.entries()].sort()) {
              const s = el("span", String(docs.size), "count stance-" + stance);
              s.dataset.stance = stance; s.dataset.pages = String(docs.size);
              s.title = docs.size + " pages, " + STANCE_TEXT[stance];
              td.appendChild(s);
            }
          }
          td.addEventListener("click", () => showClaims(r.label + " × " + c.label, cell.claims));
        }
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
    $("matrix").appendChild(table);
  })();

  // ------------------------------------------------------------------ conflicts
  (function conflicts() {
    $("conflicts-note").textContent = DATA.conflicts.length + " findings where the pages disagree (spinekg conflicts), most pages first.";
    for (const f of DATA.conflicts) {
      const box = el("article", undefined, "finding");
      box.dataset.kind = f.kind;
      box.append(el("h3", f.kind + ": " + f.relation.labels[0] + " — " + f.relation.labels[1] + " → " + f.relation.labels[2]),
        el("div", f.title, "meta"));
      if (f.regulatory) {
        const r = f.regulatory;
        box.appendChild(el("div", "Regulator: " + (r.regulator || "?") + " (" + (r.jurisdiction || "jurisdiction not stated") + "), status " +
          (r.status || "?") + "; " + Object.entries(r.pages).map(([p, s]) => p + ": " + s).join("; "), "meta"));
      }
      const sides = el("div", undefined, "sides");
      for (const side of f.sides) {
        const col = el("div", undefined, "side");
        col.appendChild(el("h4", side.side + " (" + side.documents.join("; ") + ")"));
        for (const q of side.quotes) {
          const c = q.index === null || q.index === undefined ? null : DATA.claims[q.index];
          const stance = c ? c.stance : q.negated ? "negated" : q.attribution ? "attributed" : q.modality === "hedged" ? "hedged" : "asserted";
          const item = el("div", undefined, "claim stance-" + stance);
          item.append(el("div", c ? c.subject + " — " + c.predicate + " → " + c.object : q.relation.join(" "), "relation"),
            el("div", [q.document, STANCE_TEXT[stance], q.modality, q.negated ? "negated" : "not negated", q.kind].join(" · "), "meta"),
            el("blockquote", q.quote, "quote"));
          if (c) item.addEventListener("click", () => showClaims(q.document, [q.index]));
          col.appendChild(item);
        }
        sides.appendChild(col);
      }
      box.appendChild(sides);
      $("conflicts").appendChild(box);
    }
  })();

  // ------------------------------------------------------------------ charts
  (function charts() {
    const count = (pairs) => Array.from(pairs.entries()).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const perPage = new Map(DATA.pages.map((p) => [p.name, p.claims.length]));
    const perTreatment = new Map();
    for (const c of DATA.claims) {
      const named = new Set();
      if (c.sc === "treatment") named.add(c.subject);
      if (c.oc === "treatment") named.add(c.object);
      for (const t of named) perTreatment.set(t, (perTreatment.get(t) || 0) + 1);
    }
    const perStance = new Map(DATA.stances.map((s) => [s, DATA.claims.filter((c) => c.stance === s).length]));
    const conflictsPerPage = new Map(DATA.pages.map((p) => [p.name, DATA.conflicts.filter((f) => f.documents.includes(p.name)).length]));
    const chart = (id, title, rows, color) => {
      const box = el("div", undefined, "chart"); box.dataset.chart = id;
      box.appendChild(el("h3", title));
      const bar = 18, labelW = 330, width = 760, max = Math.max(1, ...rows.map((r) => r[1]));
      const svg = svgEl("svg", { width: width, height: rows.length * bar + 8, role: "img" });
      rows.forEach(([label, value], i) => {
        const g = svgEl("g", { class: "bar", "data-label": label, "data-value": value, transform: "translate(0," + (i * bar + 4) + ")" });
        const name = svgEl("text", { x: labelW - 6, y: 13, "text-anchor": "end" }); name.textContent = label.length > 52 ? label.slice(0, 51) + "…" : label;
        const tip = svgEl("title"); tip.textContent = label + ": " + value;
        const w = Math.max(1, (width - labelW - 50) * value / max);
        const rect = svgEl("rect", { x: labelW, y: 2, width: w, height: bar - 4, fill: color });
        const num = svgEl("text", { x: labelW + w + 4, y: 13 }); num.textContent = String(value);
        g.append(tip, name, rect, num); svg.appendChild(g);
      });
      box.appendChild(svg);
      $("charts").appendChild(box);
    };
    chart("claims-per-page", "Claims per page", count(perPage), "#4e79a7");
    chart("claims-per-treatment", "Claims naming each treatment", count(perTreatment), "#2ca02c");
    chart("claims-per-stance", "Claims per modality and stance", Array.from(perStance.entries()), "#9467bd");
    chart("conflicts-per-page", "Conflict findings per page", count(conflictsPerPage), "#d62728");
  })();

  window.spinekgExplorer = { network, nodes: visNodes, edges: visEdges, data: DATA, state, threshold: THRESHOLD, showView };
})();
