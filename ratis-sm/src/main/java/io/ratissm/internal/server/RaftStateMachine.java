package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.CommandRejected;
import io.ratissm.CommandTooLarge;
import io.ratissm.MalformedCommand;
import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.BatchTooLargeException;
import io.ratissm.internal.Bytes;
import io.ratissm.internal.GroupFailedException;
import io.ratissm.internal.NotApplied;
import io.ratissm.internal.NotReadyException;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.metrics.ServerMetrics;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.HealthProbeReply;
import io.ratissm.internal.proto.LogEntry;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.QueryRequest;
import io.ratissm.internal.proto.SnapshotHeader;
import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge from Ratis's state machine SPI to a user {@link StateMachine}: the leader checks each command batch
 * before it may enter the log, the {@link ReplicationProtocol} of the group's mode makes and applies the entries,
 * the {@link SessionTable} applies each command exactly once, and snapshots hold the session table, the passive
 * chain and the user's state. A replica whose state machine fail-stopped stays a member and serves nothing
 * ({@link FailStopHandover}).
 *
 * <p>Ratis threads: {@code startTransaction} runs concurrently on the leader's RPC threads and
 * {@code preAppendTransaction} in log order; {@code applyTransaction} and {@code takeSnapshot} run on the single
 * StateMachineUpdater thread; {@code query} runs on RPC threads. {@link StateMachineHost} serialises what touches
 * the user's committed state.
 */
