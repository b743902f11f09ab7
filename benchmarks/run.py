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
* exports (``kg.export``: GraphML and N-Quads, time and size), conflicts (``kg.conflicts()``,
  every kind: time and findings per kind) and validation (``kg.validate(corpus=...)``; pyshacl
  on rdflib and ``engine="sparql"`` on Oxigraph when ``kg.validate`` accepts ``engine``; on
  Oxigraph, where its time and memory go: before the shapes, per top-level shape and shapes file,
  the report graph and the rows, see :class:`SparqlValidationTimer`). The on-disk store is
  measured for loading, queries and conflicts only (exports and validation run the same code as
  the in-memory Oxigraph store), plus the wall time of a new ``spinekg query NAME --store
  oxigraph:FOLDER`` process that reopens the filled store and of a new ``spinekg conflicts
  --store oxigraph:FOLDER -f json -o FILE`` process.

Every step has a time limit (``--timeout``): a step that exceeds it is reported as "did not
finish in N s", the child is stopped and a new one goes on with the next steps. ``--stores``
measures only some stores and ``--skip-queries STORES`` leaves out the library queries on some
(e.g. rdflib at 1M, about 20 minutes of queries); the report then says what was not measured.
Ratios are rdflib time / Oxigraph time, measured in the same run. Also measured: cold ``spinekg
query NAME`` on the shipped graph (all library queries) and ``python -c "import spinekg"``. The
Markdown goes to stdout and ``--output`` (default ``benchmarks/results/scale.md``), the raw
results to ``scale.json`` beside it.

    SPINEKG_CORPUS=... python benchmarks/run.py            # full: 10k, 100k, 1M (tens of minutes)
    python benchmarks/run.py --quick                       # 10k and 100k, a few minutes
    python benchmarks/run.py [--sizes 10k,100k,1M] [--timeout 600] [--repeat 5] [--seed 0]
        [--stores memory,oxigraph,oxigraph:disk] [--skip-queries memory|all]
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
CLI_CONFLICTS_RUNS = 3
PROFILE_TOP = 12  # slowest shapes listed in the validation profile
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
    """Load the graph into one store and run every step of ``plan`` not in ``job["skip"]``."""
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
    for name, spec in (load_library().items() if job["queries"] else ()):
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

    def conflicts():
        from collections import Counter

        from spinekg.analysis.conflicts import KINDS

        start = time.perf_counter()
        findings = kg.conflicts()
        seconds = time.perf_counter() - start
        kinds = Counter(f.kind for f in findings)
        return {"seconds": seconds, "findings": len(findings), "kinds": {kind: kinds[kind] for kind in KINDS}}

    _step("conflicts", skip, conflicts)
    if job["full"]:
        kwargs, engine = {"corpus": folder / "corpus"}, "pyshacl"
        accepted = inspect.signature(kg.validate).parameters
        if "engine" in accepted and store != "memory":
            kwargs["engine"] = engine = "sparql"  # the shapes compiled to SPARQL, run by Oxigraph
        elif "engine" in accepted and accepted["engine"].default not in (None, inspect.Parameter.empty):
            engine = str(accepted["engine"].default)

        def validate():
            timer = SparqlValidationTimer.install() if engine == "sparql" else None
            start = time.perf_counter()
            result = kg.validate(**kwargs)
            seconds = time.perf_counter() - start
            record = {"seconds": seconds, "counts": result.counts, "engine": engine,
                      "text_checked": result.text_checked}
            if timer is not None:
                record["profile"] = timer.profile(start, start + seconds)
            return record

        _step("validate", skip, validate)


