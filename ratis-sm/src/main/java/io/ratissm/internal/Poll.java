package io.ratissm.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition that other threads make true, by asking it again every {@value #PAUSE_MILLIS} ms until a
 * deadline: the one polling loop, behind {@code LocalCluster}'s waits and the tests' {@code Awaits}. Each caller
 * turns a timeout into its own failure (an {@link IllegalStateException} for the cluster, an assertion error in a
 * test).
 */
public final class Poll {
    private static final long PAUSE_MILLIS = 10;

    private Poll() {}

    /**
     * Whether {@code condition} held within {@code timeout}. It is asked at once, and once more after the deadline,
     * so a condition that holds is never reported as timed out.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return condition.getAsBoolean();
            }
            Thread.sleep(PAUSE_MILLIS);
        }
        return true;
    }
}
