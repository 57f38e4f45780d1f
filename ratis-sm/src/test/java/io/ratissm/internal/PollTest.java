package io.ratissm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one polling loop: it asks until the condition holds or the deadline passes, and says which. */
class PollTest {
    @Test
    void aConditionThatHoldsIsAskedOnceAndReported() throws Exception {
        AtomicInteger asked = new AtomicInteger();

        assertThat(Poll.until(Duration.ofMinutes(1), () -> asked.incrementAndGet() > 0))
                .isTrue();
        assertThat(asked).hasValue(1);
    }

    @Test
    void aConditionThatComesTrueWhileWaitingIsReported() throws Exception {
        AtomicInteger asked = new AtomicInteger();

        assertThat(Poll.until(Duration.ofMinutes(1), () -> asked.incrementAndGet() >= 3))
                .isTrue();
        assertThat(asked).hasValue(3);
    }

    @Test
    void aConditionThatNeverHoldsIsReportedFalseAfterTheTimeout() throws Exception {
        assertThat(Poll.until(Duration.ZERO, () -> false)).isFalse();
    }

    @Test
    void anInterruptedWaitEndsWithInterruptedException() {
        Thread.currentThread().interrupt();
        try {
            Poll.until(Duration.ofMinutes(1), () -> false);
            throw new AssertionError("the wait went on although interrupted");
        } catch (InterruptedException expected) {
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the flag is consumed by the exception")
                    .isFalse();
        }
    }
}
