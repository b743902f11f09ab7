"""Benchmark: spinekg at scale, rdflib against Oxigraph, on synthetic graphs of 10k, 100k and 1M triples.

One command builds synthetic graphs (``spinekg.synthetic``: invented pages in the shipped graph's
shape, compiled by the real build, deterministic per seed) of about 10k, 100k and 1M triples, each
ONCE, exported to N-Quads and cached under the work folder (keyed by documents, seed and the
compiler's source key, so a second run skips building). Every measurement loads from that file.

Per size and store -- ``memory`` (rdflib, the baseline), ``oxigraph`` (in memory) and
``oxigraph:FOLDER`` (on disk) -- a fresh child process reports:

* load time (``spinekg.load(FILE, store=...)``), triples, peak RSS (``ru_maxrss``) after loading
  and querying, and at the end;
* the entity index (built once, on the first parameter resolution), then each library query run
  with its example parameters (``kg.query``): the first run apart (SPARQL parse, caches) and the
  median of up to ``--repeat`` further runs (fewer when a query is slow: at most ~60 s a query);
* exports (``kg.export``: GraphML and N-Quads, time and size) and validation
  (``kg.validate(corpus=...)``; pyshacl on rdflib and ``engine="sparql"`` on Oxigraph when
  ``kg.validate`` accepts ``engine``). The on-disk store is measured for loading and queries only
  (exports and validation run the same code as the in-memory Oxigraph store), plus the wall time
  of a new ``spinekg query NAME --store oxigraph:FOLDER`` process that reopens the filled store.

Every step has a time limit (``--timeout``): a step that exceeds it is reported as "did not
finish in N s", the child is stopped and a new one goes on with the next steps. Ratios are rdflib
time / Oxigraph time, measured in the same run. Also measured: cold ``spinekg query NAME`` on the
shipped graph (all library queries) and ``python -c "import spinekg"``. The Markdown goes to stdout
and ``--output`` (default ``benchmarks/results/scale.md``), the raw results to ``scale.json`` beside it.

    SPINEKG_CORPUS=... python benchmarks/run.py            # full: 10k, 100k, 1M (tens of minutes)
    python benchmarks/run.py --quick                       # 10k and 100k, a few minutes
    python benchmarks/run.py [--sizes 10k,100k,1M] [--timeout 600] [--repeat 5] [--seed 0]
        [--work benchmarks/.work] [--output benchmarks/results/scale.md] [--note TEXT]
    python benchmarks/run.py --render benchmarks/results/scale.json [--note TEXT]   # redo the Markdown only
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from bench_validate import _emit, _peak_rss_kib, _rss_mib, machine_line  # benchmarks/ is on sys.path

HERE = Path(__file__).resolve().parent
CLAIMS_PER_DOCUMENT = 40
# measured from 2- and 20-document builds at 40 claims: ontology and reference data, and each page
BASE_TRIPLES, TRIPLES_PER_DOCUMENT = 2511, 1168
STORES = ("memory", "oxigraph", "oxigraph:disk")
EXPORTS = {"graphml": "graphml", "nquads": "nq"}
QUERY_BUDGET_S = 60  # further runs of one query stop when they would take longer than this
REOPEN_QUERY = "treatments-for-condition"
TARGETS = "2 cores, 1M triples"


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10k, 100k, 1M)")
    return int(float(match[1]) * {"": 1, "k": 1_000, "m": 1_000_000}[match[2].lower()])


def size_label(triples: int) -> str:
    return f"{triples // 1_000_000}M" if triples >= 1_000_000 and not triples % 1_000_000 else f"{triples // 1000}k"


def documents_for(triples: int) -> int:
    return max(1, round((triples - BASE_TRIPLES) / TRIPLES_PER_DOCUMENT))


def example_params(spec) -> dict[str, str]:
    """The query's example values; a document example ("003") names a shipped page, so the
    synthetic page of the same number (syn00003) stands in for it."""
    return {p.name: f"syn{int(p.example):05d}" if p.type == "document" and p.example.isdigit() else p.example
            for p in spec.parameters}


# -- children: one JSON record per step on stdout ----------------------------------------------

def _step(name: str, skip: set, fn):
    """Run one step unless skipped: announce it (the parent times it out), emit what it returns."""
    if name in skip:
        return None
    _emit({"step": name, "event": "start"})
    try:
        record = fn() or {}
    except Exception as err:  # a failing step is reported, the rest goes on
        record = {"error": f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"}
    _emit({"step": name, **record, "rss_mib": _rss_mib()})
    return record


def child_build(job: dict) -> None:
    """Write the synthetic corpus, compile it and export it to N-Quads (the cache entry)."""
    import spinekg
    from spinekg.synthetic import synthetic_graph

    folder = Path(job["folder"])
    shutil.rmtree(folder, ignore_errors=True)

    def build():
        start = time.perf_counter()
        kg = synthetic_graph(job["documents"], CLAIMS_PER_DOCUMENT, job["seed"], folder=folder, kg=spinekg.load())
        built = time.perf_counter() - start
        kg.export("nquads", folder / "graph.nq")
        info = {"documents": job["documents"], "seed": job["seed"], "key": job["key"], "triples": len(kg),
                "build_s": built, "export_s": time.perf_counter() - start - built,
                "nquads_bytes": (folder / "graph.nq").stat().st_size}
        (folder / "build.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
        return info

    _step("build", set(), build)


def child_measure(job: dict) -> None:
    """Load the graph into one store and run every step not in ``job["skip"]``."""
    import spinekg
    from bench_load import median_time
    from spinekg.query.library import load_library

    skip, store, folder = set(job["skip"]), job["store"], Path(job["folder"])
    kg = None

    def load():
        nonlocal kg
        start = time.perf_counter()
        kg = spinekg.load(folder / "graph.nq", store=store)
        return {"seconds": time.perf_counter() - start, "triples": len(kg)}

    if _step("load", set(), load).get("error") or _step("index", set(), lambda: _timed(kg._entity_index)).get("error"):
        return
    for name, spec in load_library().items():
        params = example_params(spec)

        def one_query(name=name, params=params):
            start = time.perf_counter()
            rows = len(kg.query(name, **params))
            first = time.perf_counter() - start
            runs = min(job["repeat"], int(QUERY_BUDGET_S / max(first, 1e-6)))
            median = median_time(lambda: kg.query(name, **params), runs) if runs else first
            return {"rows": rows, "first": first, "median": median, "runs": runs, "params": params}

        _step(f"query:{name}", skip, one_query)
    if job["full"]:
        for fmt, ext in EXPORTS.items():
            def export(fmt=fmt, ext=ext):
                path = folder / f"export-{store}.{ext}"
                try:
                    return {**_timed(lambda: kg.export(fmt, path)), "bytes": path.stat().st_size}
                finally:
                    path.unlink(missing_ok=True)

            _step(f"export:{fmt}", skip, export)
        kwargs, engine = {"corpus": folder / "corpus"}, "pyshacl"
        accepted = inspect.signature(kg.validate).parameters
        if "engine" in accepted and store != "memory":
            kwargs["engine"] = engine = "sparql"  # the shapes compiled to SPARQL, run by Oxigraph
        elif "engine" in accepted and accepted["engine"].default not in (None, inspect.Parameter.empty):
            engine = str(accepted["engine"].default)

        def validate():
            start = time.perf_counter()
            result = kg.validate(**kwargs)
            return {"seconds": time.perf_counter() - start, "counts": result.counts, "engine": engine,
                    "text_checked": result.text_checked}

        _step("validate", skip, validate)


def plan(full: bool) -> list[str]:
    """The steps of a measuring child, in order (the on-disk store runs no exports or validation)."""
    from spinekg.query.library import load_library

    rest = [f"export:{fmt}" for fmt in EXPORTS] + ["validate"] if full else []
    return ["load", "index"] + [f"query:{name}" for name in load_library()] + rest


def _timed(fn) -> dict:
    start = time.perf_counter()
    fn()
    return {"seconds": time.perf_counter() - start}


# -- the parent ---------------------------------------------------------------------------------

def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def run_child(job: dict, timeout: float, label: str) -> tuple[list[dict], dict | None, float]:
    """Run one child; return its records, why it stopped early (``None``: it finished) and its
    peak RSS in MiB. A step running longer than ``timeout`` gets the child killed."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(job)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    stderr: list[str] = []
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout] + [lines.put(None)], daemon=True).start()
    err_reader = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True)
    err_reader.start()
    records, current, started, peak_kib = [], None, time.perf_counter(), 0
    while True:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            line = ""
        peak_kib = max(peak_kib, _peak_rss_kib(proc.pid))
        if line is None:
            break
        if line.startswith('{"step"'):
            record = json.loads(line)
            if record.get("event") == "start":
                current, started = record["step"], time.perf_counter()
            else:
                records.append(record)
                current = None
                shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in record.items()
                         if k not in ("step", "params")}
                log(f"{label} {record['step']}: {shown}")
        if current and time.perf_counter() - started > timeout:
            proc.kill()  # only the child this function started
            proc.wait()
            log(f"{label} {current}: did not finish in {timeout:g} s")
            return records, {"step": current, "timeout": timeout}, peak_kib / 1024
    proc.wait()
    err_reader.join(timeout=5)
    if proc.returncode != 0:
        why = stderr[-1].strip() if stderr else f"exit status {proc.returncode}"
        log(f"{label} {current or 'child'}: failed: {why}")
        return records, {"step": current or "start", "error": why}, peak_kib / 1024
    return records, None, peak_kib / 1024


