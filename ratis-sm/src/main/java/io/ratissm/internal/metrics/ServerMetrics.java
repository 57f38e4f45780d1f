package io.ratissm.internal.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * ratis-sm's own metrics of one replica, in the replica's registry. The names are a stable, documented
 * interface (README, section "Metrics"); Ratis's metrics join the same registry through {@link RatisRegistries}.
 *
 * <p>The recording methods run on Ratis's apply and RPC threads for every log entry or query batch: they
 * only update lock-free reservoirs and adders.
 */
public final class ServerMetrics {
    /** Timer: applying one log entry (a batch of commands, or of passive effects) to the state machine. */
    public static final String APPLY = "ratissm.apply";
    /** Meter: commands answered by applied log entries (retries answered from the session table included). */
    public static final String COMMANDS = "ratissm.commands";
    /** Histogram: commands per applied log entry. */
    public static final String BATCH_COMMANDS = "ratissm.batch.commands";
    /** Timer: answering one query request (a batch of linearizable queries, or one stale query). */
    public static final String QUERY = "ratissm.query";
    /** Histogram: queries per query request. */
    public static final String BATCH_QUERIES = "ratissm.batch.queries";
    /** Timer: writing a snapshot (state machine, session table, checksum). */
    public static final String SNAPSHOT_WRITE = "ratissm.snapshot.write";
    /** Timer: loading a snapshot at start or after receiving one from the leader. */
    public static final String SNAPSHOT_LOAD = "ratissm.snapshot.load";
    /** Gauge: size in bytes of the latest snapshot written or loaded (0 before the first). */
    public static final String SNAPSHOT_BYTES = "ratissm.snapshot.bytes";
    /** Gauge: 1 if the group uses PASSIVE replication, 0 for ACTIVE. */
    public static final String REPLICATION_PASSIVE = "ratissm.replication.passive";
    /** Gauge: 1 while this replica is the leader. */
    public static final String LEADER = "ratissm.leader";
    /** Gauge: the Raft term this replica is in. */
    public static final String TERM = "ratissm.term";
    /** Gauge: 1 while the replica is serving and its state machine healthy ({@code /health} says 200). */
    public static final String HEALTHY = "ratissm.healthy";
    /** Gauge: PASSIVE: command batches this replica executed as leader since it started. */
    public static final String EXECUTIONS = "ratissm.executions";
    /** Gauge: PASSIVE: executed batches whose entries have not committed yet. */
    public static final String SPECULATIVE_PENDING = "ratissm.speculative.pending";
    /** Gauge: PASSIVE: speculative states discarded while holding uncommitted effects, since start. */
    public static final String ROLLBACKS = "ratissm.rollbacks";
    /** Gauge: state digests compared with another replica at the same log index, since start. */
    public static final String DIGEST_COMPARISONS = "ratissm.digest.comparisons";
    /** Gauge: digest comparisons that found a different state (a divergence), since start. */
    public static final String DIVERGENCES = "ratissm.divergences";
    /** Gauge: client sessions the group holds, as this replica has applied them. */
    public static final String SESSIONS = "ratissm.sessions";
    /** Gauge: client sessions forgotten since start (idle longer than the idle timeout, or at the session limit). */
    public static final String SESSIONS_EVICTED = "ratissm.sessions.evicted";
    /**
     * Gauge: committed entries this replica has not applied: the highest commit index it knows of (its own, or the
     * leader's as the leader last told it) minus its applied index.
     */
    public static final String LAG = "ratissm.lag";
    /**
     * Gauge: how long, in whole seconds, this replica has been behind: since it first knew of a commit index it has
     * still not applied, or since it follows a leader without holding an entry of the leader's term; 0 when caught up.
     */
    public static final String LAG_SECONDS = "ratissm.lag.seconds";
    /** Gauge: free bytes on the file system of the replica's storage, as of the last check (every second). */
    public static final String STORAGE_FREE_BYTES = "ratissm.storage.free-bytes";
    /**
     * Histogram: PASSIVE, a state machine without effects: bytes of the whole state the leader ships in an entry
     * (it may not exceed the largest log entry; see EffectStateMachine).
     */
    public static final String SHIPPED_STATE_BYTES = "ratissm.passive.shipped-state.bytes";

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

    /** Registers the gauges that read the replica's state; they are read on a scrape, never on the hot path. */
    public void readFrom(ReplicaServer r) {
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
        return registry.timer(name, () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
    }

    static Histogram histogram(MetricRegistry registry, String name) {
        return registry.histogram(name, () -> new Histogram(LockFreeExponentiallyDecayingReservoir.builder().build()));
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
