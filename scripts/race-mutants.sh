#!/usr/bin/env bash
# Plants each race of scripts/race-mutants/NN-name.patch, one at a time, in a scratch copy of the
# repository, runs the concurrency suite (tag `stress`, provider module only) against it, and
# prints which were caught, on which run, by which test and named Symptom.
#
# Usage: scripts/race-mutants.sh [--runs N] [--jdk 17|25|both] [--mutant NN|name] [--baseline] [--keep] [--every-test]
#   --runs N     runs per mutant and JDK until caught (default 1: the goal is "caught on the first run")
#   --jdk        which JDK(s): 17 (the build JDK), 25 (the newest-jdk execution's JDK, roles on
#                virtual threads as in `mvn verify`), or both (default)
#   --mutant     only the patch whose name starts with this (e.g. 07 or 07-generation)
#   --baseline   first run the suite on the unmutated code; stop if it fails
#   --keep       keep the scratch copy (its path is printed)
#   --every-test run the whole suite even after a test failed (default: stop the test JVM once
#                the first test class has ended with a failure, which is all "caught" needs)
# A patch that no longer applies is reported as DOES NOT APPLY; one that no longer compiles as
# DOES NOT COMPILE. Every run is the suite (about 45 s a JDK on the real code); the cell names the
# test that caught the mutant with a named symptom. A run whose only failures carry no named
# symptom (a vacuity check, a timeout) is reported as NO NAMED SYMPTOM and does not count as caught.
# Output: the table on stdout, per-run logs and results.tsv in the scratch directory.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs=1
jdks="17 25"
only=""
baseline=false
keep=false
fail_fast=true
jdk25="${JDK25_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --jdk) case "$2" in 17) jdks="17" ;; 25) jdks="25" ;; both) jdks="17 25" ;; *) echo "--jdk 17|25|both" >&2; exit 2 ;; esac; shift 2 ;;
    --mutant) only="$2"; shift 2 ;;
    --baseline) baseline=true; shift ;;
    --keep) keep=true; shift ;;
    --every-test) fail_fast=false; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ " $jdks " == *" 25 "* ]] && [ ! -x "$jdk25" ]; then
  echo "JDK 25 not found at $jdk25 (set JDK25_JAVA); running JDK 17 only" >&2
  jdks="17"
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/race-mutants.XXXXXX")"
$keep || trap 'rm -rf "$scratch"' EXIT
work="$scratch/repo"
pristine="$scratch/pristine-main"
mkdir -p "$work"
# The working tree as it is (tracked and new files, nothing ignored, no build output).
(cd "$repo" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) | (cd "$work" && tar -xf -)
cp -a "$work/provider/src/main" "$pristine"
symptoms="$(grep -oE '^  [A-Z_]+' "$repo/provider/src/test/java/dev/flagrelay/stress/Symptom.java" | tr -d ' ' | paste -sd'|')"
results="$scratch/results.tsv"
: >"$results"
echo "scratch copy: $work" >&2

restore_main() {
  rm -rf "$work/provider/src/main" "$work/provider/target/classes"
  cp -a "$pristine" "$work/provider/src/main"
}

# Runs the stress suite once on one JDK; prints "caught<TAB>Test#method<TAB>SYMPTOM", "clean", or
# "nocompile".
suite() {
  local jdk="$1" log="$2"
  local args=(-B -o -pl provider -am test -Dgroups=stress -Dmaven.test.failure.ignore=true -P '!newest-jdk')
  if [ "$jdk" = 25 ]; then
    args+=(-Djvm="$jdk25" -DargLine=-Dstress.virtual=true)
  fi
  rm -rf "$work/provider/target/surefire-reports"
  : >"$log" # Exists before the watch below first reads it.
  (cd "$work" && mvn "${args[@]}") >>"$log" 2>&1 &
  local build=$!
  if $fail_fast; then
    # Surefire's skipAfterFailureCount does not stop this JUnit 5 run: stop the test JVM once a
    # test class has ended with a failure (its report is written as it ends).
    while kill -0 "$build" 2>/dev/null; do
      if grep -q '<<< \(FAILURE\|ERROR\)!' "$log"; then
        sleep 2
        pkill -f "$work/provider/target/surefire" 2>/dev/null || true
        echo "[race-mutants] stopped the suite after the first failing test class" >>"$log"
        break
      fi
      sleep 1
    done
  fi
  wait "$build" || true
  if grep -q "COMPILATION ERROR\|Compilation failure" "$log"; then
    echo nocompile
    return
  fi
  python3 - "$work/provider/target/surefire-reports" "$symptoms" <<'PY'
import glob, os, re, sys
import xml.etree.ElementTree as ET
reports, symptoms = sys.argv[1], sys.argv[2]
named, unnamed = [], []
ran = 0
for path in sorted(glob.glob(os.path.join(reports, "TEST-*.xml"))):
    for case in ET.parse(path).getroot().iter("testcase"):
        ran += 1
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is None:
            continue
        test = case.get("classname").rsplit(".", 1)[-1] + "#" + case.get("name")
        text = (bad.get("message") or "") + "\n" + (bad.text or "")
        match = re.search(r"\b(" + symptoms + r")\b", text)
        if match:
            named.append((test, match.group(1)))
        else:
            unnamed.append((test, (bad.get("type") or "failure").rsplit(".", 1)[-1] + ": " + " ".join((bad.get("message") or "").split())[:80]))
failures = named + unnamed
if failures:
    test, symptom = failures[0]
    others = "" if len(failures) == 1 else " (+%d more: %s)" % (len(failures) - 1, ", ".join(t.split("#")[0] for t, _ in failures[1:]))
    print("%s\t%s%s\t%s" % ("caught" if named else "unnamed", test, others, symptom))
elif ran == 0:
    print("noresult")
else:
    print("clean")
PY
}

