package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.internal.proto.DigestReply;
import io.ratissm.internal.proto.QueryRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects replicas whose states differ at the same log index. Every replica records a digest of its committed
 * state at the first state machine entry of every window of {@code every} log indexes (the same entries on every
 * replica, since they share the log); a background task asks the other replicas for their digest at the newest
 * recorded index, and a mismatch is logged and counted with both replica ids and the index. The other replicas are
 * the group's members as this replica's log knows them now, so replicas added or removed later are followed.
 *
 * <p>Verdicts: once a majority of the members is known to hold one state at an index and this replica holds
 * another, it is in the minority ({@link Verdicts#minority}); once every member's digest is known and no state is
 * held by a majority, nobody can tell the right state ({@link Verdicts#noMajority}). In ACTIVE mode a mismatch means
 * a non-deterministic state machine; in PASSIVE mode, a bug.
 */
final class DivergenceDetector implements AutoCloseable {
    /** What the replica does once it knows its state cannot be trusted. Called on the detector's thread, once. */
    interface Verdicts {
        /** At {@code index} the replicas {@code majority}, a majority of the group, hold another state than this one. */
        void minority(long index, Collection<String> majority);

        /** At {@code index} every member's digest is known and no state is held by a majority of them. */
        void noMajority(long index, Map<String, ByteString> digests);
    }

    private static final Logger LOG = LoggerFactory.getLogger(DivergenceDetector.class);
    private static final int KEPT = 32;

    /** Asks another member for its digest at an index. Called on the detector's thread (and closed by close). */
    interface DigestSource extends AutoCloseable {
        /** The digest {@code peer}, one of {@code others} (every member but this replica), holds at {@code index}. */
        DigestReply digestAt(List<RaftPeer> others, RaftPeer peer, long index) throws Exception;

        @Override
        void close();
    }

    private final String replicaId;
    private final Supplier<? extends Collection<RaftPeer>> members;
    private final long every;
    private final DigestSource peers;
    private final Verdicts verdicts;
    /** The digests the other replicas reported at the index compared last. Timer thread only. */
    private final Map<String, ByteString> reported = new HashMap<>();

    private long reportedIndex = -1;
    private volatile boolean decided;
    private final ConcurrentSkipListMap<Long, ByteString> digests = new ConcurrentSkipListMap<>();
    private final Set<String> compared = new HashSet<>();
    private final AtomicLong comparisons = new AtomicLong();
    private final AtomicLong divergences = new AtomicLong();
    private long lastRecorded;
    /** The periodic comparison, once started; null before, and never started after {@link #close()}. */
    private ScheduledFuture<?> task;

    private boolean closed;

    /**
     * @param members          the group's current members (this replica included); read before every comparison
     * @param clientParameters the replica's own Ratis parameters (its TLS), or null for plaintext
     */
    DivergenceDetector(
            String replicaId,
            RaftGroupId groupId,
            Supplier<? extends Collection<RaftPeer>> members,
            long every,
            Parameters clientParameters,
            Verdicts verdicts) {
        this(replicaId, members, every, new RatisDigests(replicaId, groupId, clientParameters), verdicts);
    }

    /** With the other members' digests from {@code peers}: for tests, which run {@link #compareNewest} themselves. */
    DivergenceDetector(
            String replicaId,
            Supplier<? extends Collection<RaftPeer>> members,
            long every,
            DigestSource peers,
            Verdicts verdicts) {
        this.verdicts = verdicts;
        this.replicaId = replicaId;
        this.members = members;
        this.every = every;
        this.peers = peers;
    }

    /**
     * Starts comparing with the other replicas every {@code intervalMillis}, on {@code timer}, which the replica's
     * groups share (runs of one detector never overlap; a pool that is shutting down starts nothing).
     */
    synchronized void start(ScheduledExecutorService timer, long intervalMillis) {
        if (every <= 0 || task != null || closed) {
            return;
        }
        try {
            task = timer.scheduleWithFixedDelay(
                    this::compareNewest, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the replica is closing
        }
    }

    /** Whether the entry at {@code index}, just applied, starts a new window and needs a digest. */
    boolean due(long index) {
        return every > 0 && index / every > lastRecorded / every;
    }

    /** Records this replica's digest at {@code index}. Apply thread only. */
    void record(long index, ByteString digest) {
        lastRecorded = index;
        digests.put(index, digest);
        while (digests.size() > KEPT) {
            digests.pollFirstEntry();
        }
    }

    /** After loading a snapshot: windows start after it. */
    void restartAt(long index) {
        lastRecorded = index;
    }

    DigestReply digestAt(long index) {
        ByteString d = digests.get(index);
        return d == null
                ? DigestReply.getDefaultInstance()
                : DigestReply.newBuilder().setKnown(true).setDigest(d).build();
    }

    long comparisons() {
        return comparisons.get();
    }

    long divergences() {
        return divergences.get();
    }

    /** Asks the other members for their digests at the newest index recorded, and judges. Timer thread only. */
    void compareNewest() {
        Map.Entry<Long, ByteString> newest = digests.lastEntry();
        if (newest == null) {
            return;
        }
        List<RaftPeer> others = members.get().stream()
                .filter(p -> !p.getId().toString().equals(replicaId))
                .toList();
        if (others.isEmpty()) {
            return;
        }
        long index = newest.getKey();
        for (RaftPeer peer : others) {
            String id = peer.getId().toString();
            if (!compared.add(id + "@" + index)) {
                continue;
            }
            try {
                DigestReply theirs = peers.digestAt(others, peer, index);
                if (!theirs.getKnown()) {
                    compared.remove(id + "@" + index); // not there yet: ask again next time
                    continue;
                }
                comparisons.incrementAndGet();
                if (!theirs.getDigest().equals(newest.getValue())) {
                    divergences.incrementAndGet();
                    LOG.error(
                            "{}: DIVERGENCE at log index {}: replica {} and replica {} hold different states",
                            replicaId,
                            index,
                            replicaId,
                            id);
                }
                if (reportedIndex != index) {
                    reported.clear();
                    reportedIndex = index;
                }
                reported.put(id, theirs.getDigest());
            } catch (Exception e) {
                compared.remove(id + "@" + index); // unreachable now: ask again next time
            }
        }
        if (compared.size() > 4 * KEPT * (others.size() + 1)) {
            compared.clear();
        }
        if (reportedIndex == index) {
            judge(index, newest.getValue(), others.size() + 1);
        }
    }

    /** Acts on what the digests known at {@code index} say about this replica, once they say something. */
    private void judge(long index, ByteString mine, int groupSize) {
        if (decided) {
            return;
        }
        Judgement j = judge(replicaId, mine, reported, groupSize);
        if (j instanceof Minority m) {
            decided = true;
            verdicts.minority(index, m.majority());
        } else if (j instanceof NoMajority n) {
            decided = true;
            verdicts.noMajority(index, n.digests());
        }
    }

    /** What the digests of one index say about a replica. */
    sealed interface Judgement permits Trusted, Undecided, Minority, NoMajority {}

    /** A majority, this replica among them, holds its state. */
    record Trusted() implements Judgement {}

    /** Not enough digests are known yet. */
    record Undecided() implements Judgement {}

    /** A majority holds another state than this replica: {@code majority} are their ids, sorted. */
    record Minority(List<String> majority) implements Judgement {}

    /** Every member's digest is known and no state is held by a majority: every digest, by replica id. */
    record NoMajority(Map<String, ByteString> digests) implements Judgement {}

    /**
     * Judges replica {@code me}, whose digest is {@code mine}, from the digests the other members reported at the same
     * index, in a group of {@code groupSize} members.
     */
    static Judgement judge(String me, ByteString mine, Map<String, ByteString> reported, int groupSize) {
        int majority = groupSize / 2 + 1;
        Map<ByteString, List<String>> holders = new HashMap<>();
        holders.computeIfAbsent(mine, d -> new ArrayList<>()).add(me);
        reported.forEach(
                (id, d) -> holders.computeIfAbsent(d, x -> new ArrayList<>()).add(id));
        for (Map.Entry<ByteString, List<String>> state : holders.entrySet()) {
            if (state.getValue().size() >= majority) {
                return state.getKey().equals(mine)
                        ? new Trusted()
                        : new Minority(state.getValue().stream().sorted().toList());
            }
        }
        if (reported.size() < groupSize - 1) {
            return new Undecided();
        }
        Map<String, ByteString> all = new TreeMap<>(reported);
        all.put(me, mine);
        return new NoMajority(all);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (task != null) {
            task.cancel(true);
        }
        peers.close();
    }

    /** Asks over Ratis ({@link PeerQueries}). */
    private static final class RatisDigests implements DigestSource {
        private final PeerQueries peers;

        RatisDigests(String replicaId, RaftGroupId groupId, Parameters clientParameters) {
            this.peers = new PeerQueries(replicaId, groupId, clientParameters);
        }

        @Override
        public DigestReply digestAt(List<RaftPeer> others, RaftPeer peer, long index) throws Exception {
            return DigestReply.parseFrom(peers.ask(
                    others,
                    peer,
                    QueryRequest.newBuilder().setDigestAtIndex(index).build()));
        }

        @Override
        public void close() {
            peers.close();
        }
    }
}
