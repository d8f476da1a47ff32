#!/usr/bin/env bash
# Runs N interleaved passes (flagrelay, then the official provider) and prints the median table.
# Usage: benchmarks/scripts/passes.sh [N] [result-prefix]
#   SETTINGS  JMH options (default: the ones BENCHMARKS.md reports)
#   INCLUDE   a benchmark regular expression (default: all)
# Build first:
#   mvn -B -q -pl benchmarks -am package -DskipTests
#   mvn -B -q -f benchmarks/official/pom.xml package
set -euo pipefail
cd "$(dirname "$0")/../.."
passes="${1:-3}"
prefix="${2:-benchmarks/results/final}"
read -r -a settings <<< "${SETTINGS:--f 1 -wi 2 -i 5 -w 1s -r 2s -prof gc}"
include=()
if [[ -n "${INCLUDE:-}" ]]; then
  include=("$INCLUDE")
fi
for pass in $(seq 1 "$passes"); do
  java -jar benchmarks/target/benchmarks.jar "${include[@]}" "${settings[@]}" -rf text -rff "$prefix-flagrelay-pass$pass.txt" > "$prefix-flagrelay-pass$pass.log" 2>&1
  java -jar benchmarks/official/target/benchmarks-official.jar "${include[@]}" "${settings[@]}" -rf text -rff "$prefix-official-pass$pass.txt" > "$prefix-official-pass$pass.log" 2>&1
done
flagrelay=()
official=()
for pass in $(seq 1 "$passes"); do
  flagrelay+=("$prefix-flagrelay-pass$pass.txt")
  official+=("$prefix-official-pass$pass.txt")
done
benchmarks/scripts/table.py "${flagrelay[@]}" -- "${official[@]}" | tee "$prefix-table.txt"
