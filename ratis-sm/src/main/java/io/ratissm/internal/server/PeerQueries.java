package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.internal.Bytes;
import io.ratissm.internal.client.Router;
import io.ratissm.internal.proto.QueryRequest;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.impl.RaftClientImpl;
import org.apache.ratis.client.impl.UnorderedAsync;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks one other member of the group a {@link QueryRequest} as a stale read, which every replica answers from its
 * own state, leader or not (a state digest, its health). One Ratis client for the other members, rebuilt when they
 * change; one attempt per question. Thread-safe.
 */
final class PeerQueries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerQueries.class);

    private final String replicaId;
    private final RaftGroupId groupId;
    private final Parameters clientParameters;
    private RaftClient client;
    private Set<RaftPeer> clientPeers = Set.of();

    /** @param clientParameters the replica's own Ratis parameters (its TLS), or null for plaintext */
    PeerQueries(String replicaId, RaftGroupId groupId, Parameters clientParameters) {
        this.replicaId = replicaId;
        this.groupId = groupId;
        this.clientParameters = clientParameters;
    }

    /** The answer of {@code peer}, one of {@code others} (every member but this replica), within 5 s. */
    ByteString ask(List<RaftPeer> others, RaftPeer peer, QueryRequest question) throws Exception {
        RaftClientReply reply = UnorderedAsync.send(
                        Router.LOCAL_READ, Bytes.message(question), peer.getId(), (RaftClientImpl) clientFor(others))
                .get(5, TimeUnit.SECONDS);
        if (reply.getException() != null) {
            throw reply.getException();
        }
        return Bytes.content(reply.getMessage());
    }

    /** A client that knows exactly {@code peers}: the one built last if the membership is unchanged. */
    private synchronized RaftClient clientFor(List<RaftPeer> peers) {
        Set<RaftPeer> wanted = Set.copyOf(peers);
        if (client == null || !wanted.equals(clientPeers)) {
            closeClient();
            client = RaftClient.newBuilder()
                    .setRaftGroup(RaftGroup.valueOf(groupId, peers))
                    .setProperties(new RaftProperties())
                    .setParameters(clientParameters)
                    .setRetryPolicy(RetryPolicies.noRetry())
                    .build();
            clientPeers = wanted;
        }
        return client;
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException e) {
                LOG.debug("{}: closing the client of the other members", replicaId, e);
            }
            client = null;
        }
    }

    @Override
    public synchronized void close() {
        closeClient();
    }
}
