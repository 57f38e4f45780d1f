package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.Operation;

/**
 * A sequential specification that a concurrent history must be equivalent to, in Knossos's sense.
 *
 * <p>Contract: {@link #step} is a pure function of the state, {@code :f} and value. It returns the next state,
 * or {@link #INCONSISTENT} when the operation cannot happen in that state (a read of the wrong value, a CAS
 * that does not match). States must implement {@code equals}/{@code hashCode} by value, because the checker
 * memoises (linearized set, state) pairs; {@code null} is a valid state (an unset register). An operation the
 * model does not understand at all, e.g. {@code :cas} on a plain register, is a user error: throw
 * {@link ModelMismatchException} rather than returning {@link #INCONSISTENT}.
 *
 * <p>Models whose operations on different keys commute can say so with {@link #keyOf}, letting the checker
 * split the history (P-compositionality) and check each key alone.
 */
public interface Model {
    /** Returned by {@link #step} for an operation that cannot take effect in the given state. */
    Object INCONSISTENT = new Object() {
        @Override
        public String toString() {
            return "inconsistent";
        }
    };

    /** The model's CLI name, e.g. {@code cas-register}. */
    String name();

    /** The state before any operation. */
    Object initialState();

    /**
     * The state after applying an operation.
     *
     * @param state the state before; may be null
     * @param f the operation's {@code :f}
     * @param value the operation's value as the checker sees it: what a read returned, what a write wrote
     * @return the next state, or {@link #INCONSISTENT}
     * @throws ModelMismatchException if this model has no such operation or the value has the wrong shape
     */
    Object step(Object state, Object f, Object value);

    /**
     * Roughly how many bytes {@code state} holds, so that the checker's memory budget counts models with large
     * states (a state machine's snapshot) before the heap does. Defaults to 0: the checker adds a fixed overhead per
     * state, which is enough for small values such as a register's.
     */
    default long stateSizeBytes(Object state) {
        return 0;
    }

    /**
     * Whether the search should try crashed ({@code :info}) and pending operations only where the completed
     * operations cannot go on without them, rather than as early as possible. Both give the same verdict; the cost
     * differs. Defer when a crashed command's effect stays hidden for long, as in a queue, where trying each
     * crashed enqueue at every step explores every subset of them; do not when a crashed write is usually read at
     * once, as in a register. Defaults to false.
     */
    default boolean defersCrashedOperations() {
        return false;
    }

    /**
     * Whether the operation never changes the state: in every state, {@link #step} returns that state or
     * {@link #INCONSISTENT} (a read, a compare-and-set whose old and new values are equal, a query). The search then
     * never tries such an operation later than the first point where it can take effect, since moving it earlier
     * changes nothing, and leaves crashed and pending ones out (they need not take effect, and taking effect would
     * change nothing); concurrent reads then cost the search little. Saying true of an operation that can change
     * the state makes verdicts wrong. Defaults to false, which is always sound.
     *
     * @param f the operation's {@code :f}
     * @param value its value as {@link #step} receives it
     */
    default boolean readsOnly(Object f, Object value) {
        return false;
    }

    /**
     * The key this operation touches, when the model's keys are independent, or null when the model checks
     * the history as a whole. Defaults to null.
     */
    default Object keyOf(Operation op) {
        return null;
    }

    /** The operation's value as seen by a single key's state; only called when {@link #keyOf} is non-null. */
    default Object valueWithinKey(Operation op) {
        return op.value();
    }
}
