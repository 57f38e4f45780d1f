package io.ratissm.bench;

import java.util.Locale;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The latency percentiles of a benchmark driven by a {@link ClosedLoop}, over the requests answered during its
 * measurement iterations (warm-up excluded), printed at the end of the trial as one line:
 *
 * <pre>LATENCY {"benchmark":"...WriteBenchmark.write","params":{...},"requests":12345,"p50Ms":..,"p99Ms":..,"p999Ms":..}</pre>
 *
 * <p>A printed line and not a JMH secondary result because JMH sums {@code @AuxCounters} across iterations,
 * which is meaningless for a percentile; {@code bench/summarize.py} joins these lines with JMH's JSON.
 *
 * <p>Usage: the benchmark method takes this state and calls {@link #observe} with its loop before
 * {@link ClosedLoop#issue()}.
 */
@State(Scope.Thread)
public class Latency {
    private BenchmarkParams benchmark;
    private ClosedLoop load;
    private boolean measuring;
    private boolean started;
    private Histogram measured;

    @Setup(Level.Trial)
    public void startTrial(BenchmarkParams params) {
        benchmark = params;
        measured = null;
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        started = false;
    }

    /** Binds the loop whose requests are measured; cheap after the first call of an iteration. */
    public void observe(ClosedLoop loop) {
        if (!started) {
            started = true;
            load = loop;
            loop.takeLatencies(); // what was answered before this iteration belongs to no measurement
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (!measuring || load == null) {
            return;
        }
        Histogram iteration = load.takeLatencies();
        if (measured == null) {
            measured = iteration;
        } else {
            measured.add(iteration);
        }
    }

    @TearDown(Level.Trial)
    public void report() {
        if (measured == null) {
            return;
        }
        StringJoiner params = new StringJoiner(",", "{", "}");
        for (String key : benchmark.getParamsKeys()) {
            params.add('"' + key + "\":\"" + benchmark.getParam(key) + '"');
        }
        System.out.println(String.format(
                Locale.ROOT,
                "LATENCY {\"benchmark\":\"%s\",\"params\":%s,\"requests\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
                        + "\"p999Ms\":%.3f,\"maxMs\":%.3f}",
                benchmark.getBenchmark(),
                params,
                measured.getTotalCount(),
                millis(50),
                millis(99),
                millis(99.9),
                measured.getMaxValue() / 1e6));
    }

    private double millis(double percentile) {
        return measured.getValueAtPercentile(percentile) / 1e6;
    }
}
