package io.ratissm;

import com.codahale.metrics.MetricRegistry;
import io.ratissm.internal.CommonPool;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.config.Settings;
import io.ratissm.internal.server.ReplicaRuntime;
import io.ratissm.internal.server.ServerSettings;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One replica of a group: a Raft server that replicates a user {@link StateMachine}.
 *
 * <pre>{@code
 * ReplicaServer server = ReplicaServer.builder()
 *     .id("n1").peers("n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003")
 *     .storage(Path.of("data/n1")).stateMachine(KvStore::new)
 *     .build().start();
 * }</pre>
 *
 * <p>Storage is durable: the log is fsynced before a command is acknowledged, and a restarted replica
 * recovers from its latest snapshot plus its log. Snapshots are taken every {@link Builder#snapshotEvery}
 * applied log entries and on demand ({@link #takeSnapshot()}); the log is purged behind them. A replica that
 * has fallen behind the purged log catches up by receiving a snapshot from the leader. A replica that cannot
 * rebuild its place in the group from its storage (a corrupt snapshot, or storage wiped while the group remembers
 * it) refuses to start with a {@link StorageRecoveryException} that says how to bring it back.
 *
 * <p>A full disk: when the log cannot be written, or less than 1 MiB is free on the storage's file system, the replica
 * stops its Raft server (Ratis cannot recover a log that failed a write), logs the cause at error level and reports it
 * in {@link #health()}; once enough space is free again it starts a new Raft server on the same storage, which
 * recovers and catches up from the leader. The replica, its endpoints and metrics stay up meanwhile.
 *
 * <p>Operations: {@link #metrics()} is the replica's Dropwizard registry (ratis-sm's metrics, named in
 * {@link MetricNames.Replica}, and this replica's Ratis metrics; ratis-sm/OPERATIONS.md, section "Metrics", explains
 * them), published over JMX in the domain {@code ratissm.<id>} while the replica runs. With
 * {@link Builder#httpPort} set, the replica also serves
 * {@code GET /metrics} (Prometheus text), {@code GET /health} and {@code GET /status} (JSON).
 *
 * <p>Many groups: besides the group it is built with, a replica serves every group created on it while it runs
 * ({@link GroupAdmin#createGroup}, {@link GroupAdmin#addReplica}), through the same port and threads, each with its
 * own log, snapshots, sessions and state machine instance, of the same factory and replication mode. Its storage
 * holds a directory per group, and a restart serves them all again. {@link #groups()} reports on each; the other
 * methods here are about the group it was built with.
 *
 * <p>All replicas of a group must be built with the same peers, group name, replication mode and state
 * machine. Thread-safe. {@link #close()} stops the replica; its storage stays for a restart.
 *
 * <p>Membership: a replica added to a running group is started with {@link Builder#join(boolean) join(true)} and
 * then added with {@link GroupAdmin#addReplica}. A replica removed with {@link GroupAdmin#removeReplica} stops
 * by itself ({@link #awaitStopped()} returns). Once a replica has storage, the membership recorded in its log wins
 * over the peers it was built with, so a restart after membership changes needs no new peers list.
 * Building takes nothing: {@link #start()} takes the resources (the storage directory, the ports, threads, the
 * subscription to Ratis's metrics) and {@link #close()} gives them back. A replica starts at most once; a replica that
 * was never started needs no close.
 */
public final class ReplicaServer implements AutoCloseable {
    static {
        // Before anything of Ratis runs: see CommonPool.
        CommonPool.ensureParallel();
    }

    /**
     * The shortest {@linkplain Builder#sessionIdleTimeout session idle timeout}: twice a client's default timeout, so
     * that a client's retries never outlive its session.
     */
    public static final Duration MIN_SESSION_IDLE_TIMEOUT =
            Settings.SESSION_IDLE_TIMEOUT.minimum().orElseThrow();
    /** The default {@linkplain Builder#lagLimit lag limit}. */
    public static final Duration DEFAULT_LAG_LIMIT = Settings.LAG_LIMIT.defaultOrNull();

    private final ReplicaRuntime.Plan plan;
    private final MetricRegistry metrics = new MetricRegistry();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Everything a started replica holds; null until {@link #start()}. */
    private volatile ReplicaRuntime runtime;

    private volatile boolean closed;
    /** Orders {@link #start()} and {@link #close()}: a replica starts at most once, and never after its close. */
    private final Object lifecycle = new Object();

    private ReplicaServer(ReplicaRuntime.Plan plan) {
        this.plan = plan;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the replica: recovers its state from storage and joins the group.
     *
     * <p>A replica whose storage holds no log first asks the other replicas it was given (for up to about 3 s)
     * whether the group already knows it. If one remembers it holding a log, it had one and lost it, and it does not
     * start: rejoining with an empty log under its old identity could let it vote away acknowledged writes. If the
     * group already runs without having heard from it, it starts as a listener of the group (no vote) and takes part in
     * elections once the leader has sent it the configuration. See {@link StorageRecoveryException} for the way
     * back, and the operations guide for the cases the peers cannot tell apart.
     *
     * <p>Starting takes the replica's resources: it creates the storage directory if it is absent, opens its ports,
     * starts its threads and subscribes its metrics to Ratis's. {@link #close()} gives them back; so does a failed
     * start, which leaves the replica closed.
     *
     * @throws IllegalStateException    if this replica was started before, or closed: a replica starts once
     * @throws StorageRecoveryException if its storage cannot give it back its place in the group: a corrupt
     *                                  snapshot, or a log it held and lost (the message names the file or the peer,
     *                                  and what to do)
     * @throws IOException              if the storage cannot be created or read, or a {@link BindException} if the
     *                                  port is in use
     */
    public ReplicaServer start() throws IOException {
        ReplicaRuntime r;
        synchronized (lifecycle) {
            if (closed || runtime != null) {
                throw new IllegalStateException(id() + ": " + (closed ? "closed" : "already started") + "; a replica "
                        + "starts once: build a new ReplicaServer (on the same storage, to restart it)");
            }
            try {
                r = new ReplicaRuntime(plan, metrics, stopped);
            } catch (RuntimeException e) {
                closed = true;
                stopped.countDown();
                throw e;
            }
            runtime = r;
        }
        try {
            r.start();
        } catch (IOException | RuntimeException e) {
            closed = true; // the runtime closed itself
            throw e;
        }
        return this;
    }

    /**
     * Waits until this replica has stopped: {@link #close()} was called, or the group removed it from its
     * configuration (it then stops by itself), or it failed to start. A fail-stop of the state machine does not
     * count: the replica then leaves the group's work to the others but stays up, {@linkplain #health() unhealthy}
     * with the reason (and serving {@code /health}), until it is closed.
     */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Why this replica stopped by itself, if it did: it was removed from the group, or Ratis closed it (for example
     * after a long JVM pause). Empty while it runs, and after {@link #close()}.
     */
    public Optional<String> stoppedBecause() {
        return started(ReplicaRuntime::stoppedBecause, Optional.empty());
    }

    /** Whether {@link #awaitStopped()} would return at once. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** This replica's id. */
    public String id() {
        return plan.settings().id();
    }

    public Replication replication() {
        return plan.settings().replication();
    }

    /** The address clients and peers reach this replica at ({@code host:port}). */
    public String address() {
        return plan.settings().group().address(id());
    }

    /**
     * Whether this replica is currently the serving leader of its group: elected and ready (it has applied the first
     * entry of its term; before that Ratis answers clients "not ready"). False as soon as it is stopping or its state
     * machine has fail-stopped, even while Ratis still reports its last role; {@link #status()} gives the raw role.
     */
    public boolean isLeader() {
        return started(ReplicaRuntime::isLeader, false);
    }

    /** The id of the leader this replica knows of, if any. */
    public Optional<String> leaderId() {
        return started(ReplicaRuntime::leaderId, Optional.empty());
    }

    /** The Raft term this replica is in. */
    public long term() {
        return started(ReplicaRuntime::term, 0L);
    }

    /**
     * The ids of the group's current members as this replica knows them (from its log, so it follows membership
     * changes); empty while a {@linkplain Builder#join joining} replica has not been added yet.
     */
    public List<String> members() {
        return started(ReplicaRuntime::members, List.of());
    }

    /** The index of the last log entry applied to the state machine. */
    public long appliedIndex() {
        return started(ReplicaRuntime::appliedIndex, -1L);
    }

    /** The index of the last entry in this replica's log (applied or not). */
    public long lastLogIndex() {
        return started(ReplicaRuntime::lastLogIndex, -1L);
    }

    /** The index of the first entry still in this replica's log (entries before it were purged behind a snapshot). */
    public long firstLogIndex() {
        return started(ReplicaRuntime::firstLogIndex, -1L);
    }

    /** The log index covered by this replica's latest snapshot, or -1 if it has none. */
    public long latestSnapshotIndex() {
        return started(ReplicaRuntime::latestSnapshotIndex, -1L);
    }

    /** Counters of this replica's replication since it started. */
    public ReplicaStats stats() {
        return started(ReplicaRuntime::stats, new ReplicaStats(0, 0, 0, 0, 0));
    }

    /**
     * This replica's metrics: ratis-sm's own ({@code ratissm.*}: apply and query latency, commands, batch sizes,
     * snapshots, replication mode, speculation, divergences, health) and this replica's Apache Ratis metrics
     * ({@code ratis.*}, {@code ratis_grpc.*}, named by Ratis with this replica's member id). ratis-sm's names are
     * {@link MetricNames.Replica}; ratis-sm/OPERATIONS.md, section "Metrics", explains every name. Ratis's metrics
     * of a division come and go with it (a leader's
     * log appender metrics exist while it leads); a restarted replica is a new object with a new registry.
     * The metrics of a group created on the replica since ({@link #groups()}) are here too, under
     * {@code group.<group id>.} and the same names.
     */
    public MetricRegistry metrics() {
        return metrics;
    }

    /** The port of the {@code /metrics}, {@code /health} and {@code /status} endpoints, once started with one. */
    public OptionalInt httpPort() {
        return started(ReplicaRuntime::httpPort, OptionalInt.empty());
    }

    /** Where this replica stands in its group now (also served as JSON at {@code GET /status}). */
    public ReplicaStatus status() {
        ReplicaRuntime r = runtime;
        return r != null
                ? r.status()
                : new ReplicaStatus(id(), Role.STOPPED, 0, Optional.empty(), LogStats.UNKNOWN, replication(), health());
    }

    /**
     * Where this replica stands in every group it serves, by Raft group id: the group it was built with, and every
     * group created on it since ({@link GroupAdmin#createGroup}). The health of each is the replica's own (a stopped
     * replica serves no group), then that group's: its state machine fail-stopped or diverged, or it lags.
     */
    public Map<String, ReplicaStatus> groups() {
        return started(
                ReplicaRuntime::groups,
                Map.of(
                        GroupSpec.groupIdOf(plan.settings().group().name())
                                .getUuid()
                                .toString(),
                        status()));
    }

    /** Where this replica stands in the group of this name, if it serves it. */
    public Optional<ReplicaStatus> status(String groupName) {
        return started(r -> r.status(groupName), Optional.empty());
    }

    /**
     * Whether this replica is serving and keeps up with its group; if not, why, with the numbers: its state machine
     * fail-stopped or diverged, it is stopped, its disk is full (its Raft server then waits for space and restarts by
     * itself), or it has stayed behind the commit index it knows of, or behind its leader, for longer than its
     * {@linkplain Builder#lagLimit lag limit}. OPERATIONS.md, "When a replica is unhealthy", lists every reason and
     * what to do. When all that is fine, a problem of another group the replica serves ({@link #groups()}) makes it
     * unhealthy too, with the group's id in the reason.
     */
    public Health health() {
        ReplicaRuntime r = runtime;
        return r != null
                ? r.health()
                : Health.unhealthy(closed ? "the replica is stopped" : "the replica is not started");
    }

    /**
     * Takes a snapshot of the applied state now and purges the log behind it.
     *
     * @return the log index the snapshot covers
     * @throws IOException if the snapshot could not be written
     */
    public long takeSnapshot() throws IOException {
        ReplicaRuntime r = runtime;
        if (r == null) {
            throw new IOException(id() + ": not started");
        }
        return r.takeSnapshot();
    }

    /**
     * Takes a snapshot now of the state of the group of this name, which this replica serves, and purges that
     * group's log behind it.
     *
     * @return the log index the snapshot covers
     * @throws IOException if the replica serves no such group, or the snapshot could not be written
     */
    public long takeSnapshot(String groupName) throws IOException {
        ReplicaRuntime r = runtime;
        if (r == null) {
            throw new IOException(id() + ": not started");
        }
        return r.takeSnapshot(groupName);
    }

    /**
     * Stops the replica. Its storage is kept; a new server on the same storage recovers the state. Returns within
     * about 10 s even when the apply loop is stuck (a state machine whose apply never returns): Ratis's own stop would
     * wait for it forever, so past that time the replica's network server is closed and the rest of Ratis's stop is
     * left to its threads, with an error logged.
     */
    @Override
    public void close() {
        ReplicaRuntime r;
        synchronized (lifecycle) {
            closed = true;
            r = runtime;
        }
        if (r != null) {
            r.close();
        } else {
            stopped.countDown(); // never started: nothing was taken
        }
    }

    /** What {@code read} says of the started replica, or {@code otherwise} before it starts. */
    private <T> T started(Function<ReplicaRuntime, T> read, T otherwise) {
        ReplicaRuntime r = runtime;
        return r == null ? otherwise : read.apply(r);
    }

    @Override
    public String toString() {
        return "ReplicaServer[" + id() + "@" + address() + "]";
    }

    /**
     * Builds a {@link ReplicaServer}. Required: {@link #id}, {@link #peers}, {@link #storage} and
     * {@link #stateMachine}; everything else has a default that works on a small, loaded machine.
     */
    public static final class Builder {
        private String id;
        private final List<String> peers = new ArrayList<>();
        private String groupName = Settings.GROUP.defaultOrNull();
        private Path storage;
        private Supplier<? extends StateMachine> stateMachine;
        private Replication replication = Settings.REPLICATION.defaultOrNull();
        private long snapshotEvery = Settings.SNAPSHOT_EVERY.defaultOrNull();
        private int maxCommandBytes = Settings.MAX_COMMAND_BYTES.defaultOrNull();
        private Duration electionTimeout = Settings.ELECTION_TIMEOUT.defaultOrNull();
        private Duration sessionIdleTimeout = Settings.SESSION_IDLE_TIMEOUT.defaultOrNull();
        private int maxSessions = Settings.SESSION_LIMIT.defaultOrNull();
        private long logSegmentBytes = Settings.LOG_SEGMENT_BYTES.defaultOrNull();
        private long digestEvery = Settings.DIGEST_EVERY.defaultOrNull();
        private Duration divergenceCheckInterval = Settings.DIVERGENCE_CHECK_INTERVAL.defaultOrNull();
        private Duration lagLimit = Settings.LAG_LIMIT.defaultOrNull();
        private Integer httpPort = Settings.HTTP_PORT.defaultOrNull();
        private String httpHost;
        private boolean join = Settings.JOIN.defaultOrNull();
        private boolean leaseReads = Settings.READ_LEASE.defaultOrNull();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Tls tls;

        private Builder() {}

        /** This replica's id; must be one of the {@link #peers}. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * All replicas of the group, this one included, as {@code id=host:port}, comma separated or one per argument.
         * This replica listens on its own entry's port. The list is the group's first membership: once this
         * replica's storage holds a log, the membership recorded there (after any additions and removals) is used
         * instead of the rest of this list.
         */
        public Builder peers(String... peers) {
            this.peers.addAll(List.of(peers));
            return this;
        }

        public Builder peers(List<String> peers) {
            this.peers.addAll(peers);
            return this;
        }

        /** The group's name (default {@code ratis-sm}); clients must use the same one. */
        public Builder group(String name) {
            this.groupName = name;
            return this;
        }

        /** The directory of this replica's log and snapshots. Each replica needs its own. */
        public Builder storage(Path dir) {
            this.storage = dir;
            return this;
        }

        /**
         * Creates the state machine. Called once at start and again for every snapshot that is loaded (each
         * snapshot is read into a fresh instance).
         */
        public Builder stateMachine(Supplier<? extends StateMachine> factory) {
            this.stateMachine = factory;
            return this;
        }

        /** ACTIVE (default) or PASSIVE; the same for every replica of the group. */
        public Builder replication(Replication replication) {
            this.replication = replication;
            return this;
        }

        /** Take a snapshot after this many log entries since the last one (default 10,000). */
        public Builder snapshotEvery(long entries) {
            this.snapshotEvery = entries;
            return this;
        }

        /** The largest command accepted, in bytes (default 1 MiB); larger ones get {@link CommandTooLarge}. */
        public Builder maxCommandBytes(int bytes) {
            this.maxCommandBytes = bytes;
            return this;
        }

        /**
         * The minimum election timeout (default 1 s; the maximum is twice it). Lower values fail over faster but
         * cause needless elections on a loaded machine or during GC pauses.
         */
        public Builder electionTimeout(Duration min) {
            this.electionTimeout = min;
            return this;
        }

        /**
         * Answers linearizable reads from the leader's lease (default false: every read batch costs the leader a
         * heartbeat round to a majority, Ratis's ReadIndex). Reads get faster; their safety then rests on clocks
         * as well as messages. Set it alike on every replica of the group; clients need no change.
         *
         * <p>The lease: a leader may answer reads for 0.9 times its own minimum {@link #electionTimeout} after it
         * <em>sent</em> the last heartbeat that a majority acknowledged, measured on its monotonic clock
         * ({@code System.nanoTime}). It relies on followers: one that has heard from the leader refuses to help
         * elect another until its own minimum election timeout has passed on its own monotonic clock. Hence:
         * <ul>
         *   <li>The bound. A stale read is impossible while, over any lease period, the leader's clock advances
         *       at least {@code 0.9 * T_leader / T_follower} times as much as each follower's, where {@code T} is
         *       the minimum election timeout configured on each. With equal timeouts: no follower's clock may run
         *       more than 11% faster than the leader's (no leader's clock more than 10% slower than a
         *       follower's). A slow follower or a fast leader is safe: the lease just ends earlier. A follower
         *       configured with a shorter election timeout than the leader's narrows the margin, one with a
         *       timeout below 0.9 of the leader's breaks it even with perfect clocks.</li>
         *   <li>Wall-clock steps (NTP, {@code date}) do not matter: only the monotonic clock is used. A monotonic
         *       clock that jumps forward on a follower counts as running fast.</li>
         *   <li>A restarted replica has forgotten the leader and may vote at once. A replica that restarts in
         *       less than the lease (0.9 s with the default 1 s timeout) can let a new leader be elected while
         *       the old lease holds; a JVM restart normally takes longer.</li>
         *   <li>Pauses (GC, a stopped VM) of the leader or of followers are safe: real time passes for every
         *       clock alike.</li>
         * </ul>
         */
        public Builder leaseReads(boolean leaseReads) {
            this.leaseReads = leaseReads;
            return this;
        }

        /**
         * How long the group keeps a client session after its last command (default 10 minutes, at least
         * {@link #MIN_SESSION_IDLE_TIMEOUT}). A session holds the replies its client has not acknowledged, which is
         * what makes retries exactly-once. The group never applies a command of a session it has forgotten: the
         * client gets {@link SessionExpiredException} (outcome unknown) if that command may have been sent before,
         * and otherwise opens a new session by itself. So keep this well above the clients' timeout.
         *
         * <p>Idle time is <em>session time</em>, which the log carries and every replica counts alike: the sum of the
         * leaders' monotonic clock intervals between consecutive log entries, each counted up to one second. No wall
         * clock takes part, so a replica whose clock is set wrong, or jumps, cannot expire sessions early; a period
         * without entries counts one second, so sessions of an idle group live longer, never shorter. A leader
         * whose clock runs k times too fast shortens idle time by k while it leads. The leader writes its own
         * setting into every entry, so replicas configured differently still evict alike.
         */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = timeout;
            return this;
        }

        /**
         * The most client sessions the group keeps (default 100,000). Past it, the least recently active session is
         * forgotten (counted in the metric {@code ratissm.sessions.evicted}); its client gets
         * {@link SessionExpiredException} for a command in flight. A session costs about 140 bytes of heap on
         * every replica and 20 bytes in a snapshot, plus, for each reply its client has not acknowledged yet, the
         * reply's size and about 120 bytes of heap (10 in a snapshot): 100,000 idle sessions hold about 14 MB
         * (measured on OpenJDK 17 with compressed pointers).
         */
        public Builder maxSessions(int sessions) {
            this.maxSessions = sessions;
            return this;
        }

        /** Size of a log segment file (default 8 MiB); the log is purged a whole closed segment at a time. */
        public Builder logSegmentBytes(long bytes) {
            this.logSegmentBytes = bytes;
            return this;
        }

        /**
         * Record a digest of the state every this many log entries, for replicas to compare and detect divergence
         * (default 10,000; 0 turns detection off). Without a state machine's own {@link StateMachine#digest()},
         * each digest hashes a snapshot of the state.
         */
        public Builder digestEvery(long entries) {
            this.digestEvery = entries;
            return this;
        }

        /** How often a replica compares its newest digest with the other replicas' (default 5 s). */
        public Builder divergenceCheckInterval(Duration interval) {
            this.divergenceCheckInterval = interval;
            return this;
        }

        /**
         * How long this replica may stay behind its group before it is {@linkplain ReplicaServer#health()
         * unhealthy} (default 30 s, at least 1 s): behind when a commit index it knows of (its own, or the leader's as
         * the leader last told it) stays above its applied index, or when it follows a leader whose entries do not
         * reach its log. What counts is how long the oldest known commit has waited to be applied, not how many
         * entries wait, so a replica under heavy load that keeps applying never trips it; the default leaves room for
         * long pauses (garbage collection, a large snapshot written on the apply thread) on a loaded 2-core machine.
         * The metrics {@code ratissm.lag} (entries) and {@code ratissm.lag.seconds} show the lag itself.
         */
        public Builder lagLimit(Duration limit) {
            this.lagLimit = limit;
            return this;
        }

        /**
         * Switches on mutual TLS for every connection of this replica: from clients, from and to the other
         * replicas (default: plaintext). Every replica of the group needs it, with certificates its peers trust.
         */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Serve {@code GET /metrics} (Prometheus text), {@code /health} (200, or 503 with the reason) and
         * {@code /status} (JSON) on this port; 0 picks a free port ({@link ReplicaServer#httpPort()} tells which).
         * Default: no HTTP server.
         */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /**
         * The interface the HTTP server listens on (default: the host of this replica's own address in
         * {@link #peers}, so it is reachable where the replica is and nowhere else; {@code 0.0.0.0} listens on
         * every interface). Only used with {@link #httpPort}.
         */
        public Builder httpHost(String host) {
            this.httpHost = host;
            return this;
        }

        /**
         * Starts this replica as a new member of a group that is already running (default false). It starts as a
         * listener of the group, with no vote, so it neither campaigns nor votes, and waits until an admin adds it
         * ({@link GroupAdmin#addReplica}); the leader then sends it the state. Its {@link #peers} need only contain
         * itself. After it has joined, its storage records the membership and a restart ignores this flag. This is
         * also how a replica whose storage was lost or damaged comes back, once it has been removed from the group
         * ({@link StorageRecoveryException}).
         */
        public Builder join(boolean join) {
            this.join = join;
            return this;
        }

        /**
         * Sets a raw Apache Ratis property ({@code raft.server.*}, {@code raft.grpc.*}) after ratis-sm's own
         * settings. For experts: ratis-sm's defaults are chosen for correctness and speed on small machines.
         */
        public Builder property(String key, String value) {
            this.properties.put(key, value);
            return this;
        }

        /**
         * Validates the settings and creates the server, not started: nothing is created on disk, no port is opened,
         * no thread started; {@link ReplicaServer#start()} does that.
         *
         * @throws IllegalArgumentException naming the setting that is missing or wrong
         */
        public ReplicaServer build() {
            require(id != null && !id.isBlank(), "id is required");
            require(!peers.isEmpty(), "peers are required (id=host:port for every replica)");
            GroupSpec group = GroupSpec.parse(groupName, peers);
            require(
                    group.contains(id),
                    "id '" + id + "' is not one of the peers "
                            + group.addresses().keySet());
            require(storage != null, "storage (a directory) is required");
            require(stateMachine != null, "stateMachine (a factory) is required");
            Settings.REPLICATION.check(replication);
            Settings.SNAPSHOT_EVERY.check(snapshotEvery);
            Settings.MAX_COMMAND_BYTES.check(maxCommandBytes);
            Settings.ELECTION_TIMEOUT.check(electionTimeout);
            Settings.SESSION_IDLE_TIMEOUT.check(sessionIdleTimeout);
            Settings.SESSION_LIMIT.check(maxSessions);
            Settings.LOG_SEGMENT_BYTES.check(logSegmentBytes);
            Settings.DIGEST_EVERY.check(digestEvery);
            Settings.DIVERGENCE_CHECK_INTERVAL.check(divergenceCheckInterval);
            Settings.LAG_LIMIT.check(lagLimit);
            if (httpPort != null) {
                Settings.HTTP_PORT.check(httpPort);
            }
            require(httpHost == null || !httpHost.isBlank(), "httpHost must not be blank");
            ServerSettings settings = new ServerSettings(
                    id,
                    group,
                    storage,
                    replication,
                    snapshotEvery,
                    maxCommandBytes,
                    electionTimeout,
                    logSegmentBytes,
                    digestEvery,
                    sessionIdleTimeout,
                    maxSessions,
                    Map.copyOf(properties),
                    tls == null ? null : tls.credentials(),
                    leaseReads);
            InetSocketAddress http = httpPort == null
                    ? null
                    : new InetSocketAddress(
                            httpHost != null
                                    ? httpHost
                                    : settings.group()
                                            .address(id)
                                            .substring(
                                                    0,
                                                    settings.group().address(id).lastIndexOf(':')),
                            httpPort);
            return new ReplicaServer(
                    new ReplicaRuntime.Plan(settings, stateMachine, join, divergenceCheckInterval, lagLimit, http));
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
