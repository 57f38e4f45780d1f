for round in 1 2; do
for v in before after; do
  echo "== $v round $round $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  java -jar /tmp/bench-$v.jar '^io.ratissm.bench.WriteBenchmark.write$' -p commandBytes=16 -p mode=ACTIVE \
    -p outstanding=1,128 -f 1 -wi 2 -w 10s -i 3 -r 10s -rf json -rff $v-$round.json > $v-$round.log 2>&1
done
done
echo done
