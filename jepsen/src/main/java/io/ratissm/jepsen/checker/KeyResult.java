package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.Operation;
import java.util.List;

/**
 * The outcome of checking one independent part of a history (one key, or the whole history when it is not
 * split).
 *
 * <p>For {@link Verdict#NOT_LINEARIZABLE}: {@code failedOp} is the completed operation that no linearization
 * can include (the first, in completion order, that the search could not get past, as Knossos reports it),
 * {@code previousOk} the completed operation before it, and {@code longestPrefix} the linearization that got
 * furthest, with the model state after each step. For {@link Verdict#LINEARIZABLE}, {@code longestPrefix} is
 * a complete linearization (every completed operation, and the crashed ones it needed). For {@link Verdict#UNKNOWN}, {@code cause} says why
 * ({@code :timeout}, {@code :memory}, {@code :cancelled}). {@code key} is null for an unsplit history.
 */
public record KeyResult(
        Object key,
        Verdict verdict,
        String cause,
        Operation failedOp,
        Operation previousOk,
        List<LinearizationStep> longestPrefix,
        int operationCount,
        long configurationsExplored) {

    static KeyResult unknown(Object key, String cause, int operationCount, long explored) {
        return new KeyResult(key, Verdict.UNKNOWN, cause, null, null, List.of(), operationCount, explored);
    }
}