# Runs up to $runs times on one JDK until caught; prints the table cell.
hunt() {
  local name="$1" jdk="$2" run verdict
  for run in $(seq 1 "$runs"); do
    local start=$SECONDS
    verdict="$(suite "$jdk" "$scratch/$name-jdk$jdk-run$run.log")"
    printf '%s\tJDK %s\trun %s\t%s\t%ss\n' "$name" "$jdk" "$run" "$verdict" "$((SECONDS - start))" >>"$results"
    case "$verdict" in
      caught*) IFS=$'\t' read -r _ test symptom <<<"$verdict"; echo "run $run: $symptom ($test)"; return ;;
      unnamed*) IFS=$'\t' read -r _ test symptom <<<"$verdict"; echo "NO NAMED SYMPTOM, run $run: $symptom ($test)"; return ;;
      nocompile) echo "DOES NOT COMPILE"; return ;;
      noresult) echo "NO RESULT (see $name-jdk$jdk-run$run.log)"; return ;;
    esac
  done
  echo "NOT CAUGHT in $runs run(s)"
}

if $baseline; then
  restore_main
  for jdk in $jdks; do
    verdict="$(hunt baseline "$jdk")"
    echo "baseline (real code), JDK $jdk: $verdict" >&2
    if [[ "$verdict" != NOT\ CAUGHT* ]]; then
      echo "the real code fails the suite on JDK $jdk: no mutant verdict would mean anything (log: $scratch)" >&2
      keep=true
      trap - EXIT
      exit 1
    fi
  done
fi

rows=()
total=0
caught_first=0
for patch in "$repo"/scripts/race-mutants/*.patch; do
  name="$(basename "$patch" .patch)"
  [ -z "$only" ] || [[ "$name" == "$only"* ]] || continue
  description="$(sed -n 's/^Description: //p' "$patch" | head -1)"
  total=$((total + 1))
  restore_main
  if ! (cd "$work" && git apply --check "$patch" 2>/dev/null && git apply "$patch"); then
    rows+=("$name|$description|DOES NOT APPLY|DOES NOT APPLY")
    echo "$name: DOES NOT APPLY" >&2
    continue
  fi
  cells=()
  first=true
  for jdk in 17 25; do
    if [[ " $jdks " == *" $jdk "* ]]; then
      cell="$(hunt "$name" "$jdk")"
      [[ "$cell" == "run 1:"* ]] || first=false
    else
      cell="-"
    fi
    cells+=("$cell")
  done
  $first && caught_first=$((caught_first + 1))
  rows+=("$name|$description|${cells[0]}|${cells[1]}")
  echo "$name: JDK 17 ${cells[0]}; JDK 25 ${cells[1]}" >&2
done
restore_main

echo
echo "| Mutant | What it breaks | JDK 17 | JDK 25 |"
echo "| --- | --- | --- | --- |"
for row in "${rows[@]}"; do
  IFS='|' read -r name description j17 j25 <<<"$row"
  echo "| $name | $description | $j17 | $j25 |"
done
echo
echo "caught on the first run on every selected JDK: $caught_first of $total (runs allowed: $runs; JDK: $jdks)"
$keep && echo "logs and results.tsv: $scratch"
[ "$caught_first" -eq "$total" ]
