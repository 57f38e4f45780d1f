package io.ratissm.internal;

import io.ratissm.internal.metrics.RatisRegistries;
import io.ratissm.internal.tls.TlsCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis clients for administrative calls to chosen replicas of a group (group information, membership, leadership,
 * snapshots), for {@code GroupAdmin} and for a replica asking its peers before it starts. Each call site opens one
 * and closes it when done.
 */
public final class AdminClients {
    private AdminClients() {
    }

    /**
     * A client of group {@code groupId} that talks to the replicas {@code addresses} (id to {@code host:port}).
     *
     * @param rpcTimeout how long one request may take
     * @param tls        the credentials of a group that runs with TLS, or null for plaintext
     */
    public static RaftClient connect(RaftGroupId groupId, Map<String, String> addresses, Duration rpcTimeout,
                                     RetryPolicy retry, TlsCredentials tls) {
        List<RaftPeer> peers = new ArrayList<>();
        addresses.forEach((id, a) -> peers.add(RaftPeer.newBuilder().setId(id).setAddress(a).build()));
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(rpcTimeout.toMillis(),
                TimeUnit.MILLISECONDS));
        // Before Ratis creates the client's first metric registry (see RatisRegistries for why).
        RatisRegistries.install();
        return RaftClient.newBuilder().setRaftGroup(RaftGroup.valueOf(groupId, peers)).setProperties(p)
                .setParameters(tls == null ? null : tls.ratisParameters())
                .setRetryPolicy(retry).build();
    }
}
