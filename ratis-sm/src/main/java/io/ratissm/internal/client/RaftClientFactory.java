package io.ratissm.internal.client;

import io.ratissm.internal.metrics.RatisRegistries;
import io.ratissm.internal.tls.TlsCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * The one place where ratis-sm builds a Ratis client: for {@code ReplicaClient}, for {@code GroupAdmin}, and for a
 * replica asking its peers before it starts. Every client it builds has the same three things set the same way: how
 * long one request may take, the TLS identity (or plaintext), and who retries (the {@code retryPolicy}; see
 * {@link RetryPause} for the pauses). It also installs ratis-sm's hook into Ratis's metric registries before Ratis
 * creates the client's first registry (see {@link RatisRegistries} for why it must come first).
 *
 * <p>Model: ratis-shell's {@code Context.newRaftClient}.
 *
 * @param requestTimeout how long one request to one replica may take
 * @param retryPolicy    what Ratis's client does after a failed attempt
 * @param tls            the identity for mutual TLS, or null for plaintext
 */
public record RaftClientFactory(Duration requestTimeout, RetryPolicy retryPolicy, TlsCredentials tls) {

    /** @throws IllegalArgumentException if the request timeout is not positive */
    public RaftClientFactory {
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be positive, was " + requestTimeout);
        }
    }

    /** A client of {@code group}, with a random client id and no leader known. */
    public RaftClient newRaftClient(RaftGroup group) {
        return builder(group).build();
    }

    /**
     * A client of {@code group} with the given id (for a caller that names its metrics after it) that sends its first
     * request to {@code leaderGuess}.
     */
    public RaftClient newRaftClient(RaftGroup group, ClientId id, RaftPeerId leaderGuess) {
        return builder(group).setClientId(id).setLeaderId(leaderGuess).build();
    }

    /** A client of group {@code groupId} that talks to the replicas {@code addresses} (id to {@code host:port}). */
    public RaftClient newRaftClient(RaftGroupId groupId, Map<String, String> addresses) {
        List<RaftPeer> peers = new ArrayList<>();
        addresses.forEach((id, a) ->
                peers.add(RaftPeer.newBuilder().setId(id).setAddress(a).build()));
        return newRaftClient(RaftGroup.valueOf(groupId, peers));
    }

    /** The Ratis properties every client gets. */
    public RaftProperties properties() {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                p, TimeDuration.valueOf(requestTimeout.toMillis(), TimeUnit.MILLISECONDS));
        return p;
    }

    /** The Ratis parameters: TLS for every gRPC channel, or null for plaintext. */
    public Parameters parameters() {
        return tls == null ? null : tls.ratisParameters();
    }

    private RaftClient.Builder builder(RaftGroup group) {
        RatisRegistries.install();
        return RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(properties())
                .setParameters(parameters())
                .setRetryPolicy(retryPolicy);
    }
}
