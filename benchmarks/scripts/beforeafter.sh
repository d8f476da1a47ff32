#!/usr/bin/env bash
# Interleaved before/after passes of two flagrelay benchmark jars, with the load average of each.
# Usage: benchmarks/scripts/beforeafter.sh BEFORE.jar AFTER.jar N PREFIX 'REGEX' [JMH options...]
set -euo pipefail
before="$1"; after="$2"; passes="$3"; prefix="$4"; include="$5"; shift 5
for pass in $(seq 1 "$passes"); do
  for side in before after; do
    jar="$before"; [[ "$side" == after ]] && jar="$after"
    echo "$side pass $pass start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$prefix-load.txt"
    java -Djmh.ignoreLock=true -jar "$jar" "$include" "$@" -rf text -rff "$prefix-$side-pass$pass.txt" > "$prefix-$side-pass$pass.log" 2>&1
    echo "$side pass $pass end   $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$prefix-load.txt"
  done
done
