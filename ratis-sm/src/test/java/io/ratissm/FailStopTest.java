package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A state machine that throws unexpectedly on one replica stops that replica; the others keep serving. In ACTIVE
 * mode the failure comes from {@code apply}; in PASSIVE mode from applying an update, which every replica does
 * (the leader too, on its committed state). An exception while the leader <em>executes</em> refuses the command
 * instead: see {@link PassiveReplicationTest#aCommandThatThrowsOnTheLeaderIsRefusedAndNeverLogged}.
 */
class FailStopTest {

    /**
     * A fail-stopped leader hands the leadership over to a healthy replica, and hands it over again when it is elected
     * after that one fails: the group serves as long as a majority keeps its log, one healthy replica leading.
     */
    @ParameterizedTest(name = "ACTIVE, the {0} fails")
    @ValueSource(strings = {"follower", "leader"})
    void aReplicaWhoseStateMachineThrowsFailStopsAndTheOthersKeepServing(String who) throws Exception {
        AtomicReference<String> victim = new AtomicReference<>("");
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachinePerReplica(
                                id -> () -> new NonNegativeCounter(v -> id.equals(victim.get()) && v == 3))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            String leader = cluster.awaitLeader();
            String failing =
                    who.equals("leader") ? leader : cluster.others(leader).get(0);
            victim.set(failing);
            // Every call is answered once with its own value, also when the leader stops on the third.
            for (int i = 1; i <= 10; i++) {
                assertThat(decode(client.submit(add(1)))).isEqualTo(i);
            }

            ReplicaServer failed = cluster.replica(failing);
            Awaits.await(
                    failing + " reports the fail-stop",
                    Duration.ofSeconds(10),
                    () -> !failed.health().healthy());
            assertThat(failed.health().reason())
                    .contains("simulated bug at value 3")
                    .contains("log index")
                    .contains("applies nothing more");
            for (String id : cluster.others(failing)) {
                assertThat(cluster.replica(id).health().healthy()).isTrue();
            }
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(10);
            String healthyLeader = cluster.awaitLeader();
            assertThat(healthyLeader).isNotEqualTo(failing);
            // It stopped applying at the bad command: it never shows a value past 2.
            assertThat(failed.appliedIndex())
                    .isLessThan(cluster.replica(healthyLeader).appliedIndex());

            // With the healthy leader gone, the fail-stopped replica and the other healthy one are the majority: the
            // fail-stopped one may win the election, but hands over, and the group serves on.
            cluster.kill(healthyLeader);
            for (int i = 11; i <= 15; i++) {
                assertThat(decode(client.submit(add(1)))).isEqualTo(i);
            }
            String last = cluster.others(failing).stream()
                    .filter(id -> !id.equals(healthyLeader))
                    .findFirst()
                    .orElseThrow();
            assertThat(cluster.awaitLeader()).isEqualTo(last);
            Awaits.await(
                    failing + " does not lead",
                    Duration.ofSeconds(10),
                    () -> failed.status().role() != Role.LEADER);
            assertThat(failed.appliedIndex()).isLessThan(cluster.replica(last).appliedIndex());
        }
    }

    @ParameterizedTest(name = "PASSIVE, the {0} fails")
    @ValueSource(strings = {"follower", "leader"})
    void passiveAReplicaWhoseUpdateThrowsFailStopsAndTheOthersKeepServing(String who) throws Exception {
        AtomicReference<String> victim = new AtomicReference<>("");
        InstrumentedCounter.Calls calls = new InstrumentedCounter.Calls();
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .replication(Replication.PASSIVE)
                        .stateMachinePerReplica(id -> () -> new InstrumentedCounter(
                                id, calls, (replica, value) -> replica.equals(victim.get()) && value == 3))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            String leader = cluster.awaitLeader();
            String failing =
                    who.equals("leader") ? leader : cluster.others(leader).get(0);
            victim.set(failing);
            List<String> others =
                    cluster.ids().stream().filter(id -> !id.equals(failing)).toList();

            // Every call is answered once with its own value, also when the leader stops on the third.
            for (int i = 1; i <= 10; i++) {
                assertThat(decode(client.submit(add(1)))).isEqualTo(i);
            }

            ReplicaServer failed = cluster.replica(failing);
            Awaits.await(
                    failing + " reports the fail-stop",
                    Duration.ofSeconds(10),
                    () -> !failed.health().healthy());
            assertThat(failed.health().reason())
                    .contains("simulated bug applying the update to 3")
                    .contains("log index")
                    .contains("applies nothing more");
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(10);
            String newLeader = cluster.awaitLeader();
            assertThat(others).contains(newLeader);
            for (String id : others) {
                ReplicaServer r = cluster.replica(id);
                assertThat(r.health().healthy()).as("%s stays healthy", id).isTrue();
                Awaits.await(
                        id + " applies what the leader applied",
                        Duration.ofSeconds(30),
                        () -> r.appliedIndex() >= cluster.replica(newLeader).appliedIndex());
                assertThat(decode(client.queryStale(NonNegativeCounter.get(), id)))
                        .as("value on %s", id)
                        .isEqualTo(10);
            }
            assertThat(failed.appliedIndex())
                    .isLessThan(cluster.replica(newLeader).appliedIndex());
            // Whoever failed, only leaders ran user logic: ten executions in all, none on a follower.
            long executions = cluster.ids().stream().mapToLong(calls::logic).sum();
            assertThat(executions).isEqualTo(10);
        }
    }
}
