package io.ratissm.internal.server;

import com.codahale.metrics.MetricRegistry;
import io.ratissm.Health;
import io.ratissm.LogStats;
import io.ratissm.ReplicaStats;
import io.ratissm.ReplicaStatus;
import io.ratissm.Replication;
import io.ratissm.Role;
import io.ratissm.internal.Roles;
import io.ratissm.internal.metrics.ServerMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * One group a replica serves in its Raft server (Ratis calls it a division): the state machine bridge the current
 * Raft server runs for it, its lag watch, its ratis-sm metrics, and what it reports (role, indexes, status). A
 * replica serves its first group, the one it was built with, and any number of groups created on it later
 * ({@code GroupAdmin.createGroup}); each has one of these, and a new bridge with each Raft server. Thread-safe.
 */
final class HostedGroup {
    final RaftGroupId groupId;
    /** The group's name where the replica knows it (its first group), otherwise its id. */
    final String name;

    private final String replicaId;
    private final Replication replication;
    private final Supplier<RaftServer> server;
    /** True while the replica is closed, or its Raft server stopping or stopped: it then serves nothing. */
    private final BooleanSupplier stopping;

    final LagWatch lag;
    /** The registry its ratis-sm metrics are in: the replica's own for its first group, one per group otherwise. */
    final MetricRegistry metrics;

    final ServerMetrics serverMetrics;
    /** The bridge the current Raft server runs for this group; replaced with each new Raft server. */
    volatile RaftStateMachine stateMachine;
    /** The division {@link #stateMachine} was told it runs in, once Ratis started it. */
    private volatile RaftServer.Division attached;

    HostedGroup(
            RaftGroupId groupId,
            String name,
            ServerSettings settings,
            Duration lagLimit,
            MetricRegistry metrics,
            Supplier<RaftServer> server,
            BooleanSupplier stopping) {
        this.groupId = groupId;
        this.name = name;
        this.replicaId = settings.id();
        this.replication = settings.replication();
        this.server = server;
        this.stopping = stopping;
        this.lag = new LagWatch(lagLimit);
        this.metrics = metrics;
        this.serverMetrics = new ServerMetrics(metrics);
    }

    /**
     * Tells the bridge the division it runs in and starts its divergence checks, once Ratis has started that
     * division; a no-op when already done for this bridge or when the division is not up yet. Returns whether it is.
     */
    boolean attach(ScheduledExecutorService divergenceTimer, long divergenceCheckMillis) {
        RaftStateMachine sm = stateMachine;
        Optional<RaftServer.Division> d = division();
        if (d.isEmpty() || d.get().getStateMachine() != sm) {
            return false;
        }
        if (attached != d.get()) {
            synchronized (this) {
                if (attached != d.get()) {
                    sm.started(d.get());
                    sm.startDivergenceChecks(divergenceTimer, divergenceCheckMillis);
                    attached = d.get();
                }
            }
        }
        return true;
    }

    /** One reading of the lag, from the watch thread. */
    void recordLag() {
        lag.record(position(), System.nanoTime());
    }

    /** Null while this group is served and keeps up; otherwise why not, as {@link Health} says it. */
    String problem() {
        String failure = stateMachine.failure();
        return failure != null ? failure : lag.problem();
    }

    /** Where this replica stands in this group, for the lag. */
    private LagWatch.Position position() {
        Optional<RaftServer.Division> d = division();
        if (stopping.getAsBoolean() || d.isEmpty()) {
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

    boolean isLeader() {
        return !stopping.getAsBoolean()
                && stateMachine.failure() == null
                && info().map(DivisionInfo::isLeaderReady).orElse(false);
    }

    Optional<String> leaderId() {
        return info().map(DivisionInfo::getLeaderId).map(RaftPeerId::toString);
    }

    long term() {
        return info().map(DivisionInfo::getCurrentTerm).orElse(0L);
    }

    List<String> members() {
        return division()
                .map(d -> d.getRaftConf().getCurrentPeers().stream()
                        .map(p -> p.getId().toString())
                        .sorted()
                        .toList())
                .orElse(List.of());
    }

    long appliedIndex() {
        RaftStateMachine sm = stateMachine;
        if (sm.failure() != null) {
            // Ratis counts the entries it handed over as applied; a fail-stopped state machine applied none of them.
            return sm.getLastAppliedTermIndex().getIndex();
        }
        return info().map(DivisionInfo::getLastAppliedIndex).orElse(-1L);
    }

    long lastLogIndex() {
        return fromLog(d -> {
            TermIndex last = d.getRaftLog().getLastEntryTermIndex();
            return last == null ? -1L : last.getIndex();
        });
    }

    long firstLogIndex() {
        return fromLog(d -> d.getRaftLog().getStartIndex());
    }

    long latestSnapshotIndex() {
        return division()
                .map(d -> d.getStateMachine().getLatestSnapshot())
                .map(s -> s.getIndex())
                .orElse(-1L);
    }

    ReplicaStats stats() {
        RaftStateMachine sm = stateMachine;
        return new ReplicaStats(
                sm.executions(), sm.speculativePending(), sm.rollbacks(), sm.digestComparisons(), sm.divergences());
    }

    /** Where this replica stands in this group, with {@code health} as the replica judged it. */
    ReplicaStatus status(Health health) {
        Role role = stopping.getAsBoolean()
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
        return new ReplicaStatus(replicaId, role, term(), leaderId(), log, replication, health);
    }

    /** Takes a snapshot of this group's state now; returns the log index it covers. */
    long takeSnapshot() throws IOException {
        RaftServer s = server.get();
        if (s == null) {
            throw new IOException(replicaId + ": not started");
        }
        RaftClientReply reply = s.snapshotManagement(SnapshotManagementRequest.newCreate(
                ClientId.randomId(), RaftPeerId.valueOf(replicaId), groupId, 0, 60_000, 0));
        if (!reply.isSuccess()) {
            throw new IOException(replicaId + ": snapshot of group " + name + " failed", reply.getException());
        }
        return reply.getLogIndex();
    }

    /** Reads the division's log, or -1 if there is none or it is closed (a stopped replica). */
    long fromLog(ToLongFunction<RaftServer.Division> read) {
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

    Optional<RaftServer.Division> division() {
        try {
            RaftServer s = server.get();
            return s == null ? Optional.empty() : Optional.of(s.getDivision(groupId));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<DivisionInfo> info() {
        return division().map(RaftServer.Division::getInfo);
    }
}
