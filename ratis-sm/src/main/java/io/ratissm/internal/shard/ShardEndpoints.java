package io.ratissm.internal.shard;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.GroupAdmin;
import io.ratissm.RatisSmException;
import io.ratissm.ReplicaClient;
import io.ratissm.Tls;
import io.ratissm.internal.proto.ShardQuery;
import io.ratissm.internal.proto.ShardReply;
import java.time.Duration;
import java.util.List;

/**
 * How the sharded client and admin reach a deployment: the placement group's name and replicas, the TLS and the
 * timeout every group's clients share.
 */
public record ShardEndpoints(String placementGroup, List<String> placementPeers, Tls tls, Duration timeout) {

    public ShardEndpoints {
        placementPeers = List.copyOf(placementPeers);
        if (placementPeers.isEmpty()) {
            throw new IllegalArgumentException("the placement group's replicas are missing: give peers id=host:port");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** A client of group {@code group} on {@code peers} ({@code id=host:port} each). */
    public ReplicaClient client(String group, List<String> peers) {
        return ReplicaClient.builder()
                .group(group)
                .peers(peers)
                .tls(tls)
                .timeout(timeout)
                .build();
    }

    public ReplicaClient placementClient() {
        return client(placementGroup, placementPeers);
    }

    public GroupAdmin admin(String group, List<String> peers) {
        return GroupAdmin.builder()
                .group(group)
                .peers(peers)
                .tls(tls)
                .timeout(timeout)
                .build();
    }

    /** The query that reads the placement group's map. */
    public static ByteString mapQuery() {
        return ShardQuery.newBuilder().setMap(true).build().toByteString();
    }

    public static ShardReply parseReply(ByteString reply) {
        try {
            return ShardReply.parseFrom(reply);
        } catch (InvalidProtocolBufferException e) {
            throw new RatisSmException(
                    "a sharded group's reply does not parse: do its servers run Sharded.of(...)? (" + e.getMessage()
                            + ")",
                    e);
        }
    }
}
