#!/usr/bin/env python3
"""Medians over JMH passes (text result files) and the ratios BENCHMARKS.md reports.

Usage: benchmarks/scripts/table.py benchmarks/results/final-flagrelay-pass*.txt -- benchmarks/results/final-official-pass*.txt
"""
import re
import statistics
import sys

UNITS = {"ns/op": 1, "us/op": 1000, "ms/op": 1_000_000}


def parse(path):
    rows = {}
    for line in open(path):
        # The parameter column is there only when some benchmark in the run has a @Param.
        m = re.match(r"^(\S+)\s+(?:(\S+)\s+)?(avgt|sample|thrpt|ss)\s+(\d*)\s+([\d.,≈⁻\-]+)\s+(?:±\s+[\d.,]+\s+)?(\S+)\s*$", line)
        if not m:
            continue
        name, param, mode, _, score, unit = m.groups()
        param = param or "N/A"
        try:
            value = float(score.replace(",", ""))
        except ValueError:
            continue
        # Older results named the official side's classes "...benchmarks.official."; the
        # scenarios both sides share now live in "...benchmarks.scenario.".
        name = re.sub(r"^(d\.f\.b\.(official|scenario)\.|dev\.flagrelay\.benchmarks\.((official|scenario)\.)?)", "", name)
        name = re.sub(r"^d\.f\.b\.", "", name)
        base, _, suffix = name.partition(":")
        key = (base if param == "N/A" else f"{base}[{param}]") + (":" + suffix if suffix else "")
        if unit in UNITS:
            value *= UNITS[unit]
            unit = "ns/op"
        rows[(key, mode)] = (value, unit)
    return rows


def medians(paths):
    passes = [parse(p) for p in paths]
    keys = set().union(*passes)
    out = {}
    for key in keys:
        values = [p[key][0] for p in passes if key in p]
        out[key] = (statistics.median(values), passes[0].get(key, (0, ""))[1] or [p[key][1] for p in passes if key in p][0], len(values))
    return out


def get(table, name, mode="avgt"):
    entry = table.get((name, mode))
    return entry[0] if entry else float("nan")


def main():
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else len(args)
    ours, official = medians(args[:split]), medians(args[split + 1:]) if split < len(args) else {}
    print(f"passes: flagrelay {len(args[:split])}, official {len(args[split + 1:])}\n")
    print("| benchmark | mode | flagrelay (median) | official 0.4.3 (median) |")
    print("| --- | --- | ---: | ---: |")
    for key in sorted(set(ours) | set(official)):
        name, mode = key
        if ":gc." in name and "alloc.rate.norm" not in name:
            continue
        if ":p" in name and not re.search(r":p0\.(50|99)$", name):
            continue
        a = ours.get(key)
        b = official.get(key)
        fmt = lambda e: "" if e is None else f"{e[0]:,.1f} {e[1]}"
        print(f"| {name} | {mode} | {fmt(a)} | {fmt(b)} |")
    print()
    floor = get(ours, "floor.FloorBenchmark.inMemoryProvider_1thread")
    floor_b = get(ours, "floor.FloorBenchmark.inMemoryProvider_1thread:gc.alloc.rate.norm")
    hit = get(ours, "CachedEvaluationBenchmark.sameContext_1thread")
    hit_nc = get(ours, "CachedEvaluationBenchmark.sameContextNoCollector_1thread")
    hit4 = get(ours, "CachedEvaluationBenchmark.sameContext_4threads")
    off_hit = get(official, "CachedEvaluationBenchmark.sameContext_1thread")
    print("ratios (medians):")
    print(f"  cached / SDK floor, 1 thread: {hit / floor:.2f} (collector on), {hit_nc / floor:.2f} (collector off)")
    print(f"  official cached / ours, 1 thread: {off_hit / hit:.1f}x")
    hit4_nc = get(ours, "CachedEvaluationBenchmark.sameContextNoCollector_4threads")
    floor4 = get(ours, "floor.FloorBenchmark.inMemoryProvider_4threads")
    print(f"  4-thread throughput / 1-thread throughput: {(4 / hit4) / (1 / hit):.2f} (collector on), "
          f"{(4 / hit4_nc) / (1 / hit_nc):.2f} (collector off), {(4 / floor4) / (1 / floor):.2f} (SDK floor)")
    print(f"  bytes/op over the SDK floor: {get(ours, 'CachedEvaluationBenchmark.sameContext_1thread:gc.alloc.rate.norm') - floor_b:.0f} (collector on), "
          f"{get(ours, 'CachedEvaluationBenchmark.sameContextNoCollector_1thread:gc.alloc.rate.norm') - floor_b:.0f} (collector off)")
    for threads in ("1thread", "8threads"):
        for p in ("p0.50", "p0.99"):
            prov = get(ours, f"RelayMissBenchmark.provider_{threads}:{p}", "sample")
            bare = get(ours, f"RelayMissBenchmark.bareOkHttpPost_{threads}:{p}", "sample")
            print(f"  miss {threads} {p}: provider / bare OkHttp = {prov / bare:.2f}")
    fast = get(ours, "CollectorIsolationBenchmark.cachedWhileCollecting[fast]:p0.99", "sample")
    slow = get(ours, "CollectorIsolationBenchmark.cachedWhileCollecting[slow]:p0.99", "sample")
    print(f"  3 s collector p99 / fast collector p99: {slow / fast:.2f}")
    for side, table in (("flagrelay", ours), ("official", official)):
        bursts = get(table, "StampedeBenchmark.burst64:bursts")
        requests = get(table, "StampedeBenchmark.burst64:relayRequests")
        print(f"  stampede, relay requests per 64-thread burst ({side}): {requests / bursts:.2f}")


if __name__ == "__main__":
    main()