class SparqlValidationTimer:
    """Where the sparql validation engine spends its time and memory, by wrapping (in the measuring
    child only) four of its private functions: ``_Run.focus`` and the top-level ``_Run.validate``
    of each targeted shape (its own queries and those of its property shapes), the report graph
    (``run.report``) and the rows (``shacl._rows``). That costs a few clock reads and a
    ``getrusage`` per top-level shape (about 170), nothing per query or result. A shape's peak
    growth is how far the process's peak RSS rose while it ran (Oxigraph's working memory for its
    queries, and its results). A progress record goes out when a shape starts and when it ends, so a
    validation stopped by the limit says how far it got. When spinekg's internals have moved,
    :meth:`install` returns ``None`` and the validation runs untimed."""

    def __init__(self):
        self.shapes: dict[str, dict] = {}
        self.phases: dict[str, list[tuple[float, float]]] = {}
        self.first_start = self.first_rss = None
        self.start_rss = _rss_mib()

    @classmethod
    def install(cls):
        try:
            from spinekg.validation import shacl
            from spinekg.validation.sparql import run
            cls._originals = getattr(cls, "_originals", None) or (
                run._Run.focus, run._Run.validate, run.report, shacl._rows)
        except (ImportError, AttributeError):
            return None
        timer = cls()
        timer.file_of(None)  # read the shapes files now, not while the validation is timed
        focus, validate, report, rows = cls._originals
        depth = [0]

        def entry(run_, shape) -> dict:
            name = run_.shapes.curie(shape.node)
            return timer.shapes.setdefault(name, {"seconds": 0.0, "focus_s": 0.0, "results": 0, "peak_growth_mib": 0.0,
                                                  "file": timer.file_of(shape.node)})

        def timed_focus(run_, shape):
            _emit({"step": "validate", "event": "progress", "running": run_.shapes.curie(shape.node)})
            start = time.perf_counter()
            if timer.first_start is None:
                timer.first_start, timer.first_rss = start, _rss_mib()
            try:
                return focus(run_, shape)
            finally:
                spent = time.perf_counter() - start
                record = entry(run_, shape)
                record["seconds"] += spent
                record["focus_s"] += spent

        def timed_validate(run_, shape, focus_set):
            if depth[0]:
                return validate(run_, shape, focus_set)
            depth[0] += 1
            start, peak, results = time.perf_counter(), _rss_mib(), len(run_.results)
            try:
                return validate(run_, shape, focus_set)
            finally:
                depth[0] -= 1
                spent = time.perf_counter() - start
                record = entry(run_, shape)
                record["seconds"] += spent
                record["results"] += len(run_.results) - results
                record["peak_growth_mib"] += _rss_mib() - peak
                _emit({"step": "validate", "event": "progress", "shape": run_.shapes.curie(shape.node), **record,
                       "rss_mib": _rss_mib()})

        def phase(name, fn):
            def timed(*args, **kwargs):
                start, peak = time.perf_counter(), _rss_mib()
                try:
                    return fn(*args, **kwargs)
                finally:
                    timer.phases.setdefault(name, []).append((time.perf_counter() - start, _rss_mib() - peak))
            return timed

        run._Run.focus, run._Run.validate = timed_focus, timed_validate
        run.report, shacl._rows = phase("report", report), phase("rows", rows)
        return timer

    _files: dict | None = None

    def file_of(self, node) -> str:
        """The shapes file that declares ``node`` (parsed once, the shipped shapes)."""
        if SparqlValidationTimer._files is None:
            from rdflib import Graph

            from spinekg.validation.shacl import load_shapes

            files: dict = {}
            for path in load_shapes(None)[1]:
                for subject in set(Graph().parse(path).subjects()):
                    files.setdefault(subject, Path(path).name)
            SparqlValidationTimer._files = files
        return SparqlValidationTimer._files.get(node, "?")

    def profile(self, start: float, end: float) -> dict:
        """Before the first shape (the scratch graph: ontology and texts; reading the shapes), the
        shapes, the report graph and the rows: seconds and how far each raised the peak RSS."""
        def phase(name):
            spans = self.phases.get(name, [])
            return sum(t for t, _ in spans), sum(g for _, g in spans)

        report, rows = phase("report"), phase("rows")
        return {"before_s": (self.first_start or end) - start,
                "before_growth_mib": (self.first_rss or _rss_mib()) - self.start_rss,
                "shapes_s": sum(r["seconds"] for r in self.shapes.values()),
                "shapes_growth_mib": sum(r["peak_growth_mib"] for r in self.shapes.values()),
                "report_s": report[0], "report_growth_mib": report[1], "rows_s": rows[0], "rows_growth_mib": rows[1],
                "start_rss_mib": self.start_rss, "end_rss_mib": _rss_mib(),
                "shapes": dict(sorted(self.shapes.items(), key=lambda kv: -kv[1]["seconds"]))}


