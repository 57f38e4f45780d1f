package io.ratissm.internal.server;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.ratissm.Health;
import io.ratissm.LogStats;
import io.ratissm.ReplicaServer;
import io.ratissm.ReplicaStats;
import io.ratissm.ReplicaStatus;
import io.ratissm.Replication;
import io.ratissm.Role;
import io.ratissm.StateMachine;
import io.ratissm.internal.Roles;
import io.ratissm.internal.http.OperationsServer;
import io.ratissm.internal.metrics.PrometheusText;
import io.ratissm.internal.metrics.RatisRegistries;
import io.ratissm.internal.metrics.ServerMetrics;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
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
 * A started replica: its Raft server (stopped and restarted around a full disk), the state machine bridge, the
 * watch thread that reads the lag and looks at the storage, its metrics (Ratis's, mirrored into its registry, and
 * JMX) and its HTTP endpoints. {@link ReplicaServer} creates one in {@code start()}, which is where every resource
 * is taken, and gives them all back in {@link #close()}; {@link ReplicaServer} holds the public contract of each
 * method here. Thread-safe.
 */
public final class ReplicaRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRuntime.class);
    /** How long a stop waits for Ratis's close before it leaves a stuck apply loop behind ({@link RaftShutdown}). */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    /**
     * What a replica is built with, checked, and nothing allocated yet. {@code httpAddress} is null without HTTP
     * endpoints.
     */
    public record Plan(
            ServerSettings settings,
            Supplier<? extends StateMachine> stateMachine,
            boolean join,
            Duration divergenceCheckInterval,
            Duration lagLimit,
            InetSocketAddress httpAddress) {}

    private final ServerSettings settings;
    /** The bridge the current Raft server runs; a new one with each Raft server ({@link #restartRaft()}). */
    private volatile RaftStateMachine stateMachine;

    private final Supplier<RaftStateMachine> stateMachines;
    private final boolean join;
    /** Created by {@link #start()}, with the membership {@link RejoinGuard} chose; null before. */
    private volatile RaftServer server;
    /** Serialises the stops and restarts of the Raft server with each other and with {@link #close()}. */
    private final Object raftLock = new Object();
    /** {@link #close()} was called. */
    private volatile boolean closed;
    /** The Raft server is stopping or stopped: by {@link #close()}, a full disk, or a removal from the group. */
    private final AtomicBoolean raftStopping = new AtomicBoolean();
    /** The replica's, counted down when it stops ({@link ReplicaServer#awaitStopped()}). */
    private final CountDownLatch stopped;
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

    /**
     * Subscribes {@code metrics} to this replica's Ratis metrics and registers ratis-sm's own, read from
     * {@code replica}; takes no other resource until {@link #start()}. Call {@link #close()} once created.
     *
     * @param stopped counted down once the replica has stopped
     */
    public ReplicaRuntime(Plan plan, ReplicaServer replica, MetricRegistry metrics, CountDownLatch stopped) {
        this.settings = plan.settings();
        this.join = plan.join();
        this.divergenceCheckInterval = plan.divergenceCheckInterval();
        this.httpAddress = plan.httpAddress();
        this.metrics = metrics;
        this.stopped = stopped;
        this.lag = new LagWatch(plan.lagLimit());
        this.watchInterval = Duration.ofMillis(Math.min(1000, plan.lagLimit().toMillis() / 4));
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
        this.jmx = JmxReporter.forRegistry(metrics)
                .inDomain(jmxDomain(settings.id()))
                .build();
        // Before Ratis creates its first metric registry (see RatisRegistries for why).
        RatisRegistries.install();
        ServerMetrics serverMetrics = new ServerMetrics(metrics);
        String memberId = RaftGroupMemberId.valueOf(
                        RaftPeerId.valueOf(settings.id()), settings.group().groupId())
                .toString();
        this.ratisMetrics = RatisRegistries.subscribe(RatisRegistries.ofMember(settings.id(), memberId), metrics);
        this.stateMachines = () ->
                new RaftStateMachine(settings, plan.stateMachine(), serverMetrics, this::leftGroup, this::logFailed);
        try {
            this.stateMachine = stateMachines.get();
        } catch (RuntimeException e) {
            ratisMetrics.close();
            throw e;
        }
        serverMetrics.readFrom(replica);
        serverMetrics.readLag(lag::entries, lag::seconds, storage::freeBytes);
    }

    /** See {@link ReplicaServer#start()}; on failure everything is given back, as by {@link #close()}. */
    public void start() throws IOException {
        checkPortFree();
        try {
            Files.createDirectories(settings.storage());
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
        LOG.info(
                "{}: started ({} replication, group {}, storage {})",
                id(),
                settings.replication(),
                settings.group().name(),
                settings.storage());
    }

    /** Creates a Raft server of this replica, running {@code stateMachine}, for the group it starts in. */
    private RaftServer newRaftServer(RaftGroup group, RaftStateMachine stateMachine) throws IOException {
        return RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id()))
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(settings.raftProperties())
                .setParameters(settings.raftParameters())
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /**
     * Creates and starts a Raft server running the current {@link #stateMachine}, with the membership
     * {@link RejoinGuard} chooses (a storage that holds a log keeps its own). On failure it is left stopped.
     */
    private void startRaft() throws IOException {
        // Under raftLock: a stop while Ratis replays the log must wait for the start to finish before it stops the
        // server (Ratis cannot be closed while it is starting).
        synchronized (raftLock) {
            RaftServer s = newRaftServer(
                    RejoinGuard.decide(settings, join) == RejoinGuard.Start.JOINING
                            ? settings.group().joiningRaftGroup(id())
                            : settings.group().raftGroup(),
                    stateMachine);
            // Published before it starts: a stop while it replays its log must stop this server, not the last.
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
            RaftServer.Division division = s.getDivision(settings.group().groupId());
            storage.started(division.getRaftStorage().getMetadataFile());
            stateMachine.started(division);
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
            long leaderCommit = follows == null
                    ? -1
                    : division.getCommitInfos().stream()
                            .filter(c -> c.getServer().getId().toStringUtf8().equals(follows))
                            .mapToLong(CommitInfoProto::getCommitIndex)
                            .max()
                            .orElse(-1);
            TermIndex last = division.getRaftLog().getLastEntryTermIndex();
            SnapshotInfo snapshot = division.getStateMachine().getLatestSnapshot();
            if (snapshot != null && (last == null || snapshot.getIndex() > last.getIndex())) {
                // After a snapshot from the leader the log continues from the snapshot, and may hold nothing past it.
                last = snapshot.getTermIndex();
            }
            return new LagWatch.Position(
                    info.getLastAppliedIndex(),
                    division.getRaftLog().getLastCommittedIndex(),
                    follows,
                    leaderCommit,
                    info.getCurrentTerm(),
                    last == null ? -1 : last.getTerm(),
                    last == null ? -1 : last.getIndex());
        } catch (IllegalStateException closedLog) {
            return LagWatch.Position.NONE;
        }
    }

    /** Why this replica stopped by itself, if it did ({@link ReplicaServer#stoppedBecause()}). */
    public Optional<String> stoppedBecause() {
        return Optional.ofNullable(stoppedBecause);
    }

    private boolean isStopped() {
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

    private String id() {
        return settings.id();
    }

    private String address() {
        return settings.group().address(id());
    }

    private Replication replication() {
        return settings.replication();
    }

    /** As {@link ReplicaServer#isLeader()}. */
    public boolean isLeader() {
        return !stopping()
                && stateMachine.failure() == null
                && info().map(DivisionInfo::isLeaderReady).orElse(false);
    }

    /** Closed, stopped or removed: Ratis may still report its last role for a moment, but this serves nothing. */
    private boolean stopping() {
        RaftServer s = server;
        return closed
                || raftStopping.get()
                || (s != null && s.getLifeCycleState().isClosingOrClosed());
    }

    /** As {@link ReplicaServer#leaderId()}. */
    public Optional<String> leaderId() {
        return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
    }

    /** As {@link ReplicaServer#term()}. */
    public long term() {
        return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
    }

    /** As {@link ReplicaServer#members()}. */
    public List<String> members() {
        return division()
                .map(d -> d.getRaftConf().getCurrentPeers().stream()
                        .map(p -> p.getId().toString())
                        .sorted()
                        .toList())
                .orElse(List.of());
    }

    /** As {@link ReplicaServer#appliedIndex()}. */
    public long appliedIndex() {
        RaftStateMachine sm = stateMachine;
        if (sm.failure() != null) {
            // Ratis counts the entries it handed over as applied; a fail-stopped state machine applied none of them.
            return sm.getLastAppliedTermIndex().getIndex();
        }
        return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
    }

    /** As {@link ReplicaServer#lastLogIndex()}. */
    public long lastLogIndex() {
        return fromLog(d -> {
            TermIndex last = d.getRaftLog().getLastEntryTermIndex();
            return last == null ? -1L : last.getIndex();
        });
    }

    /** As {@link ReplicaServer#firstLogIndex()}. */
    public long firstLogIndex() {
        return fromLog(d -> d.getRaftLog().getStartIndex());
    }

    /** As {@link ReplicaServer#latestSnapshotIndex()}. */
    public long latestSnapshotIndex() {
        return division()
                .map(d -> d.getStateMachine().getLatestSnapshot())
                .map(s -> s.getIndex())
                .orElse(-1L);
    }

    /** As {@link ReplicaServer#stats()}. */
    public ReplicaStats stats() {
        return new ReplicaStats(
                stateMachine.executions(),
                stateMachine.speculativePending(),
                stateMachine.rollbacks(),
                stateMachine.digestComparisons(),
                stateMachine.divergences());
    }

    /** The port of the HTTP endpoints, once they serve. */
    public OptionalInt httpPort() {
        OperationsServer h = http;
        return h == null ? OptionalInt.empty() : OptionalInt.of(h.port());
    }

    /** As {@link ReplicaServer#status()}. */
    public ReplicaStatus status() {
        Health health = health();
        Role role = stopping()
                ? Role.STOPPED
                : info().map(i -> Roles.of(i.getCurrentRole())).orElse(Role.STOPPED);
        LogStats log = new LogStats(
                fromLog(d -> {
                    TermIndex last = d.getRaftLog().getLastEntryTermIndex();
                    return last == null ? 0 : last.getTerm();
                }),
                lastLogIndex(),
                fromLog(d -> d.getRaftLog().getLastCommittedIndex()),
                appliedIndex(),
                latestSnapshotIndex());
        return new ReplicaStatus(id(), role, term(), leaderId(), log, replication(), health);
    }

    /** As {@link ReplicaServer#health()}. */
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

    /** As {@link ReplicaServer#takeSnapshot()}. */
    public long takeSnapshot() throws IOException {
        RaftServer s = server;
        if (s == null) {
            throw new IOException(id() + ": not started");
        }
        RaftClientReply reply = s.snapshotManagement(SnapshotManagementRequest.newCreate(
                ClientId.randomId(), RaftPeerId.valueOf(id()), settings.group().groupId(), 0, 60_000, 0));
        if (!reply.isSuccess()) {
            throw new IOException(id() + ": snapshot failed", reply.getException());
        }
        return reply.getLogIndex();
    }

    /** As {@link ReplicaServer#close()}: gives back everything the constructor and {@link #start()} took. */
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
            String memberId = RaftGroupMemberId.valueOf(
                            RaftPeerId.valueOf(id()), settings.group().groupId())
                    .toString();
            // Ratis names its metrics with the member id; dropping it gives every replica the same family names.
            exposition = new PrometheusText(Map.of("replica", id()), Set.of(memberId, id()));
        }

        @Override
        public Health health() {
            return ReplicaRuntime.this.health();
        }

        @Override
        public ReplicaStatus status() {
            return ReplicaRuntime.this.status();
        }

        @Override
        public String prometheusText() {
            return exposition.render(metrics);
        }
    }

    /**
     * Stops the Raft server once, whoever asks first; the HTTP endpoints and metrics stay until {@link #close()}.
     * Whether the replica then counts as stopped ({@link ReplicaServer#awaitStopped()}) is the caller's to say.
     */
    private void stopRaft() {
        synchronized (raftLock) {
            RaftServer s = server;
            if (s == null || !raftStopping.compareAndSet(false, true)) {
                return;
            }
            RaftShutdown.closeWithin(
                    id(),
                    s,
                    STOP_LIMIT,
                    () -> "applied index " + appliedIndex() + ", commit index "
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
            // Ratis closes the member on every stop: this one was a close, not a removal; or it closed
            // it after a failed write of the log, which the storage watch handles
            return;
        }
        if (stateMachine.removedFromGroup()) {
            stoppedBecause = "removed from group " + settings.group().name();
            LOG.info(
                    "{}: no longer a member of group {}; stopping",
                    id(),
                    settings.group().name());
        } else {
            stoppedBecause = "Ratis closed this replica although the group still counts it as a member (most often "
                    + "after a JVM or host pause longer than raft.server.close.threshold, 60 s by default, which Ratis "
                    + "logs); restart it";
            LOG.error("{}: {}; stopping", id(), stoppedBecause);
        }
        Thread t = new Thread(
                () -> {
                    stopRaft();
                    stopped.countDown();
                    LOG.info("{}: stopped", id());
                },
                "ratis-sm-left-group-" + id());
        t.setDaemon(true);
        t.start();
    }

    private Optional<RaftServer.Division> division() {
        try {
            RaftServer s = server;
            return s == null
                    ? Optional.empty()
                    : Optional.of(s.getDivision(settings.group().groupId()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Reads the division's log, or -1 if there is none or it is closed (a stopped replica). */
    private long fromLog(ToLongFunction<RaftServer.Division> read) {
        return division()
                .map(d -> {
                    try {
                        return read.applyAsLong(d);
                    } catch (IllegalStateException closedLog) {
                        return -1L;
                    }
                })
                .orElse(-1L);
    }

    private Optional<DivisionInfo> info() {
        return division().map(RaftServer.Division::getInfo);
    }
}
