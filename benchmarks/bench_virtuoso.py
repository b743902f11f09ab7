"""Benchmark: Virtuoso 7.2 against in-memory Oxigraph on the cached 1M-triple synthetic graph (issue 18).

In one process, so that the ratios compare figures taken under the same load of a shared machine:

* **load** the N-Quads file (``benchmarks/.work/syn-854x40-seed0/graph.nq``, written by
  ``benchmarks/run.py``: an ontology graph and a data graph) into pyoxigraph in memory
  (``Store().bulk_load``) and into a private Virtuoso (``tests/virtuoso.py``: Debian's
  virtuoso-opensource 7 on loopback, its configuration as the tests use it) through Virtuoso's bulk
  loader (``ld_dir``, ``rdf_loader_run()``, ``checkpoint`` in ``isql-vt``; the file is hard-linked
  into the server's folder, which is its only allowed directory); the triple count is checked on
  both;
* **queries**: the library queries with their example parameters (a document example ``003``
  names a shipped page, so the synthetic page ``syn00003`` stands in, as in ``run.py``), bound as
  ``VALUES`` blocks (:func:`spinekg.query.text.bind_values`), the same text on both: Oxigraph
  in-process (``store.query(text, use_default_graph_as_union=True)``, rows materialised), Virtuoso
  through SPARQLWrapper (form-encoded POST, JSON results parsed) with no default-graph-uri, so
  its default graph is all its graphs (the two loaded graphs and its own system graphs, which
  the library's queries do not match: the row counts are checked). Every query runs once on
  Oxigraph to rank them; then the slowest are run on both (a first run, then the median of
  ``--repeat`` runs, on Oxigraph then Virtuoso) until ``--count`` of them give the same number of
  rows (a query whose rows differ is recorded and skipped);
* **validation**: the sparql engine on Oxigraph (``kg.validate(corpus=..., engine="sparql")``
  after ``spinekg.load(graph.nq, store="oxigraph")``), and one attempt of ``spinekg validate
  --endpoint URL --engine sparql`` against Virtuoso in a new process with a time limit, its exit
  status and one-line error recorded.

Virtuoso is stopped and its folder deleted at the end, whatever happens.

    python benchmarks/bench_virtuoso.py [--graph benchmarks/.work/syn-854x40-seed0/graph.nq]
        [--repeat 3] [--count 5] [--timeout 300] [--output benchmarks/results/virtuoso]
    python benchmarks/bench_virtuoso.py --render benchmarks/results/virtuoso.json

It writes ``OUTPUT.md`` (also printed) and ``OUTPUT.json``; ``--render`` rewrites the Markdown from
saved results without measuring.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "benchmarks" / ".work" / "syn-854x40-seed0" / "graph.nq"
#: repeats after the first run stop when they would take longer than this (seconds)
QUERY_BUDGET_S = 120.0


def example_params(spec) -> dict[str, str]:
    """The query's example values; a shipped-page number ("003") becomes the synthetic page syn00003."""
    return {p.name: f"syn{int(p.example):05d}" if p.type == "document" and p.example.isdigit() else p.example
            for p in spec.parameters}


def loadavg() -> float:
    return round(os.getloadavg()[0], 2)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def isql(server, statements: str, timeout: float) -> str:
    """``statements`` in ``isql-vt`` on ``server`` (as ``Virtuoso.isql``, with a longer time limit)."""
    proc = subprocess.run(["isql-vt", f"127.0.0.1:{server.sql_port}", "dba", "dba", f"exec={statements}"],
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or "*** Error" in proc.stdout + proc.stderr:
        raise RuntimeError(f"isql-vt failed: {(proc.stdout + proc.stderr).strip()[-500:]}")
    return proc.stdout


def memory_gib(pid: int) -> dict:
    """The process's resident memory now and its peak (``VmRSS``, ``VmHWM``), in GiB."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out["rss_gib" if key == "VmRSS" else "peak_gib"] = int(value.split()[0]) / 2**20
    except OSError:
        pass
    return out


def available_gib() -> float:
    """The machine's available memory (``MemAvailable``), in GiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return float("inf")


def source_state() -> dict:
    """The commit and the changed files under queries/, shapes/ and src/ (the texts measured)."""
    def git(*argv):
        try:
            return subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "changed": git("status", "--short", "--", "queries", "shapes", "src").splitlines()}


