package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.Operation;

/**
 * A model over Jepsen {@code independent} values: every op's value is a {@code [key value]} tuple, operations on
 * different keys commute, and each key is its own instance of {@code perKey} seeing only the {@code value}. The checker
 * then splits the history by key ({@link Model#keyOf}) and checks each key alone, as {@code --independent} does for a
 * history file; a workload gives one as its model to get the same split (the register workload: a cas-register per
 * key).
 */
public final class IndependentModel implements Model {
    private final Model perKey;

    public IndependentModel(Model perKey) {
        this.perKey = perKey;
    }

    /** The per-key model's name: the results read as Knossos's for an independent history. */
    @Override
    public String name() {
        return perKey.name();
    }

    @Override
    public Object initialState() {
        return perKey.initialState();
    }

    /** A step of one key's state, with the value inside the tuple. */
    @Override
    public Object step(Object state, Object f, Object value) {
        return perKey.step(state, f, value);
    }

    @Override
    public long stateSizeBytes(Object state) {
        return perKey.stateSizeBytes(state);
    }

    @Override
    public boolean defersCrashedOperations() {
        return perKey.defersCrashedOperations();
    }

    /** The tuple's key. */
    @Override
    public Object keyOf(Operation op) {
        return KeySplitter.tupleKey(op);
    }

    /** The tuple's value. */
    @Override
    public Object valueWithinKey(Operation op) {
        return KeySplitter.tupleValue(op);
    }
}
