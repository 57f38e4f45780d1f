package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A replica whose state differs from the majority's stops and says where, and the others serve. */
class DivergedReplicaTest {

    @Test
    void aReplicaInTheMinorityStopsWithTheIndexAndThePeersItDisagreesWithWhileTheMajorityServes() throws Exception {
        try (LocalCluster cluster = offByOneOnN3();
                ReplicaClient client = cluster.newClient()) {
            Awaits.await(
                    "n1 or n2 leads",
                    Duration.ofSeconds(30),
                    () -> cluster.leader().filter(id -> !id.equals("n3")).isPresent() || moveLeadership(cluster));
            for (int i = 0; i < 30; i++) {
                client.submit(add(1));
            }

            ReplicaServer n3 = cluster.replica("n3");
            Awaits.await(
                    "n3 reports its divergence",
                    Duration.ofSeconds(30),
                    () -> !n3.health().healthy());
            assertThat(n3.health().reason())
                    .containsPattern("diverged: at log index \\d+")
                    .contains("[n1, n2]")
                    .contains("wipe its storage and add it back");
            assertThat(cluster.replica("n1").health().healthy()).isTrue();
            assertThat(cluster.replica("n2").health().healthy()).isTrue();
            assertThat(decode(client.submit(add(1)))).as("the majority serves").isEqualTo(31);
            assertThat(decode(client.queryStale(NonNegativeCounter.get(), "n1")))
                    .isGreaterThanOrEqualTo(30);
        }
    }

    /**
     * A leader that learns it is in the minority stops applying and refuses commands; with no new entry the others
     * never apply past it, so it must hand the leadership over on what they have applied, not wait for more.
     */
    @Test
    void aDivergedLeaderHandsTheLeadershipToTheMajority() throws Exception {
        try (LocalCluster cluster = offByOneOnN3();
                GroupAdmin admin = GroupAdmin.connect(cluster.peers());
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofSeconds(20))
                        .build()) {
            cluster.awaitLeader();
            admin.transferLeadership("n3", Duration.ofSeconds(10));
            for (int i = 0; i < 10; i++) {
                client.submit(add(1)); // answered by n3, off by one
            }
            ReplicaServer n3 = cluster.replica("n3");
            Awaits.await(
                    "n3 reports its divergence",
                    Duration.ofSeconds(30),
                    () -> !n3.health().healthy());
            assertThat(n3.health().reason()).containsPattern("diverged: at log index \\d+");

            assertThat(decode(client.submit(add(1)))).as("the majority serves").isEqualTo(11);
            assertThat(cluster.leader()).isPresent().get().isNotEqualTo("n3");
        }
    }

    /**
     * Three replicas that compare digests every 10 entries, 10 times a second; n3's state machine applies one more
     * than it is told (a deterministic bug), so n3 is the minority.
     */
    static LocalCluster offByOneOnN3() throws java.io.IOException {
        return LocalCluster.builder()
                .replicas(3)
                .replication(Replication.ACTIVE)
                .stateMachinePerReplica(id -> id.equals("n3") ? OffByOne::new : NonNegativeCounter::new)
                .configure(b -> b.digestEvery(10).divergenceCheckInterval(Duration.ofMillis(100)))
                .start();
    }

    /** If n3 leads, its replies are off by one: hand the leadership over to one of the others first. */
    private static boolean moveLeadership(LocalCluster cluster) {
        if (cluster.leader().orElse("").equals("n3")) {
            cluster.kill("n3");
            try {
                cluster.awaitLeader();
                cluster.restart("n3");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return false;
    }

    /** A counter that applies one more than it is told: a deterministic bug on one replica. */
    static final class OffByOne implements StateMachine {
        private final NonNegativeCounter counter = new NonNegativeCounter();

        @Override
        public ByteString apply(ByteString command) throws CommandRejected {
            return counter.apply(NonNegativeCounter.encode(decode(command) + 1));
        }

        @Override
        public ByteString query(ByteString query) throws CommandRejected {
            return counter.query(query);
        }

        @Override
        public void writeSnapshot(java.io.OutputStream out) throws java.io.IOException {
            counter.writeSnapshot(out);
        }

        @Override
        public void readSnapshot(java.io.InputStream in) throws java.io.IOException {
            counter.readSnapshot(in);
        }
    }
}
