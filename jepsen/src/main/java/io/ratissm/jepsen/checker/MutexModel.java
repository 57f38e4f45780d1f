package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;

/**
 * Knossos's {@code mutex}: {@code :acquire} succeeds only when the lock is free and {@code :release} only when it
 * is held. The state is a {@link Boolean}, true when held; the initial state is configurable for histories
 * that start with the lock taken.
 */
public final class MutexModel implements Model {
    static final Keyword ACQUIRE = Keyword.of("acquire");
    static final Keyword RELEASE = Keyword.of("release");

    private final boolean initiallyHeld;

    public MutexModel(boolean initiallyHeld) {
        this.initiallyHeld = initiallyHeld;
    }

    @Override
    public String name() {
        return "mutex";
    }

    @Override
    public Object initialState() {
        return initiallyHeld;
    }

    @Override
    public Object step(Object state, Object f, Object value) {
        boolean held = (Boolean) state;
        if (f == ACQUIRE) {
            return held ? INCONSISTENT : Boolean.TRUE;
        }
        if (f == RELEASE) {
            return held ? Boolean.FALSE : INCONSISTENT;
        }
        throw new ModelMismatchException(
                "model mutex has no operation " + EdnWriter.write(f) + "; it accepts :acquire and :release");
    }
}
