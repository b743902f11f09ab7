"""Benchmark: every library query on the shipped graph, rdflib against pyoxigraph, and the CLI.

For each query of ``queries/`` (run with its example parameters) it reports:

* the median time of the query on rdflib (``kg.query``: the query prepared once, parameters
  resolved through the entity index built once; the first run's extra cost, the SPARQL parse, is
  reported apart) and on pyoxigraph (the same library code over an in-memory ``pyoxigraph.Store``
  loaded from the same graph), and the rdflib / pyoxigraph ratio;
* the wall time of a cold ``spinekg query NAME`` process (Python start, imports, the graph from the
  compiled-graph cache, parameter resolution, the query, the table output), median of
  ``--cli-repeat`` runs, plus one run of the first query with the cache disabled.

Ratios measured in the same run are what to compare across machines.

    python benchmarks/bench_query.py [--repeat 7] [--cli-repeat 3] [--output benchmarks/results/query.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cli_time(args: list[str], env: dict, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "spinekg", "query", *args], env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"spinekg query {' '.join(args)} failed: {proc.stderr.strip()}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cli-repeat", type=int, default=3)
    parser.add_argument("--output", default="benchmarks/results/query.md")
    args = parser.parse_args()

    import pyoxigraph
    from bench_load import median_time  # benchmarks/ is on sys.path when run as a script

    import spinekg
    from spinekg.query.library import EntityIndex, load_library, run
    from spinekg.query.engines import OxigraphEngine

    kg = spinekg.load()
    library = load_library()
    ox = OxigraphEngine.from_graph(kg.graph)
    ox_index = EntityIndex(ox)
    rd_index = kg._entity_index()

    cache = tempfile.mkdtemp(prefix="spinekg-bench-cache-")
    env = dict(os.environ, SPINEKG_CACHE_DIR=cache)
    subprocess.run([sys.executable, "-m", "spinekg", "stats"], env=env, capture_output=True, check=True)  # fill it

    rows = []
    for name, spec in library.items():
        params = spec.examples
        start = time.perf_counter()
        answer = kg.query(name, **params)  # first run: parse and translate the query
        first = time.perf_counter() - start
        rd = median_time(lambda: run(kg.engine, spec, params, index=rd_index), args.repeat)
        oxt = median_time(lambda: run(ox, spec, params, index=ox_index), args.repeat)
        cli_args = [name] + [f"--param={k}={v}" for k, v in params.items()]
        cli = _cli_time(cli_args, env, args.cli_repeat)
        rows.append((name, len(answer), first, rd, oxt, cli))
        print(f"{name:38s} {len(answer):4d} rows  rdflib {rd * 1000:7.1f} ms  oxigraph {oxt * 1000:6.1f} ms"
              f"  ratio {rd / oxt:6.1f}x  cli {cli:5.2f} s", file=sys.stderr)

    first_spec = next(iter(library.values()))
    uncached = _cli_time([first_spec.name] + [f"--param={k}={v}" for k, v in first_spec.examples.items()],
                         dict(env, SPINEKG_CACHE_DIR="off"), 1)

    rd_total = sum(r[3] for r in rows)
    ox_total = sum(r[4] for r in rows)
    under = sum(1 for r in rows if r[5] < 1.0)
    lines = [
        "# Query benchmark: the library on the shipped graph",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, rdflib {__import__('rdflib').__version__}, "
        f"pyoxigraph {pyoxigraph.__version__}; graph: {len(kg.graph)} triples.",
        f"Command: `python benchmarks/bench_query.py --repeat {args.repeat} --cli-repeat {args.cli_repeat}`.",
        "",
        "Times are medians; `first` is rdflib's first run (parse and translate the query, plus the run).",
        "CLI is the wall time of a new `spinekg query NAME --param ...` process with the compiled-graph",
        "cache filled (the usual case after the first command), table output.",
        "",
        "| query | rows | rdflib first (ms) | rdflib (ms) | pyoxigraph (ms) | rdflib / pyoxigraph | CLI wall (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, count, first, rd, oxt, cli in rows:
        lines.append(f"| {name} | {count} | {first * 1000:.1f} | {rd * 1000:.1f} | {oxt * 1000:.2f} | "
                     f"{rd / oxt:.1f}x | {cli:.2f} |")
    lines += [
        f"| **all {len(rows)}** | | | {rd_total * 1000:.0f} | {ox_total * 1000:.1f} | {rd_total / ox_total:.1f}x | |",
        "",
        f"CLI under 1 s: {under} of {len(rows)} queries (median CLI wall "
        f"{statistics.median(r[5] for r in rows):.2f} s, slowest {max(r[5] for r in rows):.2f} s).",
        f"Without the cache (`SPINEKG_CACHE_DIR=off`, the graph compiled from YAML), "
        f"`spinekg query {first_spec.name}` took {uncached:.2f} s.",
        "",
    ]
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
