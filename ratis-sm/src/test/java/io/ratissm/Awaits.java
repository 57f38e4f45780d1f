package io.ratissm;

import io.ratissm.internal.Poll;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for a condition in tests, with a deadline and a message instead of a bare sleep. Shared with the other
 * modules' tests through this module's test-jar.
 */
public final class Awaits {
    private Awaits() {}

    /** Returns once {@code condition} holds; fails the test, saying {@code what} it waited for, after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(() -> what, timeout, condition);
    }

    /**
     * As {@link #await(String, Duration, BooleanSupplier)}, with the description made when the wait fails, so that
     * it can say what the system looked like then.
     */
    public static void await(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        try {
            if (!Poll.until(timeout, condition)) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting until " + what.get(), e);
        }
    }
}
