package io.ratissm.bench.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.entity.PeerId;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SofaJRaftGroupTest {
    private static SofaJRaftGroup group;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.com.alipay", "error");
        System.setProperty("com.google.protobuf.use_unsafe_pre22_gencode", "true");
        group = SofaJRaftGroup.start();
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    @Test
    void commandsAreCountedOnEveryNode_andACommandSentToAFormerLeaderReachesTheNewOne() throws Exception {
        byte[] increment = PaddedCounter.command(1, 16);
        long before = group.send(increment).get(10, TimeUnit.SECONDS);

        PeerId newLeader = group.moveLeadership();
        long after = group.send(increment).get(10, TimeUnit.SECONDS);

        assertThat(after)
                .as("the reply of the command sent after leadership moved to " + newLeader)
                .isEqualTo(before + 1);
        assertThat(group.appliedValues(after, Duration.ofSeconds(10)))
                .hasSize(3)
                .allSatisfy((node, value) -> assertThat(value).as(node).isEqualTo(after));
    }

    @Test
    void aCommandShorterThanADeltaIsRefused() {
        assertThatThrownBy(() -> group.send(new byte[4]).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("SOFAJRaft refused a command: a counter command has at least 8 bytes");
    }
}
