package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The replication mode is the group's, written in every log entry: a replica configured with the other mode stops
 * before it misreads the log, says why, and the group keeps serving.
 */
class MixedModesTest {

    @ParameterizedTest
    @EnumSource(Replication.class)
    void aReplicaConfiguredWithTheOtherModeStopsAndSaysSoWhileTheGroupServes(Replication groupMode) throws Exception {
        Replication other = groupMode == Replication.ACTIVE ? Replication.PASSIVE : Replication.ACTIVE;
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, groupMode);
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 30; i++) {
                client.submit(add(1));
            }
            String misconfigured = cluster.ids().stream()
                    .filter(id -> !id.equals(cluster.awaitLeader()))
                    .findFirst()
                    .orElseThrow();
            cluster.kill(misconfigured);

            try (ReplicaServer wrong = ReplicaServer.builder()
                    .id(misconfigured)
                    .peers(cluster.peers())
                    .storage(cluster.storage(misconfigured))
                    .stateMachine(NonNegativeCounter::new)
                    .replication(other)
                    .build()
                    .start()) {
                Awaits.await(
                        misconfigured + " reports the mismatch",
                        Duration.ofSeconds(30),
                        () -> !wrong.health().healthy());
                assertThat(wrong.health().reason())
                        .contains("the group uses " + groupMode + " replication")
                        .contains("configured with " + other)
                        .contains("Restart it with replication = " + groupMode);

                assertThat(decode(client.submit(add(1))))
                        .as("the group keeps serving")
                        .isEqualTo(31);
                assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(31);
            }
        }
    }
}