def plan(full: bool, queries: bool = True) -> list[str]:
    """The steps of a measuring child, in order (the on-disk store runs no exports or validation)."""
    from spinekg.query.library import load_library

    names = [f"query:{name}" for name in load_library()] if queries else []
    exports = [f"export:{fmt}" for fmt in EXPORTS] if full else []
    return ["load", "index"] + names + exports + ["conflicts"] + (["validate"] if full else [])


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
    records, current, started, peak_kib, progress = [], None, time.perf_counter(), 0, None
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
                current, started, progress = record["step"], time.perf_counter(), None
            elif record.get("event") == "progress":  # how far a long step has got (validation's shapes)
                progress = progress or {"done": {}}
                if "running" in record:
                    progress["running"], progress["running_since"] = record["running"], time.perf_counter()
                else:
                    done = {k: v for k, v in record.items() if k not in ("step", "event", "shape")}
                    progress["done"][record["shape"]] = done
                    if progress.get("running") == record["shape"]:
                        del progress["running"], progress["running_since"]
                    if done.get("seconds", 0) >= 5:
                        log(f"{label} {record['step']} ... {record['shape']}: {done}")
            else:
                records.append(record)
                current = None
                shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in record.items()
                         if k not in ("step", "params", "profile")}
                if "profile" in record:
                    shown["profile"] = {k: round(v, 1) for k, v in record["profile"].items() if k != "shapes"}
                log(f"{label} {record['step']}: {shown}")
        if current and time.perf_counter() - started > timeout:
            proc.kill()  # only the child this function started
            proc.wait()
            log(f"{label} {current}: did not finish in {timeout:g} s")
            if progress and "running_since" in progress:
                progress["running_s"] = time.perf_counter() - progress.pop("running_since")
            stop = {"step": current, "timeout": timeout, **({"progress": progress} if progress else {})}
            return records, stop, peak_kib / 1024
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
    full, queries = store != "oxigraph:disk", store not in args.skip_queries
    steps: dict[str, dict] = {}
    peak, peak_step, restarts = 0.0, None, 0
    while True:
        job = {"kind": "measure", "folder": str(folder), "store": spec, "repeat": args.repeat, "full": full,
               "queries": queries, "skip": [s for s in steps if s not in ("load", "index")]}
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
        if stop["step"] in ("load", "index", "start") or all(s in steps for s in plan(full, queries)):
            break
        restarts += 1
    queried = [r["rss_mib"] for name, r in steps.items() if name.startswith("query:") and "rss_mib" in r]
    result = {"store": store, "steps": steps, "peak_rss_mib": peak, "peak_step": peak_step, "restarts": restarts,
              "queries_measured": queries,
              "rss_after_queries_mib": max(queried, default=steps.get("load", {}).get("rss_mib"))}
    if store == "oxigraph:disk" and "seconds" in steps.get("load", {}):
        from bench_query import _cli_time
        from spinekg.query.library import load_library

        params = example_params(load_library()[REOPEN_QUERY])
        cli = [REOPEN_QUERY, "--store", spec] + [f"--param={k}={v}" for k, v in params.items()]
        result["reopen"] = {"query": REOPEN_QUERY, "seconds": _cli_time(cli, dict(os.environ), 3)}
        log(f"{label}: reopen + {REOPEN_QUERY}: {result['reopen']['seconds']:.2f} s")
        result["cli_conflicts"] = cli_conflicts(spec, folder, args.timeout, CLI_CONFLICTS_RUNS)
        log(f"{label}: spinekg conflicts in a new process: {result['cli_conflicts']}")
    return result


def cli_conflicts(spec: str, folder: Path, timeout: float, runs: int) -> dict:
    """Wall time of a new ``spinekg conflicts --store oxigraph:FOLDER -f json -o FILE`` process
    (reopen the filled store, every kind, the JSON report written): the median of ``runs``."""
    out = folder / "conflicts-cli.json"
    command = [sys.executable, "-m", "spinekg", "conflicts", "--store", spec, "-f", "json", "-o", str(out)]
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            try:
                proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:  # subprocess.run kills the process it started
                return {"timeout": timeout, "runs": len(times)}
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                return {"error": (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]}
        written = json.loads(out.read_text(encoding="utf-8"))
        return {"seconds": statistics.median(times), "times": times, "runs": runs, "bytes": out.stat().st_size,
                "findings": len(written.get("findings", [])), "kinds": written.get("counts")}
    finally:
        out.unlink(missing_ok=True)


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

NOT_MEASURED = "not measured"


def _s(step: dict | None, unit: str = "s", missing: str = "—") -> str:
    """A step's time (or why there is none; ``missing`` when there is no record of it)."""
    if not step:
        return missing
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


