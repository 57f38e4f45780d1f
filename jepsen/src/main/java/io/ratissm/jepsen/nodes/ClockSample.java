package io.ratissm.jepsen.nodes;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reading of a replica's clocks as its {@code GET /status} answer gave them, paired with the real time of the
 * reading: the middle of the request, by the harness's clock, which libfaketime does not fake. Two samples give the
 * rates at which the replica's clocks ran between them; one gives its wall-clock offset from real time.
 *
 * @param wallMillis the replica's {@code System.currentTimeMillis()} ({@code wallClockMillis})
 * @param nanos      the replica's {@code System.nanoTime()} ({@code monotonicNanos})
 * @param realNanos  real time of the reading, in nanoseconds since the epoch
 */
public record ClockSample(long wallMillis, long nanos, long realNanos) {

    /** The clocks in the fields of a {@code /status} answer ({@link NodeStatus#fields}); empty if one is missing. */
    static Optional<ClockSample> of(Map<String, String> fields, long realNanos) {
        try {
            return Optional.of(new ClockSample(
                    Long.parseLong(fields.get("wallClockMillis")),
                    Long.parseLong(fields.get("monotonicNanos")),
                    realNanos));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The replica's wall clock minus real time. */
    public long offsetMillis() {
        return wallMillis - realNanos / 1_000_000;
    }

    /** How far the replica's {@code nanoTime} moved beyond real time since {@code earlier}, in milliseconds. */
    public long nanoJumpMillisSince(ClockSample earlier) {
        return ((nanos - earlier.nanos) - (realNanos - earlier.realNanos)) / 1_000_000;
    }

    /** The rate of the replica's wall clock since {@code earlier}: replica milliseconds per real millisecond. */
    public double wallRateSince(ClockSample earlier) {
        return (wallMillis - earlier.wallMillis) * 1e6 / (realNanos - earlier.realNanos);
    }

    /** The rate of the replica's {@code nanoTime} since {@code earlier}. */
    public double nanoRateSince(ClockSample earlier) {
        return (double) (nanos - earlier.nanos) / (realNanos - earlier.realNanos);
    }

    /** Real time now, in nanoseconds since the epoch: the scale of {@link #realNanos}. */
    public static long realNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Waits up to {@code timeout} for each node's first reading taken after {@code afterRealNanos}, asking them
     * again and again; a node that gives none by then (down, paused) maps to empty.
     */
    public static Map<NodeProcess, Optional<ClockSample>> await(
            List<NodeProcess> nodes, long afterRealNanos, Duration timeout) {
        Map<NodeProcess, Optional<ClockSample>> seen = new LinkedHashMap<>();
        nodes.forEach(n -> seen.put(n, Optional.empty()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (NodeProcess n : nodes) {
                if (seen.get(n).isEmpty() && realNow() > afterRealNanos) {
                    seen.put(n, n.clockSample().filter(s -> s.realNanos() > afterRealNanos));
                }
            }
            if (seen.values().stream().allMatch(Optional::isPresent) || System.nanoTime() > deadline) {
                return seen;
            }
            try {
                Thread.sleep(50); // between rounds of requests, until the replicas answer or the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return seen;
            }
        }
    }
}
