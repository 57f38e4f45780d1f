package io.ratissm.jepsen.workload;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.OpType;
import java.util.List;

/**
 * How an invocation ended, as the workload saw it: {@code :ok} with the value observed, or {@code :fail} (it
 * definitely had no effect, e.g. a CAS whose expected value did not match) with the invocation's own value, as
 * Knossos requires. Indeterminate outcomes are not completions: the harness records them as {@code :info} itself
 * (see {@link Workload}).
 */
public record Completion(OpType type, Object value, Object error) {

    /** {@code :ok} with {@code value}, what the history records for the op. */
    public static Completion ok(Object value) {
        return new Completion(OpType.OK, value, null);
    }

    /** {@code :fail} with {@code value} (the invocation's) and an {@code :error}. */
    public static Completion fail(Object value, Object error) {
        return new Completion(OpType.FAIL, value, error);
    }

    /**
     * {@code :fail} with {@code op}'s value and Jepsen's error form {@code [:kind "message"]}, e.g. {@code [:rejected
     * "insufficient funds"]}.
     */
    public static Completion fail(Invocation op, String kind, String message) {
        return fail(op.value(), List.of(Keyword.of(kind), message == null ? "" : message));
    }
}