def virtuoso_version() -> str:
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "virtuoso-opensource-7-bin"],
                              capture_output=True, text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# -- clients ----------------------------------------------------------------------------------------

def oxigraph_rows(store, text: str) -> int:
    return sum(1 for _ in store.query(text, use_default_graph_as_union=True))


def virtuoso_select(endpoint: str, text: str, timeout: float) -> tuple[list[dict], str | None]:
    """The JSON bindings and Virtuoso's X-SQL-State header (set when a limit cut the answer short)."""
    from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    client.setQuery(text)
    answer = client.query()
    state = answer.info().get("x-sql-state")
    return answer.convert()["results"]["bindings"], state


def timed_runs(fn, repeat: int) -> dict:
    """A first run, then the median of up to ``repeat`` runs (fewer past QUERY_BUDGET_S)."""
    start = time.perf_counter()
    first_value = fn()
    first = time.perf_counter() - start
    runs = min(repeat, int(QUERY_BUDGET_S / max(first, 1e-6)))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"first_ms": first * 1000, "median_ms": statistics.median(times) * 1000 if times else first * 1000,
            "runs": runs, "times_ms": [t * 1000 for t in times], "value": first_value}


# -- steps ------------------------------------------------------------------------------------------

def load_oxigraph(graph: Path) -> tuple[object, dict]:
    from pyoxigraph import RdfFormat, Store

    store = Store()
    start = time.perf_counter()
    store.bulk_load(path=str(graph), format=RdfFormat.N_QUADS)
    seconds = time.perf_counter() - start
    graphs = sorted(str(g.value) for g in store.named_graphs())
    return store, {"seconds": seconds, "triples": len(store), "graphs": graphs, "loadavg": loadavg()}


def load_virtuoso(server, graph: Path, timeout: float) -> dict:
    target = server.folder / "graph.nq"
    try:
        os.link(graph, target)
        how = "hard link"
    except OSError:
        shutil.copyfile(graph, target)
        how = "copy"
    start = time.perf_counter()
    isql(server, f"ld_dir('{server.folder}', 'graph.nq', 'urn:spinekg');", 120)
    isql(server, "rdf_loader_run();", timeout)
    loaded = time.perf_counter() - start
    isql(server, "checkpoint;", timeout)
    seconds = time.perf_counter() - start
    errors = isql(server, "SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL OR ll_state <> 2;", 60)
    bad = [line.strip() for line in errors.splitlines() if line.strip().isdigit()]
    rows, _ = virtuoso_select(server.sparql, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                              timeout)
    per_graph = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    return {"seconds": seconds, "loader_s": loaded, "checkpoint_s": seconds - loaded, "file": how,
            "load_list_problems": int(bad[0]) if bad else None, "graphs": per_graph, "loadavg": loadavg()}


def bindings_for(kg, spec):
    from spinekg.query.library import EntityIndex, bind_parameters

    return bind_parameters(spec, example_params(spec), lambda: EntityIndex(kg.engine))


