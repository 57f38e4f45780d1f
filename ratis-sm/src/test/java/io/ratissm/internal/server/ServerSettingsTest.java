package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Replication;
import io.ratissm.internal.GroupSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSettingsTest {

    @Test
    void theLeaderLeaseIsOnOnlyWhenLeaseReadsAreAskedForAndLastsRatissDefaultShareOfTheElectionTimeout(
            @TempDir Path dir) {
        RaftProperties plain = settings(dir, false).raftProperties();
        RaftProperties lease = settings(dir, true).raftProperties();

        assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(plain)).isFalse();
        assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(lease)).isTrue();
        // The documented bound (ReplicaServer.Builder.leaseReads) assumes Ratis's 0.9 and ReadIndex otherwise.
        assertThat(RaftServerConfigKeys.Read.leaderLeaseTimeoutRatio(lease)).isEqualTo(0.9);
        assertThat(RaftServerConfigKeys.Read.option(lease)).isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        assertThat(RaftServerConfigKeys.Rpc.timeoutMin(lease).toLong(TimeUnit.MILLISECONDS))
                .isEqualTo(1000);
    }

    private static ServerSettings settings(Path dir, boolean leaseReads) {
        return new ServerSettings(
                "n1",
                GroupSpec.parse("g", List.of("n1=127.0.0.1:7001")),
                dir,
                Replication.ACTIVE,
                10_000,
                1 << 20,
                Duration.ofSeconds(1),
                8L << 20,
                10_000,
                Duration.ofMinutes(10),
                100_000,
                Map.of(),
                null,
                leaseReads);
    }
}
