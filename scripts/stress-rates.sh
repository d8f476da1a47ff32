#!/usr/bin/env bash
# Runs the concurrency suite N times (default 10) and prints, per scenario test, how many runs
# passed on each JDK. For a racy-twin test, "passed" means the racy variant was caught. Builds in
# the reactor (the parent POM is read from ../pom.xml): nothing is installed into ~/.m2.
# Usage: scripts/stress-rates.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
out="$(mktemp -d)"
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  mvn -B -q test -pl provider -am -Dgroups=stress -Dmaven.test.failure.ignore=true >"$out/run-$i.log" 2>&1 || true
  echo "run $i: $(( $(date +%s) - start )) s" >&2
  for jdk in surefire-reports surefire-reports-newest-jdk; do
    mkdir -p "$out/$i/$jdk"
    cp provider/target/$jdk/TEST-*.xml "$out/$i/$jdk/" 2>/dev/null || true
    rm -f provider/target/$jdk/TEST-*.xml
  done
done
python3 - "$out" "$runs" <<'PY'
import glob, os, sys, collections
import xml.etree.ElementTree as ET
out, runs = sys.argv[1], int(sys.argv[2])
for jdk in ("surefire-reports", "surefire-reports-newest-jdk"):
    passed = collections.Counter(); seen = collections.Counter(); time = collections.defaultdict(float)
    for i in range(1, runs + 1):
        for f in glob.glob(os.path.join(out, str(i), jdk, "TEST-*.xml")):
            for case in ET.parse(f).getroot().iter("testcase"):
                name = case.get("classname").rsplit(".", 1)[-1] + "#" + case.get("name")
                seen[name] += 1; time[name] += float(case.get("time") or 0)
                if case.find("failure") is None and case.find("error") is None and case.find("skipped") is None:
                    passed[name] += 1
    print(f"\n{'JDK 17' if jdk == 'surefire-reports' else 'newest JDK, virtual threads'}: passed/runs, mean seconds")
    for name in sorted(seen):
        print(f"  {passed[name]:>2}/{seen[name]:<2} {time[name]/max(seen[name],1):6.2f}s  {name}")
PY
