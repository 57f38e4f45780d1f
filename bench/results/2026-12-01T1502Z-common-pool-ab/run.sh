#!/bin/sh
# ForkJoinPool common parallelism A/B: the JDK's default on 2 cores (1: CompletableFuture's *Async without an
# executor then starts a new thread per task) against parallelism 2; SOFAJRaft in the same run.
# ACTIVE, 16 B commands, 1 and 128 outstanding, short settings (2 x 10 s warm-up, 3 x 10 s measured), one fork each.
set -u
cd /tmp/fjp
JAR=/tmp/fjp/benchmarks.jar
W='-p commandBytes=16 -p mode=ACTIVE -p outstanding=1,128 -f 1 -wi 2 -w 10s -i 3 -r 10s'
BASE='-Xms1g -Xmx3g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.apache.ratis=error -Dorg.slf4j.simpleLogger.log.com.alipay=error -Dcom.google.protobuf.use_unsafe_pre22_gencode'
FJP='-Djava.util.concurrent.ForkJoinPool.common.parallelism=2'
( while :; do echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 30; done ) > uptime.log &
LOAD=$!
step() { # name pattern jvmargs
  echo "== $1 $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  java -jar "$JAR" "$2" $W -jvmArgsAppend "$3" -rf json -rff "$1.json" > "$1.log" 2>&1
}
step default-1 '^io.ratissm.bench.WriteBenchmark.write$' "$BASE"
step fjp2-1    '^io.ratissm.bench.WriteBenchmark.write$' "$BASE $FJP"
step sofa-1    '^io.ratissm.bench.SofaJRaftWriteBenchmark.write$' "$BASE"
step fjp2-2    '^io.ratissm.bench.WriteBenchmark.write$' "$BASE $FJP"
step default-2 '^io.ratissm.bench.WriteBenchmark.write$' "$BASE"
kill $LOAD
echo "done $(date +%T)"
