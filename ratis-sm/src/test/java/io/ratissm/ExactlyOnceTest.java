package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A retried command (same session, same sequence number) is applied once, also across a leader change. */
class ExactlyOnceTest {

    @ParameterizedTest
    @EnumSource(Replication.class)
    void aRetriedCommandIsAppliedOnceAndGetsTheOriginalReply(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, mode);
             ReplicaClient client = cluster.newClient()) {
            ByteString first = client.send(add(1), 1_000).get();
            ByteString retry = client.send(add(1), 1_000).get();

            assertThat(decode(first)).isEqualTo(1);
            assertThat(retry).isEqualTo(first);
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void aRetryThatReachesANewLeaderIsNotAppliedAgain(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, mode);
             ReplicaClient client = cluster.newClient()) {
            ByteString first = client.send(add(5), 2_000).get();
            String oldLeader = cluster.awaitLeader();
            // Everyone has the entry before the leader goes, so any new leader knows the reply.
            cluster.awaitCaughtUp(java.time.Duration.ofSeconds(10));
            cluster.kill(oldLeader);

            ByteString retry = client.send(add(5), 2_000).get();

            assertThat(cluster.awaitLeader()).isNotEqualTo(oldLeader);
            assertThat(retry).isEqualTo(first);
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(5);
        }
    }
}
