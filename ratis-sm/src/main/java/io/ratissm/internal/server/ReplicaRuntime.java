package io.ratissm.internal.server;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import io.ratissm.Health;
import io.ratissm.ReplicaServer;
import io.ratissm.ReplicaStats;
import io.ratissm.ReplicaStatus;
import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.http.OperationsServer;
import io.ratissm.internal.metrics.PrometheusText;
import io.ratissm.internal.metrics.RatisRegistries;
import io.ratissm.internal.metrics.RegistryMirror;
import io.ratissm.internal.metrics.ServerMetrics;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started replica: its Raft server (stopped and restarted around a full disk), the groups it serves in it (its
 * first one, and groups created on it later; {@link HostedGroup}), the watch thread that reads their lag and looks at
 * the storage, its metrics (Ratis's, mirrored into its registry, and
 * JMX) and its HTTP endpoints. {@link ReplicaServer} creates one in {@code start()}, which is where every resource
 * is taken, and gives them all back in {@link #close()}; {@link ReplicaServer} holds the public contract of each
 * method here. Thread-safe.
 */
public final class ReplicaRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRuntime.class);
    /** How long a stop waits for Ratis's close before it leaves a stuck apply loop behind ({@link RaftShutdown}). */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    /** How long Ratis gets to delete the directory of a group removed from this replica before it is moved. */
    private static final Duration DEPARTED_GRACE = Duration.ofSeconds(3);

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
    private final Supplier<? extends StateMachine> userStateMachines;
    /** The group this replica was built with: its health, status and membership are the replica's own. */
    private final HostedGroup home;
    /** Every group this replica serves, its first one included. */
    private final Map<RaftGroupId, HostedGroup> groups = new ConcurrentHashMap<>();

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
    private final Duration lagLimit;
    private final StorageWatch storage;
    /**
     * Compares the state digests of every group with the other replicas' (two threads for all groups); from
     * {@link #start()} on.
     */
    private volatile ScheduledExecutorService divergenceTimer;
    /** Reads the lag and looks at the storage every {@link #watchInterval}; from {@link #start()} on. */
    private volatile ScheduledExecutorService watch;

    private final Duration watchInterval;
    private final MetricRegistry metrics;
    private final RatisRegistries.Subscription ratisMetrics;
    /**
     * Groups created on this replica that it left (removed from the group, or the group removed), with when: their
     * directories, if Ratis left them, are moved out of its way ({@link #moveDeparted}).
     */
    private final Map<RaftGroupId, Long> departed = new ConcurrentHashMap<>();
    /** Created groups Ratis did not hold at the last rounds of the watch, with how many rounds in a row. */
    private final Map<RaftGroupId, Integer> notHeld = new ConcurrentHashMap<>();
    /** What publishes the metrics of the groups created on this replica, by group. */
    private final Map<RaftGroupId, GroupMetrics> groupMetrics = new ConcurrentHashMap<>();

    /**
     * A created group's metrics: its Ratis registries mirrored into its own registry, and that registry mirrored into
     * the replica's under {@code group.<group id>.} (so that {@link ReplicaServer#metrics()} and JMX hold them too).
     */
    private record GroupMetrics(RatisRegistries.Subscription ratis, RegistryMirror intoReplica) {
        void close() {
            ratis.close();
            intoReplica.close();
        }
    }

    private final JmxReporter jmx;
    private final InetSocketAddress httpAddress;
    private volatile OperationsServer http;

    /**
     * Subscribes {@code metrics} to this replica's Ratis metrics and registers ratis-sm's own for its first group;
     * takes no other resource until {@link #start()}. Call {@link #close()} once created.
     *
     * @param stopped counted down once the replica has stopped
     */
    public ReplicaRuntime(Plan plan, MetricRegistry metrics, CountDownLatch stopped) {
        this.settings = plan.settings();
        this.join = plan.join();
        this.divergenceCheckInterval = plan.divergenceCheckInterval();
        this.httpAddress = plan.httpAddress();
        this.metrics = metrics;
        this.stopped = stopped;
        this.lagLimit = plan.lagLimit();
        this.userStateMachines = plan.stateMachine();
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
        this.home = new HostedGroup(
                settings.group().groupId(),
                settings.group().name(),
                settings,
                lagLimit,
                metrics,
                () -> server,
                this::stopping);
        String memberId = RaftGroupMemberId.valueOf(RaftPeerId.valueOf(settings.id()), home.groupId)
                .toString();
        this.ratisMetrics = RatisRegistries.subscribe(RatisRegistries.ofMember(settings.id(), memberId), metrics);
        try {
            home.stateMachine = newBridge(home);
        } catch (RuntimeException e) {
            ratisMetrics.close();
            throw e;
        }
        groups.put(home.groupId, home);
        home.serverMetrics.readFrom(readings(home, this::health));
        home.serverMetrics.readLag(home.lag::entries, home.lag::seconds, storage::freeBytes);
    }

    /** What the gauges of {@code g} read: the group's own numbers, and {@code health}. */
    private ServerMetrics.Readings readings(HostedGroup g, Supplier<Health> health) {
        return new ServerMetrics.Readings() {
            @Override
            public Replication replication() {
                return settings.replication();
            }

            @Override
            public boolean isLeader() {
                return g.isLeader();
            }

            @Override
            public long term() {
                return g.term();
            }

            @Override
            public Health health() {
                return health.get();
            }

            @Override
            public ReplicaStats stats() {
                return g.stats();
            }
        };
    }

    /** Where a created group's metrics are in the replica's registry. */
    private static String groupPrefix(RaftGroupId groupId) {
        return "group." + groupId.getUuid() + ".";
    }

    /** A new bridge for {@code group}, for the Raft server about to start. */
    private RaftStateMachine newBridge(HostedGroup group) {
        return new RaftStateMachine(
                settings,
                group.groupId,
                userStateMachines,
                group.serverMetrics,
                () -> leftGroup(group),
                this::logFailed);
    }

    /**
     * Ratis's state machine registry: the bridge for a group the Raft server starts serving, at its start (its first
     * group, and every group its storage holds) and whenever a group is created on it ({@code GroupAdmin}).
     */
    private RaftStateMachine bridgeFor(RaftGroupId groupId) {
        if (groupId.equals(home.groupId)) {
            return home.stateMachine;
        }
        if (departed.remove(groupId) != null) {
            // Served again soon after it left (a replica moved back): Ratis is done with the old member, whose
            // directory would make the new one fail to format. Move it aside now rather than after the grace.
            moveAside(groupId);
        }
        HostedGroup g = groups.computeIfAbsent(groupId, this::newGroup);
        g.stateMachine = newBridge(g);
        return g.stateMachine;
    }

    /** A group created on this replica after it was built: its own registry, with its Ratis metrics. */
    private HostedGroup newGroup(RaftGroupId groupId) {
        MetricRegistry registry = new MetricRegistry();
        HostedGroup g = new HostedGroup(
                groupId, groupId.getUuid().toString(), settings, lagLimit, registry, () -> server, this::stopping);
        String memberId =
                RaftGroupMemberId.valueOf(RaftPeerId.valueOf(id()), groupId).toString();
        groupMetrics.put(
                groupId,
                new GroupMetrics(
                        RatisRegistries.subscribe(memberId::equals, registry),
                        RegistryMirror.start(registry, metrics, groupPrefix(groupId))));
        g.serverMetrics.readFrom(readings(g, () -> healthOf(g)));
        g.serverMetrics.readLag(g.lag::entries, g.lag::seconds, storage::freeBytes);
        LOG.info("{}: serves group {} too", id(), groupId);
        return g;
    }

    /** See {@link ReplicaServer#start()}; on failure everything is given back, as by {@link #close()}. */
    public void start() throws IOException {
        checkPortFree();
        divergenceTimer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "ratis-sm-divergence-" + id());
            t.setDaemon(true);
            return t;
        });
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

    /**
     * Creates a Raft server of this replica for its first group as it starts in, and for every other group its
     * storage holds (Ratis finds those by their directories).
     */
    private RaftServer newRaftServer(RaftGroup group) throws IOException {
        return RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id()))
                .setGroup(group)
                .setStateMachineRegistry(this::bridgeFor)
                .setProperties(settings.raftProperties())
                .setParameters(settings.raftParameters())
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /**
     * Creates and starts a Raft server running the current bridges of its groups, with the membership
     * {@link RejoinGuard} chooses (a storage that holds a log keeps its own). On failure it is left stopped.
     */
    private void startRaft() throws IOException {
        // Under raftLock: a stop while Ratis replays the log must wait for the start to finish before it stops the
        // server (Ratis cannot be closed while it is starting).
        synchronized (raftLock) {
            RaftServer s = newRaftServer(
                    RejoinGuard.decide(settings, join) == RejoinGuard.Start.JOINING
                            ? settings.group().joiningRaftGroup(id())
                            : settings.group().raftGroup());
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
            RaftServer.Division division = s.getDivision(home.groupId);
            storage.started(division.getRaftStorage().getMetadataFile());
            home.attach(divergenceTimer, divergenceCheckInterval.toMillis());
            groups.values().forEach(g -> g.attach(divergenceTimer, divergenceCheckInterval.toMillis()));
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
            if (closed || isStopped() || home.stateMachine.failure() != null) {
                return;
            }
            home.stateMachine = newBridge(home);
            startRaft();
        }
    }

    /** One round of the watch thread: a reading of the lag, a look at the storage. Never throws. */
    private void watchOnce() {
        try {
            for (HostedGroup g : groups.values()) {
                g.attach(divergenceTimer, divergenceCheckInterval.toMillis());
                g.recordLag();
            }
            moveDeparted();
            forgetGroupsRatisDoesNotHold();
            storage.check();
        } catch (RuntimeException e) {
            LOG.warn("{}: the health watch failed once: {}", id(), e.toString(), e);
        }
    }

    /**
     * Moves the directory of a group this replica left to {@code removed-groups/} in its storage, where Ratis does not
     * look: otherwise the next start would find it and serve the group again, with a log that may still count this
     * replica as a member (a removed follower is never sent the configuration without it), campaigning in vain. Ratis
     * deletes the directory itself when the whole group is removed; a directory is only moved once Ratis has let go of
     * the group for a few seconds. Watch thread.
     */
    private void moveDeparted() {
        RaftServer s = server;
        for (Map.Entry<RaftGroupId, Long> d : departed.entrySet()) {
            RaftGroupId groupId = d.getKey();
            Path dir = settings.storage().resolve(groupId.getUuid().toString());
            boolean servedAgain = groups.containsKey(groupId);
            if (servedAgain || !Files.exists(dir)) {
                departed.remove(groupId);
                continue;
            }
            if (System.nanoTime() - d.getValue() < DEPARTED_GRACE.toNanos()) {
                continue;
            }
            boolean held = s != null
                    && StreamSupport.stream(s.getGroupIds().spliterator(), false)
                            .anyMatch(groupId::equals);
            if (held && !release(s, groupId)) {
                continue;
            }
            if (moveAside(groupId)) {
                departed.remove(groupId);
            }
        }
    }

    /**
     * Moves the directory of a group this replica left to {@code removed-groups/<group id>-<millis>}; returns whether
     * it is out of Ratis's way (moved, or there was none).
     */
    private boolean moveAside(RaftGroupId groupId) {
        Path dir = settings.storage().resolve(groupId.getUuid().toString());
        if (!Files.exists(dir)) {
            return true;
        }
        Path to = settings.storage()
                .resolve("removed-groups")
                .resolve(groupId.getUuid() + "-" + System.currentTimeMillis());
        try {
            Files.createDirectories(to.getParent());
            Files.move(dir, to);
            LOG.info("{}: moved the storage of group {}, which it left, to {}", id(), groupId.getUuid(), to);
            return true;
        } catch (IOException e) {
            LOG.warn("{}: cannot move the storage of group {}, which it left, to {}: {}", id(), dir, to, e.toString());
            return false;
        }
    }

    /**
     * Forgets a created group that Ratis does not hold in two rounds of the watch in a row: one whose member failed to
     * start after the registry made its bridge (Ratis does not tell), which would otherwise be listed and reported as
     * served. Watch thread.
     */
    private void forgetGroupsRatisDoesNotHold() {
        RaftServer s = server;
        if (s == null || raftStopping.get()) {
            return;
        }
        Set<RaftGroupId> held = new HashSet<>();
        s.getGroupIds().forEach(held::add);
        for (HostedGroup g : groups.values()) {
            if (g == home || held.contains(g.groupId)) {
                notHeld.remove(g.groupId);
                continue;
            }
            if (notHeld.merge(g.groupId, 1, Integer::sum) >= 2 && groups.remove(g.groupId, g)) {
                notHeld.remove(g.groupId);
                GroupMetrics m = groupMetrics.remove(g.groupId);
                if (m != null) {
                    m.close();
                }
                LOG.warn("{}: does not serve group {} after all (its member did not start)", id(), g.name);
            }
        }
    }

    /**
     * Asks Ratis to let go of a group whose member it closed but keeps (a leader removed from the group's
     * configuration closes itself and stays in its server's map, so the group could not be served again). Returns
     * whether it did.
     */
    private boolean release(RaftServer s, RaftGroupId groupId) {
        try {
            if (!s.getDivision(groupId).getInfo().getLifeCycleState().isClosingOrClosed()) {
                return false; // still serving: it was taken up again
            }
            RaftClientReply reply = s.groupManagement(GroupManagementRequest.newRemove(
                    ClientId.randomId(), RaftPeerId.valueOf(id()), 0, groupId, false, false));
            return reply.isSuccess();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot release group {}, which it left: {}", id(), groupId.getUuid(), e.toString());
            return false;
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
        return home.isLeader();
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
        return home.leaderId();
    }

    /** As {@link ReplicaServer#term()}. */
    public long term() {
        return home.term();
    }

    /** As {@link ReplicaServer#members()}. */
    public List<String> members() {
        return home.members();
    }

    /** As {@link ReplicaServer#appliedIndex()}. */
    public long appliedIndex() {
        return home.appliedIndex();
    }

    /** As {@link ReplicaServer#lastLogIndex()}. */
    public long lastLogIndex() {
        return home.lastLogIndex();
    }

    /** As {@link ReplicaServer#firstLogIndex()}. */
    public long firstLogIndex() {
        return home.firstLogIndex();
    }

    /** As {@link ReplicaServer#latestSnapshotIndex()}. */
    public long latestSnapshotIndex() {
        return home.latestSnapshotIndex();
    }

    /** As {@link ReplicaServer#stats()}. */
    public ReplicaStats stats() {
        return home.stats();
    }

    /** The port of the HTTP endpoints, once they serve. */
    public OptionalInt httpPort() {
        OperationsServer h = http;
        return h == null ? OptionalInt.empty() : OptionalInt.of(h.port());
    }

    /** As {@link ReplicaServer#status()}. */
    public ReplicaStatus status() {
        return home.status(health());
    }

    /** As {@link ReplicaServer#groups()}: every group this replica serves, by group id, its first one included. */
    public Map<String, ReplicaStatus> groups() {
        Map<String, ReplicaStatus> all = new TreeMap<>();
        for (HostedGroup g : groups.values()) {
            all.put(g.groupId.getUuid().toString(), g.status(healthOf(g)));
        }
        return all;
    }

    /** The group of this id that this replica serves, if it does. */
    private Optional<HostedGroup> group(String groupName) {
        return Optional.ofNullable(groups.get(GroupSpec.groupIdOf(groupName)));
    }

    /** As {@link ReplicaServer#status(String)}. */
    public Optional<ReplicaStatus> status(String groupName) {
        return group(groupName).map(g -> groups().get(g.groupId.getUuid().toString()));
    }

    /**
     * As {@link ReplicaServer#health()}: the replica's health in its first group; then, if that is fine, the first
     * problem of another group it serves, named by its group id.
     */
    public Health health() {
        Health own = healthOf(home);
        if (!own.healthy()) {
            return own;
        }
        return groups.values().stream()
                .filter(g -> g != home && g.problem() != null)
                .sorted(Comparator.comparing(g -> g.name))
                .findFirst()
                .map(g -> Health.unhealthy("group " + g.name + ": " + g.problem()))
                .orElse(Health.OK);
    }

    /**
     * This replica's health in group {@code g}: first its first group's state machine failure (for that group), then
     * the replica's own (stopped, a full disk), then the group's (its state machine failed or diverged, it lags).
     */
    private Health healthOf(HostedGroup g) {
        if (g == home) {
            String failure = home.stateMachine.failure();
            if (failure != null) {
                return Health.unhealthy(failure);
            }
        }
        Health replica = replicaHealth();
        if (!replica.healthy()) {
            return replica;
        }
        String problem = g.problem();
        return problem == null ? Health.OK : Health.unhealthy(problem);
    }

    /** The health of the replica as a whole, whatever group: stopped, not started, or its storage full. */
    private Health replicaHealth() {
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
        return Health.OK;
    }

    /** As {@link ReplicaServer#takeSnapshot()}. */
    public long takeSnapshot() throws IOException {
        return home.takeSnapshot();
    }

    /** As {@link ReplicaServer#takeSnapshot(String)}. */
    public long takeSnapshot(String groupName) throws IOException {
        Optional<HostedGroup> g = group(groupName);
        if (g.isEmpty()) {
            throw new IOException(id() + ": serves no group named '" + groupName + "'");
        }
        return g.get().takeSnapshot();
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
            ScheduledExecutorService d = divergenceTimer;
            if (d != null) {
                d.shutdownNow();
            }
            stopped.countDown();
            jmx.stop();
            ratisMetrics.close();
            groupMetrics.values().forEach(GroupMetrics::close);
        }
        LOG.info("{}: stopped", id());
    }

    /** A JMX domain may not contain {@code : = , * ?} or quotes; replica ids rarely do. */
    private static String jmxDomain(String id) {
        return "ratissm." + id.replaceAll("[^A-Za-z0-9_.@-]", "_");
    }

    private Map<String, String> groupLabels(HostedGroup g) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("replica", id());
        labels.put("group", g.name);
        return labels;
    }

    /** What the HTTP endpoints show, read on the HTTP server's threads. */
    private final class Operations implements OperationsServer.Replica {
        private final PrometheusText exposition;

        Operations() {
            String memberId = RaftGroupMemberId.valueOf(
                            RaftPeerId.valueOf(id()), settings.group().groupId())
                    .toString();
            // Ratis names its metrics with the member id; dropping it gives every replica the same family names.
            // Created groups' metrics are rendered from their own registries, with a group label.
            exposition = new PrometheusText(Map.of("replica", id()), Set.of(memberId, id()), "group.");
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
        public Map<String, ReplicaStatus> groups() {
            return ReplicaRuntime.this.groups();
        }

        @Override
        public String prometheusText() {
            List<Map.Entry<PrometheusText, MetricRegistry>> parts = new ArrayList<>();
            parts.add(Map.entry(exposition, metrics));
            groups.values().stream()
                    .filter(g -> g != home)
                    .sorted(Comparator.comparing(g -> g.name))
                    .forEach(g -> parts.add(Map.entry(
                            new PrometheusText(
                                    groupLabels(g),
                                    Set.of(
                                            RaftGroupMemberId.valueOf(RaftPeerId.valueOf(id()), g.groupId)
                                                    .toString(),
                                            id())),
                            g.metrics)));
            return PrometheusText.renderAll(parts);
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
                            + home.fromLog(d -> d.getRaftLog().getLastCommittedIndex()));
            storage.stopped();
        }
    }

    /**
     * Ratis closed this replica's group member without {@link #close()}: the group's new configuration left it out
     * (a removed leader stops itself, a removed follower is told to by {@link GroupAdmin#removeReplica}). The RPC
     * server would otherwise stay up with nothing to serve, so the whole replica stops, from another thread
     * because this runs inside Ratis's shutdown. A group created on the replica later only leaves the replica.
     */
    private void leftGroup(HostedGroup group) {
        if (raftStopping.get() || storage.handlingFailure()) {
            // Ratis closes the member on every stop: this one was a close, not a removal; or it closed
            // it after a failed write of the log, which the storage watch handles
            return;
        }
        if (group != home) {
            // A group created on this replica was removed from it, or this replica from the group: the replica
            // goes on serving its other groups.
            if (groups.remove(group.groupId, group)) {
                GroupMetrics m = groupMetrics.remove(group.groupId);
                if (m != null) {
                    m.close();
                }
                departed.put(group.groupId, System.nanoTime());
                LOG.info("{}: no longer serves group {}", id(), group.name);
            }
            return;
        }
        if (home.stateMachine.removedFromGroup()) {
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
}
