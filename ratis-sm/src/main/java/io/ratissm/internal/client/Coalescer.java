package io.ratissm.internal.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Groups concurrent requests into batches, so that many share one round trip (and, for commands, one Raft log
 * entry): Ratis's cost is per request and per entry, not per command.
 *
 * <p>A batch goes out at once while fewer than {@code maxInFlight} batches are outstanding; otherwise requests
 * queue until one completes, and then go together, up to {@code maxItems} and {@code maxBytes}. So a lone request
 * never waits, and under load batches grow by themselves. Each request gets a ticket, consecutive in queue order,
 * so a batch is always a run of consecutive tickets.
 *
 * @param <T> a queued request
 */
final class Coalescer<T> {
    /** Sends one batch; the returned future completes when the batch is done, whatever its outcome. */
    interface Dispatcher<T> {
        CompletableFuture<?> dispatch(List<T> batch);
    }

    private final int maxItems;
    private final long maxBytes;
    private final ToLongFunction<T> size;
    private final int maxInFlight;
    private final Dispatcher<T> dispatcher;

    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private long nextTicket = 1;
    private int inFlight;

    Coalescer(int maxItems, long maxBytes, ToLongFunction<T> size, int maxInFlight, Dispatcher<T> dispatcher) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.size = size;
        this.maxInFlight = maxInFlight;
        this.dispatcher = dispatcher;
    }

    /** Queues the request that {@code make} builds from its ticket, and sends what may go now. */
    T add(LongFunction<T> make) {
        T item;
        List<List<T>> ready;
        synchronized (this) {
            item = make.apply(nextTicket++);
            queue.add(item);
            ready = drain();
        }
        ready.forEach(this::send);
        return item;
    }

    /** The ticket the next request will get. */
    synchronized long nextTicket() {
        return nextTicket;
    }

    private List<List<T>> drain() {
        List<List<T>> batches = new ArrayList<>();
        while (inFlight < maxInFlight && !queue.isEmpty()) {
            List<T> batch = new ArrayList<>();
            long bytes = 0;
            while (!queue.isEmpty() && batch.size() < maxItems
                    && (batch.isEmpty() || bytes + size.applyAsLong(queue.peek()) <= maxBytes)) {
                T item = queue.poll();
                bytes += size.applyAsLong(item);
                batch.add(item);
            }
            inFlight++;
            batches.add(batch);
        }
        return batches;
    }

    private void send(List<T> batch) {
        dispatcher.dispatch(batch).whenComplete((r, e) -> {
            List<List<T>> ready;
            synchronized (this) {
                inFlight--;
                ready = drain();
            }
            ready.forEach(this::send);
        });
    }
}
