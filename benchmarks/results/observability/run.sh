#!/usr/bin/env bash
# How the observability before/after passes were run (BENCHMARKS.md, "Observability cost").
# before.jar: benchmarks built at e31755f (the merge base); after.jar: built at this branch.
# JMH takes a machine-wide lock: a run that finds another JMH running waits and tries again.
for pass in 1 2 3 4 5; do
  for side in before after; do
    while true; do
      uptime > $side-pass$pass.load
      java -jar $side.jar 'CachedEvaluationBenchmark.sameContext(NoCollector)?_1thread|CachedEvaluationBenchmark.sameContextNoCollector_4threads' \
        -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc -rf text -rff $side-pass$pass.txt > $side-pass$pass.log 2>&1
      grep -q "Unable to acquire the JMH lock" $side-pass$pass.log || break
      sleep 15
    done
  done
done