def _x(value: tuple[float, bool] | None, missing: str = "—") -> str:
    return missing if value is None else f"{'> ' if value[1] else ''}{value[0]:.1f}x"


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def query_steps(result: dict | None) -> dict[str, dict]:
    return {name[6:]: step for name, step in (result or {}).get("steps", {}).items() if name.startswith("query:")}


def query_median(result: dict | None) -> tuple[float, bool] | None:
    """The median over the library of each query's median (queries that did not finish count at the limit)."""
    times = [t for t in map(_at_least, query_steps(result).values()) if t]
    return (statistics.median(t for t, _ in times), any(b for _, b in times)) if times else None


def _stores_run(report: dict) -> list[str]:
    return report["args"].get("stores", list(STORES))


def _queries_run(report: dict, store: str) -> bool:
    return store in _stores_run(report) and store not in report["args"].get("skip_queries", [])


def _why_missing(report: dict, store: str, what: str = "step") -> str:
    """Why a store's figure is absent: the store or its queries were left out of this run, or the
    step was not reached (its child stopped earlier)."""
    if "stores" not in report["args"]:  # results of an older benchmark, without this step
        return f"{NOT_MEASURED} (no such step then)"
    if store not in _stores_run(report):
        return f"{NOT_MEASURED} (store not in --stores)"
    if what == "queries" and not _queries_run(report, store):
        return f"{NOT_MEASURED} (--skip-queries)"
    return f"{NOT_MEASURED} (step not reached)"


def _partial_lines(report: dict) -> list[str]:
    """What a partial run (--stores, --skip-queries) left out, said once at the top."""
    left_out = [s for s in STORES if s not in _stores_run(report)]
    skipped = report["args"].get("skip_queries", [])
    lines = []
    if left_out:
        lines.append(f"Stores not measured in this run (`--stores`): {', '.join(left_out)}; their rows, ratios "
                     "against them and the targets that need them say \"not measured\".")
    if skipped:
        lines.append(f"Library queries not run on: {', '.join(skipped)} (`--skip-queries`): those stores measure "
                     "load, exports, conflicts and validation only; their query figures, the query ratios against "
                     "them and the query targets that need them say \"not measured\", and their \"RSS after "
                     "queries\" is after loading only.")
    return ["", "**Partial run.** " + " ".join(lines)] if lines else []


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
        *_partial_lines(report),
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
              "| ratio | queries >= 10x | conflicts s | ratio | validation s | ratio | GraphML s | N-Quads s |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    for size in sizes:
        base = size["stores"].get("memory")
        base_steps = (base or {}).get("steps", {})
        base_q, base_med = query_steps(base), query_median(base)
        no_base = "rdflib " + _why_missing(report, "memory", "queries") if not base_q else "—"
        for store in STORES:
            label = size_label(size["graph"]["target"])
            result = size["stores"].get(store)
            if result is None:
                lines.append(f"| {label} | {store} | " + " | ".join([_why_missing(report, store)] + ["—"] * 12) + " |")
                continue
            st, q, med = result["steps"], query_steps(result), query_median(result)
            is_base, full = store == "memory", store != "oxigraph:disk"
            missing = _why_missing(report, store)
            queries_missing = _why_missing(report, store, "queries")
            ratios = [ratio(base_q.get(name), step) for name, step in q.items()]
            faster = f"{sum(1 for r in ratios if r and r[0] >= 10)} of {len(q)}" if q and base_q else (
                queries_missing if not q else no_base)
            validation = _s(st.get("validate"), missing=missing) if full else "n/a (not run on disk)"
            if "engine" in st.get("validate", {}):
                validation += f" ({st['validate']['engine']})"
            after = f"{result['rss_after_queries_mib'] or 0:,.0f}" + ("" if q else " (load only)")

            def vs(name):
                if is_base:
                    return "—"
                if name not in base_steps:
                    return "rdflib " + _why_missing(report, "memory")
                return _x(ratio(base_steps.get(name), st.get(name)))

            cells = [label, store, _s(st.get("load"), missing=missing), vs("load"),
                     after, f"{result['peak_rss_mib']:,.0f}",
                     queries_missing if med is None else f"{'> ' if med[1] else ''}{med[0] * 1000:.1f}",
                     "—" if is_base else (_x((base_med[0] / med[0], base_med[1])) if med and base_med
                                          else queries_missing if not med else no_base),
                     "—" if is_base else faster,
                     _s(st.get("conflicts"), missing=missing), vs("conflicts"),
                     validation, vs("validate") if full else "—",
                     _s(st.get("export:graphml"), missing=missing) if full else "n/a",
                     _s(st.get("export:nquads"), missing=missing) if full else "n/a"]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Peak RSS after queries: the child's `ru_maxrss` once the graph is loaded and every query has "
              "run (after loading only when its queries were not run); peak RSS: at the end (exports, conflicts "
              "and validation included; a child stopped by the limit is read from /proc). Exports: `kg.export` "
              "to a file; conflicts: `kg.conflicts()`, every kind; validation: `kg.validate(corpus=...)` with the "
              "pages' texts. The on-disk store runs loading, queries and conflicts (n/a: exports and validation "
              "run the same code as the in-memory Oxigraph store). Query median: the "
              "median over the library of each query's median (a query that did not finish counts at the limit, "
              "and the median is then a lower bound: \"> \"). Queries >= 10x: how many queries are at least 10 "
              "times faster than on rdflib."]
    lines += _conflicts_section(report)
    lines += _validation_profile(report)
    for size in sizes:
        lines += _query_table(size, args["repeat"], report)
    lines += _cli_section(report["cli"])
    return "\n".join(lines) + "\n"


