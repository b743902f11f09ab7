"""Benchmark: loading the shipped graph.

Compares, in one process, `spinekg.load()` (compile ontology + curated YAML) with two baselines:
rdflib parsing the same graph exported as N-Triples, and as Turtle. Prints medians and ratios
(ratios, not seconds, are what to compare across machines).

    python benchmarks/bench_load.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Graph

import spinekg


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    kg = spinekg.load()
    with tempfile.TemporaryDirectory() as tmp:
        nt, ttl = Path(tmp) / "kg.nt", Path(tmp) / "kg.ttl"
        nt.write_bytes(kg.serialize("nt"))
        ttl.write_bytes(kg.serialize("turtle"))
        rows = [
            ("spinekg.load() (compile from sources)", median_time(spinekg.load, args.repeat)),
            ("rdflib parse N-Triples export (baseline)", median_time(lambda: Graph().parse(nt, format="nt"), args.repeat)),
            ("rdflib parse Turtle export", median_time(lambda: Graph().parse(ttl, format="turtle"), args.repeat)),
        ]
    base = rows[1][1]
    print(f"graph: {len(kg.graph)} triples, {kg.report.claims} claims; median of {args.repeat} runs")
    print(f"{'what':<44} {'median s':>9} {'vs baseline':>12}")
    for name, seconds in rows:
        print(f"{name:<44} {seconds:>9.3f} {seconds / base:>11.2f}x")


if __name__ == "__main__":
    main()
