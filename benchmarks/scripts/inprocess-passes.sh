#!/usr/bin/env bash
# Runs N passes of the in-process benchmarks (flagrelay's side only) and prints the median table.
# Usage: benchmarks/scripts/inprocess-passes.sh [N] [result-prefix]
#   SETTINGS  JMH options (default: the ones BENCHMARKS.md reports for the in-process section)
# Build first: mvn -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
passes="${1:-3}"
prefix="${2:-benchmarks/results/inprocess/inprocess}"
mkdir -p "$(dirname "$prefix")"
read -r -a settings <<< "${SETTINGS:--f 1 -wi 2 -i 5 -w 1s -r 2s -prof gc}"
files=()
for pass in $(seq 1 "$passes"); do
  {
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) commit $(git rev-parse --short HEAD)"
    echo "# java -jar benchmarks/target/benchmarks.jar 'inprocess\.' ${settings[*]}"
  } > "$prefix-pass$pass.log"
  java -jar benchmarks/target/benchmarks.jar 'inprocess\.' "${settings[@]}" -rf text -rff "$prefix-pass$pass.txt" >> "$prefix-pass$pass.log" 2>&1
  files+=("$prefix-pass$pass.txt")
done
benchmarks/scripts/inprocess_table.py "${files[@]}" | tee "$prefix-table.txt"
