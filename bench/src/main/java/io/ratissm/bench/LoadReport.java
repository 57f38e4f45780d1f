package io.ratissm.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.stream.Collectors;
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
 * What a benchmark driven by a {@link ClosedLoop} reports beyond JMH's throughput, printed at the end of the
 * trial as one line:
 *
 * <pre>LATENCY {"benchmark":"...WriteBenchmark.write","params":{...},"requests":12345,"p50Ms":..,"p99Ms":..,
 *   "p999Ms":..,"maxMs":..,"cpuUsPerOp":..,"cpuCores":..,"measuredFromS":..,"measuredUntilS":..,
 *   "perSecond":[..]}</pre>
 *
 * <ul>
 *   <li>Latency percentiles over the requests answered during the measurement iterations (warm-up excluded).
 *   <li>{@code cpuUsPerOp}: the process's CPU time (every thread of the JVM: replicas, client, JMH) over the
 *       measurement iterations divided by the requests answered in them, in microseconds; {@code cpuCores} is
 *       the same CPU time over the wall time, i.e. the cores the process kept busy on average. Sampled when the
 *       first op of an iteration starts and when the iteration ends.
 *   <li>{@code perSecond}: requests answered in each second since the trial's first request, warm-up included
 *       ({@link ClosedLoop#answersPerSecond()}); the measurement iterations ran from {@code measuredFromS} to
 *       {@code measuredUntilS} on the same clock (what follows is the end-of-trial drain and checks).
 *       {@code bench/summarize.py} derives the time to warm up from these.
 * </ul>
 *
 * <p>A printed line and not JMH secondary results because JMH sums {@code @AuxCounters} across iterations,
 * which is meaningless for a percentile or a ratio; {@code bench/summarize.py} joins these lines with JMH's
 * JSON.
 *
 * <p>Usage: the benchmark method takes this state and calls {@link #observe} with its loop before
 * {@link ClosedLoop#issue()}.
 */
@State(Scope.Thread)
public class LoadReport {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private BenchmarkParams benchmark;
    private ClosedLoop load;
    private boolean measuring;
    private boolean started;
    private Histogram measured;
    private double measuredFromSeconds = -1;
    private double measuredUntilSeconds = -1;
    private long iterationCpuNanos;
    private long iterationWallNanos;
    private long iterationAnswered;
    private long cpuNanos;
    private long wallNanos;
    private long answered;

    @Setup(Level.Trial)
    public void startTrial(BenchmarkParams params) {
        benchmark = params;
        measured = null;
        measuredFromSeconds = -1;
        measuredUntilSeconds = -1;
        cpuNanos = 0;
        wallNanos = 0;
        answered = 0;
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
            if (measuring && measuredFromSeconds < 0) {
                measuredFromSeconds = loop.secondsSinceFirstRequest();
            }
            iterationAnswered = loop.completed();
            iterationWallNanos = System.nanoTime();
            iterationCpuNanos = OS.getProcessCpuTime();
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (!measuring || load == null) {
            return;
        }
        cpuNanos += OS.getProcessCpuTime() - iterationCpuNanos;
        wallNanos += System.nanoTime() - iterationWallNanos;
        answered += load.completed() - iterationAnswered;
        measuredUntilSeconds = load.secondsSinceFirstRequest();
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
        String perSecond = Arrays.stream(load.answersPerSecond())
                .mapToObj(Long::toString)
                .collect(Collectors.joining(",", "[", "]"));
        System.out.println(String.format(
                Locale.ROOT,
                "LATENCY {\"benchmark\":\"%s\",\"params\":%s,\"requests\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
                        + "\"p999Ms\":%.3f,\"maxMs\":%.3f,\"cpuUsPerOp\":%.2f,\"cpuCores\":%.3f,"
                        + "\"measuredFromS\":%.1f,\"measuredUntilS\":%.1f,\"perSecond\":%s}",
                benchmark.getBenchmark(),
                params,
                measured.getTotalCount(),
                millis(50),
                millis(99),
                millis(99.9),
                measured.getMaxValue() / 1e6,
                answered == 0 ? Double.NaN : cpuNanos / 1e3 / answered,
                wallNanos == 0 ? Double.NaN : (double) cpuNanos / wallNanos,
                measuredFromSeconds,
                measuredUntilSeconds,
                perSecond));
    }

    private double millis(double percentile) {
        return measured.getValueAtPercentile(percentile) / 1e6;
    }
}
