"""Benchmark: the explorer's graph library, vis-network (as pyvis ships it) against Cytoscape.js.

For random graphs of 1k and 10k nodes with a heavy-tailed degree distribution (Barabási–Albert
preferential attachment, two edges per new node, seed 7: the same input for both libraries) it
opens, in one headless Chromium session:

* **vis-network**: the explorer page itself (``spinekg.export.html.render``: vis-network 9.1.2 read
  from the installed pyvis, the explorer's physics, stabilization cap and label placement);
* **Cytoscape.js** 3.35.0 (``node_modules/cytoscape``, installed by ``npm ci`` for tests and
  benchmarks only; no pip package ships it as a standalone file) with its built-in ``cose`` layout
  (no animation), labels and arrows.

Measured per run: **time to interactive**, navigation start to the layout settled and its first
frame drawn (``performance.mark`` in both pages), and the **frame rate** during a scripted 3 s
pan and zoom (``requestAnimationFrame`` callbacks counted while the viewport moves each frame).
Several runs; the median and the ratio Cytoscape.js / vis-network. Also the explorer's file size
and time to interactive on the shipped graph.

    python benchmarks/bench_explorer.py [--sizes 1000,10000] [--runs 3] [--timeout 300]
        [--output benchmarks/results/explorer.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CYTOSCAPE = ROOT / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js"
PALETTE = ["#1f77b4", "#d62728", "#9467bd", "#2ca02c", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

CY_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>html,body{margin:0;height:100%}#cy{position:absolute;left:0;top:0;right:380px;bottom:0}</style></head>
<body><div id="cy"></div><script type="application/json" id="g">@DATA@</script><script>@LIB@</script><script>
const G = JSON.parse(document.getElementById("g").textContent);
const elements = G.nodes.map((d) => ({data: {id: d.id, label: d.label, color: d.color, degree: d.degree}}))
  .concat(G.edges.map((e, i) => ({data: {id: "e" + i, source: e.source, target: e.target, label: e.label}})));
const cy = cytoscape({container: document.getElementById("cy"), elements,
  style: [{selector: "node", style: {"background-color": "data(color)", label: "data(label)", "font-size": 12,
             "min-zoomed-font-size": 10, width: "mapData(degree, 1, 60, 10, 40)", height: "mapData(degree, 1, 60, 10, 40)"}},
          {selector: "edge", style: {width: 1, "curve-style": "straight", "target-arrow-shape": "triangle",
             label: "data(label)", "font-size": 8, "min-zoomed-font-size": 10, "line-color": "#999"}}],
  layout: {name: "cose", animate: false, randomize: true, fit: true}});
performance.mark("spinekg-layout-done");
requestAnimationFrame(() => requestAnimationFrame(() => { performance.mark("spinekg-interactive"); document.body.dataset.ready = "true"; }));
window.benchViewport = (zoom, x, y) => cy.viewport({zoom: zoom, pan: {x: x, y: y}});
window.benchScale = () => cy.zoom();
</script></body></html>"""

#: 3 s of panning and zooming, one viewport change per animation frame; resolves to frames per second
FPS_JS = """
const done = arguments[arguments.length - 1];
const move = window.benchViewport || ((zoom, x, y) => spinekgExplorer.network.moveTo({scale: zoom, position: {x: x, y: y}, animation: false}));
const base = window.benchScale ? window.benchScale() : spinekgExplorer.network.getScale();
let frames = 0; const t0 = performance.now();
function step(now) {
  const t = (now - t0) / 1000;
  move(base * (1 + 0.8 * Math.sin(t * 2)), 200 * Math.sin(t * 3), 150 * Math.cos(t * 2));
  frames++;
  if (now - t0 < 3000) requestAnimationFrame(step); else done(frames / ((now - t0) / 1000));
}
requestAnimationFrame(step);
"""


def random_graph(n: int, seed: int = 7) -> dict:
    """Explorer data for a Barabási–Albert graph of ``n`` nodes (no claims, pages or conflicts)."""
    import random

    import networkx as nx

    g = nx.barabasi_albert_graph(n, 2, seed=seed)
    rng = random.Random(seed)
    cats = [f"category {i}" for i in range(len(PALETTE))]
    nodes = [{"id": f"n{i}", "iri": f"urn:n{i}", "label": f"entity {i}", "category": cats[i % len(cats)],
              "color": PALETTE[i % len(PALETTE)], "synonyms": [], "mappings": [], "degree": g.degree(i)}
             for i in sorted(g.nodes)]
    edges = []
    for a, b in sorted(g.edges):
        s, t = (a, b) if rng.random() < 0.5 else (b, a)
        edges.append({"source": f"n{s}", "target": f"n{t}", "predicate": "spk:relatedTo", "label": "related to",
                      "stance": "asserted", "claims": []})
    return {"nodes": nodes, "edges": edges, "claims": [], "pages": [], "conflicts": [],
            "matrix": {"rows": [], "cols": [], "cells": []}, "stances": ["negated", "attributed", "hedged", "asserted"],
            "categories": [{"name": c, "color": PALETTE[i]} for i, c in enumerate(cats)]}


