package io.ratissm.bench.kit.internal;

import io.ratissm.bench.kit.ClosedLoop;
import java.lang.management.ManagementFactory;
import org.HdrHistogram.Histogram;

/**
 * The measured part of a trial driven by a {@link ClosedLoop}: one or more windows, each opened with
 * {@link #begin()} and closed with {@link #end()} (a JMH measurement iteration, or the one measured period of
 * {@code ratis-sm bench}), and what was answered in them. Warm-up is whatever the loop answered outside a window.
 *
 * <ul>
 *   <li>Latencies: the requests answered inside the windows ({@link ClosedLoop#takeLatencies()}).
 *   <li>CPU: the process's CPU time (every thread of the JVM: replicas, client, harness) inside the windows, divided
 *       by the requests answered in them; over the wall time of the windows it is the cores the process kept busy.
 *   <li>Where the windows lie on the loop's clock (seconds since its first request), for the warm-up analysis of
 *       {@code bench/summarize.py}.
 * </ul>
 */
public final class LoadWindow {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final ClosedLoop load;
    private Histogram measured;
    private double measuredFromSeconds = -1;
    private double measuredUntilSeconds = -1;
    private long cpuNanos;
    private long wallNanos;
    private long answered;
    private long rejected;
    private boolean open;
    private long windowCpuNanos;
    private long windowWallNanos;
    private long windowAnswered;
    private long windowRejected;

    public LoadWindow(ClosedLoop load) {
        this.load = load;
    }

    public ClosedLoop load() {
        return load;
    }

    /** Opens a window now; what the loop answered before belongs to no measurement. */
    public void begin() {
        load.takeLatencies();
        if (measuredFromSeconds < 0) {
            measuredFromSeconds = load.secondsSinceFirstRequest();
        }
        windowAnswered = load.completed();
        windowRejected = load.rejected();
        windowWallNanos = System.nanoTime();
        windowCpuNanos = OS.getProcessCpuTime();
        open = true;
    }

    /** Closes the open window and adds what it measured; nothing if none is open. */
    public void end() {
        if (!open) {
            return;
        }
        open = false;
        cpuNanos += OS.getProcessCpuTime() - windowCpuNanos;
        wallNanos += System.nanoTime() - windowWallNanos;
        answered += load.completed() - windowAnswered;
        rejected += load.rejected() - windowRejected;
        measuredUntilSeconds = load.secondsSinceFirstRequest();
        Histogram window = load.takeLatencies();
        if (measured == null) {
            measured = window;
        } else {
            measured.add(window);
        }
    }

    /** Whether a window was closed. */
    public boolean measuredAnything() {
        return measured != null;
    }

    /**
     * What the closed windows measured.
     *
     * @throws IllegalStateException if no window was closed
     */
    public LoadSummary summary() {
        if (measured == null) {
            throw new IllegalStateException("no window was measured");
        }
        return new LoadSummary(
                measured.getTotalCount(),
                answered,
                rejected,
                wallNanos == 0 ? Double.NaN : answered * 1e9 / wallNanos,
                millis(50),
                millis(99),
                millis(99.9),
                measured.getMaxValue() / 1e6,
                answered == 0 ? Double.NaN : cpuNanos / 1e3 / answered,
                wallNanos == 0 ? Double.NaN : (double) cpuNanos / wallNanos,
                measuredFromSeconds,
                measuredUntilSeconds);
    }

    private double millis(double percentile) {
        return measured.getValueAtPercentile(percentile) / 1e6;
    }
}
