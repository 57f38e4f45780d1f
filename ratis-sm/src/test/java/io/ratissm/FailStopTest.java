package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * ACTIVE mode: a state machine that throws unexpectedly on one replica stops that replica; the others keep
 * serving. (In PASSIVE mode only the leader runs user logic; see
 * {@link PassiveReplicationTest#aCommandThatThrowsOnTheLeaderIsRefusedAndNeverLogged}.)
 */
class FailStopTest {

    @Test
    void aReplicaWhoseStateMachineThrowsFailStopsAndTheOthersKeepServing() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().replicas(3)
                .stateMachinePerReplica(id -> id.equals("n2")
                        ? () -> new NonNegativeCounter(v -> v == 3)
                        : NonNegativeCounter::new)
                .start();
             ReplicaClient client = cluster.newClient()) {
            for (int i = 1; i <= 10; i++) {
                assertThat(decode(client.submit(add(1)))).isEqualTo(i);
            }

            ReplicaServer n2 = cluster.replica("n2");
            Awaits.await("n2 reports the fail-stop", Duration.ofSeconds(10), () -> !n2.health().healthy());
            assertThat(n2.health().reason())
                    .contains("simulated bug at value 3")
                    .contains("log index")
                    .contains("applies nothing more");
            assertThat(cluster.replica("n1").health().healthy()).isTrue();
            assertThat(cluster.replica("n3").health().healthy()).isTrue();
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(10);
            // n2 stopped applying at the bad command: it never shows a value past 2.
            assertThat(n2.appliedIndex()).isLessThan(cluster.replica("n1").appliedIndex());
        }
    }
}