def _script_json(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def measure(path: Path, timeout: float) -> dict:
    """One run in a browser of its own (a layout still running from an earlier page cannot delay it)."""
    browser = driver()
    try:
        return _measure(browser, path, timeout)
    finally:
        browser.quit()


def _measure(browser, path: Path, timeout: float) -> dict:
    import urllib3.exceptions
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_page_load_timeout(timeout)
    browser.set_script_timeout(30)
    start = time.perf_counter()
    try:
        browser.get(path.as_uri())
        WebDriverWait(browser, timeout).until(
            lambda d: d.find_element("tag name", "body").get_attribute("data-ready") == "true")
    except (TimeoutException, TimeoutError, OSError, urllib3.exceptions.HTTPError) as err:  # also the driver's own 120 s read timeout
        # (a layout that blocks the page's main thread blocks the driver's commands too)
        return {"tti_ms": None, "fps": None, "wall_s": round(time.perf_counter() - start, 2),
                "error": type(err).__name__}
    tti = browser.execute_script("return performance.getEntriesByName('spinekg-interactive')[0].startTime")
    fps = browser.execute_async_script(FPS_JS)
    return {"tti_ms": round(tti, 1), "fps": round(fps, 1), "wall_s": round(time.perf_counter() - start, 2)}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed for one page to become interactive")
    parser.add_argument("--output", default="benchmarks/results/explorer.md")
    args = parser.parse_args()

    import spinekg
    from spinekg.export.html import render, to_html

    corpus = os.environ.get("SPINEKG_CORPUS")
    work = Path(tempfile.mkdtemp(prefix="bench-explorer-"))
    lib = CYTOSCAPE.read_text(encoding="utf-8")
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}",
               "runs": args.runs, "timeout_s": args.timeout, "sizes": {}, "shipped": {}}
    kg = spinekg.load()
    page = to_html(kg, corpus=corpus) if corpus else to_html(kg)
    shipped = work / "shipped.html"
    shipped.write_bytes(page)
    runs = [measure(shipped, args.timeout) for _ in range(args.runs)]
    results["shipped"] = {"bytes": len(page), "corpus": bool(corpus), "nodes": kg.to_networkx("entities", denied=True).number_of_nodes(),
                          "runs": runs, "tti_ms": median(r["tti_ms"] for r in runs), "fps": median(r["fps"] for r in runs)}
    print("shipped", results["shipped"], file=sys.stderr)
    for size in (int(s) for s in args.sizes.split(",")):
        data = random_graph(size)
        vis_path, cy_path = work / f"vis-{size}.html", work / f"cy-{size}.html"
        vis_path.write_bytes(render(data, f"explorer benchmark, {size} nodes"))
        cy_path.write_text(CY_PAGE.replace("@DATA@", _script_json(data)).replace("@LIB@", lib.replace("</script", "<\\/script")),
                           encoding="utf-8")
        entry = {"nodes": size, "edges": len(data["edges"]), "max_degree": max(n["degree"] for n in data["nodes"]),
                 "vis_bytes": vis_path.stat().st_size, "cy_bytes": cy_path.stat().st_size, "vis": [], "cytoscape": []}
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            entry["vis"].append(measure(vis_path, args.timeout))
            entry["cytoscape"].append(measure(cy_path, args.timeout))
            print(size, entry["vis"][-1], entry["cytoscape"][-1], file=sys.stderr)
        for lib_name in ("vis", "cytoscape"):
            entry[f"{lib_name}_tti_ms"] = median(r["tti_ms"] for r in entry[lib_name])
            entry[f"{lib_name}_fps"] = median(r["fps"] for r in entry[lib_name])
        results["sizes"][str(size)] = entry
    out = Path(args.output)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    out.write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


def _fmt(value, unit="") -> str:
    return "did not finish" if value is None else f"{value:,.0f}{unit}" if unit == " ms" else f"{value:.1f}{unit}"


def _ratio(a, b) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def markdown(results: dict) -> str:
    s = results["shipped"]
    lines = [
        "# Explorer benchmark: vis-network (pyvis) against Cytoscape.js",
        "",
        f"Headless Chromium, window 1400x900; {results['machine']}; median of {results['runs']} runs per cell "
        "(the two libraries interleaved, each run in a fresh browser). Time to interactive: navigation start to layout settled and its first frame "
        "drawn (performance marks). Frame rate: requestAnimationFrame callbacks per second during a scripted 3 s pan "
        "and zoom. Graphs: Barabási–Albert (2 edges per new node, seed 7), the same for both libraries. vis-network "
        "runs inside the explorer page (its physics, stabilization cap and label placement); Cytoscape.js 3.35.0 "
        "(npm; no pip package ships it as a standalone file) with its built-in `cose` layout, no animation. "
        f"`python benchmarks/bench_explorer.py`; did not finish: not interactive within {results.get('timeout_s')} s "
        "(the driver also gives up on a page whose main thread stays blocked for 120 s).",
        "",
        "| nodes | edges | max degree | vis-network TTI | Cytoscape.js TTI | ratio Cy / vis | vis-network fps | Cytoscape.js fps | page size vis / Cy (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in results["sizes"].values():
        lines.append(f"| {e['nodes']:,} | {e['edges']:,} | {e['max_degree']} | {_fmt(e['vis_tti_ms'], ' ms')} | "
                     f"{_fmt(e['cytoscape_tti_ms'], ' ms')} | {_ratio(e['cytoscape_tti_ms'], e['vis_tti_ms'])} | "
                     f"{_fmt(e['vis_fps'])} | {_fmt(e['cytoscape_fps'])} | {e['vis_bytes'] / 1e6:.2f} / {e['cy_bytes'] / 1e6:.2f} |")
    lines += [
        "",
        f"Shipped graph ({s['nodes']} entities, {'with' if s['corpus'] else 'without'} page texts): explorer file "
        f"{s['bytes'] / 1e6:.2f} MB, time to interactive {_fmt(s['tti_ms'], ' ms')}, {_fmt(s['fps'])} fps while panning.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
