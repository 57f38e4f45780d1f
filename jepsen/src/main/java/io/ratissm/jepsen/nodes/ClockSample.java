package io.ratissm.jepsen.nodes;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One reading of a replica's clocks as it published them in its status file, paired with the real time the file
 * was written (its modification time, set by the kernel, which libfaketime does not fake). Two samples give the
 * rates at which the replica's clocks ran between them; one gives its wall-clock offset from real time.
 *
 * @param wallMillis the replica's {@code System.currentTimeMillis()}
 * @param nanos      the replica's {@code System.nanoTime()}
 * @param realNanos  real time of the write, in nanoseconds since the epoch
 */
public record ClockSample(long wallMillis, long nanos, long realNanos) {

    /** Parses the {@code wall=} and {@code nanos=} fields of a status line; empty if they are missing (torn). */
    static Optional<ClockSample> parse(String line, long realNanos) {
        Map<String, String> fields = NodeStatus.fields(line);
        try {
            return Optional.of(new ClockSample(
                    Long.parseLong(fields.get("wall")), Long.parseLong(fields.get("nanos")), realNanos));
        } catch (NumberFormatException | NullPointerException e) {
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
     * Waits up to {@code timeout} for each node's first report written after {@code afterRealNanos}, polling
     * their status files; a node that gives none by then (down, paused) maps to empty.
     */
    public static Map<NodeProcess, Optional<ClockSample>> await(
            List<NodeProcess> nodes, long afterRealNanos, Duration timeout) {
        Map<NodeProcess, Optional<ClockSample>> seen = new LinkedHashMap<>();
        nodes.forEach(n -> seen.put(n, Optional.empty()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (NodeProcess n : nodes) {
                if (seen.get(n).isEmpty()) {
                    seen.put(n, n.clockSample().filter(s -> s.realNanos() > afterRealNanos));
                }
            }
            if (seen.values().stream().allMatch(Optional::isPresent) || System.nanoTime() > deadline) {
                return seen;
            }
            try {
                Thread.sleep(50); // the replicas write every 200 ms of their own clocks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return seen;
            }
        }
    }
}
