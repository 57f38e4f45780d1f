package io.ratissm.jepsen.workload;

import io.ratissm.jepsen.history.OpType;

/**
 * How an invocation ended, as the workload saw it: {@code :ok} with the value observed, or {@code :fail} (it
 * definitely had no effect, e.g. a CAS whose expected value did not match) with the invocation's own value, as
 * Knossos requires. Indeterminate outcomes are not completions: the client surfaces them as exceptions and the
 * worker records {@code :info}.
 */
public record Completion(OpType type, Object value, Object error) {

    public static Completion ok(Object value) {
        return new Completion(OpType.OK, value, null);
    }

    public static Completion fail(Object value, Object error) {
        return new Completion(OpType.FAIL, value, error);
    }
}
