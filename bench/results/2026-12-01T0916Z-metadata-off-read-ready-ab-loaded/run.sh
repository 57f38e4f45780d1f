#!/bin/sh
# Run G: before (main 636f2ea, commit-index entries on) and after (perf-read, entries off, ready-leader reads)
# alternated, with SOFAJRaft in the same run; ACTIVE, 16 B, 1 and 128 outstanding, short settings.
# /tmp/bench-perf-read-before.jar and /tmp/bench-perf-read-after.jar are bench/target/benchmarks.jar built at each commit.
set -u
W='-p commandBytes=16 -p mode=ACTIVE -p outstanding=1,128 -f 1 -wi 2 -w 10s -i 3 -r 10s'
( while :; do echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 30; done ) > uptime.log &
LOAD=$!
step() { # name jar pattern
  echo "== $1 $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  java -jar "$2" "$3" $W -rf json -rff "$1.json" > "$1.log" 2>&1
}
step before-1 /tmp/bench-perf-read-before.jar '^io.ratissm.bench.WriteBenchmark.write$'
step after-1  /tmp/bench-perf-read-after.jar  '^io.ratissm.bench.WriteBenchmark.write$'
step sofa-1   /tmp/bench-perf-read-after.jar  '^io.ratissm.bench.SofaJRaftWriteBenchmark.write$'
step sofa-2   /tmp/bench-perf-read-after.jar  '^io.ratissm.bench.SofaJRaftWriteBenchmark.write$'
step after-2  /tmp/bench-perf-read-after.jar  '^io.ratissm.bench.WriteBenchmark.write$'
step before-2 /tmp/bench-perf-read-before.jar '^io.ratissm.bench.WriteBenchmark.write$'
kill $LOAD
echo "done $(date +%T)"
