package io.ratissm.internal.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.ratissm.CommandRejected;
import io.ratissm.UnavailableException;
import io.ratissm.internal.Causes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * ratis-sm's metrics of one {@code ReplicaClient}, in the client's registry. Names are documented in the README,
 * section "Metrics". Recording is lock-free: it runs on the callers' and Ratis's completion threads.
 */
public final class ClientMetrics {
    /** Timer: a command from {@code submit} to its outcome (reply, refusal or giving up). */
    public static final String SUBMIT = "ratissm.client.submit";
    /** Timer: a linearizable query from {@code query} to its outcome. */
    public static final String QUERY = "ratissm.client.query";
    /** Timer: a stale query to one replica from {@code queryStale} to its outcome. */
    public static final String STALE_QUERY = "ratissm.client.query.stale";
    /** Counter: requests the client sent again after a failed or unanswered attempt (its own retry loop). */
    public static final String RETRIES = "ratissm.client.retries";
    /** Counter: calls that ended in {@code UnavailableException} (no answer within the client's timeout). */
    public static final String UNAVAILABLE = "ratissm.client.unavailable";
    /** Counter: calls that ended in {@code CommandRejected} (or a subclass): refused, no effect. */
    public static final String REJECTED = "ratissm.client.rejected";
    /** Counter: calls that ended in any other error (e.g. an unreadable reply). */
    public static final String FAILURES = "ratissm.client.failures";
    /** Counter: calls refused with {@code QueueFullException}: the client held its limit of pending requests. */
    public static final String FULL = "ratissm.client.full";
    /** Gauge: commands the client holds (queued, or sent and not yet answered). */
    public static final String PENDING_COMMANDS = "ratissm.client.pending.commands";
    /** Gauge: queries the client holds (linearizable and stale). */
    public static final String PENDING_QUERIES = "ratissm.client.pending.queries";
    /** Histogram: commands per batch sent (one log entry each). */
    public static final String BATCH_COMMANDS = "ratissm.client.batch.commands";
    /** Histogram: linearizable queries per read request sent. */
    public static final String BATCH_QUERIES = "ratissm.client.batch.queries";

    private final Timer submit;
    private final Timer query;
    private final Timer staleQuery;
    private final Counter retries;
    private final Counter unavailable;
    private final Counter rejected;
    private final Counter failures;
    private final Counter full;
    private final MetricRegistry registry;
    private final Histogram batchCommands;
    private final Histogram batchQueries;

    public ClientMetrics(MetricRegistry registry) {
        this.submit = ServerMetrics.timer(registry, SUBMIT);
        this.query = ServerMetrics.timer(registry, QUERY);
        this.staleQuery = ServerMetrics.timer(registry, STALE_QUERY);
        this.retries = registry.counter(RETRIES);
        this.unavailable = registry.counter(UNAVAILABLE);
        this.rejected = registry.counter(REJECTED);
        this.failures = registry.counter(FAILURES);
        this.full = registry.counter(FULL);
        this.registry = registry;
        this.batchCommands = ServerMetrics.histogram(registry, BATCH_COMMANDS);
        this.batchQueries = ServerMetrics.histogram(registry, BATCH_QUERIES);
    }

    public <T> CompletableFuture<T> submit(CompletableFuture<T> call) {
        return timed(submit, call);
    }

    public <T> CompletableFuture<T> query(CompletableFuture<T> call) {
        return timed(query, call);
    }

    public <T> CompletableFuture<T> staleQuery(CompletableFuture<T> call) {
        return timed(staleQuery, call);
    }

    /** Registers the gauges of what the client holds. */
    public void pending(Gauge<Integer> commands, Gauge<Integer> queries) {
        registry.register(PENDING_COMMANDS, commands);
        registry.register(PENDING_QUERIES, queries);
    }

    public void full() {
        full.inc();
    }

    public void resent() {
        retries.inc();
    }

    public void commandBatch(int commands) {
        batchCommands.update(commands);
    }

    public void queryBatch(int queries) {
        batchQueries.update(queries);
    }

    /** Returns the same future: callers keep their own completion order and exception types. */
    private <T> CompletableFuture<T> timed(Timer timer, CompletableFuture<T> call) {
        long start = System.nanoTime();
        call.whenComplete((r, error) -> {
            timer.update(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (error != null) {
                Throwable cause = Causes.unwrapped(error);
                (cause instanceof UnavailableException ? unavailable
                        : cause instanceof CommandRejected ? rejected : failures).inc();
            }
        });
        return call;
    }
}
