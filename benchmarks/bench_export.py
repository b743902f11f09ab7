"""Benchmark: time of every export format on the shipped graph and on an enlarged copy.

For each format of ``spinekg.exporters`` (and the RDF syntaxes Turtle and N-Quads) it reports the
median time of ``to_<format>(kg)`` (building the view and the document, no disk I/O) and the
output size, for the shipped graph (1x) and an N-times enlarged one (``--copies``, default 100;
made as in ``bench_validate.py``: the ontology once, the data repeated with renamed documents,
claims and individuals, so there are N times the claims on the same vocabulary), with the ratio
of the two. SVG and PNG are drawn by Graphviz and skipped when ``dot`` is not installed.

    python benchmarks/bench_export.py [--copies 100] [--repeat 3] [--output benchmarks/results/export.md]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default="benchmarks/results/export.md")
    args = parser.parse_args()

    from bench_load import median_time  # benchmarks/ is on sys.path when run as a script
    from bench_validate import enlarged, machine_line

    import spinekg
    from spinekg.exporters import FORMATS, exporter

    base = spinekg.load()
    start = time.perf_counter()
    large = enlarged(base, args.copies)
    enlarge_s = time.perf_counter() - start
    formats = [f for f in FORMATS if f not in ("svg", "png") or shutil.which("dot")]
    rows = []
    for fmt in formats + ["turtle", "nquads"]:
        times, sizes = [], []
        for kg, repeat in ((base, args.repeat), (large, 1)):
            if fmt in FORMATS:
                build = getattr(exporter(fmt), f"to_{fmt}")
            else:
                def build(kg, fmt=fmt):
                    return kg.serialize(fmt)
            output = build(kg)
            size = sum(len(v) for v in output.values()) if isinstance(output, dict) else len(output)
            times.append(median_time(lambda: build(kg), repeat))
            sizes.append(size)
        rows.append((fmt, times, sizes))
        print(f"{fmt:10s} 1x {times[0]:7.2f} s {sizes[0] / 1e6:7.2f} MB   {args.copies}x {times[1]:7.2f} s "
              f"{sizes[1] / 1e6:8.2f} MB   ratio {times[1] / times[0]:6.1f}x", file=sys.stderr)
    lines = [
        "# Export benchmark",
        "",
        f"Machine: {machine_line()}.",
        f"Command: `python benchmarks/bench_export.py --copies {args.copies} --repeat {args.repeat}`.",
        f"Graphs: 1x {len(base.graph)} triples; {args.copies}x {len(large.graph)} triples "
        f"(made in {enlarge_s:.1f} s). Times: building the document in memory (median of "
        f"{args.repeat} at 1x, one run at {args.copies}x).",
        "",
        f"| format | 1x time (s) | 1x size (MB) | {args.copies}x time (s) | {args.copies}x size (MB) | time ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for fmt, times, sizes in rows:
        lines.append(f"| {fmt} | {times[0]:.2f} | {sizes[0] / 1e6:.2f} | {times[1]:.2f} | {sizes[1] / 1e6:.2f} | "
                     f"{times[1] / times[0]:.1f}x |")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
