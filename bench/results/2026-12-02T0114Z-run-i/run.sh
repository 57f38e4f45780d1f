#!/bin/sh
# Run I (issue 16): the suite's full settings (6 x 10 s warm-up, 5 x 10 s measured, one fork each, the benchmarks'
# own @Fork flags, the common-pool flag included), ratis-sm ACTIVE and PASSIVE, SOFAJRaft and bare Ratis in one run,
# 16 B commands; then the CPU-heavy pair. benchmarks.jar built from main at the commit named in commit.txt.
set -u
cd /tmp/runi
JAR=/tmp/runi/benchmarks.jar
F='-f 1 -wi 6 -w 10s -i 5 -r 10s'
( while :; do echo "$(date -u +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 30; done ) > uptime.log &
LOAD=$!
step() { # name pattern params...
  n=$1; p=$2; shift 2
  echo "== $n $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  java -jar "$JAR" "$p" $F "$@" -rf json -rff "$n.json" > "$n.log" 2>&1
  echo "== $n exit $? $(date -u +%T)"
}
step writes   '^io.ratissm.bench.WriteBenchmark.write$' -p commandBytes=16 -p mode=ACTIVE,PASSIVE -p outstanding=1,16,128
step sofa     '^io.ratissm.bench.SofaJRaftWriteBenchmark.write$' -p commandBytes=16 -p outstanding=1,16,128
step baseline '^io.ratissm.bench.BaselineWriteBenchmark.write$' -p commandBytes=16 -p outstanding=1,16,128
step cpuheavy '^io.ratissm.bench.CpuHeavyBenchmark.*' -p mode=ACTIVE,PASSIVE
kill $LOAD
echo "done $(date -u +%T)"
