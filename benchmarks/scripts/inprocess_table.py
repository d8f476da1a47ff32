#!/usr/bin/env python3
"""Medians over passes of the in-process benchmarks and the ratios BENCHMARKS.md reports.

Usage: benchmarks/scripts/inprocess_table.py benchmarks/results/inprocess/inprocess-pass*.txt
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
import importlib.util

spec = importlib.util.spec_from_file_location("table", os.path.join(os.path.dirname(__file__), "table.py"))
table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(table)

E = "InProcessEvaluationBenchmark."
S = "ConfigurationSwapBenchmark.evaluate_1thread"


def main():
    paths = sys.argv[1:]
    passes = [table.parse(p) for p in paths]
    keys = sorted(set().union(*passes))
    print(f"passes: {len(paths)}\n")
    print("| benchmark | mode | median | per pass |")
    print("| --- | --- | ---: | --- |")
    for key in keys:
        name, mode = key
        if ":gc." in name and "alloc.rate.norm" not in name:
            continue
        if ":p" in name and not any(name.endswith(s) for s in (":p0.50", ":p0.99", ":p0.999")):
            continue
        values = [p[key][0] for p in passes if key in p]
        print(f"| {name} | {mode} | {statistics.median(values):,.1f} | {' / '.join(f'{v:,.1f}' for v in values)} |")
    print()

    def med(name, mode="avgt"):
        values = [p[(name, mode)][0] for p in passes if (name, mode) in p]
        return statistics.median(values) if values else float("nan")

    def per_pass(f):
        out = []
        for p in passes:
            try:
                out.append(f(lambda n, m="avgt": p[(n, m)][0]))
            except KeyError:
                pass
        return " / ".join(f"{v:.2f}" for v in out)

    print("ratios (of medians; per pass in brackets):")
    for t in ("1thread", "2threads", "4threads"):
        ip, fl, rc = E + "inProcess_" + t, E + "floor_" + t, E + "remoteCached_" + t
        print(f"  in-process / SDK floor, {t}: {med(ip) / med(fl):.2f} [{per_pass(lambda g: g(ip) / g(fl))}]")
        print(f"  in-process / remote cached hit, {t}: {med(ip) / med(rc):.2f} [{per_pass(lambda g: g(ip) / g(rc))}]")
    for t in ("2threads", "4threads"):
        for kind in ("inProcess", "floor", "remoteCached"):
            one, many = E + kind + "_1thread", E + kind + "_" + t
            n = int(t[0])
            # Throughput scaling: n threads each taking avgt ns per op vs one thread.
            print(f"  {kind} throughput {t} / 1 thread: {n * med(one) / med(many):.2f}x [{per_pass(lambda g: n * g(one) / g(many))}]")
    for pct in ("p0.50", "p0.99", "p0.999"):
        off = f"{S}:{pct}"
        print(f"  swap {pct}: swaps=true / swaps=false: "
              f"{med(f'{S}[true]:{pct}', 'sample') / med(f'{S}[false]:{pct}', 'sample'):.2f} "
              f"[{per_pass(lambda g: g(f'{S}[true]:{pct}', 'sample') / g(f'{S}[false]:{pct}', 'sample'))}]")


if __name__ == "__main__":
    main()