def _conflicts_section(report: dict) -> list[str]:
    from spinekg.analysis.conflicts import KINDS

    sizes = [s for s in report["sizes"] if any("conflicts" in r["steps"] or r.get("cli_conflicts")
                                               for r in s["stores"].values())]
    if not sizes:
        return ["", "## Conflicts", "", f"{NOT_MEASURED}: this run has no conflicts step."]
    lines = ["", "## Conflicts", "",
             "`kg.conflicts()` (every kind) in the measuring process, after loading (and queries, exports); and, "
             f"on the on-disk store, a new `spinekg conflicts --store oxigraph:FOLDER -f json -o FILE` process "
             f"(reopening the filled store, every kind, the JSON report written; median of {CLI_CONFLICTS_RUNS}). "
             "Ratio: rdflib / this store.", "",
             "| size | store | seconds | ratio | findings | " + " | ".join(KINDS) + " |",
             "|---|---|---:|---:|---:|" + "---:|" * len(KINDS)]
    for size in sizes:
        label = size_label(size["graph"]["target"])
        base = size["stores"].get("memory", {}).get("steps", {}).get("conflicts")
        seen = {}
        for store in STORES:
            result = size["stores"].get(store)
            if result is None:
                lines.append(f"| {label} | {store} | {_why_missing(report, store)} |" + " — |" * (3 + len(KINDS)))
                continue
            rows = [(store, result["steps"].get("conflicts"))]
            if store == "oxigraph:disk":
                rows.append(("oxigraph:disk, new `spinekg conflicts` process", result.get("cli_conflicts")))
            for name, step in rows:
                kinds = (step or {}).get("kinds") or {}
                if kinds:
                    seen[name] = tuple(kinds.get(k, 0) for k in KINDS)
                vs = ("—" if store == "memory" or name != store  # a new process: not like for like
                      else _x(ratio(base, step), "rdflib " + _why_missing(report, "memory") if not base else "—"))
                lines.append(f"| {label} | {name} | {_s(step, missing=_why_missing(report, store))} | {vs} | "
                             f"{(step or {}).get('findings', '—')} | "
                             + " | ".join(str(kinds.get(k, "—")) for k in KINDS) + " |")
        if len(set(seen.values())) > 1:
            lines += ["", f"**At {label} the stores disagree on the findings** ({'; '.join(f'{k}: {v}' for k, v in seen.items())})."]
    return lines


