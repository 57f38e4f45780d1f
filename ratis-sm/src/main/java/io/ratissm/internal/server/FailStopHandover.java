package io.ratissm.internal.server;

import io.ratissm.internal.proto.HealthProbeReply;
import io.ratissm.internal.proto.QueryRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a fail-stopped replica does in its group: it stays a Raft member, serves nothing, and leads only while no
 * other member can.
 *
 * <p><b>Design.</b> When the state machine throws an unexpected exception applying the entry at index N, the replica
 * fail-stops ({@link StateMachineHost}) but its Raft server keeps running:
 * <ul>
 *   <li>it keeps its log, appends and acknowledges entries and votes like any member, so it still counts for the
 *       group's majority, and every committed entry, the one at N included, stays in its log;</li>
 *   <li>it applies nothing more: Ratis goes on calling {@code applyTransaction}, which answers each entry with
 *       a "retry" outcome naming the entry ({@link io.ratissm.internal.NotApplied}), so that the client asks again,
 *       and leaves the replica's applied index at N - 1; it never takes a snapshot
 *       past N - 1. A restart with a fixed state machine therefore replays the entry at N, and everything after it,
 *       once;</li>
 *   <li>it refuses every command before its log and every query ({@code ReplicaFailedException}, naming its
 *       reason);</li>
 *   <li>while it leads, it asks the other members whether they are fail-stopped (a health probe, a stale read that
 *       any replica answers; {@link #check}): to one that is not and has applied N (for a replica that diverged:
 *       the last entry it applied), it transfers the leadership,
 *       so the healthy majority serves; the others keep the leader's heartbeats flowing, so it does not win the next
 *       election either, unless the healthy leader fails. When every other member is fail-stopped too, or does not
 *       answer (a poison command fail-stops them all at N), it keeps the leadership and answers every client with the
 *       whole group's reasons ({@code GroupFailedException}), so that a client learns at once why the group cannot
 *       serve instead of timing out. It asks again every second, so that a member restarted with a fixed state
 *       machine takes over.</li>
 * </ul>
 * Closing the Raft server instead (as ratis-sm did before) also kept the healthy majority serving, but a client of
 * a group whose replicas had all fail-stopped then only saw refused connections, without the reason.
 */
final class FailStopHandover implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailStopHandover.class);
    private static final long INTERVAL_MILLIS = 1000;
    /** Sooner while another member has not yet applied as far: it is about to pass the entry, or to fail on it. */
    private static final long UNDECIDED_MILLIS = 200;

    private static final QueryRequest PROBE =
            QueryRequest.newBuilder().setHealthProbe(true).build();

    private final String replicaId;
    private final RaftGroupId groupId;
    private final Supplier<RaftServer> server;
    private final Supplier<String> failure;
    private final LongSupplier takeOverIndex;
    private final PeerQueries peers;
    private final AtomicLong callIds = new AtomicLong();
    /** Non-null while this replica leads and knows that no other member can serve: why, replica by replica. */
    private volatile String groupFailure;

    /** Runs the checks: one chain of rounds, each scheduling the next, and single checks in between. */
    private ScheduledExecutorService timer;

    private boolean closed;

    /**
     * @param server       the replica's Raft server, or null before it runs
     * @param failure      why this replica fail-stopped, or null while it applies
     * @param takeOverIndex the index another member must have applied to take over: the entry this replica failed
     *                      on; for a replica whose state diverged, the last entry it applied (the others applied
     *                      it too, to the majority's state, and no new entry comes while it leads)
     */
    FailStopHandover(
            String replicaId,
            RaftGroupId groupId,
            Supplier<RaftServer> server,
            Supplier<String> failure,
            LongSupplier takeOverIndex,
            PeerQueries peers) {
        this.replicaId = replicaId;
        this.groupId = groupId;
        this.server = server;
        this.failure = failure;
        this.takeOverIndex = takeOverIndex;
        this.peers = peers;
    }

    /** Non-null while this replica leads and no other member can serve: every member's reason. */
    String groupFailure() {
        return groupFailure;
    }

    /** This replica fail-stopped, or it became leader while fail-stopped: it checks now, then every second. */
    synchronized void check() {
        if (closed) {
            return;
        }
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ratis-sm-failstop-" + replicaId);
                t.setDaemon(true);
                return t;
            });
            schedule(0);
        } else {
            try {
                timer.execute(this::lookOnce); // the chain of rounds runs on
            } catch (RejectedExecutionException closing) {
                // the replica is closing
            }
        }
    }

    private synchronized void schedule(long delayMillis) {
        try {
            timer.schedule(this::round, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the replica is closing
        }
    }

    /** One round of the chain, on the timer's thread: a look at the group, and the next round scheduled. */
    private void round() {
        schedule(lookOnce() ? INTERVAL_MILLIS : UNDECIDED_MILLIS);
    }

    private boolean lookOnce() {
        try {
            return lookAtTheGroup();
        } catch (RuntimeException e) {
            LOG.warn("{}: the fail-stop check failed once: {}", replicaId, e.toString(), e);
            return true;
        }
    }

    /** Whether the group's state was clear: it hands over, or knows nobody can serve, or does not lead. */
    private boolean lookAtTheGroup() {
        String own = failure.get();
        RaftServer.Division division = division().orElse(null);
        if (own == null || division == null || !division.getInfo().isLeader()) {
            groupFailure = null;
            return true;
        }
        long needed = takeOverIndex.getAsLong();
        List<RaftPeer> others = division.getRaftConf().getCurrentPeers().stream()
                .filter(p -> !p.getId().toString().equals(replicaId))
                .toList();
        List<String> reasons = new ArrayList<>();
        reasons.add(replicaId + " (the leader): " + own);
        boolean undecided = false;
        for (RaftPeer peer : others) {
            HealthProbeReply health;
            try {
                health = HealthProbeReply.parseFrom(peers.ask(others, peer, PROBE));
            } catch (Exception e) {
                reasons.add(peer.getId() + " did not answer (" + e + ")");
                continue;
            }
            if (!health.getFailure().isEmpty()) {
                reasons.add(peer.getId() + ": " + health.getFailure());
            } else if (health.getAppliedIndex() >= needed) {
                groupFailure = null;
                transferTo(peer.getId());
                return true;
            } else {
                undecided = true; // it has not reached that entry: it may fail there too
            }
        }
        if (undecided) {
            groupFailure = null;
            return false;
        }
        String all = "every replica of the group is fail-stopped or did not answer, so the group serves nothing "
                + "until its replicas restart with a fixed state machine (OPERATIONS.md, 'A poison command: every "
                + "replica fail-stopped'): " + String.join("; ", reasons);
        if (!all.equals(groupFailure)) {
            LOG.error("{}: {}", replicaId, all);
        }
        groupFailure = all;
        return true;
    }

    private void transferTo(RaftPeerId healthy) {
        LOG.warn("{}: fail-stopped while leading: handing the leadership over to {}", replicaId, healthy);
        try {
            RaftClientReply reply = server.get()
                    .transferLeadership(new TransferLeadershipRequest(
                            ClientId.randomId(),
                            RaftPeerId.valueOf(replicaId),
                            groupId,
                            callIds.incrementAndGet(),
                            healthy,
                            3_000));
            if (!reply.isSuccess()) {
                LOG.warn("{}: handing the leadership to {} failed: {}", replicaId, healthy, reply.getException());
            }
        } catch (IOException e) {
            LOG.warn("{}: handing the leadership to {} failed: {}", replicaId, healthy, e.toString());
        }
    }

    private Optional<RaftServer.Division> division() {
        try {
            RaftServer s = server.get();
            return s == null ? Optional.empty() : Optional.of(s.getDivision(groupId));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        peers.close();
    }
}
