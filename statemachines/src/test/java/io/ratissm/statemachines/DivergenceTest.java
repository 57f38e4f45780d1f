package io.ratissm.statemachines;

import static io.ratissm.Awaits.await;
import static io.ratissm.statemachines.ReplicaStates.awaitCaughtUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.UnavailableException;
import io.ratissm.statemachines.proto.JournalEntries;
import io.ratissm.statemachines.proto.JournalEntry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A non-deterministic state machine ({@link StampedJournal}) stays identical on every replica in PASSIVE mode, and
 * in ACTIVE mode the replicas diverge and the divergence detector reports it.
 */
class DivergenceTest {

    private static LocalCluster journal(Replication mode) throws Exception {
        return LocalCluster.builder()
                .replicas(3)
                .stateMachine(StampedJournal::new)
                .replication(mode)
                .configure(b -> b.digestEvery(10).divergenceCheckInterval(Duration.ofMillis(200)))
                .start();
    }

    private static long sum(LocalCluster cluster, java.util.function.ToLongFunction<ReplicaServer> stat) {
        return cluster.replicas().stream().mapToLong(stat).sum();
    }

    @Test
    void passiveModeKeepsANonDeterministicStateMachineIdenticalOnEveryReplica() throws Exception {
        try (LocalCluster cluster = journal(Replication.PASSIVE);
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 40; i++) {
                client.submit(StampedJournal.append("event " + i), JournalEntry.parser());
            }
            awaitCaughtUp(cluster);
            JournalEntries reference =
                    client.queryStale(StampedJournal.all(), cluster.awaitLeader(), JournalEntries.parser());
            assertThat(reference.getEntriesCount()).isEqualTo(40);
            for (ReplicaServer r : cluster.replicas()) {
                assertThat(client.queryStale(StampedJournal.all(), r.id(), JournalEntries.parser()))
                        .as("journal on %s", r.id())
                        .isEqualTo(reference);
            }
            await(
                    "replicas compare their digests",
                    Duration.ofSeconds(30),
                    () -> sum(cluster, r -> r.stats().digestComparisons()) >= 4);
            assertThat(sum(cluster, r -> r.stats().divergences())).isZero();
        }
    }

    @Test
    void activeModeDetectsTheDivergenceOfANonDeterministicStateMachineAndStopsServingIt() throws Exception {
        try (LocalCluster cluster = journal(Replication.ACTIVE);
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofSeconds(5))
                        .build()) {
            String a = cluster.ids().get(0);
            try {
                for (int i = 0; i < 40; i++) {
                    client.submit(StampedJournal.append("event " + i), JournalEntry.parser());
                }
            } catch (UnavailableException refused) {
                // Once the replicas know that no majority holds one state, the leader takes no more commands.
            }

            await(
                    "a replica reports divergence",
                    Duration.ofSeconds(30),
                    () -> sum(cluster, r -> r.stats().divergences()) > 0);
            // Every replica stamped its own clock: no state is held by a majority, so none can be trusted.
            await(
                    "every replica reports that no majority holds one state",
                    Duration.ofSeconds(30),
                    () -> cluster.replicas().stream().noneMatch(r -> r.health().healthy()));
            for (ReplicaServer r : cluster.replicas()) {
                assertThat(r.health().reason()).as(r.id()).contains("no state is held by a majority");
            }
            assertThatThrownBy(() -> client.queryStale(StampedJournal.all(), a, JournalEntries.parser()))
                    .as("a diverged replica serves no reads")
                    .hasMessageContaining("diverged");
        }
    }
}
