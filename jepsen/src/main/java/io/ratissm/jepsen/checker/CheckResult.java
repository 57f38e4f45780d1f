package io.ratissm.jepsen.checker;

import java.util.List;

/**
 * The outcome of checking a history against a model: the merged verdict and one {@link KeyResult} per
 * independent part, with the {@link KeyHistory} it covers at the same list position ({@code partitioned}
 * tells whether the history was split by key). {@code cause} is set when the whole check gave up, e.g.
 * {@code :timeout}. {@code elapsedNanos} covers pairing, splitting and
 * searching, not reading the file.
 */
public record CheckResult(
        Verdict verdict,
        String cause,
        String modelName,
        boolean partitioned,
        List<KeyResult> keys,
        List<KeyHistory> histories,
        long elapsedNanos) {

    /** The operations behind {@code result}, for drawing them. */
    public KeyHistory historyOf(KeyResult result) {
        return histories.get(keys.indexOf(result));
    }

    /** The first key (in key order) found not linearizable, or null. */
    public KeyResult firstFailure() {
        return keys.stream()
                .filter(k -> k.verdict() == Verdict.NOT_LINEARIZABLE)
                .findFirst()
                .orElse(null);
    }

    /**
     * Why the check gave up and what to change so that it decides, for an {@link Verdict#UNKNOWN} verdict; null
     * otherwise. The search's cost grows with the number of operations that can take effect in more than one
     * order, which more clients, longer runs, crashed commands and uninformative replies all add to.
     */
    public String explanation() {
        if (verdict != Verdict.UNKNOWN || cause == null) {
            return null;
        }
        long explored =
                keys.stream().mapToLong(KeyResult::configurationsExplored).sum();
        int ops = keys.stream().mapToInt(KeyResult::operationCount).max().orElse(0);
        String why = switch (cause) {
            case ":memory" -> "the search ran out of its memory budget";
            case ":timeout" -> "the search ran out of time";
            case ":out-of-memory" -> "the JVM ran out of heap";
            default -> "the search stopped (" + cause + ")";
        };
        return why + " after exploring " + explored + " configurations (the largest part has " + ops
                + " operations). To decide it, check a smaller history: fewer clients, shorter runs, fewer crashes;"
                + " split it by key (a key extractor for the state-machine model, --independent for [k v] values);"
                + " make replies say what happened (an enqueue that answers with its ticket orders concurrent"
                + " enqueues at once); or raise --memory-budget / --time-limit.";
    }
}
