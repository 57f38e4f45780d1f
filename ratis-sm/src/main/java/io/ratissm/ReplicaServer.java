package io.ratissm;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.config.Settings;
import io.ratissm.internal.http.OperationsServer;
import io.ratissm.internal.metrics.PrometheusText;
import io.ratissm.internal.metrics.RatisRegistries;
import io.ratissm.internal.metrics.ServerMetrics;
import io.ratissm.internal.server.LagWatch;
import io.ratissm.internal.server.RaftShutdown;
import io.ratissm.internal.server.RaftStateMachine;
import io.ratissm.internal.server.RejoinGuard;
import io.ratissm.internal.server.ServerSettings;
import io.ratissm.internal.server.StorageWatch;
import io.ratissm.internal.server.UnreadableLog;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Operations: {@link #metrics()} is the replica's Dropwizard registry (ratis-sm's metrics and this replica's
 * Ratis metrics; the names are listed in the README, section "Metrics"), published over JMX in the domain
 * {@code ratissm.<id>} while the replica runs. With {@link Builder#httpPort} set, the replica also serves
 * {@code GET /metrics} (Prometheus text), {@code GET /health} and {@code GET /status} (JSON).
 *
 * <p>All replicas of a group must be built with the same peers, group name, replication mode and state
 * machine. Thread-safe. {@link #close()} stops the replica; its storage stays for a restart.
 *
 * <p>Membership: a replica added to a running group is started with {@link Builder#join(boolean) join(true)} and
 * then added with {@link GroupAdmin#addReplica}. A replica removed with {@link GroupAdmin#removeReplica} stops
 * by itself ({@link #awaitStopped()} returns). Once a replica has storage, the membership recorded in its log wins
 * over the peers it was built with, so a restart after membership changes needs no new peers list.
 * A replica that is built must be closed, started or not: it holds its metrics subscription until then.
 */
public final class ReplicaServer implements AutoCloseable {
    /**
     * The shortest {@linkplain Builder#sessionIdleTimeout session idle timeout}: twice a client's default timeout, so
     * that a client's retries never outlive its session.
     */
    public static final Duration MIN_SESSION_IDLE_TIMEOUT = Settings.SESSION_IDLE_TIMEOUT.minimum().orElseThrow();
    /** The default {@linkplain Builder#lagLimit lag limit}. */
    public static final Duration DEFAULT_LAG_LIMIT = Settings.LAG_LIMIT.defaultOrNull();
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaServer.class);
    /** How long a stop waits for Ratis's close before it leaves a stuck apply loop behind ({@link RaftShutdown}). */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    private final ServerSettings settings;
    /** The bridge the current Raft server runs; a new one with each Raft server ({@link #restartRaft()}). */
    private volatile RaftStateMachine stateMachine;
    private final Supplier<RaftStateMachine> stateMachines;
    private final RaftServerFactory raftServers;
    private final boolean join;
    /** Created by {@link #start()}, with the membership {@link RejoinGuard} chose; null before. */
    private volatile RaftServer server;
    /** Serialises the stops and restarts of the Raft server with each other and with {@link #close()}. */
    private final Object raftLock = new Object();
    /** {@link #close()} was called. */
    private volatile boolean closed;
    /** The Raft server is stopping or stopped: by {@link #close()}, a fail-stop, or a removal from the group. */
    private final AtomicBoolean raftStopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Set when the replica stopped without {@link #close()}: removed from the group, or closed by Ratis. */
    private volatile String stoppedBecause;

    private final Duration divergenceCheckInterval;
    private final LagWatch lag;
    private final StorageWatch storage;
    /** Reads the lag and looks at the storage every {@link #watchInterval}; from {@link #start()} on. */
    private volatile ScheduledExecutorService watch;
    private final Duration watchInterval;
    private final MetricRegistry metrics;
    private final RatisRegistries.Subscription ratisMetrics;
    private final JmxReporter jmx;
    private final InetSocketAddress httpAddress;
    private volatile OperationsServer http;

    /** Creates a Raft server of this replica, running {@code stateMachine}, for the group it starts in. */
    private interface RaftServerFactory {
        RaftServer create(RaftGroup group, RaftStateMachine stateMachine) throws IOException;
    }

    private ReplicaServer(ServerSettings settings, Supplier<RaftStateMachine> stateMachines,
                          RaftServerFactory raftServers, boolean join, Duration divergenceCheckInterval,
                          Duration lagLimit, MetricRegistry metrics, RatisRegistries.Subscription ratisMetrics,
                          InetSocketAddress httpAddress) {
        this.settings = settings;
        this.stateMachines = stateMachines;
        this.stateMachine = stateMachines.get();
        this.raftServers = raftServers;
        this.lag = new LagWatch(lagLimit);
        this.watchInterval = Duration.ofMillis(Math.min(1000, lagLimit.toMillis() / 4));
        this.storage = new StorageWatch(settings, new StorageWatch.RaftServerControl() {
            @Override
            public void stop() {
                stopRaft();
            }

            @Override
            public void start() throws IOException {
                restartRaft();
            }
        });
        this.join = join;
        this.divergenceCheckInterval = divergenceCheckInterval;
        this.metrics = metrics;
        this.ratisMetrics = ratisMetrics;
        this.httpAddress = httpAddress;
        this.jmx = JmxReporter.forRegistry(metrics).inDomain(jmxDomain(settings.id())).build();
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
     * group already runs without having heard from it, it starts with no membership of its own and takes part in
     * elections once the leader has sent it the configuration. See {@link StorageRecoveryException} for the way
     * back, and the operations guide for the cases the peers cannot tell apart.
     *
     * @throws StorageRecoveryException if its storage cannot give it back its place in the group: a corrupt
     *                                  snapshot, or a log it held and lost (the message names the file or the peer,
     *                                  and what to do)
     * @throws IOException              if the storage cannot be read, or a {@link BindException} if the port is in
     *                                  use
     */
    public ReplicaServer start() throws IOException {
        checkPortFree();
        try {
            storage.beforeStart();
            startRaft();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        jmx.start();
        if (httpAddress != null) {
            try {
                http = OperationsServer.start(id(), httpAddress, new Operations());
            } catch (IOException e) {
                close();
                throw e;
            }
        }
        watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ratis-sm-watch-" + id());
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(this::watchOnce, 0, watchInterval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("{}: started ({} replication, group {}, storage {})", id(), settings.replication(),
                settings.group().name(), settings.storage());
        return this;
    }

    /**
     * Creates and starts a Raft server running the current {@link #stateMachine}, with the membership
     * {@link RejoinGuard} chooses (a storage that holds a log keeps its own). On failure it is left stopped.
     */
    private void startRaft() throws IOException {
        // Under raftLock: a fail-stop while Ratis replays the log must wait for the start to finish before it stops
        // the server (Ratis cannot be closed while it is starting).
        synchronized (raftLock) {
            RaftServer s = raftServers.create(RejoinGuard.decide(settings, join) == RejoinGuard.Start.JOINING
                    ? settings.group().joiningRaftGroup() : settings.group().raftGroup(), stateMachine);
            // Published before it starts: a fail-stop while it replays its log must stop this server, not the last.
            server = s;
            raftStopping.set(false);
            try {
                s.start();
            } catch (CompletionException e) {
                stopRaft();
                UnreadableLog.throwIfFrom(settings, e.getCause());
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(id() + ": failed to start: " + e.getCause(), e.getCause());
            }
            storage.started(s.getDivision(settings.group().groupId()).getRaftStorage().getMetadataFile());
            stateMachine.startDivergenceChecks(divergenceCheckInterval.toMillis());
        }
    }

    /**
     * A new Raft server on the same storage, after the last one was stopped for a full disk: it recovers from the
     * latest snapshot and the log like a restarted replica, with a new state machine bridge (Ratis's cannot be
     * started twice). Nothing happens once the replica is closed, removed from the group, or its state machine
     * fail-stopped.
     */
    private void restartRaft() throws IOException {
        synchronized (raftLock) {
            if (closed || isStopped() || stateMachine.failure() != null) {
                return;
            }
            stateMachine = stateMachines.get();
            startRaft();
        }
    }

    /** One round of the watch thread: a reading of the lag, a look at the storage. Never throws. */
    private void watchOnce() {
        try {
            lag.record(position(), System.nanoTime());
            storage.check();
        } catch (RuntimeException e) {
            LOG.warn("{}: the health watch failed once: {}", id(), e.toString(), e);
        }
    }

    /** Ratis failed to write the log: the watch stops the Raft server at once, on its own thread. */
    private void logFailed(Throwable cause) {
        storage.logFailed(cause);
        ScheduledExecutorService w = watch;
        if (w != null) {
            try {
                w.execute(storage::check);
            } catch (RejectedExecutionException closing) {
                // the replica is closing: nothing to keep running
            }
        }
    }

    /** Where this replica stands, for the lag: its indexes, the leader it follows, and what the leader told it. */
    private LagWatch.Position position() {
        Optional<RaftServer.Division> d = division();
        if (stopping() || d.isEmpty()) {
            return LagWatch.Position.NONE;
        }
        try {
            RaftServer.Division division = d.get();
            DivisionInfo info = division.getInfo();
            RaftPeerId leader = info.getLeaderId();
            String follows = leader == null || info.isLeader() ? null : leader.toString();
            long leaderCommit = follows == null ? -1 : division.getCommitInfos().stream()
                    .filter(c -> c.getServer().getId().toStringUtf8().equals(follows))
                    .mapToLong(CommitInfoProto::getCommitIndex).max().orElse(-1);
            TermIndex last = division.getRaftLog().getLastEntryTermIndex();
            SnapshotInfo snapshot = division.getStateMachine().getLatestSnapshot();
            if (snapshot != null && (last == null || snapshot.getIndex() > last.getIndex())) {
                // After a snapshot from the leader the log continues from the snapshot, and may hold nothing past it.
                last = snapshot.getTermIndex();
            }
            return new LagWatch.Position(info.getLastAppliedIndex(), division.getRaftLog().getLastCommittedIndex(),
                    follows, leaderCommit, info.getCurrentTerm(), last == null ? -1 : last.getTerm(),
                    last == null ? -1 : last.getIndex());
        } catch (IllegalStateException closedLog) {
            return LagWatch.Position.NONE;
        }
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
        return Optional.ofNullable(stoppedBecause);
    }

    /** Whether {@link #awaitStopped()} would return at once. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /**
     * Ratis ends the whole JVM (System.exit(1)) when its gRPC server cannot bind, so a port in use is checked here
     * first, to fail this call instead. A program that takes the port in between still meets Ratis's exit.
     */
    private void checkPortFree() throws IOException {
        String address = address();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (BindException e) {
            BindException inUse = new BindException(id() + ": port " + port + " is in use");
            inUse.initCause(e);
            close();
            throw inUse;
        }
    }

    /** This replica's id. */
    public String id() {
        return settings.id();
    }

    public Replication replication() {
        return settings.replication();
    }

    /** The address clients and peers reach this replica at ({@code host:port}). */
    public String address() {
        return settings.group().address(id());
    }

    /**
     * Whether this replica is currently the serving leader of its group: elected and ready (it has applied the first
     * entry of its term; before that Ratis answers clients "not ready"). False as soon as it is stopping or its state
     * machine has fail-stopped, even while Ratis still reports its last role; {@link #status()} gives the raw role.
     */
    public boolean isLeader() {
        return !stopping() && stateMachine.failure() == null && info().map(DivisionInfo::isLeaderReady).orElse(false);
    }

    /** Closed, fail-stopped or removed: Ratis may still report its last role for a moment, but this serves nothing. */
    private boolean stopping() {
        RaftServer s = server;
        return closed || raftStopping.get() || (s != null && s.getLifeCycleState().isClosingOrClosed());
    }

    /** The id of the leader this replica knows of, if any. */
    public Optional<String> leaderId() {
        return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
    }

    /** The Raft term this replica is in. */
    public long term() {
        return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
    }

    /**
     * The ids of the group's current members as this replica knows them (from its log, so it follows membership
     * changes); empty while a {@linkplain Builder#join joining} replica has not been added yet.
     */
    public List<String> members() {
        return division().map(d -> d.getRaftConf().getCurrentPeers().stream().map(p -> p.getId().toString())
                .sorted().toList()).orElse(List.of());
    }

    /** The index of the last log entry applied to the state machine. */
    public long appliedIndex() {
        return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
    }

    /** The index of the last entry in this replica's log (applied or not). */
    public long lastLogIndex() {
        return fromLog(d -> {
            TermIndex last = d.getRaftLog().getLastEntryTermIndex();
            return last == null ? -1L : last.getIndex();
        });
    }

    /** The index of the first entry still in this replica's log (entries before it were purged behind a snapshot). */
    public long firstLogIndex() {
        return fromLog(d -> d.getRaftLog().getStartIndex());
    }

    /** The log index covered by this replica's latest snapshot, or -1 if it has none. */
    public long latestSnapshotIndex() {
        return division().map(d -> d.getStateMachine().getLatestSnapshot())
                .map(s -> s.getIndex()).orElse(-1L);
    }

    /** Counters of this replica's replication since it started. */
    public ReplicaStats stats() {
        return new ReplicaStats(appliedIndex(), stateMachine.executions(), stateMachine.speculativePending(),
                stateMachine.rollbacks(), stateMachine.digestComparisons(), stateMachine.divergences());
    }

    /**
     * This replica's metrics: ratis-sm's own ({@code ratissm.*}: apply and query latency, commands, batch sizes,
     * snapshots, replication mode, speculation, divergences, health) and this replica's Apache Ratis metrics
     * ({@code ratis.*}, {@code ratis_grpc.*}, named by Ratis with this replica's member id). The README section
     * "Metrics" lists and explains every name. Ratis's metrics of a division come and go with it (a leader's
     * log appender metrics exist while it leads); a restarted replica is a new object with a new registry.
     */
    public MetricRegistry metrics() {
        return metrics;
    }

    /** The port of the {@code /metrics}, {@code /health} and {@code /status} endpoints, once started with one. */
    public OptionalInt httpPort() {
        OperationsServer h = http;
        return h == null ? OptionalInt.empty() : OptionalInt.of(h.port());
    }

    /** Where this replica stands in its group now (also served as JSON at {@code GET /status}). */
    public ReplicaStatus status() {
        Health health = health();
        Role role = stopping() ? Role.STOPPED : info().map(i -> switch (i.getCurrentRole()) {
            case LEADER -> Role.LEADER;
            case FOLLOWER -> Role.FOLLOWER;
            case CANDIDATE -> Role.CANDIDATE;
            case LISTENER -> Role.LISTENER;
            default -> Role.UNKNOWN;
        }).orElse(Role.STOPPED);
        long commit = fromLog(d -> d.getRaftLog().getLastCommittedIndex());
        return new ReplicaStatus(id(), role, term(), leaderId(), commit, appliedIndex(), lastLogIndex(),
                latestSnapshotIndex(), replication(), health);
    }

    /**
     * Whether this replica is serving and keeps up with its group; if not, why, with the numbers: its state machine
     * fail-stopped or diverged, it is stopped, its disk is full (its Raft server then waits for space and restarts by
     * itself), or it has stayed behind the commit index it knows of, or behind its leader, for longer than its
     * {@linkplain Builder#lagLimit lag limit}. OPERATIONS.md, "When a replica is unhealthy", lists every reason and
     * what to do.
     */
    public Health health() {
        String failure = stateMachine.failure();
        if (failure != null) {
            return Health.unhealthy(failure);
        }
        String because = stoppedBecause;
        if (because != null) {
            return Health.unhealthy("the replica stopped: " + because);
        }
        if (closed) {
            return Health.unhealthy("the replica is stopped");
        }
        String storageProblem = storage.problem();
        if (storageProblem != null) {
            return Health.unhealthy(storageProblem);
        }
        RaftServer s = server;
        if (s == null) {
            return Health.unhealthy("the replica is not started");
        }
        LifeCycle.State state = s.getLifeCycleState();
        if (state != LifeCycle.State.RUNNING) {
            return Health.unhealthy("the replica is " + state);
        }
        String lagging = lag.problem();
        return lagging == null ? Health.OK : Health.unhealthy(lagging);
    }

    /**
     * Takes a snapshot of the applied state now and purges the log behind it.
     *
     * @return the log index the snapshot covers
     * @throws IOException if the snapshot could not be written
     */
    public long takeSnapshot() throws IOException {
        RaftServer s = server;
        if (s == null) {
            throw new IOException(id() + ": not started");
        }
        RaftClientReply reply = s.snapshotManagement(SnapshotManagementRequest.newCreate(ClientId.randomId(),
                RaftPeerId.valueOf(id()), settings.group().groupId(), 0, 60_000, 0));
        if (!reply.isSuccess()) {
            throw new IOException(id() + ": snapshot failed", reply.getException());
        }
        return reply.getLogIndex();
    }

    /**
     * Stops the replica. Its storage is kept; a new server on the same storage recovers the state. Returns within
     * about 10 s even when the apply loop is stuck (a state machine whose apply never returns): Ratis's own stop would
     * wait for it forever, so past that time the replica's network server is closed and the rest of Ratis's stop is
     * left to its threads, with an error logged.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ScheduledExecutorService w = watch;
        if (w != null) {
            w.shutdown(); // a stop or restart under way finishes; stopRaft below waits for it
        }
        OperationsServer h = http;
        if (h != null) {
            h.close();
        }
        try {
            stopRaft();
        } finally {
            stopped.countDown();
            jmx.stop();
            ratisMetrics.close();
        }
        LOG.info("{}: stopped", id());
    }

    /** A JMX domain may not contain {@code : = , * ?} or quotes; replica ids rarely do. */
    private static String jmxDomain(String id) {
        return "ratissm." + id.replaceAll("[^A-Za-z0-9_.@-]", "_");
    }

    /** What the HTTP endpoints show, read on the HTTP server's threads. */
    private final class Operations implements OperationsServer.Replica {
        private final PrometheusText exposition;

        Operations() {
            String memberId = RaftGroupMemberId.valueOf(RaftPeerId.valueOf(id()), settings.group().groupId())
                    .toString();
            // Ratis names its metrics with the member id; dropping it gives every replica the same family names.
            exposition = new PrometheusText(Map.of("replica", id()), Set.of(memberId, id()));
        }

        @Override
        public Health health() {
            return ReplicaServer.this.health();
        }

        @Override
        public ReplicaStatus status() {
            return ReplicaServer.this.status();
        }

        @Override
        public String prometheusText() {
            return exposition.render(metrics);
        }
    }

    /**
     * Stops the Raft server once, whoever asks first; the HTTP endpoints and metrics stay until {@link #close()}.
     * Whether the replica then counts as stopped ({@link #awaitStopped()}) is the caller's to say.
     */
    private void stopRaft() {
        synchronized (raftLock) {
            RaftServer s = server;
            if (s == null || !raftStopping.compareAndSet(false, true)) {
                return;
            }
            RaftShutdown.closeWithin(id(), s, STOP_LIMIT, () -> "applied index " + appliedIndex() + ", commit index "
                    + fromLog(d -> d.getRaftLog().getLastCommittedIndex()));
            storage.stopped();
        }
    }

    /**
     * Ratis closed this replica's group member without {@link #close()}: the group's new configuration left it out
     * (a removed leader stops itself, a removed follower is told to by {@link GroupAdmin#removeReplica}). The RPC
     * server would otherwise stay up with nothing to serve, so the whole replica stops, from another thread
     * because this runs inside Ratis's shutdown.
     */
    private void leftGroup() {
        if (raftStopping.get() || storage.handlingFailure()) {
            // Ratis closes the member on every stop: this one was a close or a fail-stop, not a removal; or it closed
            // it after a failed write of the log, which the storage watch handles
            return;
        }
        if (stateMachine.removedFromGroup()) {
            stoppedBecause = "removed from group " + settings.group().name();
            LOG.info("{}: no longer a member of group {}; stopping", id(), settings.group().name());
        } else {
            stoppedBecause = "Ratis closed this replica although the group still counts it as a member (most often "
                    + "after a JVM or host pause longer than raft.server.close.threshold, 60 s by default, which Ratis "
                    + "logs); restart it";
            LOG.error("{}: {}; stopping", id(), stoppedBecause);
        }
        Thread t = new Thread(() -> {
            stopRaft();
            stopped.countDown();
            LOG.info("{}: stopped", id());
        }, "ratis-sm-left-group-" + id());
        t.setDaemon(true);
        t.start();
    }

    private void failStop() {
        // Leave the group so that a healthy majority keeps serving, but keep this object (and its HTTP endpoints)
        // to report the failure: it does not count as stopped, so a process waiting in awaitStopped stays up to say
        // why, and a supervisor does not restart it into replaying the same entry.
        // Replaying the log at start can fail-stop too: Ratis cannot be closed while it is still starting, and
        // stopRaft waits for startRaft (both hold raftLock).
        Thread t = new Thread(this::stopRaft, "ratis-sm-failstop-" + id());
        t.setDaemon(true);
        t.start();
    }

    private Optional<RaftServer.Division> division() {
        try {
            RaftServer s = server;
            return s == null ? Optional.empty() : Optional.of(s.getDivision(settings.group().groupId()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Reads the division's log, or -1 if there is none or it is closed (a stopped or fail-stopped replica). */
    private long fromLog(ToLongFunction<RaftServer.Division> read) {
        return division().map(d -> {
            try {
                return read.applyAsLong(d);
            } catch (IllegalStateException closedLog) {
                return -1L;
            }
        }).orElse(-1L);
    }

    private Optional<DivisionInfo> info() {
        return division().map(RaftServer.Division::getInfo);
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

        private Builder() {
        }

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
         * Starts this replica as a new member of a group that is already running (default false). It starts with
         * no membership, so it neither campaigns nor votes, and waits until an admin adds it
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
         * Validates the settings and creates the server (not yet started).
         *
         * @throws IllegalArgumentException naming the setting that is missing or wrong
         * @throws IOException if the storage directory cannot be created
         */
        public ReplicaServer build() throws IOException {
            require(id != null && !id.isBlank(), "id is required");
            require(!peers.isEmpty(), "peers are required (id=host:port for every replica)");
            GroupSpec group = GroupSpec.parse(groupName, peers);
            require(group.contains(id), "id '" + id + "' is not one of the peers " + group.addresses().keySet());
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
            Files.createDirectories(storage);
            ServerSettings settings = new ServerSettings(id, group, storage, replication, snapshotEvery,
                    maxCommandBytes, electionTimeout, logSegmentBytes, digestEvery, sessionIdleTimeout, maxSessions,
                    Map.copyOf(properties), tls == null ? null : tls.credentials(), leaseReads);
            InetSocketAddress http = httpPort == null ? null : new InetSocketAddress(httpHost != null ? httpHost
                    : settings.group().address(id).substring(0, settings.group().address(id).lastIndexOf(':')),
                    httpPort);

            // Before Ratis creates its first metric registry (see RatisRegistries for why).
            RatisRegistries.install();
            MetricRegistry registry = new MetricRegistry();
            ServerMetrics serverMetrics = new ServerMetrics(registry);
            String memberId = RaftGroupMemberId.valueOf(RaftPeerId.valueOf(id), group.groupId()).toString();
            RatisRegistries.Subscription ratisMetrics = RatisRegistries.subscribe(
                    RatisRegistries.ofMember(id, memberId), registry);
            ReplicaServer[] self = new ReplicaServer[1];
            Supplier<RaftStateMachine> bridges = () -> new RaftStateMachine(settings, stateMachine, serverMetrics,
                    () -> self[0].failStop(), () -> self[0].leftGroup(), e -> self[0].logFailed(e));
            RaftServerFactory raft = (startGroup, sm) -> RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(id))
                    .setGroup(startGroup)
                    .setStateMachine(sm)
                    .setProperties(settings.raftProperties())
                    .setParameters(settings.raftParameters())
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
            try {
                self[0] = new ReplicaServer(settings, bridges, raft, join, divergenceCheckInterval, lagLimit,
                        registry, ratisMetrics, http);
            } catch (RuntimeException e) {
                ratisMetrics.close();
                throw e;
            }
            serverMetrics.readFrom(self[0]);
            serverMetrics.readLag(self[0].lag::entries, self[0].lag::seconds, self[0].storage::freeBytes);
            return self[0];
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

}
