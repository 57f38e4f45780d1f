package io.ratissm.jepsen.nemesis;

import java.time.Duration;

/**
 * How far the clock nemeses go.
 *
 * @param maxSkew     the largest clock step of {@code clock-skew}; each step is drawn uniformly from 1 s to this
 * @param slowestRate the slowest rate of {@code clock-rate} (0.5: half as fast as real time)
 * @param fastestRate the fastest; each rate is drawn log-uniformly between the two, so slow and fast are equally
 *                    likely when the range is symmetric (e.g. 0.5 to 2)
 */
public record ClockFaults(Duration maxSkew, double slowestRate, double fastestRate) {
    /** The rates the harness supports. Slower or faster clocks make the replicas' own timers useless. */
    public static final double MIN_RATE = 0.1;

    public static final double MAX_RATE = 10;

    /**
     * Steps of up to 45 s; rates from half to twice real time. A step moves a replica's monotonic clock too, which
     * Ratis takes for a pause of the JVM: past 10 s a leader steps down, past 60 s
     * ({@code raft.server.close.threshold}) the replica's Ratis server closes itself for good, as after a real
     * pause that long. Steps stay below that by default, so that a run keeps its replicas.
     */
    public static final long DEFAULT_MAX_SKEW_SECONDS = 45;

    public static final double DEFAULT_SLOWEST_RATE = 0.5;
    public static final double DEFAULT_FASTEST_RATE = 2.0;
    public static final ClockFaults DEFAULTS =
            new ClockFaults(Duration.ofSeconds(DEFAULT_MAX_SKEW_SECONDS), DEFAULT_SLOWEST_RATE, DEFAULT_FASTEST_RATE);

    public ClockFaults {
        if (maxSkew.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the largest clock skew must be at least 1 s, was " + maxSkew);
        }
        if (!(slowestRate >= MIN_RATE && fastestRate <= MAX_RATE && slowestRate <= fastestRate)) {
            throw new IllegalArgumentException("clock rates must lie in [" + MIN_RATE + ", " + MAX_RATE
                    + "] with the slowest first, were " + slowestRate + " and " + fastestRate);
        }
    }
}
