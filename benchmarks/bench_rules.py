"""Benchmark: each conflict rule (``queries/conflict-*.rq``) on pyoxigraph at scale.

Loads an N-Quads graph (by default the cached 1M-triple synthetic graph that
``benchmarks/run.py`` builds: ``benchmarks/.work/syn-854x40-seed0/graph.nq``) into an in-memory
``pyoxigraph.Store`` and times every conflict rule with its parameters unbound: the first run
and the median of ``--repeat`` more. ``--compare DIR`` also times the rules of the same name in
another folder of ``.rq`` files (an older version of the library), to check that a rewrite did
not make a rule slower.

    python benchmarks/bench_rules.py [--graph PATH] [--repeat 3] [--compare DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "benchmarks" / ".work" / "syn-854x40-seed0" / "graph.nq"


def time_query(store, text: str, repeat: int) -> tuple[int, float, float]:
    """(rows, first ms, median ms of ``repeat`` further runs) of a SELECT on ``store``."""
    times, rows = [], 0
    for _ in range(repeat + 1):
        start = time.perf_counter()
        # the graph is in named graphs (ontology, data): their union is what spinekg queries
        rows = sum(1 for _ in store.query(text, use_default_graph_as_union=True))
        times.append((time.perf_counter() - start) * 1000)
    return rows, times[0], statistics.median(times[1:]) if repeat else times[0]


def main(argv: list[str] | None = None) -> None:
    import pyoxigraph

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=GRAPH, help="an N-Quads file (default: %(default)s)")
    parser.add_argument("--queries", type=Path, default=ROOT / "queries", help="the library folder")
    parser.add_argument("--compare", type=Path, help="a folder with other versions of the rules")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("rules", nargs="*", help="rule names (default: every conflict-*.rq)")
    args = parser.parse_args(argv)
    if not args.graph.is_file():
        parser.error(f"{args.graph}: not found; build it with 'python benchmarks/run.py --scale'")
    store = pyoxigraph.Store()
    start = time.perf_counter()
    store.bulk_load(path=str(args.graph), format=pyoxigraph.RdfFormat.N_QUADS)
    print(f"loaded {len(store):,} quads in {time.perf_counter() - start:.1f} s")
    names = args.rules or sorted(p.stem for p in args.queries.glob("conflict-*.rq"))
    print("| rule | rows | first ms | median ms |" + (" before rows | before ms | change |" if args.compare else ""))
    print("|---|---:|---:|---:|" + ("---:|---:|---:|" if args.compare else ""))
    for name in names:
        rows, first, median = time_query(store, (args.queries / f"{name}.rq").read_text(), args.repeat)
        line = f"| {name} | {rows} | {first:.0f} | {median:.0f} |"
        if args.compare:
            old_rows, _, old_median = time_query(store, (args.compare / f"{name}.rq").read_text(), args.repeat)
            line += f" {old_rows} | {old_median:.0f} | {100 * (median - old_median) / old_median:+.0f}% |"
        print(line, flush=True)


if __name__ == "__main__":
    main()
