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
}
