package io.ratissm.jepsen.checker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An estimate of the bytes one check holds in memo tables and state graphs, shared by the keys checked in
 * parallel. Searches reserve before they allocate; a refused reservation ends the check with an unknown
 * verdict instead of letting the JVM run out of heap.
 */
final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    /** Reserves {@code bytes}; throws {@link Exhausted} when that would pass the limit. */
    void reserve(long bytes) {
        if (used.addAndGet(bytes) > limit) {
            used.addAndGet(-bytes);
            throw new Exhausted();
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Signals that the budget is spent; carries no stack trace because it is an expected outcome. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("memory budget exhausted", null, false, false);
        }
    }
}
