package io.ratissm.internal.metrics;

import static io.ratissm.MetricNames.Client.BATCH_COMMANDS;
import static io.ratissm.MetricNames.Client.BATCH_QUERIES;
import static io.ratissm.MetricNames.Client.FAILURES;
import static io.ratissm.MetricNames.Client.FULL;
import static io.ratissm.MetricNames.Client.PENDING_COMMANDS;
import static io.ratissm.MetricNames.Client.PENDING_QUERIES;
import static io.ratissm.MetricNames.Client.QUERY;
import static io.ratissm.MetricNames.Client.REJECTED;
import static io.ratissm.MetricNames.Client.RETRIES;
import static io.ratissm.MetricNames.Client.STALE_QUERY;
import static io.ratissm.MetricNames.Client.SUBMIT;
import static io.ratissm.MetricNames.Client.UNAVAILABLE;

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
 * ratis-sm's metrics of one {@code ReplicaClient}, in the client's registry, under the names of
 * {@link io.ratissm.MetricNames.Client} (a stable interface). Recording is lock-free: it runs on the callers' and
 * Ratis's completion threads.
 */
public final class ClientMetrics {
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
                (cause instanceof UnavailableException
                                ? unavailable
                                : cause instanceof CommandRejected ? rejected : failures)
                        .inc();
            }
        });
        return call;
    }
}