def build_graph(triples: int, args) -> dict:
    """The cached synthetic graph of about ``triples`` triples (built in a child when missing or stale)."""
    from spinekg.core.cache import source_key
    from spinekg.core.resources import resource_dir

    documents = documents_for(triples)
    key = hashlib.sha256(source_key(resource_dir("ontology"), resource_dir("data")).encode()).hexdigest()[:16]
    folder = args.work / f"syn-{documents}x{CLAIMS_PER_DOCUMENT}-seed{args.seed}"
    info_file = folder / "build.json"
    info = json.loads(info_file.read_text()) if info_file.is_file() else {}
    if info.get("key") == key:
        log(f"{size_label(triples)}: cached graph in {folder} ({info['triples']:,} triples)")
        return {**info, "folder": str(folder), "cached": True}
    log(f"{size_label(triples)}: building {documents} documents x {CLAIMS_PER_DOCUMENT} claims in {folder}")
    job = {"kind": "build", "folder": str(folder), "documents": documents, "seed": args.seed, "key": key}
    records, stop, _ = run_child(job, max(args.timeout, 3600), f"{size_label(triples)} build")
    if stop or records[-1].get("error"):
        raise SystemExit(f"building the {size_label(triples)} graph failed: {stop or records[-1]['error']}")
    return {**records[-1], "folder": str(folder), "cached": False}


