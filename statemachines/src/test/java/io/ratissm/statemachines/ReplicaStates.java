package io.ratissm.statemachines;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.statemachines.proto.KvReply;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** What the cluster tests assert about replicas: they caught up, and they hold the same state. */
public final class ReplicaStates {
    private ReplicaStates() {}

    /** Waits until every running replica has applied everything the leader has applied. */
    static void awaitCaughtUp(LocalCluster cluster) {
        cluster.awaitCaughtUp(Duration.ofSeconds(60));
    }

    /** The values of {@code keys} as replica {@code id} holds them locally (absent keys are left out). */
    static Map<String, ByteString> kvState(ReplicaClient client, String id, Collection<String> keys)
            throws CommandRejected {
        Map<String, ByteString> state = new TreeMap<>();
        for (String key : keys) {
            KvReply r = client.queryStale(KvStore.get(key), id, KvReply.parser());
            if (r.getFound()) {
                state.put(key, r.getValue());
            }
        }
        return state;
    }

    /** Asserts that every running replica holds exactly {@code expected} for {@code keys}. */
    static void assertEveryReplicaHolds(
            LocalCluster cluster, ReplicaClient client, Collection<String> keys, Map<String, ByteString> expected)
            throws CommandRejected {
        awaitCaughtUp(cluster);
        for (ReplicaServer r : cluster.replicas()) {
            assertThat(kvState(client, r.id(), keys)).as("state of %s", r.id()).isEqualTo(expected);
        }
    }

    static long counterValue(ReplicaClient client, String id) throws CommandRejected {
        return client.queryStale(Counter.get(), id, io.ratissm.statemachines.proto.CounterValue.parser())
                .getValue();
    }
}
