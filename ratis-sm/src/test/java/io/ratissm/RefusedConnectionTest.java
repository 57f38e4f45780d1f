package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A client whose every replica refuses the connection (no server is running there) is told so after one round of
 * attempts, not at its timeout: nothing was sent, so a command is definitely not applied.
 */
class RefusedConnectionTest {
    /** Far longer than one round of attempts: a call that waits for it has not failed fast. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static String nobodyListening() throws Exception {
        return "n1=127.0.0.1:" + FreePorts.next() + ",n2=127.0.0.1:" + FreePorts.next() + ",n3=127.0.0.1:"
                + FreePorts.next();
    }

    @Test
    void aCommandToReplicasThatAllRefuseTheConnectionFailsAtOnceAsNotApplied() throws Exception {
        String peers = nobodyListening();
        try (ReplicaClient client =
                ReplicaClient.builder().peers(peers).timeout(TIMEOUT).build()) {
            long start = System.nanoTime();
            Throwable t = catchThrowable(() -> client.submit(add(1)));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.dividedBy(2));
            assertThat(t).isInstanceOf(ConnectionRefusedException.class);
            assertThat(t.getMessage()).contains("Connection refused").contains("never sent, so it was not applied");
            for (String address : peers.replaceAll("n\\d=", "").split(",")) {
                assertThat(t.getMessage()).contains(address);
            }
            assertThat(((ConnectionRefusedException) t).refused())
                    .containsExactlyInAnyOrderElementsOf(java.util.Arrays.asList(
                            peers.replaceAll("n\\d=", "").split(",")));
        }
    }

    @Test
    void aQueryToReplicasThatAllRefuseTheConnectionFailsAtOnce() throws Exception {
        try (ReplicaClient client = ReplicaClient.builder()
                .peers(nobodyListening())
                .timeout(TIMEOUT)
                .build()) {
            long start = System.nanoTime();
            Throwable t = catchThrowable(() -> client.query(NonNegativeCounter.get()));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.dividedBy(2));
            assertThat(t).isInstanceOf(ConnectionRefusedException.class).hasMessageContaining("Connection refused");
        }
    }

    @Test
    void aGroupWithOneReplicaDownStillServesAClientThatTriesTheDownOneFirst() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                .replicas(3)
                .stateMachine(NonNegativeCounter::new)
                .start()) {
            String leader = cluster.awaitLeader();
            String down = cluster.ids().stream()
                    .filter(id -> !id.equals(leader))
                    .findFirst()
                    .orElseThrow();
            String downAddress = cluster.replica(down).address();
            cluster.kill(down);
            // The killed replica first: its refusal alone must not end the call.
            StringBuilder peers = new StringBuilder(down + "=" + downAddress);
            cluster.ids().stream()
                    .filter(id -> !id.equals(down))
                    .forEach(id -> peers.append(',')
                            .append(id)
                            .append('=')
                            .append(cluster.replica(id).address()));
            try (ReplicaClient client = ReplicaClient.builder()
                    .peers(peers.toString())
                    .timeout(TIMEOUT)
                    .build()) {
                assertThat(NonNegativeCounter.decode(client.submit(add(5)))).isEqualTo(5);
            }
        }
    }
}
