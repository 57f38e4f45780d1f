package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds 1 to a {@link NonNegativeCounter} at a time from another thread, counting what was acknowledged and what
 * was tried, so that a test can check that the group kept serving through a fault and lost no acknowledged write
 * (the counter ends between the two counts).
 */
final class BackgroundWriter implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ReplicaClient client;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong attempted = new AtomicLong();
    /** The longest time between two acknowledgements (or from the start to the first), in nanoseconds. */
    private final AtomicLong longestGapNanos = new AtomicLong();

    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final Future<?> done;

    /** Starts writing at once; closes {@code client} when closed. */
    BackgroundWriter(ReplicaClient client) {
        this.client = client;
        this.done = thread.submit(() -> {
            long last = System.nanoTime();
            while (!stop.get()) {
                attempted.incrementAndGet();
                try {
                    client.submit(add(1));
                    acknowledged.incrementAndGet();
                    long now = System.nanoTime();
                    longestGapNanos.accumulateAndGet(now - last, Math::max);
                    last = now;
                } catch (UnavailableException e) {
                    // unknown outcome: counted in attempted only
                }
            }
            return null;
        });
    }

    long acknowledged() {
        return acknowledged.get();
    }

    long attempted() {
        return attempted.get();
    }

    /** The longest stretch so far without an acknowledged write. */
    Duration longestGap() {
        return Duration.ofNanos(longestGapNanos.get());
    }

    /** Waits until {@code n} writes in all were acknowledged; fails if the writer met anything but a timeout. */
    void awaitAcknowledged(long n) {
        Awaits.await(n + " writes acknowledged", WAIT, () -> acknowledged.get() >= n || done.isDone());
        assertThat(done).isNotDone();
    }

    /** Waits until {@code more} writes beyond those acknowledged so far are acknowledged. */
    void awaitMore(long more) {
        awaitAcknowledged(acknowledged() + more);
    }

    void stop() throws Exception {
        stop.set(true);
        done.get();
    }

    /**
     * Stops writing, checks that the group's counter holds every acknowledged write and nothing that was not tried,
     * and waits until replica {@code id} holds the same count.
     */
    void stopAndAwaitEveryWriteOn(LocalCluster cluster, String id) throws Exception {
        try (ReplicaClient reader = cluster.newClient()) {
            stopAndAwaitEveryWriteOn(reader, id);
        }
    }

    /** As {@link #stopAndAwaitEveryWriteOn(LocalCluster, String)}, reading the group through {@code reader}. */
    void stopAndAwaitEveryWriteOn(ReplicaClient reader, String id) throws Exception {
        stop();
        long committed = NonNegativeCounter.decode(reader.query(NonNegativeCounter.get()));
        assertThat(committed).isBetween(acknowledged(), attempted());
        Awaits.await(id + " holds every acknowledged write", WAIT, () -> stale(reader, id) == committed);
    }

    private static long stale(ReplicaClient reader, String id) {
        try {
            return NonNegativeCounter.decode(reader.queryStale(NonNegativeCounter.get(), id));
        } catch (CommandRejected | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        stop.set(true);
        thread.shutdownNow();
        client.close();
    }
}
