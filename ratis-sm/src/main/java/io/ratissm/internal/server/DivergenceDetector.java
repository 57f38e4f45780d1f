package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.internal.Bytes;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.proto.DigestReply;
import io.ratissm.internal.proto.QueryRequest;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.impl.RaftClientImpl;
import org.apache.ratis.client.impl.UnorderedAsync;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects replicas whose states differ at the same log index. Every replica records a digest of its committed
 * state at the first state machine entry of every window of {@code every} log indexes (the same entries on every
 * replica, since they share the log); a background task asks the other replicas for their digest at the newest
 * recorded index, and a mismatch is logged and counted with both replica ids and the index.
 *
 * <p>In ACTIVE mode a mismatch means a non-deterministic state machine; in PASSIVE mode, a bug.
 */
final class DivergenceDetector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DivergenceDetector.class);
    private static final int KEPT = 32;

    private final String replicaId;
    private final GroupSpec group;
    private final long every;
    private final Parameters clientParameters;
    private final ConcurrentSkipListMap<Long, ByteString> digests = new ConcurrentSkipListMap<>();
    private final Set<String> compared = new HashSet<>();
    private final AtomicLong comparisons = new AtomicLong();
    private final AtomicLong divergences = new AtomicLong();
    private long lastRecorded;
    private RaftClient client;
    private ScheduledExecutorService timer;

    /** @param clientParameters the replica's own Ratis parameters (its TLS), or null for plaintext */
    DivergenceDetector(String replicaId, GroupSpec group, long every, Parameters clientParameters) {
        this.replicaId = replicaId;
        this.group = group;
        this.every = every;
        this.clientParameters = clientParameters;
    }

    /** Starts comparing with the other replicas every {@code intervalMillis}. */
    synchronized void start(long intervalMillis) {
        if (every <= 0 || group.addresses().size() < 2 || timer != null) {
            return;
        }
        client = RaftClient.newBuilder().setRaftGroup(group.raftGroup()).setProperties(new RaftProperties())
                .setParameters(clientParameters).setRetryPolicy(RetryPolicies.noRetry()).build();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ratis-sm-divergence-" + replicaId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::compareNewest, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
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
        return d == null ? DigestReply.getDefaultInstance() : DigestReply.newBuilder().setKnown(true).setDigest(d).build();
    }

    long comparisons() {
        return comparisons.get();
    }

    long divergences() {
        return divergences.get();
    }

    private void compareNewest() {
        Map.Entry<Long, ByteString> newest = digests.lastEntry();
        if (newest == null) {
            return;
        }
        long index = newest.getKey();
        for (String peer : group.addresses().keySet()) {
            if (peer.equals(replicaId) || !compared.add(peer + "@" + index)) {
                continue;
            }
            try {
                RaftClientReply reply = UnorderedAsync.send(RaftClientRequest.staleReadRequestType(0),
                        Bytes.message(QueryRequest.newBuilder().setDigestAtIndex(index).build()),
                        RaftPeerId.valueOf(peer), (RaftClientImpl) client).get(5, TimeUnit.SECONDS);
                DigestReply theirs = DigestReply.parseFrom(Bytes.content(reply.getMessage()));
                if (!theirs.getKnown()) {
                    compared.remove(peer + "@" + index); // not there yet: ask again next time
                    continue;
                }
                comparisons.incrementAndGet();
                if (!theirs.getDigest().equals(newest.getValue())) {
                    divergences.incrementAndGet();
                    LOG.error("{}: DIVERGENCE at log index {}: replica {} and replica {} hold different states",
                            replicaId, index, replicaId, peer);
                }
            } catch (Exception e) {
                compared.remove(peer + "@" + index); // unreachable now: ask again next time
            }
        }
        if (compared.size() > 4 * KEPT * group.addresses().size()) {
            compared.clear();
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                client.close();
            } catch (IOException e) {
                LOG.debug("{}: closing the divergence client", replicaId, e);
            }
        }
    }
}