def measure_store(graph: dict, store: str, args) -> dict:
    """Every step of one store at one size, restarting after a step that is stopped or crashes."""
    folder = Path(graph["folder"])
    spec = store
    if store == "oxigraph:disk":
        disk = folder / "oxigraph-store"
        shutil.rmtree(disk, ignore_errors=True)  # the load step measures filling it
        spec = f"oxigraph:{disk}"
    label = f"{size_label(graph['target'])} {store}"
    full = store != "oxigraph:disk"
    steps: dict[str, dict] = {}
    peak, peak_step, restarts = 0.0, None, 0
    while True:
        job = {"kind": "measure", "folder": str(folder), "store": spec, "repeat": args.repeat, "full": full,
               "skip": [s for s in steps if s not in ("load", "index")]}
        args.loadavg.append(os.getloadavg()[0])  # how busy the machine was (other jobs skew the times)
        records, stop, child_peak = run_child(job, args.timeout, label)
        for record in records:
            steps.setdefault(record["step"], record)  # a restarted child's load is not the first one
            if record["rss_mib"] > peak:
                peak, peak_step = record["rss_mib"], record["step"]
        if stop is None:
            break
        steps[stop["step"]] = stop
        if child_peak > peak:  # the child grew further in the step it was stopped in
            peak, peak_step = child_peak, stop["step"]
        if stop["step"] in ("load", "index", "start") or all(s in steps for s in plan(full)):
            break
        restarts += 1
    queried = [r["rss_mib"] for name, r in steps.items() if name.startswith("query:") and "rss_mib" in r]
    result = {"store": store, "steps": steps, "peak_rss_mib": peak, "peak_step": peak_step, "restarts": restarts,
              "rss_after_queries_mib": max(queried, default=steps.get("load", {}).get("rss_mib"))}
    if store == "oxigraph:disk" and "seconds" in steps.get("load", {}):
        from bench_query import _cli_time
        from spinekg.query.library import load_library

        params = example_params(load_library()[REOPEN_QUERY])
        cli = [REOPEN_QUERY, "--store", spec] + [f"--param={k}={v}" for k, v in params.items()]
        result["reopen"] = {"query": REOPEN_QUERY, "seconds": _cli_time(cli, dict(os.environ), 3)}
        log(f"{label}: reopen + {REOPEN_QUERY}: {result['reopen']['seconds']:.2f} s")
    return result


