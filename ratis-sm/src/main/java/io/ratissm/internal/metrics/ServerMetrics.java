package io.ratissm.internal.metrics;

import static io.ratissm.MetricNames.Replica.APPLY;
import static io.ratissm.MetricNames.Replica.BATCH_COMMANDS;
import static io.ratissm.MetricNames.Replica.BATCH_QUERIES;
import static io.ratissm.MetricNames.Replica.COMMANDS;
import static io.ratissm.MetricNames.Replica.DIGEST_COMPARISONS;
import static io.ratissm.MetricNames.Replica.DIVERGENCES;
import static io.ratissm.MetricNames.Replica.EXECUTIONS;
import static io.ratissm.MetricNames.Replica.HEALTHY;
import static io.ratissm.MetricNames.Replica.LAG;
import static io.ratissm.MetricNames.Replica.LAG_SECONDS;
import static io.ratissm.MetricNames.Replica.LEADER;
import static io.ratissm.MetricNames.Replica.QUERY;
import static io.ratissm.MetricNames.Replica.REPLICATION_PASSIVE;
import static io.ratissm.MetricNames.Replica.ROLLBACKS;
import static io.ratissm.MetricNames.Replica.SESSIONS;
import static io.ratissm.MetricNames.Replica.SESSIONS_EVICTED;
import static io.ratissm.MetricNames.Replica.SHIPPED_STATE_BYTES;
import static io.ratissm.MetricNames.Replica.SNAPSHOT_BYTES;
import static io.ratissm.MetricNames.Replica.SNAPSHOT_LOAD;
import static io.ratissm.MetricNames.Replica.SNAPSHOT_WRITE;
import static io.ratissm.MetricNames.Replica.SPECULATIVE_PENDING;
import static io.ratissm.MetricNames.Replica.STORAGE_FREE_BYTES;
import static io.ratissm.MetricNames.Replica.TERM;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.ratissm.Health;
import io.ratissm.ReplicaStats;
import io.ratissm.Replication;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * ratis-sm's own metrics of one replica, in the replica's registry, under the names of
 * {@link io.ratissm.MetricNames.Replica} (a stable interface); Ratis's metrics join the same registry through {@link RatisRegistries}.
 *
 * <p>The recording methods run on Ratis's apply and RPC threads for every log entry or query batch: they
 * only update lock-free reservoirs and adders.
 */
public final class ServerMetrics {
    private final MetricRegistry registry;
    private final Timer apply;
    private final Meter commands;
    private final Histogram batchCommands;
    private final Timer query;
    private final Histogram batchQueries;
    private final Timer snapshotWrite;
    private final Timer snapshotLoad;
    private final AtomicLong snapshotBytes = new AtomicLong();
    private final Histogram shippedState;
    // A replica restarts its Raft server, and with it its session table, after a full disk: the gauges read the
    // current one.
    private volatile IntSupplier sessionCount = () -> 0;
    private volatile LongSupplier sessionsEvicted = () -> 0;

    public ServerMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.apply = timer(registry, APPLY);
        this.commands = registry.meter(COMMANDS);
        this.batchCommands = histogram(registry, BATCH_COMMANDS);
        this.query = timer(registry, QUERY);
        this.batchQueries = histogram(registry, BATCH_QUERIES);
        this.snapshotWrite = timer(registry, SNAPSHOT_WRITE);
        this.snapshotLoad = timer(registry, SNAPSHOT_LOAD);
        registry.gauge(SNAPSHOT_BYTES, () -> snapshotBytes::get);
        this.shippedState = histogram(registry, SHIPPED_STATE_BYTES);
        number(SESSIONS, () -> sessionCount.getAsInt());
        number(SESSIONS_EVICTED, () -> sessionsEvicted.getAsLong());
    }

    /** The session table the gauges read from now on, read on a scrape. */
    public void readSessions(IntSupplier count, LongSupplier evicted) {
        this.sessionCount = count;
        this.sessionsEvicted = evicted;
    }

    /** Registers the gauges of the replica's lag and of its storage's free space, read on a scrape. */
    public void readLag(LongSupplier entries, LongSupplier seconds, LongSupplier storageFreeBytes) {
        number(LAG, entries);
        number(LAG_SECONDS, seconds);
        number(STORAGE_FREE_BYTES, storageFreeBytes);
    }

    /** PASSIVE: the leader shipped a whole state of {@code bytes}. */
    public void shippedState(long bytes) {
        shippedState.update(bytes);
    }

    /** What the gauges of a replica's place in one group read. */
    public interface Readings {
        Replication replication();

        boolean isLeader();

        long term();

        Health health();

        ReplicaStats stats();
    }

    /** Registers the gauges that read the replica's state; they are read on a scrape, never on the hot path. */
    public void readFrom(Readings r) {
        flag(REPLICATION_PASSIVE, () -> r.replication() == Replication.PASSIVE);
        flag(LEADER, r::isLeader);
        number(TERM, r::term);
        flag(HEALTHY, () -> r.health().healthy());
        number(EXECUTIONS, () -> r.stats().executions());
        number(SPECULATIVE_PENDING, () -> r.stats().speculativePending());
        number(ROLLBACKS, () -> r.stats().rollbacks());
        number(DIGEST_COMPARISONS, () -> r.stats().digestComparisons());
        number(DIVERGENCES, () -> r.stats().divergences());
    }

    // Reservoirs: Dropwizard's default one takes a lock to rescale; the lock-free variant keeps Ratis's apply
    // and RPC threads from ever waiting on a metric.
    static Timer timer(MetricRegistry registry, String name) {
        return registry.timer(
                name,
                () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
    }

    static Histogram histogram(MetricRegistry registry, String name) {
        return registry.histogram(
                name,
                () -> new Histogram(
                        LockFreeExponentiallyDecayingReservoir.builder().build()));
    }

    private void flag(String name, BooleanSupplier value) {
        registry.gauge(name, () -> (Gauge<Integer>) () -> value.getAsBoolean() ? 1 : 0);
    }

    private void number(String name, LongSupplier value) {
        registry.gauge(name, () -> (Gauge<Long>) value::getAsLong);
    }

    /** One log entry was applied in {@code nanos}, answering {@code commandCount} commands. */
    public void applied(long nanos, int commandCount) {
        apply.update(nanos, TimeUnit.NANOSECONDS);
        if (commandCount > 0) {
            commands.mark(commandCount);
            batchCommands.update(commandCount);
        }
    }

    /** One query request of {@code queryCount} queries was answered in {@code nanos}. */
    public void queried(long nanos, int queryCount) {
        query.update(nanos, TimeUnit.NANOSECONDS);
        batchQueries.update(queryCount);
    }

    public void snapshotWritten(long nanos, long bytes) {
        snapshotWrite.update(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.set(bytes);
    }

    public void snapshotLoaded(long nanos, long bytes) {
        snapshotLoad.update(nanos, TimeUnit.NANOSECONDS);
        snapshotBytes.set(bytes);
    }
}
