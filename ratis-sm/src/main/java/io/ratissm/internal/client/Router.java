package io.ratissm.internal.client;

import io.ratissm.internal.Causes;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.impl.RaftClientImpl;
import org.apache.ratis.client.impl.UnorderedAsync;
import org.apache.ratis.protocol.GroupListReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which replica each attempt of a client's request goes to, instead of Ratis's client. Ratis's routing
 * closes and reopens its connection to any replica that answers "not the leader", on the thread that delivers the
 * reply, and closing waits up to 3 s for the calls still open on it: every queued call stalled at start and after a
 * failover. So the Ratis client is built with {@link #NO_LEADER_GUESS} as its leader (no request goes there, so it
 * never resets a connection over a redirect) and with no retries, and this class:
 * <ul>
 *   <li>sends commands and linearizable reads to the replica believed to lead, and learns from a failure where the
 *       next attempt goes: the leader a replica names; the same replica if it leads but is not ready yet, or its
 *       state machine answered; otherwise the next replica of the latest membership a replica reported (replicas
 *       added to the group after this client was built are learned that way too);</li>
 *   <li>replaces a failed connection (the replica went down or stopped answering) in the background, at most every
 *       {@value #RECONNECT_GAP_MILLIS} ms per replica: the new one is usable at once, and gRPC alone would wait out
 *       its reconnect back-off, up to minutes, after the replica is back.</li>
 * </ul>
 * Every request goes through Ratis's unordered path: its ordered one holds every later request behind one that
 * failed, and ordering is not needed (commands carry their own session sequence numbers).
 */
public final class Router implements AutoCloseable {
    /** The leader id the Ratis client must be built with. */
    public static final String NO_LEADER_GUESS = "ratis-sm-client-routes-itself";

    /**
     * A read of one replica's local state as it is, however much of its log it knows to be committed. Ratis refuses
     * a stale read whose minimum index is above the replica's commit index, and that is -1 while a replica knows of
     * no commit: a new one, and one restarted without a snapshot until a leader speaks to it (Ratis's commit-index
     * entries are off). A minimum of 0 would refuse those.
     */
    public static final RaftClientRequest.Type LOCAL_READ = RaftClientRequest.staleReadRequestType(-1);

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final long RECONNECT_GAP_MILLIS = 250;

    private final String clientName;
    private final RaftClient raft;
    /** Opens connections to replicas the Ratis client was not built with. */
    private final Consumer<Collection<RaftPeer>> connect;

    private final AtomicReference<RaftPeerId> leaderHint;
    private volatile List<RaftPeerId> members;
    private final Map<RaftPeerId, Long> lastReconnect = new ConcurrentHashMap<>();
    /** Replaces connections, and asks for the groups a replica serves: blocking calls, off the callers' threads. */
    private final ExecutorService reconnector = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ratis-sm-client-reconnect");
        t.setDaemon(true);
        return t;
    });

    /** @param members the group's replicas; the first is tried first */
    public Router(RaftClient raft, List<RaftPeerId> members) {
        this(
                raft.getId().toString(),
                raft,
                members,
                peers -> raft.getClientRpc().addRaftPeers(peers));
    }

    /** With the connections to new replicas made by {@code connect}: for tests, which send nothing. */
    Router(String clientName, RaftClient raft, List<RaftPeerId> members, Consumer<Collection<RaftPeer>> connect) {
        this.clientName = clientName;
        this.raft = raft;
        this.connect = connect;
        this.members = List.copyOf(members);
        this.leaderHint = new AtomicReference<>(members.get(0));
    }

    /** One attempt to the replica believed to lead; its outcome is noted in {@code round}. */
    public CompletableFuture<RaftClientReply> toLeader(
            RaftClientRequest.Type type, Message message, RefusalRound round) {
        RaftPeerId target = leaderHint.get();
        return to(target, type, message).whenComplete((reply, error) -> {
            round.note(target, error != null ? error : reply.getException());
            if (error != null) {
                learnFrom(target, error);
            }
        });
    }

    /** One attempt to one replica. */
    public CompletableFuture<RaftClientReply> to(RaftPeerId replica, RaftClientRequest.Type type, Message message) {
        return UnorderedAsync.send(type, message, replica, (RaftClientImpl) raft)
                .whenComplete((reply, error) -> {
                    if (error != null && raft.getClientRpc().shouldReconnect(error) && reconnectDue(replica)) {
                        try {
                            reconnector.execute(() -> raft.getClientRpc().handleException(replica, error, true));
                        } catch (RejectedExecutionException closed) {
                            // the client is closing
                        }
                    }
                });
    }

    /**
     * The ids of the groups {@code replica} serves, asked off the caller's thread; empty if it did not say (Ratis's
     * group list is a blocking call).
     */
    public CompletableFuture<List<RaftGroupId>> groupsServedBy(RaftPeerId replica) {
        CompletableFuture<List<RaftGroupId>> served = new CompletableFuture<>();
        try {
            reconnector.execute(() -> {
                try {
                    GroupListReply reply = raft.getGroupManagementApi(replica).list();
                    served.complete(reply.isSuccess() ? reply.getGroupIds() : List.of());
                } catch (IOException | RuntimeException e) {
                    served.complete(List.of());
                }
            });
        } catch (RejectedExecutionException closed) {
            served.complete(List.of());
        }
        return served;
    }

    /** Whether a failed attempt named the leader, so that the next one may go there at once. */
    public static boolean namesTheLeader(Throwable failure) {
        return Causes.find(failure, NotLeaderException.class)
                .map(NotLeaderException::getSuggestedLeader)
                .isPresent();
    }

    /** The replica the next attempt {@link #toLeader} makes goes to. */
    RaftPeerId leaderHint() {
        return leaderHint.get();
    }

    /** The members a failed attempt goes on to in turn: the latest membership a replica reported. */
    public List<RaftPeerId> members() {
        return members;
    }

    /** Learns from an attempt to {@code target} that failed where the next one goes (unless another did already). */
    void learnFrom(RaftPeerId target, Throwable failure) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: an attempt to {} failed: {}", clientName, target, failure.toString());
        }
        NotLeaderException notLeader =
                Causes.find(failure, NotLeaderException.class).orElse(null);
        if (notLeader != null) {
            // The group may have members this client was not built with (replicas added since): connect to them too.
            if (notLeader.getPeers() != null && !notLeader.getPeers().isEmpty()) {
                connect.accept(notLeader.getPeers());
                members = notLeader.getPeers().stream().map(RaftPeer::getId).toList();
            }
            if (notLeader.getSuggestedLeader() != null) {
                connect.accept(List.of(notLeader.getSuggestedLeader()));
            }
        }
        leaderHint.compareAndSet(target, nextTarget(target, failure, members));
    }

    /**
     * Where the attempt after one to {@code target} that failed with {@code failure} goes: the leader a replica named;
     * the same replica if it leads but is not ready yet, or its state machine answered; otherwise the next of
     * {@code members} (the first, if {@code target} is not among them).
     */
    static RaftPeerId nextTarget(RaftPeerId target, Throwable failure, List<RaftPeerId> members) {
        NotLeaderException notLeader =
                Causes.find(failure, NotLeaderException.class).orElse(null);
        if (notLeader != null && notLeader.getSuggestedLeader() != null) {
            return notLeader.getSuggestedLeader().getId();
        }
        if (notLeader == null
                && Causes.any(
                        failure, c -> c instanceof LeaderNotReadyException || c instanceof StateMachineException)) {
            return target;
        }
        return members.get((members.indexOf(target) + 1) % members.size());
    }

    private boolean reconnectDue(RaftPeerId replica) {
        long now = System.nanoTime();
        boolean[] due = new boolean[1];
        lastReconnect.compute(replica, (id, last) -> {
            due[0] = last == null || now - last > TimeUnit.MILLISECONDS.toNanos(RECONNECT_GAP_MILLIS);
            return due[0] ? now : last;
        });
        return due[0];
    }

    /** Stops replacing connections; the Ratis client is closed by its owner. */
    @Override
    public void close() {
        reconnector.shutdownNow();
    }
}
