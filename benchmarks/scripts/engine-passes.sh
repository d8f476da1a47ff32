#!/usr/bin/env bash
# Runs N passes of the engine benchmarks with the SDK floor of the same run, then prints the median table.
# Usage: benchmarks/scripts/engine-passes.sh [N] [result-prefix]
#   SETTINGS  JMH options (default: the ones BENCHMARKS.md reports)
# Build first: mvn -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
passes="${1:-3}"
prefix="${2:-benchmarks/results/engine/engine}"
read -r -a settings <<< "${SETTINGS:--f 1 -wi 2 -i 5 -w 1s -r 2s -prof gc}"
include='engine\.Engine|FloorBenchmark\.inMemoryProvider_1thread'
mkdir -p "$(dirname "$prefix")"
results=()
for pass in $(seq 1 "$passes"); do
  { echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) load: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$prefix-pass$pass.log"
  java -jar benchmarks/target/benchmarks.jar "$include" "${settings[@]}" -rf text -rff "$prefix-pass$pass.txt" >> "$prefix-pass$pass.log" 2>&1
  echo "# done $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$prefix-pass$pass.log"
  results+=("$prefix-pass$pass.txt")
done
benchmarks/scripts/engine-table.py "${results[@]}" | tee "$prefix-table.txt"
