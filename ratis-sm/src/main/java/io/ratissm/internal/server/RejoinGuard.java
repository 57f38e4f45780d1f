package io.ratissm.internal.server;

import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.client.RaftClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.LogInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a replica that has lost its storage from rejoining its group under its old identity with an empty log, the
 * way etcd refuses a member that "has already been bootstrapped". Such a replica has forgotten the entries it
 * acknowledged and the votes it cast: counted again as a voter, it could elect a leader that lacks entries the
 * group committed with its help. Its way back is to rejoin as a new member ({@link RecoveryProcedure}): removed,
 * emptied, started with {@code join}, added, and counted only once it holds the leader's log.
 *
 * <p>A replica whose storage holds a log starts as it always did. One with empty storage first asks the other
 * replicas it was given (in parallel, {@link #ASK_TIMEOUT} each) for their view of the group, and then:
 * <ol>
 *   <li>if one of them remembers this replica at a commit index of 0 or more, the replica held a log and lost it
 *       (wiped, replaced, or a new storage path): it refuses to start, with a {@link StorageRecoveryException}
 *       naming that peer, the index and the way back. This holds with {@code join} too: a replica still in the
 *       membership must be removed before it is added back. Once the leader no longer counts it as a member (it
 *       was removed), what a follower that has not caught up with the removal remembers does not count;</li>
 *   <li>else, with {@code join}, it starts as a joining replica, as asked;</li>
 *   <li>else, if one of them holds log entries (or a snapshot) and counts this replica as a member, the group
 *       already runs, or ran, without this replica's log: it starts as a joining replica too, a listener with no
 *       vote, so that it neither campaigns nor votes until the leader has sent it the group's configuration (a new
 *       group whose replicas are started one after another takes this path for the later ones). What a peer holds
 *       counts, not what it knows to be committed: a restarted replica learns how much of its log is committed only
 *       from the next leader (Ratis's commit-index entries are off, {@link ServerSettings});</li>
 *   <li>else (nobody answered, or no peer holds an entry) the group is new: it starts with the given peers as the
 *       group's first membership.</li>
 * </ol>
 *
 * <p>What it cannot tell apart. A replica's peers remember its commit index only in memory (Ratis's commit
 * information: the leader's, and what the leader passes to followers), so a wiped replica looks like one that
 * never ran when (a) no other replica answers within the timeout, or (b) every replica that answers has restarted
 * since it last heard from this one (a whole-group restart, or a wipe while the group was down), or (c) it held a
 * log but never learnt of a commit. In (a) it starts with the given peers, as a new group's first replica must:
 * a wiped replica that meets (a) can vote with an empty log. In (b) and (c) it starts as a joining replica, which
 * votes only once the leader has sent it the configuration; until it has also received the rest of the log its
 * vote can still favour a candidate that lacks entries it once acknowledged, a narrow window that the operator's
 * procedure (remove, wipe, join, add) closes entirely.
 */
public final class RejoinGuard {
    private static final Logger LOG = LoggerFactory.getLogger(RejoinGuard.class);
    /**
     * A peer that does not answer within this is one that cannot tell; a start waits at most about this long. 2 s
     * was too short for a first TLS handshake on a loaded 2-core machine (seen in TlsTest).
     */
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

    /** How a replica's Raft server starts. */
    public enum Start {
        /** With the peers it was given as the group's first membership (or the membership its log records). */
        WITH_PEERS,
        /** As a listener: it neither campaigns nor votes until the configuration it receives counts it as a voter. */
        JOINING
    }

    /**
     * What one other replica said about the group.
     *
     * @param peer           the replica that answered
     * @param leader         whether it is the leader
     * @param countsAsMember whether its configuration has the asking replica as a member
     * @param commitIndex    the asking replica's commit index as it last heard of it; -1 if it never did
     * @param held           the last index its own log or snapshot holds; -1 if it holds none
     */
    record PeerView(String peer, boolean leader, boolean countsAsMember, long commitIndex, long held) {}

    private RejoinGuard() {}

    /**
     * How replica {@code settings.id()} is to start, asking its peers if its storage holds no log.
     *
     * @param join whether it was configured to join a running group
     * @throws StorageRecoveryException if a peer remembers it holding a log its storage no longer has
     */
    public static Start decide(ServerSettings settings, boolean join) throws StorageRecoveryException {
        if (holdsLog(settings)) {
            return join ? Start.JOINING : Start.WITH_PEERS;
        }
        return decide(settings.id(), join, askPeers(settings), RecoveryProcedure.steps(settings));
    }

    /** The decision itself, from the answers of the peers that answered (see the class comment). */
    static Start decide(String id, boolean join, List<PeerView> views, String recoverySteps)
            throws StorageRecoveryException {
        boolean removed = views.stream().anyMatch(v -> v.leader() && !v.countsAsMember());
        Optional<PeerView> remembers = views.stream()
                .filter(v -> !removed && v.commitIndex() >= 0)
                .max(Comparator.comparingLong(PeerView::commitIndex));
        if (remembers.isPresent()) {
            PeerView v = remembers.get();
            throw new StorageRecoveryException(id + ": its storage holds no log, but " + v.peer() + " remembers " + id
                    + " at commit index " + v.commitIndex() + ": " + id + " had a log and lost it (its storage was"
                    + " wiped or replaced, or it was given a new directory). Rejoining under its old identity with an"
                    + " empty log could let it vote for a leader that lacks writes it had acknowledged, so it does not"
                    + " start. " + recoverySteps);
        }
        if (join) {
            return Start.JOINING;
        }
        Optional<PeerView> running =
                views.stream().filter(v -> v.countsAsMember() && v.held() >= 0).findFirst();
        if (running.isPresent()) {
            LOG.info(
                    "{}: storage is empty and the group already runs ({} holds log index {}, and never heard from"
                            + " {}): waiting for the leader to send the log before taking part in elections",
                    id,
                    running.get().peer(),
                    running.get().held(),
                    id);
            return Start.JOINING;
        }
        return Start.WITH_PEERS;
    }

    /** Whether Ratis has formatted this replica's storage for the group: it writes its metadata file first. */
    static boolean holdsLog(ServerSettings settings) {
        return Files.exists(settings.termAndVoteFile());
    }

    private static List<PeerView> askPeers(ServerSettings settings) {
        Map<String, String> others = new LinkedHashMap<>(settings.group().addresses());
        others.remove(settings.id());
        if (others.isEmpty()) {
            return List.of();
        }
        ExecutorService askers = Executors.newFixedThreadPool(others.size(), r -> {
            Thread t = new Thread(r, "ratis-sm-rejoin-guard-" + settings.id());
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Optional<PeerView>>> asks = others.entrySet().stream()
                    .map(e -> CompletableFuture.supplyAsync(() -> ask(settings, e.getKey(), e.getValue()), askers))
                    .toList();
            return asks.stream()
                    .map(CompletableFuture::join)
                    .flatMap(Optional::stream)
                    .toList();
        } finally {
            askers.shutdownNow();
        }
    }

    private static Optional<PeerView> ask(ServerSettings settings, String peer, String address) {
        try (RaftClient c = new RaftClientFactory(ASK_TIMEOUT, RetryPolicies.noRetry(), settings.tls())
                .newRaftClient(settings.group().groupId(), Map.of(peer, address))) {
            GroupInfoReply reply = c.getGroupManagementApi(RaftPeerId.valueOf(peer))
                    .info(settings.group().groupId());
            if (!reply.isSuccess()) {
                return Optional.empty();
            }
            String self = settings.id();
            boolean member = reply.getConf()
                    .map(conf -> conf.getPeersList().stream()
                            .anyMatch(p -> p.getId().toStringUtf8().equals(self)))
                    .orElse(false);
            long commitIndex = reply.getCommitInfos().stream()
                    .filter(ci -> ci.getServer().getId().toStringUtf8().equals(self))
                    .mapToLong(CommitInfoProto::getCommitIndex)
                    .max()
                    .orElse(-1);
            LogInfoProto log = reply.getLogInfoProto();
            long held = Math.max(
                    log.hasLastEntry() ? log.getLastEntry().getIndex() : -1,
                    log.hasLastSnapshot() ? log.getLastSnapshot().getIndex() : -1);
            boolean leader = reply.getRoleInfoProto().getRole() == RaftPeerRole.LEADER;
            return Optional.of(new PeerView(peer, leader, member, commitIndex, held));
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: {} did not answer: {}", settings.id(), peer, e.toString());
            return Optional.empty();
        }
    }
}
