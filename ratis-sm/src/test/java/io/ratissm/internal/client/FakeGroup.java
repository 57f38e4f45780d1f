package io.ratissm.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.UnavailableException;
import io.ratissm.internal.proto.BatchReply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A group for the batching pieces' tests: it records every request sent and answers it when the test says, or at
 * once through a responder. Also builds the {@link QueuePolicy} the pieces run under.
 *
 * @param <R> the request message
 */
final class FakeGroup<R> implements Sender<R>, AutoCloseable {
    /** One request as it reached the group, with the future its sender waits on. */
    record Call<R>(R request, BooleanSupplier stillWanted, CompletableFuture<BatchReply> reply) {}

    private final LinkedBlockingQueue<Call<R>> calls = new LinkedBlockingQueue<>();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private volatile Function<R, CompletableFuture<BatchReply>> responder;

    /** From now on, answers each request at once with what {@code responder} makes of it. */
    void answerWith(Function<R, CompletableFuture<BatchReply>> responder) {
        this.responder = responder;
    }

    @Override
    public CompletableFuture<BatchReply> send(R request, BooleanSupplier stillWanted) {
        Function<R, CompletableFuture<BatchReply>> r = responder;
        if (r != null) {
            return r.apply(request);
        }
        Call<R> call = new Call<>(request, stillWanted, new CompletableFuture<>());
        calls.add(call);
        return call.reply();
    }

    /** The next request sent for the test to answer (not one a responder answered), waiting up to 5 s for it. */
    Call<R> next() throws InterruptedException {
        Call<R> call = calls.poll(5, TimeUnit.SECONDS);
        assertThat(call).as("a request sent to the group").isNotNull();
        return call;
    }

    /** Requests sent for the test to answer and not yet taken with {@link #next}. */
    int unseen() {
        return calls.size();
    }

    /**
     * A policy with this group's timer; a call that got no answer fails with an {@link UnavailableException} that
     * says "sent" or "queued", and "closed" or "timed out".
     */
    QueuePolicy policy(int maxBatchItems, long maxBatchBytes, int inFlight, PendingLimit limit, Duration timeout) {
        return new QueuePolicy(
                maxBatchItems,
                maxBatchBytes,
                inFlight,
                limit,
                timeout,
                timer,
                (calledNanos, sent, closed) -> new UnavailableException(
                        (sent ? "sent" : "queued") + ", " + (closed ? "closed" : "timed out"), null));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
