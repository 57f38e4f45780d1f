package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A call never outlives the client's timeout, even while Ratis is still retrying underneath. */
class ClientTimeoutTest {

    @Test
    void aCommandToAGroupWithoutAMajorityFailsAsUnknownAtTheTimeout() throws Exception {
        // A long election timeout keeps the leader from stepping down during the call: the command just hangs.
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.electionTimeout(Duration.ofSeconds(5)))
                        .start();
                ReplicaClient warmUp = cluster.newClient();
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofSeconds(1))
                        .build()) {
            warmUp.submit(add(1));
            String leader = cluster.awaitLeader();
            cluster.others(leader).forEach(cluster::kill);

            long start = System.nanoTime();
            assertThatThrownBy(() -> client.submit(add(1)))
                    .isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("within 1000 ms");
            // Without the bound the call lasts at least Ratis's 3 s request timeout; slack for a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
            assertThat(client.metrics().counter("ratissm.client.unavailable").getCount())
                    .isEqualTo(1);
            assertThat(client.metrics().timer("ratissm.client.submit").getCount())
                    .isEqualTo(1);
        }
    }
}
