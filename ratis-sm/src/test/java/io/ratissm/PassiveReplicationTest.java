package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What PASSIVE replication promises beyond the guarantees both modes share. */
class PassiveReplicationTest {

    private static LocalCluster.Builder instrumented(InstrumentedCounter.Calls calls) {
        return LocalCluster.builder()
                .replicas(3)
                .replication(Replication.PASSIVE)
                .stateMachinePerReplica(id -> () -> new InstrumentedCounter(id, calls));
    }

    private static void awaitSameValueEverywhere(LocalCluster cluster, ReplicaClient client, long expected)
            throws CommandRejected {
        cluster.awaitCaughtUp(Duration.ofSeconds(30));
        for (ReplicaServer r : cluster.replicas()) {
            assertThat(decode(client.queryStale(NonNegativeCounter.get(), r.id())))
                    .as("value on %s", r.id())
                    .isEqualTo(expected);
        }
    }

    @Test
    void followersNeverRunUserLogicTheyOnlyApplyUpdates() throws Exception {
        InstrumentedCounter.Calls calls = new InstrumentedCounter.Calls();
        try (LocalCluster cluster = instrumented(calls).start();
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 30; i++) {
                client.submit(add(1));
            }
            String leader = cluster.awaitLeader();
            awaitSameValueEverywhere(cluster, client, 30);

            for (String id : cluster.ids()) {
                if (id.equals(leader)) {
                    assertThat(calls.logic(id))
                            .as("the leader executes every command once")
                            .isEqualTo(30);
                } else {
                    assertThat(calls.logic(id))
                            .as("follower %s runs no user logic", id)
                            .isZero();
                    assertThat(calls.updates(id))
                            .as("follower %s applies the updates", id)
                            .isEqualTo(30);
                }
            }
            assertThat(cluster.replica(leader).stats().executions()).isEqualTo(30);
        }
    }

    @Test
    void aStateMachineWithoutEffectsShipsItsStateAndAFollowerRestartCatchesUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .replication(Replication.PASSIVE)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.snapshotEvery(15))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            String follower = cluster.ids().stream()
                    .filter(id -> !id.equals(cluster.awaitLeader()))
                    .findFirst()
                    .orElseThrow();
            for (int i = 0; i < 20; i++) {
                client.submit(add(2));
            }
            cluster.kill(follower);
            for (int i = 0; i < 20; i++) {
                client.submit(add(3));
            }
            assertThatThrownBy(() -> client.submit(add(-1000)))
                    .isInstanceOf(CommandRejected.class)
                    .hasMessageContaining("would go negative");
            cluster.restart(follower);

            awaitSameValueEverywhere(cluster, client, 100);
        }
    }

    @Test
    void aCommandThatThrowsOnTheLeaderIsRefusedAndNeverLogged() throws Exception {
        InstrumentedCounter.Calls calls = new InstrumentedCounter.Calls();
        try (LocalCluster cluster = instrumented(calls).start();
                ReplicaClient client = cluster.newClient()) {
            client.submit(add(5));
            ReplicaServer leader = cluster.replica(cluster.awaitLeader());
            long logBefore = leader.lastLogIndex();

            assertThatThrownBy(() -> client.submit(add(InstrumentedCounter.POISON)))
                    .isInstanceOf(CommandRejected.class)
                    .hasMessageContaining("poison command")
                    .hasMessageContaining("not applied");

            assertThat(leader.lastLogIndex()).isEqualTo(logBefore);
            assertThat(leader.health().healthy()).isTrue();
            assertThat(decode(client.submit(add(1)))).isEqualTo(6);
            awaitSameValueEverywhere(cluster, client, 6);
        }
    }

    @Test
    void aLeaderThatLosesItsMajorityRollsBackItsSpeculationAndNothingIsAppliedTwice() throws Exception {
        InstrumentedCounter.Calls calls = new InstrumentedCounter.Calls();
        try (LocalCluster cluster = instrumented(calls).start();
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 10; i++) {
                client.submit(add(1));
            }
            String leaderId = cluster.awaitLeader();
            ReplicaServer leader = cluster.replica(leaderId);
            List<String> followers =
                    cluster.ids().stream().filter(id -> !id.equals(leaderId)).toList();
            followers.forEach(cluster::kill);

            // The leader executes these but cannot commit them: no majority.
            List<CompletableFuture<ByteString>> inFlight = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                inFlight.add(client.submitAsync(add(1)));
            }
            Awaits.await(
                    "the leader holds executed, uncommitted entries",
                    Duration.ofSeconds(10),
                    () -> leader.stats().speculativePending() > 0);
            assertThat(decode(client.queryStale(NonNegativeCounter.get(), leaderId)))
                    .as("reads see only committed effects, never the leader's speculation")
                    .isEqualTo(10);
            Awaits.await("the leader steps down without a majority", Duration.ofSeconds(30), () -> !leader.isLeader());
            // Ratis reports the step-down to the state machine after the role change, so the count may lag isLeader.
            Awaits.await(
                    "the deposed leader rolls back its speculation",
                    Duration.ofSeconds(10),
                    () -> leader.stats().rollbacks() > 0);
            assertThat(inFlight).noneMatch(CompletableFuture::isDone);

            for (String id : followers) {
                cluster.restart(id);
            }
            // Each client call ends with exactly one application of its command, whichever way its entry went.
            for (CompletableFuture<ByteString> f : inFlight) {
                assertThat(decode(f.get())).isBetween(11L, 15L);
            }
            awaitSameValueEverywhere(cluster, client, 15);
        }
    }
}