def measure_cli(args) -> dict:
    """Cold ``spinekg query NAME`` on the shipped graph (compiled-graph cache filled) and the import."""
    from bench_query import _cli_time
    from spinekg.query.library import load_library

    cache = tempfile.mkdtemp(prefix="spinekg-bench-cache-")
    env = dict(os.environ, SPINEKG_CACHE_DIR=cache)
    subprocess.run([sys.executable, "-m", "spinekg", "stats"], env=env, capture_output=True, check=True)  # fill it
    queries = {name: _cli_time([name] + [f"--param={k}={v}" for k, v in spec.examples.items()], env, args.cli_repeat)
               for name, spec in load_library().items()}
    shutil.rmtree(cache, ignore_errors=True)

    def wall(code: str) -> float:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    trace = subprocess.run([sys.executable, "-X", "importtime", "-c", "import spinekg"], capture_output=True,
                           text=True, check=True).stderr
    cumulative = [int(line.split("|")[1]) for line in trace.splitlines() if line.split("|")[-1].strip() == "spinekg"]
    result = {"queries_s": queries, "repeat": args.cli_repeat, "import_wall_s": wall("import spinekg"),
              "python_wall_s": wall("pass"), "importtime_s": cumulative[-1] / 1e6 if cumulative else None}
    log(f"CLI: median {statistics.median(queries.values()):.2f} s, max {max(queries.values()):.2f} s; "
        f"import spinekg {result['import_wall_s']:.2f} s wall")
    return result


# -- the report ---------------------------------------------------------------------------------

def _s(step: dict | None, unit: str = "s") -> str:
    """A step's time (or why there is none)."""
    if not step:
        return "—"
    if "timeout" in step:
        return f"did not finish in {step['timeout']:g} s"
    if "error" in step:
        return f"failed: {step['error']}"
    seconds = step.get("median", step.get("seconds"))
    return f"{seconds * 1000:.1f}" if unit == "ms" else f"{seconds:.2f}"


def _time(step: dict | None) -> float | None:
    """A finished step's time (a query's median)."""
    if not step or "timeout" in step or "error" in step:
        return None
    return step.get("median", step.get("seconds"))


def _at_least(step: dict | None) -> tuple[float, bool] | None:
    """A step's time, or its limit when it did not finish (then a lower bound: ``True``)."""
    if step and "timeout" in step:
        return step["timeout"], True
    seconds = _time(step)
    return None if seconds is None else (seconds, False)


def ratio(base: dict | None, other: dict | None) -> tuple[float, bool] | None:
    """rdflib time / Oxigraph time, and whether it is a lower bound (rdflib did not finish)."""
    b, o = _at_least(base), _time(other)
    return (b[0] / o, b[1]) if b and o else None


def _x(value: tuple[float, bool] | None) -> str:
    return "—" if value is None else f"{'> ' if value[1] else ''}{value[0]:.1f}x"


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def query_steps(result: dict) -> dict[str, dict]:
    return {name[6:]: step for name, step in result["steps"].items() if name.startswith("query:")}


def query_median(result: dict) -> tuple[float, bool] | None:
    """The median over the library of each query's median (queries that did not finish count at the limit)."""
    times = [t for t in map(_at_least, query_steps(result).values()) if t]
    return (statistics.median(t for t, _ in times), any(b for _, b in times)) if times else None


