#!/usr/bin/env python3
"""The miss path against its floor, per pass: RelayMissBenchmark's provider and bare OkHttp POST
p50/p99 at 1 and 8 threads from the same pass, their ratios, and the medians over the passes.

Usage: benchmarks/scripts/miss_table.py PREFIX   (reads PREFIX-before-pass*.txt, PREFIX-after-pass*.txt)
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
                for pct in ("p50", "p99"):
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
