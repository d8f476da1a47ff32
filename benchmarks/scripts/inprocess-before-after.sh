#!/usr/bin/env bash
# Interleaved before/after passes of InProcessEvaluationBenchmark: for each pass, the 'before' jar
# then the 'after' jar, each a full JMH run with the SDK floor in it; `uptime` noted before and
# after each run. Waits for /tmp/jmh.lock (another JMH run on this machine) instead of racing it.
# Usage: benchmarks/scripts/inprocess-before-after.sh BEFORE_JAR AFTER_JAR [N] [result-prefix]
#   SETTINGS  JMH options (default: -f 1 -wi 5 -w 2s -i 5 -r 2s -prof gc)
#   INCLUDE   benchmark regexp (default: InProcessEvaluationBenchmark)
set -euo pipefail
cd "$(dirname "$0")/../.."
before="$1"
after="$2"
passes="${3:-3}"
prefix="${4:-benchmarks/results/inprocess/before-after}"
mkdir -p "$(dirname "$prefix")"
read -r -a settings <<< "${SETTINGS:--f 1 -wi 5 -w 2s -i 5 -r 2s -prof gc}"
include="${INCLUDE:-InProcessEvaluationBenchmark}"

wait_for_jmh_lock() {
  python3 - <<'PY'
import fcntl, time
with open("/tmp/jmh.lock", "a") as f:
    while True:
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.lockf(f, fcntl.LOCK_UN)
            break
        except OSError:
            time.sleep(10)
PY
}

for pass in $(seq 1 "$passes"); do
  for side in before after; do
    jar="$before"
    [[ "$side" == after ]] && jar="$after"
    log="$prefix-$side-pass$pass.log"
    wait_for_jmh_lock
    {
      echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $side: $jar"
      echo "# uptime before: $(uptime)"
      echo "# java -jar $jar '$include' ${settings[*]}"
    } > "$log"
    java -jar "$jar" "$include" "${settings[@]}" -rf text -rff "$prefix-$side-pass$pass.txt" >> "$log" 2>&1
    echo "# uptime after: $(uptime)" >> "$log"
  done
done
benchmarks/scripts/inprocess_compare.py "$prefix"-before-pass*.txt -- "$prefix"-after-pass*.txt | tee "$prefix-table.txt"
