package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Groups concurrent requests into batches, so that many share one round trip (and, for commands, one Raft log
 * entry): Ratis's cost is per request and per entry, not per command. It also holds each request to the client's
 * limit on pending requests ({@link PendingLimit}) and to its timeout, which runs from the call.
 *
 * <p>A batch goes out at once while fewer than {@code maxBatchesInFlight} batches are outstanding; otherwise
 * requests queue until one completes, and then go together, up to {@code maxBatchItems} and {@code maxBatchBytes}.
 * So a lone request never waits, and under load batches grow by themselves. A batch gets consecutive tickets when
 * it leaves the queue, so a request dropped from the queue never had one and leaves no gap.
 *
 * <p>A request whose timeout passes while queued is dropped: it was never sent. One whose timeout passes after it
 * was sent fails too, but its batch stays in flight until the dispatcher is done with it. {@link #close} fails
 * every request still held.
 */
final class Coalescer {
    /** Sends one batch; the returned future completes when the batch leaves the client, whatever its outcome. */
    interface Dispatcher {
        CompletableFuture<?> dispatch(Batch batch);
    }

    /** One call's request: what it sends and the future its caller holds. */
    static final class Request {
        private final ByteString payload;
        private final long bytes;
        private final long calledNanos;
        private final CompletableFuture<ByteString> result = new CompletableFuture<>();
        /** Written under the coalescer's lock; read without it to skip taking the lock. */
        private volatile boolean queued;

        Request(ByteString payload) {
            this.payload = payload;
            // What it adds to a batch message (a repeated bytes field), so batch limits hold for the whole message.
            this.bytes = 1 + CodedOutputStream.computeBytesSizeNoTag(payload);
            this.calledNanos = System.nanoTime();
        }

        ByteString payload() {
            return payload;
        }

        long bytes() {
            return bytes;
        }

        CompletableFuture<ByteString> result() {
            return result;
        }
    }

    /** Requests sent together; the {@code i}-th has ticket {@code firstTicket + i}. */
    record Batch(long firstTicket, List<Request> requests) {
        /** Whether some caller still waits for an outcome of this batch. */
        boolean awaited() {
            for (Request r : requests) {
                if (!r.result.isDone()) {
                    return true;
                }
            }
            return false;
        }
    }

    private final QueuePolicy policy;
    private final Dispatcher dispatcher;

    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final List<Batch> inFlight = new ArrayList<>();
    private long maxBatchBytes;
    private long nextTicket = 1;
    private boolean closed;

    Coalescer(QueuePolicy policy, Dispatcher dispatcher) {
        this.policy = policy;
        this.dispatcher = dispatcher;
        this.maxBatchBytes = policy.maxBatchBytes();
    }

    /** What a call on a closed client throws. */
    static IllegalStateException closedClient() {
        return new IllegalStateException("this ReplicaClient is closed; build a new one");
    }

    /**
     * Queues a request and sends what may go now. Fails at once (or after waiting for room, up to the timeout) if
     * the client holds its limit.
     *
     * @throws io.ratissm.QueueFullException if there is no room for the request
     * @throws IllegalStateException         if the client is closed
     */
    CompletableFuture<ByteString> add(ByteString payload) {
        Request r = new Request(payload);
        long deadline = r.calledNanos + policy.timeout().toNanos();
        policy.limit().acquire(r.bytes, deadline);
        List<Batch> ready;
        synchronized (this) {
            if (closed) {
                policy.limit().release(1, r.bytes);
                throw closedClient();
            }
            r.queued = true;
            queue.add(r);
            ready = drain();
        }
        try {
            ScheduledFuture<?> expiry =
                    policy.timer().schedule(() -> expire(r), deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            r.result.whenComplete((reply, error) -> {
                expiry.cancel(false);
                if (r.queued) {
                    drop(r); // its caller cancelled it: it is not sent
                }
            });
        } catch (RejectedExecutionException closing) {
            // close() fails every request the client holds
        }
        ready.forEach(this::send);
        return r.result;
    }

    /**
     * The lowest ticket of a batch still in flight, or the next ticket if none is: every request with a lower
     * ticket has left the client with its outcome.
     */
    synchronized long lowestUnfinishedTicket() {
        long lowest = nextTicket;
        for (Batch b : inFlight) {
            lowest = Math.min(lowest, b.firstTicket());
        }
        return lowest;
    }

    /** Lowers the byte limit of later batches (the group refused a batch as too large). */
    synchronized void capBatchBytes(long max) {
        maxBatchBytes = Math.max(1, Math.min(maxBatchBytes, max));
    }

    /** Fails every request held (queued: never sent; in flight: no answer); later calls fail at once. */
    void close() {
        List<Request> queued;
        List<Request> sent = new ArrayList<>();
        synchronized (this) {
            closed = true;
            queued = new ArrayList<>(queue);
            queue.clear();
            queued.forEach(r -> r.queued = false);
            inFlight.forEach(b -> sent.addAll(b.requests()));
        }
        queued.forEach(r -> r.result.completeExceptionally(policy.unanswered().failure(r.calledNanos, false, true)));
        sent.forEach(r -> r.result.completeExceptionally(policy.unanswered().failure(r.calledNanos, true, true)));
        policy.limit()
                .release(
                        queued.size(), queued.stream().mapToLong(Request::bytes).sum());
    }

    private void expire(Request r) {
        boolean dropped = drop(r);
        r.result.completeExceptionally(policy.unanswered().failure(r.calledNanos, !dropped, false));
    }

    /** Takes a request out of the queue if it is still there (then it is never sent). */
    private boolean drop(Request r) {
        synchronized (this) {
            if (!r.queued) {
                return false;
            }
            r.queued = false;
            // Requests time out in about the order they were queued, so the one to drop is near the head.
            queue.removeFirstOccurrence(r);
        }
        policy.limit().release(1, r.bytes);
        return true;
    }

    private List<Batch> drain() {
        List<Batch> batches = new ArrayList<>();
        while (inFlight.size() < policy.maxBatchesInFlight() && !queue.isEmpty()) {
            List<Request> batch = new ArrayList<>();
            long bytes = 0;
            while (!queue.isEmpty()
                    && batch.size() < policy.maxBatchItems()
                    && (batch.isEmpty() || bytes + queue.peek().bytes <= maxBatchBytes)) {
                Request r = queue.poll();
                r.queued = false;
                bytes += r.bytes;
                batch.add(r);
            }
            Batch b = new Batch(nextTicket, batch);
            nextTicket += batch.size();
            inFlight.add(b);
            batches.add(b);
        }
        return batches;
    }

    private void send(Batch batch) {
        dispatcher.dispatch(batch).whenComplete((r, e) -> {
            List<Batch> ready;
            synchronized (this) {
                inFlight.remove(batch);
                ready = closed ? List.of() : drain();
            }
            policy.limit()
                    .release(
                            batch.requests().size(),
                            batch.requests().stream().mapToLong(Request::bytes).sum());
            ready.forEach(this::send);
        });
    }
}
