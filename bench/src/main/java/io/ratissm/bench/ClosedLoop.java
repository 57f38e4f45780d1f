package io.ratissm.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Keeps a fixed number of requests outstanding against a group and records each one's latency.
 *
 * <p>Contract: {@link #issue()} waits until fewer than {@code outstanding} requests are in flight, then starts
 * one. A JMH benchmark whose operation is {@code issue()} therefore runs at the rate requests complete (in
 * steady state every issue is preceded by one completion), so its ops/s is the group's throughput at that
 * concurrency, and nothing is counted that was not answered. Latency is measured from the start of a request
 * to its completion, in nanoseconds, into an HdrHistogram {@link Recorder} that completion threads write to
 * without locking. A request that fails is counted and makes the next {@link #issue()} throw: a benchmark
 * that silently measured errors would be measuring nothing real.
 */
public final class ClosedLoop {
    /** A request in flight: completes when the group has answered it. */
    @FunctionalInterface
    public interface Request {
        CompletableFuture<?> start();
    }

    private final int outstanding;
    private final Semaphore slots;
    private final Request request;
    // Up to an hour at 3 significant digits: a request slower than that is a failure, not a latency.
    private final Recorder latencies = new Recorder(TimeUnit.HOURS.toNanos(1), 3);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    private ClosedLoop(int outstanding, Request request) {
        if (outstanding < 1) {
            throw new IllegalArgumentException("outstanding must be at least 1, was " + outstanding);
        }
        this.outstanding = outstanding;
        this.slots = new Semaphore(outstanding);
        this.request = request;
    }

    /** Drives an asynchronous request, {@code outstanding} at a time. */
    public static ClosedLoop async(int outstanding, Request request) {
        return new ClosedLoop(outstanding, request);
    }

    /** Waits for a free slot and starts one request. */
    public void issue() throws InterruptedException {
        slots.acquire();
        Throwable failure = firstFailure.get();
        if (failure != null) {
            slots.release();
            throw new IllegalStateException(failed.get() + " request(s) failed; the first failure", failure);
        }
        long start = System.nanoTime();
        CompletableFuture<?> f;
        try {
            f = request.start();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        f.whenComplete((reply, error) -> {
            if (error == null) {
                latencies.recordValue(Math.max(1, System.nanoTime() - start));
                completed.incrementAndGet();
            } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error);
            }
            slots.release();
        });
    }

    /**
     * Waits until every request in flight has been answered (at most {@code timeoutSeconds}).
     *
     * @throws IllegalStateException if some are still outstanding then
     */
    public void drain(long timeoutSeconds) throws InterruptedException {
        if (!slots.tryAcquire(outstanding, timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException((outstanding - slots.availablePermits())
                    + " request(s) still unanswered after " + timeoutSeconds + " s");
        }
        slots.release(outstanding);
    }

    /** The latencies recorded since the previous call (or since the start), in nanoseconds. */
    public Histogram takeLatencies() {
        return latencies.getIntervalHistogram();
    }

    /** Requests answered successfully so far. */
    public long completed() {
        return completed.get();
    }

    /** Requests that failed so far. */
    public long failed() {
        return failed.get();
    }

    public int outstanding() {
        return outstanding;
    }
}
