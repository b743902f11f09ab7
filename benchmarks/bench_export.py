"""Benchmark: time of every export format on the shipped graph and on an enlarged copy.

For each format of ``spinekg.export`` (and the RDF syntaxes Turtle and N-Quads) it reports the
median time of ``to_<format>(kg)`` (building the view and the document, no disk I/O) and the
output size, for the shipped graph (1x) and an N-times enlarged one (``--copies``, default 100;
made as in ``bench_validate.py``: the ontology once, the data repeated with renamed documents,
claims and individuals, so there are N times the claims on the same vocabulary), with the ratio
of the two. SVG and PNG are drawn by Graphviz and skipped when ``dot`` is not installed.

    python benchmarks/bench_export.py [--copies 100] [--repeat 3] [--graphviz-timeout 300]
        [--output benchmarks/results/export.md]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path


def _cell(seconds) -> str:
    if seconds == "refused":
        return "refused (over Mermaid's 500 edges)"
    return "did not finish" if seconds is None else f"{seconds:.2f}"


def _mb(size) -> str:
    return "—" if size is None else f"{size / 1e6:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default="benchmarks/results/export.md")
    parser.add_argument("--graphviz-timeout", type=float, default=300, help="seconds allowed to one Graphviz run")
    args = parser.parse_args()

    from bench_load import median_time  # benchmarks/ is on sys.path when run as a script
    from bench_validate import enlarged, machine_line

    import spinekg
    from spinekg.core.errors import SpinekgError
    from spinekg.export import FORMATS, exporter

    base = spinekg.load()
    start = time.perf_counter()
    large = enlarged(base, args.copies)
    enlarge_s = time.perf_counter() - start
    formats = [f for f in FORMATS if f not in ("svg", "png") or shutil.which("dot")]
    rows = []
    for fmt in formats + ["turtle", "nquads"]:
        times, sizes = [], []
        for kg, repeat in ((base, args.repeat), (large, 1)):
            if fmt in ("svg", "png"):  # Graphviz runs in a child process: give it a time limit
                def build(kg, fmt=fmt):
                    dot = getattr(exporter("dot"), "to_dot")(kg)
                    return subprocess.run([shutil.which("dot"), f"-T{fmt}"], input=dot, capture_output=True,
                                          timeout=args.graphviz_timeout, check=True).stdout
            elif fmt in FORMATS:
                build = getattr(exporter(fmt), f"to_{fmt}")
            else:
                def build(kg, fmt=fmt):
                    return kg.serialize(fmt)
            try:
                start = time.perf_counter()
                output = build(kg)
                first = time.perf_counter() - start
            except subprocess.TimeoutExpired:
                times.append(None)
                sizes.append(None)
                continue
            except SpinekgError:  # Mermaid refuses graphs above its 500 edges
                times.append("refused")
                sizes.append(None)
                continue
            # the first run warms up at 1x (median of the next runs); at the large size it is the one run
            times.append(median_time(lambda: build(kg), repeat - 1) if repeat > 1 else first)
            sizes.append(sum(len(v) for v in output.values()) if isinstance(output, dict) else len(output))
        rows.append((fmt, times, sizes))
        print(f"{fmt:10s} {_cell(times[0])} s {_mb(sizes[0])} MB   {args.copies}x {_cell(times[1])} s "
              f"{_mb(sizes[1])} MB", file=sys.stderr)
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
        ratio = f"{times[1] / times[0]:.1f}x" if all(isinstance(t, float) for t in times) else "—"
        lines.append(f"| {fmt} | {_cell(times[0])} | {_mb(sizes[0])} | {_cell(times[1])} | {_mb(sizes[1])} | {ratio} |")
    if any(t is None for _, times, _ in rows for t in times):  # (a refusal is "refused", not None)
        lines += ["", f"\"did not finish\": Graphviz took longer than {args.graphviz_timeout:g} s "
                      "(its layout is superlinear); use GEXF/Gephi or the HTML view for large graphs."]
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
