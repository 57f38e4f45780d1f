package io.ratissm.bench.kit;

import io.ratissm.bench.kit.internal.LatencyLine;
import io.ratissm.bench.kit.internal.LoadWindow;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *   "p999Ms":..,"maxMs":..,"cpuUsPerOp":..,"cpuCores":..,"answered":..,"rejected":..,"opsPerS":..,
 *   "measuredFromS":..,"measuredUntilS":..,"perSecond":[..]}</pre>
 *
 * <ul>
 *   <li>Latency percentiles over the requests answered during the measurement iterations (warm-up excluded).
 *   <li>{@code cpuUsPerOp}: the process's CPU time (every thread of the JVM: replicas, client, JMH) over the
 *       measurement iterations divided by the requests answered in them, in microseconds; {@code cpuCores} is
 *       the same CPU time over the wall time, i.e. the cores the process kept busy on average. Sampled when the
 *       first op of an iteration starts and when the iteration ends.
 *   <li>{@code answered} and {@code rejected}: the requests answered in the measurement iterations, and of those
 *       the commands the state machine refused ({@link ClosedLoop#rejected()}).
 *   <li>{@code perSecond}: requests answered in each second since the trial's first request, warm-up included
 *       ({@link ClosedLoop#answersPerSecond()}); the measurement iterations ran from {@code measuredFromS} to
 *       {@code measuredUntilS} on the same clock (what follows is the end-of-trial drain and checks).
 *       {@code bench/summarize.py} derives the time to warm up from these.
 * </ul>
 *
 * <p>A printed line and not JMH secondary results because JMH sums {@code @AuxCounters} across iterations,
 * which is meaningless for a percentile or a ratio; {@link BenchmarkMain} and {@code bench/summarize.py} join these
 * lines with JMH's results.
 *
 * <p>Usage: the benchmark method takes this state and calls {@link #observe} with its loop before
 * {@link ClosedLoop#issue()}, as {@link ClosedLoopBenchmark#write} does.
 */
@State(Scope.Thread)
public class LoadReport {
    private BenchmarkParams benchmark;
    private LoadWindow window;
    private boolean measuring;
    private boolean started;

    @Setup(Level.Trial)
    public void startTrial(BenchmarkParams params) {
        benchmark = params;
        window = null;
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
            if (window == null) {
                window = new LoadWindow(loop);
            }
            if (measuring) {
                window.begin();
            }
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (measuring && window != null) {
            window.end();
        }
    }

    @TearDown(Level.Trial)
    public void report() {
        if (window == null || !window.measuredAnything()) {
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String key : benchmark.getParamsKeys()) {
            params.put(key, benchmark.getParam(key));
        }
        System.out.println(LatencyLine.format(
                benchmark.getBenchmark(),
                params,
                window.summary(),
                window.load().answersPerSecond()));
    }
}
