package io.ratissm.internal.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * The one pause policy of ratis-sm's clients between a failed attempt at a group and the next: {@value #MILLIS} ms,
 * every time, until the caller's deadline; none after a failure that names the leader (the next attempt goes there
 * at once). The pause does not grow with the failures: what a client waits for (an election, a restarted replica, a
 * leader applying the first entry of its term) ends at a moment it cannot see coming, and each pause is time the
 * group may already be serving while the client sleeps, out of a call's timeout that may be as short as a few seconds.
 * With one batch in flight per kind of request, a fixed pause costs a group that is down at most 10 attempts a
 * second per client and kind.
 *
 * <p>Three forms, one policy: {@link #PAUSE} for a loop that schedules its own attempts ({@code ReplicaClient}),
 * {@link #ratisPolicy} for a Ratis client that retries by itself, and {@link #until} for a blocking loop with a
 * deadline ({@code GroupAdmin}).
 */
public final class RetryPause {
    static final long MILLIS = 100;
    /** The pause after a failed attempt. */
    public static final Duration PAUSE = Duration.ofMillis(MILLIS);

    /** The time and the sleeping of the blocking form: the system's, but for tests. */
    interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        };

        long nanoTime();

        void sleep(long nanos) throws InterruptedException;
    }

    private final Clock clock;
    private final long deadlineNanos;

    private RetryPause(Clock clock, Duration within) {
        this.clock = clock;
        this.deadlineNanos = clock.nanoTime() + within.toNanos();
    }

    /**
     * A policy for a Ratis client that retries by itself (it follows the group's redirects to the leader): attempts
     * {@link #PAUSE} apart until {@code within} from now, counting the time the attempts take (an attempt that times
     * out takes the request timeout); at least one. Make one per call.
     */
    public static RetryPolicy ratisPolicy(Duration within) {
        return ratisPolicy(within, Clock.SYSTEM);
    }

    static RetryPolicy ratisPolicy(Duration within, Clock clock) {
        long deadline = clock.nanoTime() + within.toNanos();
        TimeDuration pause = TimeDuration.valueOf(MILLIS, TimeUnit.MILLISECONDS);
        return event -> deadline - clock.nanoTime() >= PAUSE.toNanos() ? () -> pause : RetryPolicy.NO_RETRY_ACTION;
    }

    /** Pauses for a blocking loop that gives up {@code within} from now. */
    public static RetryPause until(Duration within) {
        return until(within, Clock.SYSTEM);
    }

    static RetryPause until(Duration within, Clock clock) {
        return new RetryPause(clock, within);
    }

    /**
     * Waits before the next attempt, after a failed one. Returns false at once, without waiting, if the deadline has
     * passed: the caller gives up. The last pause ends at the deadline, so that one attempt is made there.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (or was before)
     */
    public boolean pause() throws InterruptedException {
        long left = deadlineNanos - clock.nanoTime();
        if (left <= 0) {
            return false;
        }
        clock.sleep(Math.min(PAUSE.toNanos(), left));
        return true;
    }
}
