package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client given a group name that no replica at its addresses serves is told so after one round of attempts, with
 * the name it was given and the groups the replicas do serve, not at its timeout with a group id.
 */
class WrongGroupTest {
    /** Far longer than one round of attempts: a call that waits for it has not failed fast. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder()
                .replicas(3)
                .stateMachine(NonNegativeCounter::new)
                .start();
        cluster.awaitLeader();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static ReplicaClient clientOf(String group) {
        return ReplicaClient.builder()
                .peers(cluster.peers())
                .group(group)
                .timeout(TIMEOUT)
                .build();
    }

    @Test
    void aCommandToAGroupNoReplicaServesFailsAtOnceNamingTheGroupsTheyServe() throws Exception {
        try (ReplicaClient client = clientOf("orders")) {
            long start = System.nanoTime();
            Throwable t = catchThrowable(() -> client.submit(add(1)));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.dividedBy(2));
            assertThat(t).isInstanceOf(GroupNotFoundException.class);
            assertThat(t.getMessage())
                    .contains("no replica serves a group named 'orders'")
                    .contains("serves group 'ratis-sm'")
                    .contains("so it was not applied")
                    .doesNotContain("group-");
            for (String id : cluster.ids()) {
                assertThat(t.getMessage())
                        .contains(id + " at " + cluster.replica(id).address());
            }
        }
        try (ReplicaClient right = cluster.newClient()) {
            assertThat(NonNegativeCounter.decode(right.query(NonNegativeCounter.get())))
                    .as("not applied")
                    .isZero();
        }
    }

    @Test
    void aQueryToAGroupNoReplicaServesFailsAtOnce() {
        try (ReplicaClient client = clientOf("orders")) {
            Throwable t = catchThrowable(() -> client.query(NonNegativeCounter.get()));

            assertThat(t)
                    .isInstanceOf(GroupNotFoundException.class)
                    .hasMessageContaining("no replica serves a group named 'orders'");
        }
    }
}
