#!/usr/bin/env python3
"""Turns one benchmark run into the tables of bench/RESULTS.md.

Usage:
    java -jar bench/target/benchmarks.jar ... -rf json -rff results.json > run.log
    python3 bench/summarize.py results.json run.log

Reads JMH's JSON (scores, one value per measurement iteration) and the LATENCY lines the benchmarks print
(latency percentiles, CPU per op and answers per second; see LoadReport.java), and prints Markdown:

1. every result with its latencies and CPU per acknowledged command;
2. ratis-sm, SOFAJRaft and bare Ratis side by side for each mode, command size and outstanding level, with
   ratis-sm's ratios to each;
3. the time each write trial took to warm up (method below);
4. issue 16's targets against SOFAJRaft, for whatever the run measured.

Scores are the median of the measurement iterations. Standard library only.

Time to warm up: the steady value is the median of the one-second answer counts that lie wholly inside the
measurement iterations (after the warm-up iterations, so in a full run the seconds 60-110 of the trial); the
time to warm up is the end of the first second, counted from the trial's first request, whose answers reached
90 % of that. It is only as good as the measurement is steady: quote it from full runs.
"""
import json
import math
import re
import statistics
import sys

PREFIX = "io.ratissm.bench."
RATIS_SM = "WriteBenchmark.write"
SOFA = "SofaJRaftWriteBenchmark.write"
BARE = "BaselineWriteBenchmark.write"
WRITES = (RATIS_SM, SOFA, BARE)


def load_latencies(log_path):
    latencies = {}
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            m = re.search(r"LATENCY (\{.*\})", line)
            if m:
                entry = json.loads(m.group(1))
                latencies[key(entry["benchmark"], entry["params"])] = entry
    return latencies


def key(benchmark, params):
    return (benchmark.replace(PREFIX, ""), tuple(sorted((params or {}).items())))


def median_score(result):
    raw = [v for fork in result["primaryMetric"]["rawData"] for v in fork]
    return statistics.median(raw) if raw else result["primaryMetric"]["score"]


def warm_up(lat):
    """(seconds to 90 % of steady, steady ops/s), or None when the trial did not record enough."""
    per_second = lat.get("perSecond")
    start, end = lat.get("measuredFromS"), lat.get("measuredUntilS")
    if not per_second or start is None or end is None or start < 0 or end <= start:
        return None
    measured = per_second[math.ceil(start):math.floor(end)]
    if len(measured) < 3:
        return None
    steady = statistics.median(measured)
    for second, answers in enumerate(per_second):
        if answers >= 0.9 * steady:
            return second + 1, steady
    return math.inf, steady


