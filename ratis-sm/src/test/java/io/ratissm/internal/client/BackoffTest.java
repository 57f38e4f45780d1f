package io.ratissm.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.RetryPolicy;
import org.junit.jupiter.api.Test;

/** The one pause policy between a client's attempts, in its three forms. */
class BackoffTest {

    /** A clock that only sleeping moves: the test sees every pause and never waits. */
    private static final class FakeTime {
        long now = 1_000_000_000L;
        final List<Long> pausesMillis = new ArrayList<>();

        Backoff until(Duration within) {
            return Backoff.until(within, () -> now, nanos -> {
                pausesMillis.add(TimeUnit.NANOSECONDS.toMillis(nanos));
                now += nanos;
            });
        }
    }

    @Test
    void thePauseDoublesFromTheFirstToTheCap() {
        assertThat(List.of(1, 2, 3, 4, 10, Integer.MAX_VALUE).stream().map(n -> Backoff.pauseAfter(n).toMillis()))
                .containsExactly(100L, 200L, 400L, 400L, 400L, 400L);
    }

    @Test
    void thereIsNoPauseBeforeTheFirstFailure() {
        assertThatThrownBy(() -> Backoff.pauseAfter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void aBlockingLoopPausesByThePolicyAndTheLastPauseEndsAtTheDeadline() throws InterruptedException {
        FakeTime time = new FakeTime();
        Backoff backoff = time.until(Duration.ofMillis(1000));
        int attempts = 1;
        while (backoff.pause()) {
            attempts++;
        }
        assertThat(time.pausesMillis).containsExactly(100L, 200L, 400L, 300L);
        assertThat(attempts).as("one attempt first, one after each pause, the last at the deadline").isEqualTo(5);
    }

    @Test
    void aLoopWhoseDeadlinePassedDuringAnAttemptGivesUpWithoutPausing() throws InterruptedException {
        FakeTime time = new FakeTime();
        Backoff backoff = time.until(Duration.ofMillis(500));
        time.now += Duration.ofMillis(600).toNanos(); // the first attempt took longer than the whole budget

        assertThat(backoff.pause()).isFalse();
        assertThat(time.pausesMillis).isEmpty();
    }

    @Test
    void anInterruptedThreadStopsPausingAtOnce() {
        Backoff backoff = Backoff.until(Duration.ofSeconds(30));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(backoff::pause).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted(); // the caller restores or acts on it; the test thread must not stay interrupted
        }
    }

    @Test
    void ratissRetriesPauseByThePolicyAndStopBeforeTheBudgetIsSpent() {
        RetryPolicy policy = Backoff.ratisPolicy(Duration.ofMillis(1000));
        List<Long> pauses = new ArrayList<>();
        int attempt = 1;
        for (RetryPolicy.Action a = policy.handleAttemptFailure(event(attempt)); a.shouldRetry();
                a = policy.handleAttemptFailure(event(++attempt))) {
            pauses.add(a.getSleepTime().toLong(TimeUnit.MILLISECONDS));
        }
        // 100 + 200 + 400 = 700 ms; another 400 would pass the 1000 ms budget.
        assertThat(pauses).containsExactly(100L, 200L, 400L);
        assertThat(attempt).as("the attempt after which Ratis gives up").isEqualTo(4);
    }

    @Test
    void aBudgetShorterThanTheFirstPauseMeansOneAttempt() {
        assertThat(Backoff.ratisPolicy(Duration.ofMillis(50)).handleAttemptFailure(event(1)).shouldRetry()).isFalse();
    }

    private static RetryPolicy.Event event(int attempts) {
        return () -> attempts;
    }
}