public final class RaftStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(RaftStateMachine.class);

    private final String replicaId;
    private final Replication replication;
    private final int maxCommandBytes;
    private final long maxEntryBytes;
    private final StateMachineHost host;
    private final SessionTable sessions;
    private final ReplicationProtocol protocol;
    private final PassiveReplication passive;
    private final DivergenceDetector divergence;
    private final FailStopHandover handover;
    private final SessionTicks sessionTicks;
    private final ServerMetrics metrics;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Runnable onClosed;
    private volatile boolean removed;
    private final Consumer<Throwable> onLogFailed;
    /** Set when no state is held by a majority: this replica then serves nothing, though it keeps applying. */
    private volatile String untrusted;
    /** What an operator does when this replica's snapshots cannot be used. */
    private final String recoverySteps;
    /** Set when this replica learnt that its state diverged: the last entry it had applied then; -1 before. */
    private volatile long divergedAfter = -1;
    /** The division Ratis runs this bridge in, once its server started ({@link #started}). */
    private volatile RaftServer.Division started;

    /**
     * @param groupId    the group this bridge serves: the replica's first group or one created on it later
     * @param onClosed   called whenever Ratis closes this group member: on a normal stop, and also when Ratis stops
     *                   it on its own (removed from the group's configuration)
     * @param onLogFailed called, on Ratis's log worker thread, when a write of the log failed: Ratis writes nothing
     *                    more to it ({@link StorageWatch})
     */
    public RaftStateMachine(
            ServerSettings settings,
            RaftGroupId groupId,
            Supplier<? extends StateMachine> factory,
            ServerMetrics metrics,
            Runnable onClosed,
            Consumer<Throwable> onLogFailed) {
        this.onClosed = onClosed;
        this.onLogFailed = onLogFailed;
        this.replicaId = settings.id();
        this.replication = settings.replication();
        this.recoverySteps = RecoveryProcedure.steps(settings);
        this.metrics = metrics;
        this.maxCommandBytes = settings.maxCommandBytes();
        this.maxEntryBytes = settings.maxEntryBytes();
        this.handover = new FailStopHandover(
                replicaId,
                groupId,
                () -> getServer().getNow(null),
                this::failure,
                this::takeOverIndex,
                new PeerQueries(replicaId, groupId, settings.raftParameters()));
        this.host = new StateMachineHost(replicaId, factory, handover::check);
        this.sessions = new SessionTable();
        this.sessionTicks = new SessionTicks(settings.sessionIdleTimeout().toMillis(), settings.maxSessions());
        metrics.readSessions(sessions::size, sessions::evicted);
        this.divergence = new DivergenceDetector(
                replicaId,
                groupId,
                this::currentMembers,
                settings.digestEvery(),
                settings.raftParameters(),
                new DivergenceDetector.Verdicts() {
                    @Override
                    public void minority(long index, Collection<String> majority) {
                        divergedAfter = getLastAppliedTermIndex().getIndex();
                        host.stop("diverged: at log index " + index + " this replica's state differs from the one "
                                + "that " + majority
                                + ", a majority, hold; it applies nothing more. Its state cannot be "
                                + "repaired in place: remove it, wipe its storage and add it back (OPERATIONS.md, "
                                + "'When a replica is unhealthy')");
                    }

                    @Override
                    public void noMajority(long index, Map<String, ByteString> digests) {
                        untrusted = "diverged: at log index " + index + " no state is held by a majority of the "
                                + "replicas (each of " + digests.keySet() + " holds another); this replica serves no "
                                + "reads or commands. ACTIVE replication needs a deterministic state machine: fix it, "
                                + "or use PASSIVE replication";
                        LOG.error("{}: {}", replicaId, untrusted);
                    }
                });
        if (replication == Replication.PASSIVE) {
            this.passive = new PassiveReplication(
                    replicaId,
                    host,
                    sessions,
                    new PassiveReplication.LogPosition() {
                        @Override
                        public long appliedIndex() {
                            return getLastAppliedTermIndex().getIndex();
                        }

                        @Override
                        public long lastIndex() {
                            return lastLogIndex();
                        }
                    },
                    settings.maxEntryBytes(),
                    metrics::shippedState);
            this.protocol = passive;
        } else {
            this.passive = null;
            this.protocol = new ActiveReplication(host, sessions);
        }
    }

    /**
     * Null while this replica can be trusted to serve; otherwise why not: its state machine fail-stopped, or its state
     * diverged from the others'.
     */
    public String failure() {
        String failed = host.failure();
        return failed != null ? failed : untrusted;
    }

    /**
     * The index another member must have applied to take the leadership over from this fail-stopped replica: the
     * entry it failed on (it applied the one before), or for a replica whose state diverged the last entry it applied.
     */
    private long takeOverIndex() {
        long diverged = divergedAfter;
        return diverged >= 0 ? diverged : getLastAppliedTermIndex().getIndex() + 1;
    }

    /** Starts the periodic comparison of state digests with the other replicas, on the replica's shared timer. */
    public void startDivergenceChecks(ScheduledExecutorService timer, long intervalMillis) {
        divergence.start(timer, intervalMillis);
    }

    public long rollbacks() {
        return passive == null ? 0 : passive.rollbacks();
    }

    public long executions() {
        return passive == null ? 0 : passive.executions();
    }

    public long speculativePending() {
        return passive == null ? 0 : passive.speculativePending();
    }

    public long digestComparisons() {
        return divergence.comparisons();
    }

    public long divergences() {
        return divergence.divergences();
    }

    private RaftServer.Division division() throws IOException {
        return getServer().join().getDivision(getGroupId());
    }

    /**
     * Tells this bridge that its Raft server started, running {@code division}. Kept, not looked up: Ratis drops the
     * division from its server as it closes it, and {@link #removedFromGroup} asks about it then.
     */
    public void started(RaftServer.Division division) {
        this.started = division;
    }

    /** The group's members as this replica's log records them now; none before the server is up. */
    private Collection<RaftPeer> currentMembers() {
        RaftServer.Division d = started;
        try {
            return d == null ? List.of() : d.getRaftConf().getCurrentPeers();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private long lastLogIndex() {
        try {
            TermIndex last = division().getRaftLog().getLastEntryTermIndex();
            return last == null ? -1 : last.getIndex();
        } catch (IOException e) {
            return Long.MAX_VALUE; // no log to catch up with: never ready
        }
    }

    // ---- lifecycle: Ratis pauses the state machine around a snapshot installation and then reinitializes it

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        SnapshotFiles.prepare(
                replicaId,
                raftStorage.getStorageDir().getStateMachineDir().toPath(),
                SnapshotFiles.firstLogIndex(
                        raftStorage.getStorageDir().getCurrentDir().toPath()),
                recoverySteps);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(() -> load(storage.getLatestSnapshot()), IOException.class);
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot());
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /**
     * Whether this replica learnt that the group removed it: a configuration without it was applied, or its log holds
     * one, or it was told to leave the group. Otherwise Ratis closing it means something else (a JVM pause past its
     * close threshold).
     *
     * <p>The log counts too because a removed follower may never apply that configuration: the leader stops sending
     * to it once the configuration commits, so the follower may not learn that it did (no commit-index entries,
     * {@link ServerSettings}); and Ratis tells of a removal by {@code GroupAdmin} only after it closed the member.
     */
    public boolean removedFromGroup() {
        if (removed) {
            return true;
        }
        RaftServer.Division d = started;
        if (d == null) {
            return false;
        }
        try {
            // The newest configuration its log holds; during a change, the one the group is changing to. A joining
            // replica is a listener of a configuration with no voters until the leader sends the group's.
            RaftConfiguration conf = d.getRaftConf();
            return !conf.getCurrentPeers().isEmpty()
                    && Stream.concat(
                                    conf.getCurrentPeers().stream(),
                                    conf.getCurrentPeers(RaftPeerRole.LISTENER).stream())
                            .noneMatch(p -> p.getId().toString().equals(replicaId));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto newConf) {
        removed = newConf.getPeersList().stream()
                .noneMatch(p -> p.getId().toStringUtf8().equals(replicaId));
    }

    @Override
    public void notifyGroupRemove() {
        removed = true;
    }

    @Override
    public void close() {
        divergence.close();
        handover.close();
        onClosed.run();
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        // Configuration and metadata entries count as applied too, but not past an entry a fail-stop left unapplied:
        // the applied index is where a restart replays from.
        if (host.failure() == null) {
            super.notifyTermIndexUpdated(term, index);
        }
    }

    @Override
    public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
        onLogFailed.accept(cause);
    }

    // ---- leadership

    @Override
    public void notifyLeaderReady() {
        // Ratis calls this on the apply thread, applying the first entry of the term, so the term is the leader's.
        long term;
        try {
            term = division().getInfo().getCurrentTerm();
        } catch (IOException e) {
            return; // the division is gone: this replica is stopping and leads nothing
        }
        if (host.failure() != null) {
            handover.check(); // it leads only while no other member can
            return;
        }
        sessionTicks.restart();
        protocol.leaderReady(term);
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        protocol.notLeader();
    }

    /** Told of each leader change a replica sees; a test's hook blocks it to hold a new leader before it is ready. */
    interface LeaderChangeHook {
        void changed(String replicaId, String newLeaderId);
    }

    /** For tests only: production never sets it. */
    static volatile LeaderChangeHook leaderChangeHook = (replicaId, newLeaderId) -> {};

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId memberId, RaftPeerId newLeaderId) {
        // An operator following a replica's log wants to see who leads without asking for the status.
        LOG.info("{}: leader is now {}", replicaId, newLeaderId == null ? "unknown" : newLeaderId);
        // Ratis calls this as the replica becomes leader, before it appends the first entry of its term.
        leaderChangeHook.changed(replicaId, newLeaderId == null ? null : newLeaderId.toString());
        if (!memberId.getPeerId().equals(newLeaderId)) {
            protocol.notLeader();
        }
    }

    // ---- writes

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) {
        TransactionContext.Builder b =
                TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request);
        try {
            CommandBatch batch = checkedBatch(Bytes.content(request.getMessage()));
            ReplicationProtocol.Prepared prepared = protocol.prepare(batch, sessionTicks.next());
            // Ratis would fail a larger entry only when appending it, and step down: refuse it here, whole, so that
            // the client splits the batch. The ticket stays on the refusal so that cancelTransaction releases it.
            b.setStateMachineContext(prepared.ticket());
            if (prepared.logData().size() > maxEntryBytes) {
                throw new BatchTooLargeException(prepared.logData().size(), batch.getCommandsCount(), maxEntryBytes);
            }
            return b.setLogData(Bytes.toRatis(prepared.logData())).build();
        } catch (CommandRejected
                | BatchTooLargeException
                | ReplicaFailedException
                | GroupFailedException
                | NotReadyException e) {
            TransactionContext refused = b.build();
            refused.setException(e);
            return refused;
        }
    }

    /**
     * Refuses a request if this replica cannot be trusted to serve: with the whole group's reasons if it leads and
     * no other member can serve, else with its own (the client then tries another replica).
     */
    private void refuseIfFailed() throws ReplicaFailedException, GroupFailedException {
        String failure = failure();
        if (failure == null) {
            return;
        }
        String group = handover.groupFailure();
        if (group != null) {
            throw new GroupFailedException(group);
        }
        throw new ReplicaFailedException(replicaId + ": " + failure);
    }

    /** The checks a command passes before it may enter the log. */
    private CommandBatch checkedBatch(ByteString request)
            throws CommandRejected, ReplicaFailedException, GroupFailedException {
        refuseIfFailed();
        CommandBatch batch;
        try {
            batch = CommandBatch.parseFrom(request);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("the request is not a ratis-sm command batch: " + e.getMessage());
        }
        if (batch.getOpenSession() != (batch.getCommandsCount() == 0)) {
            throw new MalformedCommand(
                    batch.getOpenSession()
                            ? "a request that opens a session carries no command"
                            : "the request carries no command");
        }
        for (ByteString command : batch.getCommandsList()) {
            if (command.size() > maxCommandBytes) {
                throw new CommandTooLarge("the command has " + command.size()
                        + " bytes, more than the group's limit of " + maxCommandBytes + " bytes (maxCommandBytes)");
            }
        }
        host.validate(batch.getCommandsList());
        return batch;
    }

    @Override
    public TransactionContext preAppendTransaction(TransactionContext trx) throws IOException {
        if (trx.getStateMachineContext() != null) {
            // Ratis calls this under its log's write lock, with the server's lock held: the entry gets the next index,
            // in the current term.
            RaftServer.Division d = division();
            protocol.appending(
                    trx.getStateMachineContext(),
                    d.getInfo().getCurrentTerm(),
                    d.getRaftLog().getNextIndex());
        }
        return trx;
    }

    @Override
    public TransactionContext cancelTransaction(TransactionContext trx) {
        protocol.cancelled(trx.getStateMachineContext());
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        if (host.failure() != null) {
            // Before the protocol: a PASSIVE entry after the failed one no longer continues the applied chain, and
            // the protocol would answer it as fenced (no effect) and count it applied, moving the applied index this
            // replica reports, and its divergence digests, past the entry it failed on.
            return notApplied(index);
        }
        try {
            long start = System.nanoTime();
            LogEntry logEntry = LogEntry.parseFrom(
                    Bytes.fromRatis(entry.getStateMachineLogEntry().getLogData()));
            checkMode(logEntry, index);
            BatchReply reply = protocol.apply(logEntry, entry.getTerm(), index);
            metrics.applied(System.nanoTime() - start, commandsAnswered(reply));
            updateLastAppliedTermIndex(entry.getTerm(), index);
            if (divergence.due(index)) {
                divergence.record(index, host.digest());
            }
            return CompletableFuture.completedFuture(Bytes.message(reply));
        } catch (ReplicaFailedException e) {
            return notApplied(index);
        } catch (IOException e) {
            // Only a leader of this framework writes entries; an unreadable one means corruption or a foreign writer.
            return CompletableFuture.failedFuture(
                    new IllegalStateException(replicaId + ": log entry " + index + " cannot be applied: " + e, e));
        }
    }

    /** Committed but not applied: the replica stays at {@code index - 1} and replays this entry when restarted. */
    private CompletableFuture<Message> notApplied(long index) {
        return CompletableFuture.completedFuture(Bytes.message(BatchReply.newBuilder()
                .addOutcomes(Outcome.newBuilder().setRetry(NotApplied.message(replicaId, index, host.failure())))
                .build()));
    }

    /**
     * The group's replication mode is the kind of its entries; a replica configured with the other one must not read
     * them with the wrong protocol (it would lose or invent state): it stops applying, and says how to fix it.
     */
    private void checkMode(LogEntry entry, long index) throws ReplicaFailedException, IOException {
        Replication group = switch (entry.getModeCase()) {
            case ACTIVE -> Replication.ACTIVE;
            case PASSIVE -> Replication.PASSIVE;
            case MODE_NOT_SET -> throw new IOException("the entry is not a ratis-sm entry");
        };
        if (group != replication) {
            String reason = "the group uses " + group + " replication (log entry " + index + ") but this replica is "
                    + "configured with " + replication + "; it applies nothing. Restart it with replication = " + group;
            host.stop(reason);
            throw new ReplicaFailedException(replicaId + ": " + reason);
        }
    }

    /** A "retry" reply applied nothing; otherwise there is one outcome per command of the entry. */
    private static int commandsAnswered(BatchReply reply) {
        return reply.getOutcomesCount() > 0 && reply.getOutcomes(0).hasRetry() ? 0 : reply.getOutcomesCount();
    }

    // ---- reads

    /** A stale read, as Ratis's {@code queryStale} hands it to {@link #query}: answered from the local state as is. */
    private record StaleRead(Message request) implements Message {
        @Override
        public org.apache.ratis.thirdparty.com.google.protobuf.ByteString getContent() {
            return request.getContent();
        }
    }

    @Override
    public CompletableFuture<Message> queryStale(Message request, long minIndex) {
        // Ratis's own waiting for minIndex to be applied, then query() without the leader's readiness check.
        return super.queryStale(new StaleRead(request), minIndex);
    }

    /**
     * Refuses a linearizable read at a leader that has not applied the first entry of its term yet (the client asks
     * again shortly). Ratis answers the read index of a group of one with the leader's commit index at once, and a
     * restarted replica's commit index is no higher than its snapshot until that entry commits (Ratis's commit-index
     * entries are off, {@link ServerSettings}): its state could miss acknowledged commands. A larger group's leader
     * does not get here unready (Ratis waits for that entry to be applied), nor does a follower (its read index came
     * from a leader); and once the entry is applied, the state holds every command committed before this term.
     */
    private void refuseUnlessReadyToRead() throws NotReadyException {
        DivisionInfo info;
        try {
            info = division().getInfo();
        } catch (IOException e) {
            throw new NotReadyException(replicaId + " serves no group now: " + e.getMessage());
        }
        if (info.isLeader() && !info.isLeaderReady()) {
            throw new NotReadyException(replicaId + " has just become leader and has not applied the first entry of"
                    + " its term yet: until then its state may miss acknowledged commands");
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        long start = System.nanoTime();
        Outcome outcome;
        try {
            QueryRequest q = QueryRequest.parseFrom(Bytes.content(request));
            if (q.getDigestAtIndex() > 0) {
                return CompletableFuture.completedFuture(Bytes.message(divergence.digestAt(q.getDigestAtIndex())));
            }
            if (q.getDescribe()) {
                // Before the failure check: what the replica runs is worth knowing also when it serves nothing.
                return CompletableFuture.completedFuture(Bytes.message(host.description()));
            }
            if (q.getHealthProbe()) {
                String failure = failure();
                return CompletableFuture.completedFuture(Bytes.message(HealthProbeReply.newBuilder()
                        .setFailure(failure == null ? "" : failure)
                        .setAppliedIndex(getLastAppliedTermIndex().getIndex())
                        .build()));
            }
            refuseIfFailed();
            if (!(request instanceof StaleRead)) {
                refuseUnlessReadyToRead();
            }
            if (q.getQueriesCount() > 0) {
                BatchReply answers = host.queryAll(q.getQueriesList());
                metrics.queried(System.nanoTime() - start, q.getQueriesCount());
                return CompletableFuture.completedFuture(Bytes.message(answers));
            }
            outcome = host.query(q.getQuery());
            metrics.queried(System.nanoTime() - start, 1);
        } catch (InvalidProtocolBufferException e) {
            outcome = Outcome.newBuilder()
                    .setMalformed("the request is not a ratis-sm query: " + e.getMessage())
                    .build();
        } catch (ReplicaFailedException | GroupFailedException | NotReadyException e) {
            // Ratis passes on only a StateMachineException from a query; it sends its cause's class and message.
            return CompletableFuture.failedFuture(new StateMachineException(e.getMessage(), e));
        }
        return CompletableFuture.completedFuture(Bytes.message(outcome));
    }

    // ---- snapshots

    @Override
    public long takeSnapshot() throws IOException {
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        long latestIndex = latest == null ? -1 : latest.getIndex();
        TermIndex last = getLastAppliedTermIndex();
        if (host.failure() != null || last.getIndex() <= latestIndex) {
            return latestIndex; // a fail-stopped state is never snapshotted
        }
        long start = System.nanoTime();
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        SnapshotHeader.Builder header = SnapshotHeader.newBuilder().setSessions(sessions.toSnapshot());
        protocol.passiveHead().ifPresent(head -> header.setPassiveHead(head.toProto()));
        MD5Hash md5 = SnapshotFiles.commit(replicaId, file, header.build(), host::writeSnapshot);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        long nanos = System.nanoTime() - start;
        metrics.snapshotWritten(nanos, file.length());
        LOG.info(
                "{}: snapshot at index {} ({} bytes, {} ms)",
                replicaId,
                last.getIndex(),
                file.length(),
                nanos / 1_000_000);
        return last.getIndex();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            host.reset();
            sessions.clear();
            protocol.loadPassiveHead(Optional.empty());
            return;
        }
        long start = System.nanoTime();
        File file = snapshot.getFile().getPath().toFile();
        // SnapshotFiles.prepare set aside every snapshot without a checksum; one installed by the leader has its own.
        if (!snapshot.hasMd5()) {
            throw new StorageRecoveryException(replicaId + ": snapshot " + file + " has no .md5 file, so it cannot"
                    + " be verified. " + recoverySteps);
        }
        MD5Hash actual = MD5FileUtil.computeMd5ForFile(file);
        if (!actual.equals(snapshot.getFile().getFileDigest())) {
            // No fallback to an older snapshot: the log behind it is usually purged (Ratis purges behind each new one).
            throw new StorageRecoveryException(replicaId + ": snapshot " + file + " is corrupt (its MD5 is " + actual
                    + ", its .md5 file says " + snapshot.getFile().getFileDigest() + "), so this replica cannot"
                    + " rebuild its state from its storage. " + recoverySteps);
        }
        SnapshotFormat.read(file, (header, stateMachineBytes) -> {
            host.restore(stateMachineBytes);
            sessions.load(header.getSessions());
            protocol.loadPassiveHead(
                    header.hasPassiveHead()
                            ? Optional.of(PassiveReplication.Position.of(header.getPassiveHead()))
                            : Optional.empty());
        });
        setLastAppliedTermIndex(snapshot.getTermIndex());
        divergence.restartAt(snapshot.getIndex());
        metrics.snapshotLoaded(System.nanoTime() - start, file.length());
        LOG.info("{}: loaded snapshot {} ({} sessions)", replicaId, file.getName(), sessions.size());
    }
}
