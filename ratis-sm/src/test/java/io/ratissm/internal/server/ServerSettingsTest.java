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
import org.apache.ratis.retry.RetryPolicy;
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

    /**
     * A leader that keeps failing to reach a follower waits between retries, and sends it nothing, heartbeats
     * included, while it waits. Ratis's default waits up to 5 s (times up to 1.5): a replica that had just started
     * with no membership, waiting for the leader's configuration, timed out into an election meanwhile, and Ratis
     * shuts a candidate outside its own configuration down for good (WipedReplicaTest, CI). Every wait, at its
     * random worst, must stay below the shortest election timeout.
     */
    @Test
    void aLeaderRetryingAFollowerNeverWaitsAsLongAsAnElectionTimeout(@TempDir Path dir) {
        RaftProperties p = settings(dir, false).raftProperties();
        long electionTimeoutMin = RaftServerConfigKeys.Rpc.timeoutMin(p).toLong(TimeUnit.MILLISECONDS);
        RetryPolicy waits = RetryPolicy.parse(
                RaftServerConfigKeys.Log.Appender.retryPolicy(p), RaftServerConfigKeys.Log.Appender.RETRY_POLICY_KEY);

        for (int errors = 1; errors <= 100_000; errors = errors < 100 ? errors + 1 : errors * 10) {
            int count = errors;
            // Each action's sleep is drawn at random (0.5 to 1.5 times the configured wait): draw it many times.
            for (int draw = 0; draw < 50; draw++) {
                RetryPolicy.Action action = waits.handleAttemptFailure(() -> count);
                assertThat(action.shouldRetry())
                        .as("still retrying after %d errors", errors)
                        .isTrue();
                assertThat(action.getSleepTime().toLong(TimeUnit.MILLISECONDS))
                        .as("the wait after %d errors", errors)
                        .isLessThan(electionTimeoutMin / 2);
            }
        }
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
