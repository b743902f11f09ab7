"""Benchmark: SHACL validation of the shipped graph and of 10x and 100x enlarged copies.

Validates, with the shipped shapes and the document texts attached (``kg.validate(corpus=...)``),
the shipped graph (1x) and enlarged copies of it, and reports per size the triples, claims,
median validation wall time, the time and triples ratios against 1x, the result counts
(violations, warnings, info) and the peak RSS. Ratios, not seconds, are what to compare across
machines.

An N-times copy keeps the ontology once and repeats the data part N times: copy 0 keeps the
original IRIs; in copy k every IRI under https://w3id.org/spinekg/id/ gets the suffix ``-c<k>``
in a form the shapes' identifier patterns still accept (documents and their spans
``doc/<file>-c<k>/...``, claims ``claim/<file>-c<k>-<hex>``, statuses, statistics,
organizations, places ``<name>-c<k>``; a snapshot IRI must be ``snapshot/<64 hex>``, so copy k's
snapshot is ``snapshot/sha256("<sha>-c<k>")``). Vocabulary IRIs stay shared, and so do the
literals, spk:fileName and spk:sha256 included: each copy is a repeated snapshot of the same
pages, and its text is found in the corpus by the unchanged file name. Data triples with no
such IRI (the direct edges between vocabulary terms) are the same in every copy, so the graph
grows a little less than N-fold. The content checks compare claims across documents, and the
copies are different documents, so warnings grow faster than the graph (roughly N^2): expected.

Each size runs in a fresh Python process (built and validated the same way), so one size cannot
hang the benchmark or inflate the next one's memory: a size that exceeds ``--timeout-per-size``
is reported as not finished (with the peak RSS it reached and the shapes it had got through).
Times cover ``kg.validate()`` only (copying the graph, attaching the texts, pyshacl, reading the
report), not loading or enlarging the graph; pyshacl's Shape.validate is wrapped to time each
top-level shape (two clock reads per shape), which splits each run into before / shapes / after.

    SPINEKG_CORPUS=/path/to/texts python benchmarks/bench_validate.py [--sizes 1,10,100]
        [--repeat 3] [--repeat-large 1] [--timeout-per-size 1800] [--output results.md]
        [--top 6]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ID_NS = "https://w3id.org/spinekg/id/"
SEVERITIES = ("violation", "warning", "info")
_CLAIM = re.compile(r"^(claim/.+)-([0-9a-f]{12})$")
_DOC = re.compile(r"^(doc/[^/]+)(/.*)?$")
_SNAPSHOT = re.compile(r"^snapshot/([0-9a-f]{64})$")


# -- building the enlarged graph ---------------------------------------------------------------

def renamed(iri: str, k: int) -> str:
    """IRI of copy ``k`` of a data IRI (copy 0 keeps the original)."""
    if k == 0 or not iri.startswith(ID_NS):
        return iri
    local = iri[len(ID_NS):]
    if m := _CLAIM.match(local):
        return f"{ID_NS}{m[1]}-c{k}-{m[2]}"
    if m := _SNAPSHOT.match(local):
        return f"{ID_NS}snapshot/{hashlib.sha256(f'{m[1]}-c{k}'.encode()).hexdigest()}"
    if m := _DOC.match(local):
        return f"{ID_NS}{m[1]}-c{k}{m[2] or ''}"
    return f"{iri}-c{k}"


def enlarged(kg, copies: int):
    """A KnowledgeGraph with the ontology once and ``copies`` renamed copies of the data."""
    from rdflib import Graph, URIRef

    from spinekg.kg import KnowledgeGraph
    from spinekg.core.namespaces import bind_prefixes

    if copies == 1:
        return kg
    graph = Graph()
    bind_prefixes(graph)
    for triple in kg.ontology:
        graph.add(triple)
    data = list(kg.data)
    ids = {t for triple in data for t in triple if isinstance(t, URIRef) and t.startswith(ID_NS)}
    for k in range(copies):
        mapping = {t: URIRef(renamed(str(t), k)) for t in ids}
        get = mapping.get
        for s, p, o in data:
            graph.add((get(s, s), p, get(o, o)))
    return KnowledgeGraph(graph=graph, ontology=kg.ontology)


# -- one size, in a child process ---------------------------------------------------------------

def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _peak_rss_kib(pid: int) -> int:
    """Peak resident set size of a running process (Linux /proc), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:  # the process has already exited: its peak is unknown
        return 0
    return 0