def _validation_profile(report: dict) -> list[str]:
    """Where validation on the in-memory Oxigraph store spends its time, per top-level shape."""
    found = [(s, s["stores"]["oxigraph"]["steps"].get("validate", {})) for s in report["sizes"]
             if "oxigraph" in s["stores"]]
    found = [(s, v) for s, v in found if v.get("profile") or v.get("progress")]
    if not found:
        return []
    size, step = max(found, key=lambda sv: sv[0]["graph"]["target"])
    label = size_label(size["graph"]["target"])
    lines = ["", f"## Validation on Oxigraph at {label}: where the time goes", ""]
    prof = step.get("profile")
    if prof is None:
        p = step["progress"]
        done = dict(sorted(p.get("done", {}).items(), key=lambda kv: -kv[1]["seconds"]))
        spent = sum(r["seconds"] for r in done.values())
        lines += [f"The validation was stopped by the limit ({_s(step)}). By then {len(done)} top-level shapes had "
                  f"finished, in {spent:.1f} s; "
                  + (f"it was in **{p['running']}** (for {p.get('running_s', 0):.0f} s, its focus selection "
                     "included) when it was stopped" if p.get("running") else "it was between shapes when stopped")
                  + ". The finished shapes, slowest first:", "",
                  "| shape | file | seconds | of which focus selection | peak growth MiB | results | peak RSS after MiB |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for name, r in list(done.items())[:PROFILE_TOP]:
            lines.append(f"| {name} | {r['file']} | {r['seconds']:.2f} | {r['focus_s']:.2f} | "
                         f"{r['peak_growth_mib']:,.0f} | {r['results']:,} | {r.get('rss_mib', 0):,.0f} |")
        return lines
    total = step["seconds"]
    lines += [f"Total {total:.1f} s (`kg.validate(corpus=...)`, engine sparql); the engine's pieces timed by wrapping "
              "them in the measuring process (`SparqlValidationTimer` in `benchmarks/run.py`). Peak growth: how far "
              "the process's peak RSS (`ru_maxrss`) rose during the phase or shape; it started the validation at "
              f"{prof['start_rss_mib']:,.0f} MiB and ended at {prof['end_rss_mib']:,.0f} MiB.", "",
              "| phase | seconds | share | peak growth MiB |", "|---|---:|---:|---:|"]
    phases = [("before the shapes (scratch graph: ontology, page texts; reading the shapes)", prof["before_s"],
               prof["before_growth_mib"]),
              ("the shapes' queries (focus selection and constraints)", prof["shapes_s"], prof["shapes_growth_mib"]),
              ("report graph (`sparql.run.report`)", prof["report_s"], prof["report_growth_mib"]),
              ("rows: labels, evidence (`shacl._rows`)", prof["rows_s"], prof["rows_growth_mib"])]
    rest = total - sum(t for _, t, _ in phases)
    phases.append(("the rest (removing the scratch graph, result object)", rest, None))
    for what, seconds, growth in phases:
        lines.append(f"| {what} | {seconds:.1f} | {100 * seconds / total:.0f}% | "
                     + ("—" if growth is None else f"{growth:,.0f}") + " |")
    files: dict[str, list[float]] = {}
    for record in prof["shapes"].values():
        entry = files.setdefault(record["file"], [0.0, 0.0, 0, 0])
        entry[0] += record["seconds"]
        entry[1] += record["peak_growth_mib"]
        entry[2] += 1
        entry[3] += record["results"]
    lines += ["", "By shapes file (top-level shapes with targets, their property shapes included):", "",
              "| shapes file | shapes | seconds | share of shapes | peak growth MiB | results |", "|---|---:|---:|---:|---:|---:|"]
    for name, (seconds, growth, count, results) in sorted(files.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| {name} | {count} | {seconds:.1f} | {100 * seconds / max(prof['shapes_s'], 1e-9):.0f}% | "
                     f"{growth:,.0f} | {results:,} |")
    top = list(prof["shapes"].items())[:PROFILE_TOP]
    lines += ["", f"The {len(top)} slowest of {len(prof['shapes'])} top-level shapes:", "",
              "| shape | file | seconds | of which focus selection | peak growth MiB | results |",
              "|---|---|---:|---:|---:|---:|"]
    for name, r in top:
        lines.append(f"| {name} | {r['file']} | {r['seconds']:.2f} | {r['focus_s']:.2f} | {r['peak_growth_mib']:,.0f} | "
                     f"{r['results']:,} |")
    grew = sorted(prof["shapes"].items(), key=lambda kv: -kv[1]["peak_growth_mib"])[:3]
    if grew and grew[0][1]["peak_growth_mib"] > 0:
        lines += ["", "The peak RSS rose most in: " + "; ".join(
            f"{n} (+{r['peak_growth_mib']:,.0f} MiB)" for n, r in grew if r["peak_growth_mib"] > 0) + "."]
    return lines


def _query_table(size: dict, args_repeat: int, report: dict) -> list[str]:
    stores = {s: r for s, r in size["stores"].items() if query_steps(r)}
    g = size["graph"]
    head = ["", f"## Queries at {size_label(g['target'])} ({g['triples']:,} triples)", ""]
    absent = [s for s in STORES if s not in stores]
    if absent:
        head += ["Not in this table: " + "; ".join(f"{s}: {_why_missing(report, s, 'queries')}" for s in absent)
                 + (". The ratios need the rdflib (memory) figures." if "memory" in absent else ".") , ""]
    if not stores:
        return head[:-1]
    names = sorted({n for r in stores.values() for n in query_steps(r)})
    lines = head + [
             "| query | rows | " + " | ".join(f"{s} first ms | {s} ms" + ("" if s == "memory" else " | ratio")
                                           for s in stores) + " |",
             "|---|---:|" + "---:|" * sum(2 if s == "memory" else 3 for s in stores)]
    substituted = set()
    base = size["stores"].get("memory", {}).get("steps", {}) if "memory" in stores else None
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
                cells.append(_x(ratio(base.get(f"query:{name}"), step)) if base is not None else "—")
        lines.append(f"| {name} | {'/'.join(str(r) for r in sorted(rows)) or '—'} | " + " | ".join(cells) + " |")
    if substituted:
        lines += ["", "Document examples (`003`) name shipped pages, absent from a synthetic graph; the synthetic "
                  "page of the same number stands in: " + "; ".join(sorted(substituted)) + "."]
    return lines


def _targets(report: dict) -> list[str]:
    size = max(report["sizes"], key=lambda s: s["graph"]["target"])
    label = size_label(size["graph"]["target"])
    stores = size["stores"]
    mem, ox, disk = (stores.get(s) for s in STORES)
    base, oxs = (mem or {}).get("steps", {}), (ox or {}).get("steps", {})
    rows = []

    def need(*names, what="step"):
        """Why a target cannot be judged: a store it needs was not measured (``None``: it can)."""
        for name in names:
            if stores.get(name) is None or (what == "queries" and not query_steps(stores[name])):
                return f"{_why_missing(report, name, what)}: {name}"
        return None

    load = ratio(base.get("load"), oxs.get("load"))
    missing = need("memory", "oxigraph")
    rows.append(("Oxigraph load >= 8x faster than rdflib", missing or _x(load), None if load is None else load[0] >= 8))
    base_q, q = query_steps(mem), query_steps(ox)
    missing = need("memory", "oxigraph", what="queries")
    if missing:
        rows.append(("every library query >= 10x faster than rdflib", missing, None))
    else:
        ratios = {name: ratio(base_q.get(name), step) for name, step in q.items()}
        lowest = min(ratios, key=lambda n: ratios[n][0] if ratios[n] else 0) if ratios else None
        met = sum(1 for r in ratios.values() if r and r[0] >= 10)
        rows.append(("every library query >= 10x faster than rdflib",
                     f"{met} of {len(q)} (lowest: {lowest} {_x(ratios[lowest])})" if lowest else "—",
                     met == len(q) if q else None))
    missing = need("oxigraph", what="queries")
    if missing:
        rows.append(("Oxigraph query median < 150 ms", missing, None))
    else:
        times = {name: _time(step) for name, step in q.items() if _time(step) is not None}
        med = query_median(ox)
        slowest = max(times, key=times.get) if times else None
        rows.append(("Oxigraph query median < 150 ms",
                     "—" if med is None else f"{med[0] * 1000:.1f} ms (slowest: {slowest} {times[slowest] * 1000:.0f} ms; "
                     f"{sum(t < 0.15 for t in times.values())} of {len(q)} under 150 ms)",
                     None if med is None else med[0] < 0.15))
    ct = _time(oxs.get("conflicts"))
    cr = ratio(base.get("conflicts"), oxs.get("conflicts"))
    vs_rdflib = (f"; rdflib {_s(base.get('conflicts'))}" + (f" s, ratio {_x(cr)}" if _time(base.get("conflicts")) else
                                                             (f", ratio {_x(cr)}" if cr else ""))
                 if "conflicts" in base else f"; rdflib {_why_missing(report, 'memory')}")
    rows.append(("`spinekg conflicts` < 5 s (Oxigraph): `kg.conflicts()` in the process, in-memory store",
                 need("oxigraph") or ((f"{ct:.3f} s" if ct is not None  # 3 decimals: 5.004 is not "5.00"
                                       else _s(oxs.get("conflicts"), missing=_why_missing(report, "oxigraph")))
                                      + vs_rdflib),
                 None if ct is None and "conflicts" not in oxs else (ct is not None and ct < 5)))
    cli = (disk or {}).get("cli_conflicts")
    dt = _time(cli)
    rows.append(("`spinekg conflicts` < 5 s (Oxigraph): a new `spinekg conflicts --store oxigraph:FOLDER -f json` "
                 "process (reopen, all kinds, JSON written)",
                 need("oxigraph:disk") or (_s(cli, missing=_why_missing(report, "oxigraph:disk")) + (" s" if dt else "")
                                           + (f" (median of {cli['runs']}; in-process on disk "
                                              f"{_s(disk['steps'].get('conflicts'))} s)" if dt else "")),
                 None if not cli else (dt is not None and dt < 5)))
    vt = _time(oxs.get("validate"))
    engine = oxs.get("validate", {}).get("engine", "sparql")
    vr = ratio(base.get("validate"), oxs.get("validate"))
    vs_rdflib = (f"; rdflib ({base['validate'].get('engine', 'pyshacl')}) {_s(base.get('validate'))}"
                 + (" s" if _time(base.get("validate")) else "") + (f", ratio {_x(vr)}" if vr else "")
                 if "validate" in base else f"; rdflib {_why_missing(report, 'memory')}")
    rows.append((f"full validation < 30 s (Oxigraph store, {engine})",
                 need("oxigraph") or ((_s(oxs.get("validate"), missing=_why_missing(report, "oxigraph"))
                                       if vt is None else f"{vt:.1f} s") + vs_rdflib),
                 None if "validate" not in oxs else (vt is not None and vt < 30)))
    if ox is None:
        rows.append(("peak memory < 3 GB (Oxigraph store, whole process)", need("oxigraph"), None))
    else:
        peak, queried = (ox[k] * 2**20 / 1e9 for k in ("peak_rss_mib", "rss_after_queries_mib"))
        rows.append(("peak memory < 3 GB (Oxigraph store, whole process)",
                     f"{peak:.2f} GB, reached in {ox['peak_step']} ({queried:.2f} GB after loading"
                     + (" and queries)" if query_steps(ox) else ")"), peak < 3))
    reopen = (disk or {}).get("reopen", {}).get("seconds")
    rows.append(("reopen the persisted store + one query (`spinekg query`) < 1 s",
                 need("oxigraph:disk") or ("—" if reopen is None else f"{reopen:.2f} s"),
                 None if reopen is None else reopen < 1))
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
    parser.add_argument("--stores", default=",".join(STORES),
                        help=f"comma-separated stores to measure, among {', '.join(STORES)} (default: all)")
    parser.add_argument("--skip-queries", default="", metavar="STORES",
                        help="comma-separated stores (or 'all') whose library queries are not run: they then "
                             "measure load, exports, conflicts and validation only (the report says so)")
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
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    skip = [s.strip() for s in args.skip_queries.split(",") if s.strip()]
    skip = list(STORES) if skip == ["all"] else skip
    for name in stores + skip:
        if name not in STORES:
            parser.error(f"unknown store {name!r}: use {', '.join(STORES)}")
    args.stores = [s for s in STORES if s in stores]
    args.skip_queries = [s for s in STORES if s in skip and s in args.stores]
    args.cli_repeat = 1 if args.quick else 3
    args.loadavg = []
    args.work.mkdir(parents=True, exist_ok=True)
    if not (args.work / ".gitignore").exists():
        (args.work / ".gitignore").write_text("*\n", encoding="utf-8")

    import pyoxigraph

    start = time.perf_counter()
    partial = (("--stores", ",".join(args.stores) if args.stores != list(STORES) else None),
               ("--skip-queries", ",".join(args.skip_queries) or None))
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "") + "".join(
        f" {flag} {value}" for flag, value in (("--sizes", args.sizes), *partial, ("--timeout", f"{args.timeout:g}"),
                                               ("--repeat", args.repeat), ("--seed", args.seed)) if value is not None)
    report = {"command": command, "machine": machine_line(), "note": args.note,
              "args": {"timeout": args.timeout, "repeat": args.repeat, "seed": args.seed, "stores": args.stores,
                       "skip_queries": args.skip_queries},
              "pyoxigraph": pyoxigraph.__version__, "ram_gib": os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30,
              "sizes": []}
    for target in sorted(sizes):
        graph = {**build_graph(target, args), "target": target}
        report["sizes"].append({"graph": graph, "stores": {store: measure_store(graph, store, args) for store in args.stores}})
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
