#!/usr/bin/env python3
"""The miss path against its floor, per pass: RelayMissBenchmark's provider and bare OkHttp POST
p50/p99 at 1 and 8 threads from the same pass, their ratios, and the medians over the passes; and
from the pass's log, the median over the measurement iterations of the process CPU per request.

Usage: benchmarks/scripts/miss_table.py PREFIX
  (reads PREFIX-{before,after}-pass*.txt and the .log next to each)
"""
import glob
import re
import statistics
import sys

LINE = re.compile(r"^RelayMissBenchmark\.(\w+?)_(\d)threads?:p0\.(50|99)\s+sample\s+([\d.,]+)\s+us/op$")


def read(path):
    values = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = LINE.match(line.strip())
            if m:
                side = "provider" if m.group(1) == "provider" else "bare"
                values[(side, m.group(2), "p" + m.group(3))] = float(m.group(4).replace(",", ""))
    log = path[: -len(".txt")] + ".log"
    cpu, current = {}, None
    try:
        with open(log, encoding="utf-8") as f:
            for line in f:
                bench = re.match(r"^# Benchmark: .*RelayMissBenchmark\.(\w+?)_(\d)threads?$", line.strip())
                if bench:
                    current = ("provider" if bench.group(1) == "provider" else "bare", bench.group(2))
                measured = re.match(r"^Iteration\s+\d+: cpu per request: ([\d.]+) us", line)
                if measured and current:
                    cpu.setdefault(current, []).append(float(measured.group(1)))
    except FileNotFoundError:
        pass
    for (side, threads), samples in cpu.items():
        values[(side, threads, "cpu")] = statistics.median(samples)
    return values


def main():
    prefix = sys.argv[1]
    print(f"{'side':<7} {'pass':<5} {'thr':>3} {'pct':>4} {'provider':>9} {'bare':>9} {'ratio':>6}")
    for side in ("before", "after"):
        ratios = {}
        for path in sorted(glob.glob(f"{prefix}-{side}-pass*.txt")):
            values = read(path)
            run = re.search(r"pass(\d+)", path).group(1)
            for threads in ("1", "8"):
                for pct in ("p50", "p99", "cpu"):
                    p, b = values.get(("provider", threads, pct)), values.get(("bare", threads, pct))
                    if p is None or b is None:
                        continue
                    ratios.setdefault((threads, pct), []).append((p / b, p, b))
                    print(f"{side:<7} {run:<5} {threads:>3} {pct:>4} {p:>9.1f} {b:>9.1f} {p / b:>6.2f}")
        for (threads, pct), rows in sorted(ratios.items()):
            print(
                f"{side:<7} {'med':<5} {threads:>3} {pct:>4} {statistics.median(r[1] for r in rows):>9.1f}"
                f" {statistics.median(r[2] for r in rows):>9.1f} {statistics.median(r[0] for r in rows):>6.2f}"
                "  (median of per-pass ratios)")


if __name__ == "__main__":
    main()
