package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Replication;
import io.ratissm.jepsen.nemesis.ClockFaults;
import io.ratissm.jepsen.workload.ReadMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TestOptionsTest {

    @Test
    void theStoreNameSaysWhatWasRunEvenForJoinedFaultsLeaseReadsAndASlowStateMachine() {
        TestOptions plain = HarnessRuns.shortRun(
                "register", "kill,partition-leader+clock-rate-leader", Replication.PASSIVE, ReadMode.LINEARIZABLE, 1);
        assertThat(plain.testName()).isEqualTo("register-kill,partition-leader+clock-rate-leader-passive");

        TestOptions variant = HarnessRuns.shortRun("counter", "pause-leader", Replication.ACTIVE, ReadMode.STALE, 1)
                .with(Duration.ofMillis(30), true, ClockFaults.DEFAULTS);
        assertThat(variant.testName()).isEqualTo("counter-pause-leader-active-stale-lease-delay30ms");
    }

    @Test
    void aShardedRunSaysSoInItsNameAndItsShardsHaveAServerToMoveToWhenReplicasMove() {
        TestOptions kill = HarnessRuns.shortRun("register", "kill", Replication.ACTIVE, ReadMode.LINEARIZABLE, 1);
        assertThat(kill.sharded()).isFalse();
        assertThat(kill.replicasPerShard()).isZero();

        TestOptions sharded = kill.withShards(4, 0);
        assertThat(sharded.sharded()).isTrue();
        assertThat(sharded.testName()).isEqualTo("register-kill-active-shards4");
        assertThat(sharded.replicasPerShard()).as("min(3, servers)").isEqualTo(3);

        TestOptions moving =
                HarnessRuns.shortRun("register", "kill,move-shard", Replication.PASSIVE, ReadMode.LINEARIZABLE, 1, 4);
        assertThat(moving.replicasPerShard())
                .as("one fewer than the 3 servers, so that every shard has a server to move to")
                .isEqualTo(2);
        assertThat(moving.withShards(4, 1).replicasPerShard()).isEqualTo(1);
    }
}
