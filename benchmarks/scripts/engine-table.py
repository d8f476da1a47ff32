#!/usr/bin/env python3
"""Medians over JMH passes of the engine benchmarks, with the goals of issue 12 and the SDK floor.

Usage: benchmarks/scripts/engine-table.py benchmarks/results/engine/engine-pass*.txt
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from table import medians  # noqa: E402


def get(table, name, mode="avgt"):
    """The median whose benchmark name ends with name (JMH shortens package prefixes differently per run)."""
    for (key, key_mode), entry in table.items():
        if key_mode == mode and (key == name or key.endswith("." + name)):
            return entry[0]
    return float("nan")

CASES = [
    ("(a) static flag", "EngineBenchmark.a_staticFlag", 1000, 500),
    ("(b) percentage split", "EngineBenchmark.b_percentageSplit", 1000, 500),
    ("(c) 10 nikunjy rules, 14 attributes", "EngineBenchmark.c_tenNikunjyRules14Attributes", 3000, None),
    ("(d) one JsonLogic rule", "EngineBenchmark.d_jsonLogicRule", 3000, None),
]
FLOOR = "FloorBenchmark.inMemoryProvider_1thread"
PARSE = "EngineParseBenchmark.parse1000Flags"


def main():
    paths = sys.argv[1:]
    table = medians(paths)
    floor = get(table, FLOOR)
    floor_bytes = get(table, FLOOR + ":gc.alloc.rate.norm")
    print(f"passes: {len(paths)}\n")
    print("| case | p50 | p99 | mean | B/op | mean / SDK floor | goal (p50, B/op) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, name, p50_goal, bytes_goal in CASES:
        p50 = get(table, name + ":p0.50", "sample")
        p99 = get(table, name + ":p0.99", "sample")
        mean = get(table, name)
        allocated = get(table, name + ":gc.alloc.rate.norm")
        met = p50 <= p50_goal and (bytes_goal is None or allocated < bytes_goal)
        goal = f"≤ {p50_goal:,} ns" + (f", < {bytes_goal} B" if bytes_goal else "") + (" met" if met else " **missed**")
        print(f"| {label} | {p50:,.0f} ns | {p99:,.0f} ns | {mean:,.0f} ns | {allocated:,.0f} | {mean / floor:.2f} | {goal} |")
    parse = get(table, PARSE) / 1e6  # table.py keeps ns
    parse_bytes = get(table, PARSE + ":gc.alloc.rate.norm")
    print(f"| parse 1,000 flags | | | {parse:,.1f} ms | {parse_bytes / 1e6:,.1f} MB | | < 100 ms {'met' if parse < 100 else '**missed**'} |")
    print(f"| SDK floor (InMemoryProvider, 1 thread) | | | {floor:,.0f} ns | {floor_bytes:,.0f} | 1.00 | |")


if __name__ == "__main__":
    main()