def measure_queries(store, kg, server, args) -> dict:
    from spinekg.query.library import load_library
    from spinekg.query.text import bind_values

    library = load_library()
    texts = {name: bind_values(spec.text, bindings_for(kg, spec)) for name, spec in library.items()}
    ranking = {}
    for name, text in texts.items():  # the faster of two runs on Oxigraph, to rank them in this run
        times = []
        for _ in range(2):
            start = time.perf_counter()
            rows = oxigraph_rows(store, text)
            times.append((time.perf_counter() - start) * 1000)
        ranking[name] = {"ms": min(times), "rows": rows}
    log("ranking: " + ", ".join(f"{n} {r['ms']:.0f}" for n, r in sorted(ranking.items(), key=lambda i: -i[1]["ms"])[:10]))
    candidates = sorted(texts, key=lambda n: -ranking[n]["ms"])
    measured, chosen = [], 0

    def both(name: str, role: str) -> dict:
        log(f"query {name} ({role})")
        record = {"query": name, "role": role, "params": example_params(library[name]), "loadavg": loadavg()}
        oxi = timed_runs(lambda: oxigraph_rows(store, texts[name]), args.repeat)
        record["oxigraph"] = {k: v for k, v in oxi.items() if k != "value"} | {"rows": oxi["value"]}
        try:
            def remote():
                rows, state = virtuoso_select(server.sparql, texts[name], args.timeout)
                return len(rows), state
            vir = timed_runs(remote, args.repeat)
            record["virtuoso"] = {k: v for k, v in vir.items() if k != "value"} | {
                "rows": vir["value"][0], "sql_state": vir["value"][1]}
        except Exception as err:  # an HTTP error or a time-out is a finding of the benchmark
            record["virtuoso"] = {"error": f"{type(err).__name__}: {' '.join(str(err).split())[:300]}"}
        record["virtuoso"]["memory"] = memory_gib(server.process.pid)
        record["same_rows"] = record["virtuoso"].get("rows") == record["oxigraph"]["rows"] \
            and not record["virtuoso"].get("sql_state")
        return record

    for name in candidates:
        if chosen == args.count:
            break
        record = both(name, "compared")
        measured.append(record)
        chosen += record["same_rows"]
        if not record["same_rows"]:
            record["role"] = "skipped: rows differ"
    return {"ranking": ranking, "measured": measured}


def validate_oxigraph(graph: Path) -> dict:
    import spinekg

    start = time.perf_counter()
    kg = spinekg.load(graph, store="oxigraph")
    loaded = time.perf_counter() - start
    av = loadavg()
    start = time.perf_counter()
    result = kg.validate(corpus=graph.parent / "corpus", engine="sparql")
    return {"kg": kg, "load_s": loaded, "seconds": time.perf_counter() - start, "counts": result.counts,
            "text_checked": result.text_checked, "loadavg": av}


def validate_virtuoso(server, graph: Path, limit: float, memory_limit: float) -> dict:
    """One attempt of ``spinekg validate --endpoint`` in a new process, stopped past ``limit``
    seconds, or when the Virtuoso server's resident memory grows by more than ``memory_limit`` GiB
    or the machine has less than 3 GiB left (on a shared machine a runaway query must not take the
    others' memory)."""
    command = ["spinekg", "validate", "--endpoint", server.sparql, "--engine", "sparql", "--timeout", "300"]
    shown = " ".join(command[:3]) + " URL " + " ".join(command[4:])
    env = {**os.environ, "SPINEKG_CORPUS": str(graph.parent / "corpus")}
    av, start = loadavg(), time.perf_counter()
    base = memory_gib(server.process.pid).get("rss_gib", 0.0)
    stopped = None
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)
        try:
            while proc.poll() is None:
                elapsed = time.perf_counter() - start
                rss = memory_gib(server.process.pid).get("rss_gib", 0.0)
                if elapsed > limit:
                    stopped = f"did not finish in {limit:g} s"
                elif rss > base + memory_limit or available_gib() < 3:
                    stopped = (f"stopped after {elapsed:.0f} s: the Virtuoso server's resident memory grew from "
                               f"{base:.1f} to {rss:.1f} GiB while it answered the validation's queries (limit: "
                               f"{memory_limit:g} GiB of growth, or 3 GiB left on the machine: "
                               f"{available_gib():.1f} GiB were)")
                if stopped:
                    proc.terminate()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                    break
                time.sleep(0.5)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        lines = [line for line in (err.read() or out.read()).splitlines() if line.strip()]
    return {"command": shown, "exit": proc.returncode, "seconds": seconds, "stopped": stopped,
            "error": lines[-1].strip() if lines else "", "loadavg": av,
            "virtuoso_memory": memory_gib(server.process.pid)}