def _emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


class ShapeTimer:
    """Times each top-level pyshacl shape (its target selection included) by wrapping Shape.validate.

    The wrapper costs two clock reads and a short line on stdout per top-level shape (a few
    hundred per run), nothing per focus node, so it is left on in the timed runs; the progress
    records let a size that runs out of time say how far it got, where the time went, and which
    shape it was in when it was stopped.
    """

    def __init__(self):
        from pyshacl.shape import Shape
        from rdflib import URIRef

        self.run = 0
        self.first_start = self.last_end = None
        self.times: Counter = Counter()
        depth = [0]
        original = Shape.validate
        timer = self

        def timed(shape, executor, target_graph, focus=None, _evaluation_path=None):
            if depth[0]:
                return original(shape, executor, target_graph, focus, _evaluation_path)
            depth[0] += 1
            node = shape.node
            name = str(node).rsplit("#", 1)[-1] if isinstance(node, URIRef) else "(blank node shape)"
            _emit({"stage": "start", "run": timer.run, "shape": name})
            start = time.perf_counter()
            if timer.first_start is None:
                timer.first_start = start
            try:
                return original(shape, executor, target_graph, focus, _evaluation_path)
            finally:
                depth[0] -= 1
                timer.last_end = end = time.perf_counter()
                timer.times[name] += end - start
                if end - start >= 1.0:
                    _emit({"stage": "shape", "run": timer.run, "shape": name, "seconds": end - start,
                           "shapes_done": len(timer.times)})

        Shape.validate = timed

    def start_run(self, run: int) -> None:
        self.run, self.first_start, self.last_end, self.times = run, None, None, Counter()


