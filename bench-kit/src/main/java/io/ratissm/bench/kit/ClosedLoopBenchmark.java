package io.ratissm.bench.kit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A throughput benchmark whose op is one request of a {@link ClosedLoop}: a subclass starts the system under test
 * and its loop once per trial, and checks the system's state at the end of the trial; this class runs the loop
 * ({@link #write}) with its {@link LoadReport}, so every such benchmark measures and reports the same way.
 *
 * <p>The benchmark object is its own JMH state ({@code Scope.Benchmark}): a subclass declares its {@code @Param}
 * fields directly. A trial goes:
 * <ol>
 *   <li>{@link #start()}: start the system, warm its client up if it needs to find a leader, return the loop;</li>
 *   <li>JMH's iterations call {@link #write}: one request started whenever one of the loop's slots is free;</li>
 *   <li>the loop is drained (every request in flight answered, at most {@value #DRAIN_SECONDS} s), then
 *       {@link #check(ClosedLoop)} compares the system's state with what was answered and throws if they disagree
 *       (the trial fails: a benchmark that lost or doubled requests measured nothing);</li>
 *   <li>{@link #stop()} releases everything, whether the trial failed or not.</li>
 * </ol>
 */
@State(Scope.Benchmark)
public abstract class ClosedLoopBenchmark extends ReplicatedBenchmark {
    /** How long the end of a trial waits for the requests still in flight. */
    public static final long DRAIN_SECONDS = 60;

    private ClosedLoop load;

    /** Starts the system under test; returns the loop that drives it. */
    protected abstract ClosedLoop start() throws Exception;

    /**
     * Checks the system after the loop was drained (its {@link ClosedLoop#completed()} requests were answered).
     *
     * @throws Exception to fail the trial, saying what disagrees
     */
    protected abstract void check(ClosedLoop load) throws Exception;

    /** Releases what {@link #start()} made; also after a {@code start()} that failed part-way (fields still null). */
    protected abstract void stop() throws Exception;

    @Setup(Level.Trial)
    public final void startTrial() throws Exception {
        try {
            load = start();
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @TearDown(Level.Trial)
    public final void stopTrial() throws Exception {
        try {
            load.drain(DRAIN_SECONDS);
            check(load);
        } finally {
            load = null;
            stop();
        }
    }

    /** One op: waits for a free slot of the loop and starts one request (a command, in every subclass here). */
    @Benchmark
    public void write(LoadReport report) throws InterruptedException {
        report.observe(load);
        load.issue();
    }

    /** The running trial's loop, or null between trials. */
    public final ClosedLoop load() {
        return load;
    }
}
