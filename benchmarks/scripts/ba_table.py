#!/usr/bin/env python3
"""Median of each benchmark over the before and after passes of beforeafter.sh, and after/before.

Usage: benchmarks/scripts/ba_table.py PREFIX   (reads PREFIX-before-pass*.txt, PREFIX-after-pass*.txt)
"""
import glob
import re
import statistics
import sys

LINE = re.compile(r"^(\S+)\s+(\w+)\s+(\d+)?\s*([\d.,]+|≈ 0|NaN)\s+(?:±\s+\S+\s+)?(\S+)\s*$")


def read(paths):
    scores = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = LINE.match(line.strip())
                if not m or m.group(1) == "Benchmark":
                    continue
                name, unit = m.group(1), m.group(5)
                raw = m.group(4).replace(",", "")
                if not re.match(r"^[\d.]+$", raw):
                    continue
                scores.setdefault((name, unit), []).append(float(raw))
    return scores


def main():
    prefix = sys.argv[1]
    before = read(sorted(glob.glob(prefix + "-before-pass*.txt")))
    after = read(sorted(glob.glob(prefix + "-after-pass*.txt")))
    print(f"{'benchmark':<72} {'unit':<8} {'before':>10} {'after':>10} {'after/before':>12}  passes")
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key, []), after.get(key, [])
        mb = statistics.median(b) if b else float("nan")
        ma = statistics.median(a) if a else float("nan")
        ratio = ma / mb if b and a and mb else float("nan")
        print(f"{key[0]:<72} {key[1]:<8} {mb:>10.1f} {ma:>10.1f} {ratio:>12.2f}  {len(b)}/{len(a)}")


if __name__ == "__main__":
    main()