def measure(args) -> dict:
    import pyoxigraph

    sys.path.insert(0, str(ROOT / "tests"))
    import virtuoso

    graph = Path(args.graph).resolve()
    if not graph.is_file():
        sys.exit(f"{graph}: no such file; build it with `python benchmarks/run.py --sizes 1M` first")
    started = time.monotonic()
    report = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({platform.machine()}, {platform.system()})",
        "pyoxigraph": pyoxigraph.__version__, "virtuoso": virtuoso_version(),
        "command": "python benchmarks/bench_virtuoso.py " + " ".join(sys.argv[1:]),
        "graph": str(graph.relative_to(ROOT)) if graph.is_relative_to(ROOT) else str(graph),
        "graph_mb": graph.stat().st_size / 1e6, "repeat": args.repeat, "timeout": args.timeout,
        "loadavg_start": loadavg(), "note": args.note, "source": source_state(),
    }
    log("loading into Oxigraph")
    store, report["load_oxigraph"] = load_oxigraph(graph)
    folder = Path(tempfile.mkdtemp(prefix="bench-virtuoso-", dir=graph.parent.parent))
    server = None
    try:
        log(f"starting Virtuoso in {folder}")
        start = time.perf_counter()
        server = virtuoso.start(folder)
        report["virtuoso_start_s"] = time.perf_counter() - start
        log("bulk-loading into Virtuoso")
        report["load_virtuoso"] = load_virtuoso(server, graph, args.timeout * 4)
        report["load_virtuoso"]["memory"] = memory_gib(server.process.pid)
        ours = report["load_oxigraph"]["graphs"]
        report["load_virtuoso"]["triples"] = sum(n for g, n in report["load_virtuoso"]["graphs"].items() if g in ours)
        report["load_virtuoso"]["other_graphs_triples"] = sum(
            n for g, n in report["load_virtuoso"]["graphs"].items() if g not in ours)
        log(f"loads: {report['load_oxigraph']['seconds']:.1f} s, {report['load_virtuoso']['seconds']:.1f} s")
        log("loading the graph with spinekg (entity index for the parameters, validation)")
        validation = validate_oxigraph(graph) if not args.skip_validation else None
        kg = validation.pop("kg") if validation else None
        if kg is None:
            import spinekg
            kg = spinekg.load(graph, store="oxigraph")
        report["queries"] = measure_queries(store, kg, server, args)
        del kg
        report["validate_oxigraph"] = validation
        log("spinekg validate --endpoint on Virtuoso")
        report["virtuoso_memory_before_validation"] = memory_gib(server.process.pid)
        report["validate_virtuoso"] = validate_virtuoso(server, graph, args.validate_limit, args.memory_limit)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    report["loadavg_end"] = loadavg()
    report["minutes"] = (time.monotonic() - started) / 60
    return report


# -- report -----------------------------------------------------------------------------------------

