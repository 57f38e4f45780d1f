package io.ratissm.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandPathProfileTest {

    @Test
    void threadsAreGroupedByTheRoleOfTheirReplica_soBothFollowersAddUpInOneRow() {
        List<String> followers = List.of("n1", "n3");

        assertThat(CommandPathProfile.role("n1@group-4F2A0C9B-SegmentedRaftLogWorker", "n2", followers))
                .isEqualTo(CommandPathProfile.role("n3@group-77AB01CD-SegmentedRaftLogWorker", "n2", followers))
                .isEqualTo("FOLLOWER@group-SegmentedRaftLogWorker");
        assertThat(CommandPathProfile.role("n2@group-4F2A0C9B->n3-GrpcLogAppender-LogAppenderDaemon", "n2", followers))
                .isEqualTo("LEADER@group->FOLLOWER-GrpcLogAppender-LogAppenderDaemon");
        assertThat(CommandPathProfile.role("grpc-default-executor-17", "n2", followers))
                .isEqualTo("grpc-default-executor-N");
    }
}