def run_size(copies: int, repeat: int, corpus: str, top: int) -> None:
    """Load, enlarge and validate; print one JSON record per stage (the parent reads them)."""
    import spinekg
    from rdflib.namespace import RDF

    from spinekg.core.namespaces import SPK

    start = time.perf_counter()
    base = spinekg.load(corpus=corpus)
    kg = enlarged(base, copies)
    triples = len(kg.graph)
    claims = sum(1 for _ in kg.graph.subjects(RDF.type, SPK.Claim))
    _emit({"stage": "built", "triples": triples, "claims": claims,
           "build_s": time.perf_counter() - start, "rss_mib": _rss_mib()})
    del base
    timer = ShapeTimer()
    runs, cpu, phases = [], [], []
    result = None
    for i in range(repeat):
        result = None  # let the previous run's report go before the next one
        timer.start_run(i + 1)
        start, cpu_start = time.perf_counter(), time.process_time()
        result = kg.validate(corpus=corpus)
        end = time.perf_counter()
        runs.append(end - start)
        cpu.append(time.process_time() - cpu_start)
        shapes_s = sum(timer.times.values())
        # before the first shape: copying the graph, attaching the texts, reading the shapes;
        # after the last one: building the report graph and spinekg's rows (labels, evidence)
        phases.append({"before_shapes_s": timer.first_start - start, "shapes_s": shapes_s,
                       "after_shapes_s": end - timer.last_end, "slowest": timer.times.most_common(top)})
        _emit({"stage": "run", "run": i + 1, "seconds": runs[-1], "cpu_s": cpu[-1], "rss_mib": _rss_mib(),
               **phases[-1]})
    by_shape = Counter(f"{row.severity}\t{row.shape_label}" for row in result.rows)
    median_run = sorted(range(repeat), key=lambda j: runs[j])[(repeat - 1) // 2]
    _emit({"stage": "done", "triples": triples, "claims": claims, "seconds": statistics.median(runs),
           "runs": runs, "cpu_s": statistics.median(cpu), "counts": result.counts,
           "text_checked": result.text_checked, "by_shape": dict(by_shape), "rss_mib": _rss_mib(),
           **phases[median_run]})


# -- the parent: one child per size, a table at the end -----------------------------------------

def measure(copies: int, args) -> dict:
    repeat = args.repeat if copies == 1 else args.repeat_large
    cmd = [sys.executable, __file__, "--child", str(copies), "--repeat", str(repeat),
           "--corpus", str(args.corpus), "--top", str(args.top)]
    log = lambda msg: print(f"[{datetime.now():%H:%M:%S}] {copies}x: {msg}", file=sys.stderr, flush=True)  # noqa: E731
    log(f"{repeat} run(s), budget {args.timeout_per_size:g} s")
    records: list[dict] = []
    stderr: list[str] = []
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def read_stdout():
        for line in proc.stdout:
            if line.startswith("{"):
                rec = json.loads(line)
                rec["received"] = time.perf_counter()
                records.append(rec)
                if rec["stage"] == "shape":
                    log(f"run {rec['run']}: {rec['shape']} {rec['seconds']:.1f} s ({rec['shapes_done']} shapes done)")
                elif rec["stage"] in ("built", "run"):
                    log(", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                  for k, v in rec.items() if k not in ("slowest", "received")))

    readers = [threading.Thread(target=read_stdout), threading.Thread(target=lambda: stderr.extend(proc.stderr))]
    for thread in readers:
        thread.start()
    deadline, timed_out, peak_kib = start + args.timeout_per_size, False, 0
    while proc.poll() is None:
        peak_kib = max(peak_kib, _peak_rss_kib(proc.pid))
        if time.perf_counter() > deadline:
            proc.kill()  # only the child this function started
            proc.wait()
            timed_out = True
            break
        time.sleep(1)
    for thread in readers:
        thread.join()
    info: dict = {"copies": copies, "finished": not timed_out and proc.returncode == 0,
                  "wall_s": time.perf_counter() - start, "runs": [], "timed_out": timed_out}
    shapes_so_far: Counter = Counter()
    for rec in records:
        if rec["stage"] == "run":
            info["runs"].append(rec["seconds"])
            shapes_so_far.clear()
        elif rec["stage"] == "shape":
            shapes_so_far[rec["shape"]] += rec["seconds"]
        elif rec["stage"] == "start":
            info["last_shape"] = (rec["shape"], rec["received"] - start)
        elif rec["stage"] in ("built", "done"):
            info.update({k: v for k, v in rec.items() if k not in ("stage", "runs", "received")})
    if peak_kib and not info["finished"]:
        info["rss_mib"] = peak_kib / 1024  # the child was stopped before it could say
    if not info["finished"]:
        info["unfinished_shapes"] = shapes_so_far.most_common(args.top)  # in the run that was cut off
        if "last_shape" in info:  # the shape it was in, and for how long, when it was stopped
            name, since = info["last_shape"]
            info["stopped_in"] = (name, info["wall_s"] - since)
        if not timed_out:
            info["error"] = (stderr[-1].strip() if stderr else f"exit status {proc.returncode}")
    log(f"{info['seconds']:.1f} s, {info['counts']}" if info["finished"] else
        f"did not finish ({info.get('error') or f'budget of {args.timeout_per_size:g} s exceeded'})")
    return info


def machine_line() -> str:
    from importlib.metadata import version

    return (f"Python {platform.python_version()}, rdflib {version('rdflib')}, pyshacl {version('pyshacl')}, "
            f"{os.cpu_count()} CPUs ({platform.machine()}, {platform.system()}), "
            f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")


def render(results: list[dict], args) -> str:
    base = next((r for r in results if r["copies"] == 1 and r["finished"]), None)
    lines = [
        "# SHACL validation time vs graph size",
        "",
        f"Machine: {machine_line()}.",
        "",
        f"Command: `python benchmarks/bench_validate.py --sizes {args.sizes} --repeat {args.repeat} "
        f"--repeat-large {args.repeat_large} --timeout-per-size {args.timeout_per_size:g}`.",
        "Time: wall time of `kg.validate(corpus=...)`, median of the runs, each size in a fresh process; "
        "CPU: process time of the same run (less than wall when something else shares the machine). "
        "Ratios are against 1x. Peak RSS: the size's whole process (graph, copy, report).",
        "",
        "| size | triples | claims | validate s | CPU s | runs | time vs 1x | triples vs 1x "
        "| violations | warnings | info | peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        triples = f"{r['triples']:,}" if "triples" in r else "?"
        claims = f"{r['claims']:,}" if "claims" in r else "?"
        tri_ratio = f"{r['triples'] / base['triples']:.1f}x" if base and "triples" in r else "–"
        rss = f"{r['rss_mib']:,.0f}" if "rss_mib" in r else "–"
        if r["finished"]:
            c = r["counts"]
            ratio = f"{r['seconds'] / base['seconds']:.1f}x" if base else "–"
            lines.append(f"| {r['copies']}x | {triples} | {claims} | {r['seconds']:.1f} | {r['cpu_s']:.1f} "
                         f"| {len(r['runs'])} | {ratio} | {tri_ratio} | {c['violation']:,} | {c['warning']:,} "
                         f"| {c['info']:,} | {rss} |")
        else:
            why = (f"failed: {r['error']}" if r.get("error") else
                   f"did not finish within {args.timeout_per_size:g} s")
            if r["runs"]:
                why += f" ({len(r['runs'])} run(s) finished: {', '.join(f'{s:.1f}' for s in r['runs'])} s)"
            ratio = f"> {(args.timeout_per_size - r.get('build_s', 0)) / base['seconds']:.0f}x" if base and r.get("timed_out") else "–"
            lines.append(f"| {r['copies']}x | {triples} | {claims} | {why} | – | – | {ratio} | {tri_ratio} "
                         f"| – | – | – | {rss} |")
    done = [r for r in results if r["finished"]]
    shapes = sorted({key for r in done for key in r["by_shape"]},
                    key=lambda key: (SEVERITIES.index(key.split("\t")[0]), -max(r["by_shape"].get(key, 0) for r in done)))
    if shapes:
        lines += ["", "Results per shape:", "",
                  "| severity | shape | " + " | ".join(f"{r['copies']}x" for r in done) + " |",
                  "|---|---|" + "---:|" * len(done)]
        for key in shapes:
            severity, label = key.split("\t")
            lines.append(f"| {severity} | {label} | " + " | ".join(f"{r['by_shape'].get(key, 0):,}" for r in done) + " |")
    lines += ["", "Where the time goes (the median run; \"before\": copying the graph, attaching the texts, "
              "reading the shapes; \"shapes\": pyshacl's shapes, target selection included; \"after\": the "
              "report graph and spinekg's result rows):", ""]
    for r in results:
        if r["finished"]:
            top = ", ".join(f"{name} {sec:.1f}" for name, sec in r["slowest"])
            lines.append(f"- {r['copies']}x: before {r['before_shapes_s']:.1f} s, shapes {r['shapes_s']:.1f} s, "
                         f"after {r['after_shapes_s']:.1f} s; slowest shapes (s): {top}")
        elif "build_s" in r:
            top = ", ".join(f"{name} {sec:.1f}" for name, sec in r["unfinished_shapes"]) or "none"
            stopped = (f"; it was stopped in {r['stopped_in'][0]} after {r['stopped_in'][1]:.0f} s in that shape"
                       if r.get("stopped_in") else "")
            lines.append(f"- {r['copies']}x: building the enlarged graph took {r['build_s']:.0f} s; in the run that was "
                         f"stopped, the shapes that had finished and took at least 1 s (s): {top}{stopped}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="copies of the data to validate (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3, help="runs at 1x (the median is reported)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs at the larger sizes")
    parser.add_argument("--timeout-per-size", type=float, default=1800, metavar="SECONDS",
                        help="budget for one size (load, enlarge and all its runs)")
    parser.add_argument("--corpus", default=os.environ.get("SPINEKG_CORPUS"),
                        help="folder of the documents' .txt files (default: $SPINEKG_CORPUS)")
    parser.add_argument("--output", type=Path, help="also write the Markdown table to this file")
    parser.add_argument("--top", type=int, default=6, metavar="N", help="how many of the slowest shapes to list")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.corpus or not Path(args.corpus).is_dir():
        parser.error("give the corpus folder (--corpus or SPINEKG_CORPUS) so quotes are checked against the texts")
    if args.child is not None:
        run_size(args.child, args.repeat, args.corpus, args.top)
        return
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if 1 not in sizes:
        sizes.insert(0, 1)  # the ratios need the 1x run
    results = [measure(copies, args) for copies in sizes]
    table = render(results, args)
    print(table, end="")
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