def render(report: dict) -> str:
    args, sizes = report["args"], report["sizes"]
    lines = [
        "# Scale benchmark: rdflib against Oxigraph on synthetic graphs",
        "",
        f"Machine: {report['machine']}, pyoxigraph {report['pyoxigraph']}, {report['ram_gib']:.0f} GiB RAM.",
        f"Command: `{report['command']}` ({report['wall_min']:.0f} min)."
        + (f" One-minute load average when each store's process started: {min(report['loadavg']):.1f} to "
           f"{max(report['loadavg']):.1f} (the benchmark itself accounts for about 1; more means other jobs shared the 2 cores)."
           if report.get("loadavg") else "") + (f" {report['note']}" if report.get("note") else ""),
        "",
        "Graphs: `spinekg.synthetic` pages (invented text in the shipped graph's shape, compiled by the real "
        f"build, seed {args['seed']}), {CLAIMS_PER_DOCUMENT} claims a page, exported once to N-Quads; every "
        "store loads that file. Each (size, store) runs in a fresh process. Stores: `memory` is rdflib "
        "(the baseline), `oxigraph` in memory, `oxigraph:disk` a persistent store filled from the file. "
        "Times are wall seconds; a query's time is the median of up to "
        f"{args['repeat']} runs after the first (fewer when one run takes over {QUERY_BUDGET_S // args['repeat']} s); "
        "ratios are rdflib / Oxigraph in this run. Every step has a limit of "
        f"{args['timeout']:g} s (\"did not finish\").",
        "",
        "| size | documents | triples | N-Quads MB | build s |",
        "|---|---:|---:|---:|---:|",
    ]
    for size in sizes:
        g = size["graph"]
        built = f"{g['build_s']:.1f}" + (" (cached)" if g["cached"] else "")
        lines.append(f"| {size_label(g['target'])} | {g['documents']} | {g['triples']:,} | "
                     f"{g['nquads_bytes'] / 1e6:.1f} | {built} |")
    lines += _targets(report) + ["", "## Per size and store", "",
              "| size | store | load s | load ratio | peak RSS after queries MiB | peak RSS MiB | query median ms "
              "| ratio | queries >= 10x | validation s | ratio | GraphML s | N-Quads s |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    for size in sizes:
        base = size["stores"]["memory"]
        base_q, base_med = query_steps(base), query_median(base)
        for store, result in size["stores"].items():
            st, q, med = result["steps"], query_steps(result), query_median(result)
            is_base = store == "memory"
            ratios = [ratio(base_q.get(name), step) for name, step in q.items()]
            faster = f"{sum(1 for r in ratios if r and r[0] >= 10)} of {len(q)}"
            validation = _s(st.get("validate"))
            if "engine" in st.get("validate", {}):
                validation += f" ({st['validate']['engine']})"
            cells = [size_label(size["graph"]["target"]), store, _s(st.get("load")),
                     "—" if is_base else _x(ratio(base["steps"].get("load"), st.get("load"))),
                     f"{result['rss_after_queries_mib'] or 0:,.0f}", f"{result['peak_rss_mib']:,.0f}",
                     "—" if med is None else f"{'> ' if med[1] else ''}{med[0] * 1000:.1f}",
                     "—" if is_base or not (med and base_med) else _x((base_med[0] / med[0], base_med[1])),
                     "—" if is_base else faster, validation,
                     "—" if is_base else _x(ratio(base["steps"].get("validate"), st.get("validate"))),
                     _s(st.get("export:graphml")), _s(st.get("export:nquads"))]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Peak RSS after queries: the child's `ru_maxrss` once the graph is loaded and every query has "
              "run; peak RSS: at the end (exports and validation included; a child stopped by the limit is "
              "read from /proc). Exports: `kg.export` to a file; validation: `kg.validate(corpus=...)` "
              "with the pages' texts. The on-disk store runs loading and queries only. Query median: the "
              "median over the library of each query's median (a query that did not finish counts at the limit, "
              "and the median is then a lower bound: \"> \"). Queries >= 10x: how many queries are at least 10 "
              "times faster than on rdflib."]
    for size in sizes:
        lines += _query_table(size, args["repeat"])
    lines += _cli_section(report["cli"])
    return "\n".join(lines) + "\n"


