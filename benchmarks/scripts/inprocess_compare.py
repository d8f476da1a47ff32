#!/usr/bin/env python3
"""Before/after medians of InProcessEvaluationBenchmark and the ratios BENCHMARKS.md reports.

Usage: benchmarks/scripts/inprocess_compare.py BEFORE-pass*.txt -- AFTER-pass*.txt
Each side's ratios are taken within its own runs (the floor measured in the same JMH run).
"""
import importlib.util
import os
import statistics
import sys

spec = importlib.util.spec_from_file_location("table", os.path.join(os.path.dirname(__file__), "table.py"))
table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(table)

E = "InProcessEvaluationBenchmark."
ORDER = [
    "inProcess_1thread", "inProcessNoCollector_1thread", "providerAlone_1thread",
    "providerAloneNoCollector_1thread", "engineAlone_1thread", "floor_1thread", "remoteCached_1thread",
    "inProcess_2threads", "floor_2threads", "remoteCached_2threads",
    "inProcess_4threads", "floor_4threads", "remoteCached_4threads",
]


def med(passes, name, suffix=""):
    values = [p[(E + name + suffix, "avgt")][0] for p in passes if (E + name + suffix, "avgt") in p]
    return (statistics.median(values), values) if values else (float("nan"), [])


def ratio(passes, a, b):
    per = [p[(E + a, "avgt")][0] / p[(E + b, "avgt")][0] for p in passes if (E + a, "avgt") in p and (E + b, "avgt") in p]
    return (statistics.median(per), per) if per else (float("nan"), [])


def fmt(values, digits=0):
    return " / ".join(f"{v:,.{digits}f}" for v in values)


def main():
    args = sys.argv[1:]
    split = args.index("--")
    sides = {"before": [table.parse(p) for p in args[:split]], "after": [table.parse(p) for p in args[split + 1:]]}
    print(f"passes: before {len(sides['before'])}, after {len(sides['after'])}\n")
    print("| benchmark | before ns (per pass) | after ns (per pass) | before B/op | after B/op |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in ORDER:
        (b, bv), (a, av) = med(sides["before"], name), med(sides["after"], name)
        (bb, _), (ab, _) = med(sides["before"], name, ":gc.alloc.rate.norm"), med(sides["after"], name, ":gc.alloc.rate.norm")
        print(f"| {name} | {b:,.0f} ({fmt(bv)}) | {a:,.0f} ({fmt(av)}) | {bb:,.0f} | {ab:,.0f} |")
    print("\nratios, median of the per-pass ratios (per pass in brackets), each within its own run:")
    pairs = [("inProcess_1thread", "floor_1thread"), ("inProcessNoCollector_1thread", "floor_1thread"),
             ("inProcess_2threads", "floor_2threads"), ("inProcess_4threads", "floor_4threads"),
             ("inProcess_1thread", "remoteCached_1thread")]
    for a, b in pairs:
        for side in ("before", "after"):
            m, per = ratio(sides[side], a, b)
            print(f"  {side:6} {a} / {b}: {m:.2f} [{fmt(per, 2)}]")
    print("\nthroughput scaling, n threads / 1 thread (n x avgt(1) / avgt(n)), median of per-pass:")
    for kind in ("inProcess", "floor", "remoteCached"):
        for t, n in (("2threads", 2), ("4threads", 4)):
            for side in ("before", "after"):
                per = [n * p[(E + kind + "_1thread", "avgt")][0] / p[(E + kind + "_" + t, "avgt")][0]
                       for p in sides[side] if (E + kind + "_" + t, "avgt") in p and (E + kind + "_1thread", "avgt") in p]
                if per:
                    print(f"  {side:6} {kind} {t}: {statistics.median(per):.2f}x [{fmt(per, 2)}]")


if __name__ == "__main__":
    main()
