package io.ratissm.bench.kit;

import io.ratissm.CommandRejected;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
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
 * that silently measured errors would be measuring nothing real. A command the state machine refused with
 * {@link CommandRejected} is not a failure but an answer (the group's deterministic "no", the same on every
 * replica): it counts as completed and, in {@link #rejected()}, as rejected, so that a benchmark can report
 * the rate and refuse to measure a load that is nothing but refusals.
 *
 * <p>It also counts answers per second since the first request ({@link #answersPerSecond()}), warm-up
 * included, which is how the time a group takes to warm up is measured.
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
    private final LongSupplier nanoClock;
    // Up to an hour at 3 significant digits: a request slower than that is a failure, not a latency.
    private final Recorder latencies = new Recorder(TimeUnit.HOURS.toNanos(1), 3);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final AtomicReference<CommandRejected> firstRejection = new AtomicReference<>();
    // Answers in each second since the first request; a trial longer than this stops counting, not failing.
    private final AtomicLongArray perSecond = new AtomicLongArray((int) TimeUnit.HOURS.toSeconds(2));
    private final AtomicLong origin = new AtomicLong();

    ClosedLoop(int outstanding, Request request, LongSupplier nanoClock) {
        if (outstanding < 1) {
            throw new IllegalArgumentException("outstanding must be at least 1, was " + outstanding);
        }
        this.outstanding = outstanding;
        this.slots = new Semaphore(outstanding);
        this.request = request;
        this.nanoClock = nanoClock;
    }

    /** Drives an asynchronous request, {@code outstanding} at a time. */
    public static ClosedLoop async(int outstanding, Request request) {
        return new ClosedLoop(outstanding, request, System::nanoTime);
    }

    /** Waits for a free slot and starts one request. */
    public void issue() throws InterruptedException {
        slots.acquire();
        Throwable failure = firstFailure.get();
        if (failure != null) {
            slots.release();
            throw new IllegalStateException(failed.get() + " request(s) failed; the first failure", failure);
        }
        long start = nanoClock.getAsLong();
        if (origin.get() == 0) {
            origin.compareAndSet(0, start);
        }
        CompletableFuture<?> f;
        try {
            f = request.start();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        f.whenComplete((reply, error) -> {
            CommandRejected rejection = rejection(error);
            if (rejection != null) {
                rejected.incrementAndGet();
                firstRejection.compareAndSet(null, rejection);
            }
            if (error == null || rejection != null) {
                long end = nanoClock.getAsLong();
                latencies.recordValue(Math.max(1, end - start));
                completed.incrementAndGet();
                int second = (int) TimeUnit.NANOSECONDS.toSeconds(end - origin.get());
                if (second < perSecond.length()) {
                    perSecond.incrementAndGet(second);
                }
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

    /**
     * Requests answered (rejections included) in each whole second since the first request was started (element 0 is
     * the first second); the second in progress is left out. Empty before the first request.
     */
    public long[] answersPerSecond() {
        long first = origin.get();
        if (first == 0) {
            return new long[0];
        }
        int whole = (int) Math.min(perSecond.length(), TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - first));
        long[] counts = new long[whole];
        Arrays.setAll(counts, perSecond::get);
        return counts;
    }

    /** Seconds since the first request was started (0 before it). */
    public double secondsSinceFirstRequest() {
        long first = origin.get();
        return first == 0 ? 0 : (nanoClock.getAsLong() - first) / 1e9;
    }

    private static CommandRejected rejection(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof CommandRejected r ? r : null;
    }

    /** Requests answered so far, rejected commands included. */
    public long completed() {
        return completed.get();
    }

    /** Requests answered with {@link CommandRejected} so far (they are in {@link #completed()} too). */
    public long rejected() {
        return rejected.get();
    }

    /** The first {@link CommandRejected} answer, whose message says why, if there was one. */
    public Optional<CommandRejected> firstRejection() {
        return Optional.ofNullable(firstRejection.get());
    }

    /** Requests that failed so far. */
    public long failed() {
        return failed.get();
    }

    public int outstanding() {
        return outstanding;
    }
}