def _query_table(size: dict, args_repeat: int) -> list[str]:
    stores = size["stores"]
    names = sorted({n[6:] for r in stores.values() for n in r["steps"] if n.startswith("query:")})
    g = size["graph"]
    lines = ["", f"## Queries at {size_label(g['target'])} ({g['triples']:,} triples)", "",
             "| query | rows | " + " | ".join(f"{s} first ms | {s} ms" + ("" if s == "memory" else " | ratio")
                                           for s in stores) + " |",
             "|---|---:|" + "---:|" * sum(2 if s == "memory" else 3 for s in stores)]
    substituted = set()
    for name in names:
        cells, rows = [], set()
        for store, result in stores.items():
            step = result["steps"].get(f"query:{name}")
            if step and "rows" in step:
                rows.add(step["rows"])
                if any(v.startswith("syn") for v in step["params"].values()):
                    substituted.add(f"{name} ({', '.join(f'{k}={v}' for k, v in step['params'].items() if v.startswith('syn'))})")
            first = f"{step['first'] * 1000:.1f}" if step and "first" in step else "—"
            runs = step.get("runs", args_repeat) if step else args_repeat
            fewer = "" if runs >= args_repeat else " (first only)" if not runs else f" ({runs} run{'s' * (runs > 1)})"
            cells += [first, _s(step, "ms") + fewer]
            if store != "memory":
                cells.append(_x(ratio(stores["memory"]["steps"].get(f"query:{name}"), step)))
        lines.append(f"| {name} | {'/'.join(str(r) for r in sorted(rows)) or '—'} | " + " | ".join(cells) + " |")
    if substituted:
        lines += ["", "Document examples (`003`) name shipped pages, absent from a synthetic graph; the synthetic "
                  "page of the same number stands in: " + "; ".join(sorted(substituted)) + "."]
    return lines


