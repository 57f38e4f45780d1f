package io.ratissm.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.RetryPolicy;
import org.junit.jupiter.api.Test;

/** The one pause policy between a client's attempts, in its blocking and its Ratis form. */
class RetryPauseTest {

    /** A clock that only sleeping moves: the test sees every pause and never waits. */
    private static final class FakeTime implements RetryPause.Clock {
        long now = 1_000_000_000L;
        final List<Long> pausesMillis = new ArrayList<>();

        RetryPause until(Duration within) {
            return RetryPause.until(within, this);
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(long nanos) {
            pausesMillis.add(TimeUnit.NANOSECONDS.toMillis(nanos));
            now += nanos;
        }
    }

    @Test
    void aBlockingLoopPausesAHundredMillisecondsAndTheLastPauseEndsAtTheDeadline() throws InterruptedException {
        FakeTime time = new FakeTime();
        RetryPause retry = time.until(Duration.ofMillis(350));
        int attempts = 1;
        while (retry.pause()) {
            attempts++;
        }
        assertThat(time.pausesMillis).containsExactly(100L, 100L, 100L, 50L);
        assertThat(attempts)
                .as("one attempt first, one after each pause, the last at the deadline")
                .isEqualTo(5);
    }

    @Test
    void theTimeAttemptsTakeCountsAgainstTheDeadline() throws InterruptedException {
        FakeTime time = new FakeTime();
        RetryPause retry = time.until(Duration.ofMillis(1000));
        time.now += Duration.ofMillis(850).toNanos(); // a slow first attempt
        assertThat(retry.pause()).isTrue();
        assertThat(retry.pause()).isTrue();
        assertThat(time.pausesMillis).containsExactly(100L, 50L);

        time.now += Duration.ofMillis(1).toNanos(); // the attempt at the deadline failed too
        assertThat(retry.pause()).as("past the deadline: give up").isFalse();
        assertThat(time.pausesMillis).as("without pausing").hasSize(2);
    }

    @Test
    void anInterruptedThreadStopsPausingAtOnce() {
        RetryPause retry = RetryPause.until(Duration.ofSeconds(30));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(retry::pause).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted(); // the test thread must not stay interrupted whatever happened
        }
    }

    @Test
    void ratisMakesWithinOverPauseAttemptsAHundredMillisecondsApartWhenAttemptsFailAtOnce() {
        FakeTime time = new FakeTime();
        RetryPolicy policy = RetryPause.ratisPolicy(Duration.ofMillis(350), time);
        List<Long> pauses = new ArrayList<>();
        int attempt = 1;
        for (RetryPolicy.Action a = policy.handleAttemptFailure(event(attempt));
                a.shouldRetry();
                a = policy.handleAttemptFailure(event(++attempt))) {
            pauses.add(a.getSleepTime().toLong(TimeUnit.MILLISECONDS));
            time.now += a.getSleepTime().toLong(TimeUnit.NANOSECONDS);
        }
        assertThat(pauses).containsExactly(100L, 100L, 100L);
        assertThat(attempt)
                .as("Ratis gives up after its fourth attempt fails, at 300 of 350 ms")
                .isEqualTo(4);
    }

    /**
     * Found by the harness: a membership change whose every attempt timed out after 6 s was retried 35 times over
     * 3.5 minutes under a 15 s admin timeout, since the budget counted attempts, not time.
     */
    @Test
    void ratisStopsRetryingAtTheDeadlineHoweverLongTheAttemptsTake() {
        FakeTime time = new FakeTime();
        RetryPolicy policy = RetryPause.ratisPolicy(Duration.ofSeconds(15), time);
        int attempt = 1;
        time.now += TimeUnit.SECONDS.toNanos(6); // the first attempt timed out after 6 s
        for (RetryPolicy.Action a = policy.handleAttemptFailure(event(attempt));
                a.shouldRetry();
                a = policy.handleAttemptFailure(event(++attempt))) {
            time.now += a.getSleepTime().toLong(TimeUnit.NANOSECONDS) + TimeUnit.SECONDS.toNanos(6);
        }
        assertThat(attempt).as("three 6 s attempts fit in 15 s").isEqualTo(3);
    }

    @Test
    void aBudgetShorterThanOnePauseStillMakesOneAttempt() {
        assertThat(RetryPause.ratisPolicy(Duration.ofMillis(50), new FakeTime())
                        .handleAttemptFailure(event(1))
                        .shouldRetry())
                .isFalse();
    }

    private static RetryPolicy.Event event(int attempts) {
        return () -> attempts;
    }
}
