package io.ratissm.internal.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * The one pause policy of ratis-sm's clients between a failed attempt at a group and the next: {@value #FIRST_MILLIS}
 * ms after the first failure, doubling after each further one, to at most {@value #MAX_MILLIS} ms. The first pause
 * is short because the usual failure is brief (a leader not ready yet, a replica that just went down); the cap is
 * low because an election takes one to two election timeouts (1-2 s by default), and a client should find the new
 * leader well within a second of it, while a group that is down still gets at most 2.5 attempts a second per
 * pending request. A failure that names the leader is no failure of this kind: the next attempt goes there at once.
 *
 * <p>Three forms, one policy: {@link #pauseAfter} for a loop that schedules its own attempts (the
 * {@code ReplicaClient}), {@link #ratisPolicy} for a Ratis client that retries by itself, and {@link #until} for a
 * blocking loop with a deadline ({@code GroupAdmin}).
 */
public final class Backoff {
    static final long FIRST_MILLIS = 100;
    static final long MAX_MILLIS = 400;

    /** Sleeps; {@link Thread#sleep} but for tests. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private int failures;

    private Backoff(long deadlineNanos, LongSupplier nanoTime, Sleeper sleeper) {
        this.deadlineNanos = deadlineNanos;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /**
     * The pause after {@code failures} consecutive failed attempts (1 after the first).
     *
     * @throws IllegalArgumentException if {@code failures} is below 1
     */
    public static Duration pauseAfter(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("a pause follows a failure: failures must be at least 1, was "
                    + failures);
        }
        // 2^2 * FIRST is the cap already: larger shifts would only overflow.
        long millis = FIRST_MILLIS << Math.min(failures - 1, 16);
        return Duration.ofMillis(Math.min(millis, MAX_MILLIS));
    }

    /**
     * A policy for a Ratis client that retries by itself (it follows the group's redirects to the leader): it
     * pauses as {@link #pauseAfter} says, and gives up before a pause would take the pauses so far past
     * {@code within}. The time the attempts themselves take is not counted: bound it with the request timeout.
     */
    public static RetryPolicy ratisPolicy(Duration within) {
        long budget = within.toMillis();
        return event -> {
            long paused = 0;
            for (int i = 1; i <= event.getAttemptCount(); i++) {
                paused += pauseAfter(i).toMillis();
                if (paused > budget) {
                    return RetryPolicy.NO_RETRY_ACTION;
                }
            }
            TimeDuration pause = TimeDuration.valueOf(pauseAfter(event.getAttemptCount()).toMillis(),
                    TimeUnit.MILLISECONDS);
            return () -> pause;
        };
    }

    /** Pauses for a blocking loop that gives up {@code within} from now. */
    public static Backoff until(Duration within) {
        return until(within, System::nanoTime, nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
    }

    static Backoff until(Duration within, LongSupplier nanoTime, Sleeper sleeper) {
        return new Backoff(nanoTime.getAsLong() + within.toNanos(), nanoTime, sleeper);
    }

    /**
     * Waits before the next attempt, after a failed one. Returns false at once, without waiting, if the deadline has
     * passed: the caller gives up. The last pause ends at the deadline, so that one attempt is made there.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (or was before)
     */
    public boolean pause() throws InterruptedException {
        long left = deadlineNanos - nanoTime.getAsLong();
        if (left <= 0) {
            return false;
        }
        failures++;
        sleeper.sleep(Math.min(pauseAfter(failures).toNanos(), left));
        return true;
    }
}
