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
}
