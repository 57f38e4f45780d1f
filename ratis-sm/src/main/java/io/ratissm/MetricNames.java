package io.ratissm;

/**
 * The names of ratis-sm's own metrics: a stable interface, documented with their types in
 * {@code ratis-sm/OPERATIONS.md}, section "Metrics". A replica registers the {@link Replica} names in
 * {@link ReplicaServer#metrics()}, a client the {@link Client} names in {@link ReplicaClient#metrics()}; over HTTP
 * ({@code /metrics}) the dots become underscores. Ratis's own metrics ({@code ratis.*}, {@code ratis_grpc.*}) share
 * the registries but are Ratis's, and may change with it.
 */
public final class MetricNames {
    private MetricNames() {}

    /** The metrics of one replica, in {@link ReplicaServer#metrics()}. */
    public static final class Replica {
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
        /**
         * Gauge: client sessions forgotten since start (idle longer than the idle timeout, or at the session limit).
         */
        public static final String SESSIONS_EVICTED = "ratissm.sessions.evicted";
        /**
         * Gauge: committed entries this replica has not applied: the highest commit index it knows of (its own, or the
         * leader's as the leader last told it) minus its applied index.
         */
        public static final String LAG = "ratissm.lag";
        /**
         * Gauge: how long, in whole seconds, this replica has been behind: since it first knew of a commit index it
         * has still not applied, or since it follows a leader without holding an entry of the leader's term; 0 when
         * caught up.
         */
        public static final String LAG_SECONDS = "ratissm.lag.seconds";
        /** Gauge: free bytes on the file system of the replica's storage, as of the last check (every second). */
        public static final String STORAGE_FREE_BYTES = "ratissm.storage.free-bytes";
        /**
         * Histogram: PASSIVE, a state machine without effects: bytes of the whole state the leader ships in an entry
         * (it may not exceed the largest log entry; see EffectStateMachine).
         */
        public static final String SHIPPED_STATE_BYTES = "ratissm.passive.shipped-state.bytes";

        private Replica() {}
    }

    /** The metrics of one client, in {@link ReplicaClient#metrics()}. */
    public static final class Client {
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

        private Client() {}
    }
}
