#!/usr/bin/env python3
"""Turns one benchmark run into the tables of bench/RESULTS.md.

Usage:
    java -jar bench/target/benchmarks.jar ... -rf json -rff results.json > run.log
    python3 bench/summarize.py results.json run.log

Reads JMH's JSON (scores, one value per measurement iteration) and the LATENCY lines the benchmarks print
(percentiles over the measurement iterations), and prints Markdown: every result with its latencies, then the
ratios against the bare-Ratis baseline of the same run and the project's targets. Scores are the median of the
measurement iterations. Standard library only.
"""
import json
import re
import statistics
import sys

PREFIX = "io.ratissm.bench."


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


def fmt(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def main(json_path, log_path):
    with open(json_path, encoding="utf-8") as f:
        results = json.load(f)
    latencies = load_latencies(log_path)

    rows = {}
    print("| benchmark | params | score (median) | unit | iterations | p50 ms | p99 ms | p99.9 ms |")
    print("|---|---|---:|---|---:|---:|---:|---:|")
    for r in results:
        k = key(r["benchmark"], r.get("params"))
        lat = latencies.get(k, {})
        score = median_score(r)
        rows[k] = (score, lat)
        params = ", ".join(f"{p}={v}" for p, v in k[1])
        iterations = sum(len(fork) for fork in r["primaryMetric"]["rawData"])
        print(f"| {k[0]} | {params} | {fmt(score)} | {r['primaryMetric']['scoreUnit']} | {iterations} "
              f"| {fmt(lat.get('p50Ms'), 2)} | {fmt(lat.get('p99Ms'), 2)} | {fmt(lat.get('p999Ms'), 2)} |")

    def find(benchmark, **params):
        for (b, p), value in rows.items():
            if b == benchmark and all(dict(p).get(name) == str(v) for name, v in params.items()):
                return value
        return None

    print()
    print("Ratio to the bare-Ratis baseline of the same run (same command size and outstanding requests):")
    print()
    print("| mode | command bytes | outstanding | ratis-sm ops/s | baseline ops/s | throughput ratio "
          "| p50 ratio | p99 ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for mode in ("ACTIVE", "PASSIVE"):
        for size in ("16", "1024"):
            for outstanding in ("1", "16", "128"):
                sm = find("WriteBenchmark.write", commandBytes=size, outstanding=outstanding, mode=mode)
                base = find("BaselineWriteBenchmark.write", commandBytes=size, outstanding=outstanding)
                if not sm or not base:
                    continue
                print(f"| {mode} | {size} | {outstanding} | {fmt(sm[0])} | {fmt(base[0])} | {ratio(sm[0], base[0])} "
                      f"| {ratio(sm[1].get('p50Ms'), base[1].get('p50Ms'))} "
                      f"| {ratio(sm[1].get('p99Ms'), base[1].get('p99Ms'))} |")

    print()
    print("Targets (ratis-sm against the bare Ratis baseline):")
    print()
    sm = find("WriteBenchmark.write", commandBytes=16, outstanding=128, mode="ACTIVE")
    base = find("BaselineWriteBenchmark.write", commandBytes=16, outstanding=128)
    if sm and base:
        print(f"- 16 B, 128 outstanding, ACTIVE throughput >= 20x baseline: {ratio(sm[0], base[0])}")
        print(f"- same, p99 <= 0.1x baseline: {ratio(sm[1].get('p99Ms'), base[1].get('p99Ms'))}")
    sm1 = find("WriteBenchmark.write", commandBytes=16, outstanding=1, mode="ACTIVE")
    base1 = find("BaselineWriteBenchmark.write", commandBytes=16, outstanding=1)
    if sm1 and base1:
        print(f"- 16 B, 1 outstanding, p50 <= baseline: {ratio(sm1[1].get('p50Ms'), base1[1].get('p50Ms'))}")
    active = find("CpuHeavyBenchmark.apply", mode="ACTIVE")
    passive = find("CpuHeavyBenchmark.apply", mode="PASSIVE")
    print(f"- CPU-heavy command, PASSIVE >= 2x ACTIVE: "
          f"{ratio(passive[0], active[0]) if active and passive else 'not measured (PASSIVE not run)'}")
    reads = find("ReadBenchmark.read", consistency="LINEARIZABLE", outstanding=128, mode="ACTIVE")
    if reads and base:
        print(f"- linearizable reads at 128 outstanding >= 5x baseline write throughput (16 B, 128): "
              f"{ratio(reads[0], base[0])}")


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: summarize.py results.json run.log")
    main(sys.argv[1], sys.argv[2])