def fmt(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


class Run:
    def __init__(self, json_path, log_path):
        with open(json_path, encoding="utf-8") as f:
            self.results = json.load(f)
        latencies = load_latencies(log_path)
        self.rows = {}
        for r in self.results:
            k = key(r["benchmark"], r.get("params"))
            self.rows[k] = (median_score(r), latencies.get(k, {}), r)

    def find(self, benchmark, **params):
        """(score, latency entry) of the one result of benchmark whose params include these, or None."""
        for (b, p), (score, lat, _) in self.rows.items():
            if b == benchmark and all(dict(p).get(name) == str(v) for name, v in params.items()):
                return score, lat
        return None

    def values(self, param, benchmarks, default):
        found = {dict(p).get(param) for (b, p) in self.rows if b in benchmarks} - {None}
        return sorted(found, key=lambda v: (len(v), v)) if found else default


def print_results(run):
    print("| benchmark | params | score (median) | unit | iterations | p50 ms | p99 ms | p99.9 ms | CPU us/op |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|")
    for (b, p), (score, lat, r) in run.rows.items():
        params = ", ".join(f"{name}={v}" for name, v in p)
        iterations = sum(len(fork) for fork in r["primaryMetric"]["rawData"])
        print(f"| {b} | {params} | {fmt(score)} | {r['primaryMetric']['scoreUnit']} | {iterations} "
              f"| {fmt(lat.get('p50Ms'), 2)} | {fmt(lat.get('p99Ms'), 2)} | {fmt(lat.get('p999Ms'), 2)} "
              f"| {fmt(lat.get('cpuUsPerOp'), 0)} |")


def cell(found):
    if not found:
        return "-"
    score, lat = found
    return f"{fmt(score, 0)} ({fmt(lat.get('p50Ms'), 2)} / {fmt(lat.get('p99Ms'), 2)})"


def cpu(found):
    return None if not found else found[1].get("cpuUsPerOp")


def print_side_by_side(run):
    print("ratis-sm, SOFAJRaft and bare Ratis in the same run: ops/s (p50 / p99 ms); CPU is the whole JVM's CPU time")
    print("per acknowledged command over the measurement iterations, in microseconds:")
    print()
    print("| mode | bytes | outstanding | ratis-sm | SOFAJRaft | bare Ratis | ratis-sm / SOFAJRaft "
          "| ratis-sm / bare | CPU us/op ratis-sm / SOFAJRaft / bare | CPU ratis-sm / SOFAJRaft |")
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for mode in run.values("mode", (RATIS_SM,), ["ACTIVE"]):
        for size in run.values("commandBytes", WRITES, ["16", "1024"]):
            for outstanding in run.values("outstanding", WRITES, ["1", "16", "128"]):
                sm = run.find(RATIS_SM, commandBytes=size, outstanding=outstanding, mode=mode)
                sofa = run.find(SOFA, commandBytes=size, outstanding=outstanding)
                bare = run.find(BARE, commandBytes=size, outstanding=outstanding)
                if not sm and not sofa and not bare:
                    continue
                vs_sofa = (f"{ratio(sm[0], sofa[0])}, p50 {ratio(sm[1].get('p50Ms'), sofa[1].get('p50Ms'))}, "
                           f"p99 {ratio(sm[1].get('p99Ms'), sofa[1].get('p99Ms'))}") if sm and sofa else "-"
                print(f"| {mode} | {size} | {outstanding} | {cell(sm)} | {cell(sofa)} | {cell(bare)} | {vs_sofa} "
                      f"| {ratio(sm[0], bare[0]) if sm and bare else '-'} "
                      f"| {fmt(cpu(sm), 0)} / {fmt(cpu(sofa), 0)} / {fmt(cpu(bare), 0)} "
                      f"| {ratio(cpu(sm), cpu(sofa))} |")


def print_warm_up(run):
    print()
    print("Time to warm up (seconds from the first request until one second's answers reached 90 % of the")
    print("steady value, the median answers per second over the measurement iterations):")
    print()
    print("| benchmark | params | steady ops/s | seconds to 90 % | measured seconds |")
    print("|---|---|---:|---:|---|")
    for (b, p), (_, lat, _) in run.rows.items():
        if b not in WRITES:
            continue
        w = warm_up(lat)
        if w is None:
            continue
        seconds, steady = w
        params = ", ".join(f"{name}={v}" for name, v in p)
        reached = "not reached" if seconds == math.inf else str(seconds)
        print(f"| {b} | {params} | {fmt(steady, 0)} | {reached} "
              f"| {fmt(lat['measuredFromS'], 0)}-{fmt(lat['measuredUntilS'], 0)} |")


def print_targets(run):
    print()
    print("Issue 16's targets (16 B commands, ACTIVE unless stated, against SOFAJRaft in the same run):")
    print()

    def both(outstanding, mode="ACTIVE"):
        return (run.find(RATIS_SM, commandBytes=16, outstanding=outstanding, mode=mode),
                run.find(SOFA, commandBytes=16, outstanding=outstanding))

    sm, sofa = both(128)
    if sm and sofa:
        print(f"- 128 outstanding: throughput >= 1.5x SOFAJRaft's: {ratio(sm[0], sofa[0])}; "
              f"p99 <= SOFAJRaft's: {ratio(sm[1].get('p99Ms'), sofa[1].get('p99Ms'))}")
        print(f"- CPU per acknowledged command at 128 outstanding <= SOFAJRaft's: {ratio(cpu(sm), cpu(sofa))} "
              f"({fmt(cpu(sm), 0)} vs {fmt(cpu(sofa), 0)} us)")
        w_sm, w_sofa = warm_up(sm[1]), warm_up(sofa[1])
        print(f"- warm-up to 90 % at 128 outstanding <= 20 s: ratis-sm {w_sm[0] if w_sm else '-'} s, "
              f"SOFAJRaft {w_sofa[0] if w_sofa else '-'} s")
    sm, sofa = both(16)
    if sm and sofa:
        print(f"- 16 outstanding: throughput >= 1.0x SOFAJRaft's: {ratio(sm[0], sofa[0])}")
    sm, sofa = both(1)
    if sm and sofa:
        print(f"- 1 outstanding: p50 <= SOFAJRaft's: {ratio(sm[1].get('p50Ms'), sofa[1].get('p50Ms'))}")
    active = run.find("CpuHeavyBenchmark.apply", mode="ACTIVE")
    passive = run.find("CpuHeavyBenchmark.apply", mode="PASSIVE")
    if active and passive:
        print(f"- PASSIVE, CPU-heavy commands: CPU per command <= 0.5x ACTIVE's: {ratio(cpu(passive), cpu(active))}")
    active, passive = both(128)[0], run.find(RATIS_SM, commandBytes=16, outstanding=128, mode="PASSIVE")
    if active and passive:
        print(f"- PASSIVE, 16 B at 128 outstanding: throughput >= 0.9x ACTIVE's: {ratio(passive[0], active[0])}")


def main(json_path, log_path):
    run = Run(json_path, log_path)
    print_results(run)
    print()
    print_side_by_side(run)
    print_warm_up(run)
    print_targets(run)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: summarize.py results.json run.log")
    main(sys.argv[1], sys.argv[2])
