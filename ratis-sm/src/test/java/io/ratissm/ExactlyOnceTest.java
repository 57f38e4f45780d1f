package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void aRetryOfAForgottenSessionIsNeverAppliedAgainAndTheClientCarriesOnInANewSession(Replication mode)
            throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .replication(mode)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.maxSessions(1))
                        .start();
                ReplicaClient forgotten = cluster.newClient();
                ReplicaClient other = cluster.newClient()) {
            assertThat(decode(forgotten.send(add(1), 1).get())).isEqualTo(1);
            other.submit(add(10)); // opens a second session: beyond the limit of one, the older one is forgotten

            assertThatThrownBy(() -> forgotten.send(add(1), 1).get())
                    .cause()
                    .isInstanceOf(SessionExpiredException.class)
                    .hasMessageContaining("outcome unknown");
            assertThat(decode(forgotten.submit(add(100))))
                    .as("a new session of the same client")
                    .isEqualTo(111);
            assertThat(decode(forgotten.query(NonNegativeCounter.get()))).isEqualTo(111);
            assertThat(cluster.replica(cluster.awaitLeader())
                            .metrics()
                            .getGauges()
                            .get("ratissm.sessions.evicted")
                            .getValue())
                    .isEqualTo(2L);
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