def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def render(report: dict) -> str:
    lo, lv = report["load_oxigraph"], report["load_virtuoso"]
    measured = report["queries"]["measured"]
    avs = [report["loadavg_start"], lo["loadavg"], lv["loadavg"], report["loadavg_end"]]
    avs += [q["loadavg"] for q in measured]
    if report.get("validate_oxigraph"):
        avs.append(report["validate_oxigraph"]["loadavg"])
    lines = [
        "# Virtuoso 7.2 against Oxigraph at 1M triples",
        "",
        f"Machine: {report['machine']}, {report['date']}, pyoxigraph {report['pyoxigraph']}, Virtuoso "
        f"(virtuoso-opensource-7) {report['virtuoso']}. One-minute load average during the run: "
        f"{min(avs):.2f} to {max(avs):.2f} (start {report['loadavg_start']:.2f}, end {report['loadavg_end']:.2f}; "
        "the benchmark and the Virtuoso server account for about 1 each while a query runs on one of them)."
        + (f" {report['note']}" if report.get("note") else ""),
        f"Command: `{report['command'].strip()}` ({report['minutes']:.0f} min). Graph: `{report['graph']}` "
        f"({report['graph_mb']:.1f} MB of N-Quads, {lo['triples']:,} triples in {len(lo['graphs'])} graphs)."
        + (f" Query texts and code: commit {report['source']['commit']}"
           + (f", with these files changed in the working tree: {', '.join(c.split()[-1] for c in report['source']['changed'])}"
              if report['source']['changed'] else "") + "." if report.get("source") else ""),
        "",
        "Everything ran in one process (Virtuoso in its own server process on loopback), so both stores "
        "were measured under the same load. Virtuoso runs with `tests/virtuoso.py`'s configuration "
        "(NumberOfBuffers 20000, i.e. about 160 MB of page cache; MaxQueryMem 1G; "
        "MaxQueryExecutionTime 300 s), not tuned for this size.",
        "",
        "## Queries",
        "",
        "The library's queries with their example parameters (a document example `003` becomes the synthetic "
        "page `syn00003`), bound as `VALUES` blocks, the same text on both. Oxigraph: in-process "
        "`store.query(text, use_default_graph_as_union=True)`, rows iterated. Virtuoso: SPARQLWrapper, "
        "form-encoded POST, JSON results parsed, no default-graph-uri (its default graph is all its graphs). "
        f"Times are the median of {report['repeat']} runs after a first (fewer when the repeats would take over "
        f"{QUERY_BUDGET_S:g} s: the note says so); ratio = Virtuoso / Oxigraph (below 1: Virtuoso is faster). Candidates: every library "
        "query, slowest on Oxigraph first (ranked by the faster of two runs each in this run), until "
        f"{sum(1 for q in measured if q['role'] == 'compared')} gave the same number of rows on both (a query "
        "whose rows differ is listed and skipped).",
        "",
        "| query | rows | Oxigraph first ms | Oxigraph ms | Virtuoso first ms | Virtuoso ms | ratio | |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for q in measured:
        o, v = q["oxigraph"], q["virtuoso"]
        if "error" in v:
            lines.append(f"| {q['query']} | {o['rows']:,} / — | {_ms(o['first_ms'])} | {_ms(o['median_ms'])} | — | — | — "
                         f"| {q['role']}; Virtuoso failed: {v['error']} |")
            continue
        rows = f"{o['rows']:,}" if q["same_rows"] else f"{o['rows']:,} / {v['rows']:,}"
        note = q["role"] + (f"; Virtuoso X-SQL-State {v['sql_state']} (answer cut short)" if v.get("sql_state") else "")
        if q["role"] != "compared" and not q["same_rows"]:
            note += " (Oxigraph / Virtuoso rows)"
        for store, m in (("Oxigraph", o), ("Virtuoso", v)):
            if m["runs"] < report["repeat"]:
                note += f"; {store}: median of {m['runs']} run(s) after the first"
        if v.get("memory", {}).get("peak_gib"):
            note += f"; Virtuoso peak memory so far {v['memory']['peak_gib']:.1f} GiB"
        lines.append(f"| {q['query']} | {rows} | {_ms(o['first_ms'])} | {_ms(o['median_ms'])} | {_ms(v['first_ms'])} "
                     f"| {_ms(v['median_ms'])} | {v['median_ms'] / o['median_ms']:.2f}x | {note} |")
    compared = [q for q in measured if q["role"] == "compared"]
    if compared:
        geo = statistics.geometric_mean([q["virtuoso"]["median_ms"] / q["oxigraph"]["median_ms"] for q in compared])
        lines += ["", f"Geometric mean of the ratio over the {len(compared)} compared queries: {geo:.2f}x."]
    params = [f"{q['query']} ({', '.join(f'{k}={v}' for k, v in q['params'].items())})" for q in measured if q["params"]]
    if params:
        lines += ["", "Parameters: " + "; ".join(params) + "."]
    lines += [
        "",
        "## Loads",
        "",
        "| store | how | seconds | triples |",
        "|---|---|---:|---:|",
        f"| Oxigraph (in memory) | `Store().bulk_load(path=..., format=RdfFormat.N_QUADS)` | {lo['seconds']:.1f} | {lo['triples']:,} |",
        f"| Virtuoso | `ld_dir(...)`, `rdf_loader_run()` ({lv['loader_s']:.1f} s), `checkpoint` ({lv['checkpoint_s']:.1f} s) "
        f"in `isql-vt`, the file {'hard-linked' if lv['file'] == 'hard link' else 'copied'} into the server's folder "
        f"| {lv['seconds']:.1f} | {lv['triples']:,} |",
        "",
        f"Virtuoso's triples are counted per graph with SPARQL (`GRAPH ?g`), the two loaded graphs summed; its own "
        f"system graphs hold {lv['other_graphs_triples']:,} more. Load list entries with an error or not done: "
        f"{lv['load_list_problems']}. Load ratio Virtuoso / Oxigraph: {lv['seconds'] / lo['seconds']:.1f}x. Starting "
        f"the empty server took {report['virtuoso_start_s']:.1f} s (not in the load time).",
        "",
        "## Validation",
        "",
        "| store | how | seconds | result |",
        "|---|---|---:|---|",
    ]
    vo, vv = report.get("validate_oxigraph"), report["validate_virtuoso"]
    if vo:
        counts = ", ".join(f"{k} {v:,}" for k, v in vo["counts"].items())
        lines.append(f"| Oxigraph | `spinekg.load(graph.nq, store=\"oxigraph\")` ({vo['load_s']:.1f} s), then "
                     f"`kg.validate(corpus=..., engine=\"sparql\")` | {vo['seconds']:.1f} | {counts} |")
    else:
        lines.append("| Oxigraph | not measured (--skip-validation) | — | — |")
    if "SP031" in vv["error"]:
        verdict = f"cannot run: SP031 (exit {vv['exit']}): `{vv['error'].replace('|', '/')}`"
    elif vv.get("stopped"):
        verdict = f"cannot run: {vv['stopped']}" + (f"; its last line: `{vv['error']}`" if vv["error"] else "")
    else:
        verdict = f"exit {vv['exit']}: `{vv['error'].replace('|', '/')}`"
    lines += [f"| Virtuoso | `{vv['command']}` in a new process | {vv['seconds']:.1f} | {verdict} |", ""]
    mem = [("after loading", lv.get("memory")), ("before the validation", report.get("virtuoso_memory_before_validation")),
           ("at the end of the validation attempt", vv.get("virtuoso_memory"))]
    mem = [f"{when} {m['rss_gib']:.2f} GiB (peak so far {m['peak_gib']:.2f})" for when, m in mem if m]
    if mem:
        lines += ["Virtuoso server's resident memory: " + "; ".join(mem) + ".", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", default=str(GRAPH))
    parser.add_argument("--repeat", type=int, default=3, help="runs after the first (median)")
    parser.add_argument("--count", type=int, default=5, help="queries that agree on both to time")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a Virtuoso request may take")
    parser.add_argument("--validate-limit", type=float, default=900,
                        help="seconds the spinekg validate --endpoint process may take")
    parser.add_argument("--memory-limit", type=float, default=6.0,
                        help="GiB of growth of Virtuoso's resident memory past which the validate process is stopped")
    parser.add_argument("--skip-validation", action="store_true", help="leave out validation on Oxigraph")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "virtuoso"))
    parser.add_argument("--note", default="", help="a sentence for the header")
    parser.add_argument("--render", help="rewrite the Markdown from this JSON without measuring")
    args = parser.parse_args()
    from spinekg.core.files import write_atomic

    output = Path(args.output)
    if args.render:
        report = json.loads(Path(args.render).read_text(encoding="utf-8"))
        if args.note:  # a note added afterwards is kept with the measurements
            report["note"] = args.note
            write_atomic(Path(args.render), (json.dumps(report, indent=1) + "\n").encode())
    else:
        report = measure(args)
        write_atomic(output.with_suffix(".json"), (json.dumps(report, indent=1) + "\n").encode())
    text = render(report)
    write_atomic(output.with_suffix(".md"), text.encode())
    print(text)


if __name__ == "__main__":
    main()