def _targets(report: dict) -> list[str]:
    size = max(report["sizes"], key=lambda s: s["graph"]["target"])
    label = size_label(size["graph"]["target"])
    stores = size["stores"]
    base, ox = stores["memory"]["steps"], stores["oxigraph"]["steps"]
    disk = stores.get("oxigraph:disk", {})
    rows = []
    load = ratio(base.get("load"), ox.get("load"))
    rows.append(("Oxigraph load >= 8x faster than rdflib", _x(load), None if load is None else load[0] >= 8))
    base_q, q = query_steps(stores["memory"]), query_steps(stores["oxigraph"])
    ratios = {name: ratio(base_q.get(name), step) for name, step in q.items()}
    lowest = min(ratios, key=lambda n: ratios[n][0] if ratios[n] else 0) if ratios else None
    met = sum(1 for r in ratios.values() if r and r[0] >= 10)
    rows.append(("every library query >= 10x faster than rdflib",
                 f"{met} of {len(q)} (lowest: {lowest} {_x(ratios[lowest])})" if lowest else "—",
                 met == len(q) if q else None))
    times = {name: _time(step) for name, step in q.items() if _time(step) is not None}
    med = query_median(stores["oxigraph"])
    slowest = max(times, key=times.get) if times else None
    rows.append(("Oxigraph query median < 150 ms",
                 "—" if med is None else f"{med[0] * 1000:.1f} ms (slowest: {slowest} {times[slowest] * 1000:.0f} ms; "
                 f"{sum(t < 0.15 for t in times.values())} of {len(q)} under 150 ms)",
                 None if med is None else med[0] < 0.15))
    vt = _time(ox.get("validate"))
    engine = ox.get("validate", {}).get("engine", "pyshacl")
    rows.append((f"full validation < 30 s (Oxigraph store, {engine})",
                 _s(ox.get("validate")) if vt is None else f"{vt:.1f} s",
                 None if "validate" not in ox else (vt is not None and vt < 30)))
    result = stores["oxigraph"]
    peak, queried = (result[k] * 2**20 / 1e9 for k in ("peak_rss_mib", "rss_after_queries_mib"))
    rows.append(("peak memory < 3 GB (Oxigraph store, whole process)",
                 f"{peak:.2f} GB, reached in {result['peak_step']} ({queried:.2f} GB after loading and queries)",
                 peak < 3))
    reopen = disk.get("reopen", {}).get("seconds")
    rows.append(("reopen the persisted store + one query (`spinekg query`) < 1 s",
                 "—" if reopen is None else f"{reopen:.2f} s", None if reopen is None else reopen < 1))
    cli = report["cli"]
    cq = list(cli["queries_s"].values())
    rows.append(("cold `spinekg query NAME` on the shipped graph < 1 s",
                 f"median {statistics.median(cq):.2f} s, max {max(cq):.2f} s", max(cq) < 1))
    rows.append(("`python -c \"import spinekg\"` < 0.3 s", f"{cli['import_wall_s']:.2f} s wall", cli["import_wall_s"] < 0.3))
    note = "" if size["graph"]["target"] >= 1_000_000 else f" (the targets are for 1M; this run's largest size is {label})"
    lines = ["", f"## Targets ({TARGETS}), measured at {label}{note}", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {what} | {figure} | {_mark(ok)} |" for what, figure, ok in rows]
    return lines


def _cli_section(cli: dict) -> list[str]:
    cq = cli["queries_s"]
    imp = cli["importtime_s"]
    return ["", "## Command line on the shipped graph", "",
            f"`spinekg query NAME --param ...` in a new process, the compiled-graph cache filled, median of "
            f"{cli['repeat']} run(s) per query: median over the {len(cq)} queries {statistics.median(cq.values()):.2f} s, "
            f"fastest {min(cq.values()):.2f} s, slowest {max(cq.values()):.2f} s ({max(cq, key=cq.get)}). "
            f"`python -c \"import spinekg\"`: {cli['import_wall_s']:.3f} s wall (median of 7; `python -c pass` "
            f"{cli['python_wall_s']:.3f} s); `-X importtime` cumulative for spinekg: "
            + ("—" if imp is None else f"{imp:.3f} s") + "."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k only (a few minutes)")
    parser.add_argument("--sizes", help="comma-separated triple counts (default 10k,100k,1M; --quick: 10k,100k)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="limit of one step (default 600; --quick: 60)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query after the first")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=HERE / ".work", help="cache of built graphs and stores")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "scale.md")
    parser.add_argument("--render", type=Path, metavar="JSON", help="only rewrite the Markdown from a saved scale.json")
    parser.add_argument("--note", help="a sentence for the report's header (e.g. what else ran on the machine)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        (child_build if job["kind"] == "build" else child_measure)(job)
        return
    if args.render:
        report = json.loads(args.render.read_text(encoding="utf-8"))
        if args.note:
            report["note"] = args.note
            args.render.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        table = render(report)
        print(table, end="")
        args.output.write_text(table, encoding="utf-8")
        return
    try:
        sizes = [parse_size(s) for s in (args.sizes or ("10k,100k" if args.quick else "10k,100k,1M")).split(",")]
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    args.timeout = args.timeout or (60 if args.quick else 600)
    args.cli_repeat = 1 if args.quick else 3
    args.loadavg = []
    args.work.mkdir(parents=True, exist_ok=True)
    if not (args.work / ".gitignore").exists():
        (args.work / ".gitignore").write_text("*\n", encoding="utf-8")

    import pyoxigraph

    start = time.perf_counter()
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "") + "".join(
        f" {flag} {value}" for flag, value in (("--sizes", args.sizes), ("--timeout", f"{args.timeout:g}"),
                                               ("--repeat", args.repeat), ("--seed", args.seed)) if value is not None)
    report = {"command": command, "machine": machine_line(), "note": args.note,
              "args": {"timeout": args.timeout, "repeat": args.repeat, "seed": args.seed},
              "pyoxigraph": pyoxigraph.__version__, "ram_gib": os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30,
              "sizes": []}
    for target in sorted(sizes):
        graph = {**build_graph(target, args), "target": target}
        report["sizes"].append({"graph": graph, "stores": {store: measure_store(graph, store, args) for store in STORES}})
    report["cli"] = measure_cli(args)
    report["wall_min"] = (time.perf_counter() - start) / 60
    report["loadavg"] = args.loadavg
    table = render(report)
    print(table, end="")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table, encoding="utf-8")
    args.output.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {args.output} and {args.output.with_suffix('.json')}")


if __name__ == "__main__":
    main()
