package io.ratissm.bench.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.CommandRejected;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClosedLoopTest {

    @Test
    void issue_waitsForAnAnswer_whenAllSlotsAreInFlight() throws Exception {
        List<CompletableFuture<Object>> inFlight = new ArrayList<>();
        ClosedLoop loop = ClosedLoop.async(2, () -> {
            CompletableFuture<Object> f = new CompletableFuture<>();
            inFlight.add(f);
            return f;
        });
        loop.issue();
        loop.issue();
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                loop.issue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(third).isNotDone();

        inFlight.get(0).complete("answer");
        third.get(5, TimeUnit.SECONDS);
        assertThat(loop.completed()).isEqualTo(1);
        assertThat(loop.takeLatencies().getTotalCount()).isEqualTo(1);
    }

    @Test
    void issue_throws_afterARequestFailed() throws Exception {
        ClosedLoop loop =
                ClosedLoop.async(4, () -> CompletableFuture.failedFuture(new IllegalStateException("refused")));
        loop.issue();
        assertThatThrownBy(loop::issue)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 request(s) failed")
                .hasRootCauseMessage("refused");
        assertThat(loop.completed()).isZero();
    }

    @Test
    void aRejectedCommand_isAnAnswerCountedAsRejected_notAFailure() throws Exception {
        List<CompletableFuture<Object>> inFlight = new ArrayList<>();
        ClosedLoop loop = ClosedLoop.async(4, () -> {
            CompletableFuture<Object> f = new CompletableFuture<>();
            inFlight.add(f);
            return f;
        });
        loop.issue();
        loop.issue();
        // as ReplicaClient's futures complete when a dependent stage rethrows: wrapped in a CompletionException
        inFlight.get(0).completeExceptionally(new CompletionException(new CommandRejected("queue is empty")));
        inFlight.get(1).complete("reply");

        loop.issue(); // does not throw
        assertThat(loop.completed()).isEqualTo(2);
        assertThat(loop.rejected()).isEqualTo(1);
        assertThat(loop.failed()).isZero();
        assertThat(loop.firstRejection())
                .get()
                .extracting(Throwable::getMessage)
                .isEqualTo("queue is empty");
        assertThat(loop.takeLatencies().getTotalCount()).isEqualTo(2);
    }

    @Test
    void answersPerSecond_countsAnswersInTheWholeSecondsSinceTheFirstRequest() throws Exception {
        AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
        long origin = now.get();
        List<CompletableFuture<Object>> inFlight = new ArrayList<>();
        ClosedLoop loop = new ClosedLoop(
                3,
                () -> {
                    CompletableFuture<Object> f = new CompletableFuture<>();
                    inFlight.add(f);
                    return f;
                },
                now::get);
        assertThat(loop.answersPerSecond()).isEmpty();
        loop.issue();
        loop.issue();
        loop.issue();

        now.set(origin + TimeUnit.MILLISECONDS.toNanos(500));
        inFlight.get(0).complete("first second");
        now.set(origin + TimeUnit.MILLISECONDS.toNanos(1_200));
        inFlight.get(1).complete("second second");
        now.set(origin + TimeUnit.MILLISECONDS.toNanos(1_700));
        inFlight.get(2).complete("second second too");
        now.set(origin + TimeUnit.MILLISECONDS.toNanos(2_100));

        assertThat(loop.answersPerSecond()).containsExactly(1, 2);
        assertThat(loop.secondsSinceFirstRequest()).isEqualTo(2.1);
    }
}
