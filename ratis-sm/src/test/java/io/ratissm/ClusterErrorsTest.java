package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad commands get their specific error, never reach the log when they should not, and harm nothing else. One
 * cluster per replication mode serves all the tests.
 */
class ClusterErrorsTest {
    private static final Map<Replication, LocalCluster> CLUSTERS = new EnumMap<>(Replication.class);
    private static final Map<Replication, ReplicaClient> CLIENTS = new EnumMap<>(Replication.class);

    private LocalCluster cluster;
    private ReplicaClient client;

    private void use(Replication mode) throws Exception {
        synchronized (CLUSTERS) {
            if (!CLUSTERS.containsKey(mode)) {
                LocalCluster c = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .replication(mode)
                        .configure(b -> b.maxCommandBytes(64))
                        .start();
                CLUSTERS.put(mode, c);
                CLIENTS.put(mode, c.newClient());
                CLIENTS.get(mode).submit(add(10));
            }
            cluster = CLUSTERS.get(mode);
            client = CLIENTS.get(mode);
        }
    }

    @AfterAll
    static void stop() {
        CLIENTS.values().forEach(ReplicaClient::close);
        CLUSTERS.values().forEach(LocalCluster::close);
    }

    private long leaderLastLogIndex() {
        return cluster.replica(cluster.awaitLeader()).lastLogIndex();
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void malformedCommandIsRefusedAndNeverLogged(Replication mode) throws Exception {
        use(mode);
        long before = leaderLastLogIndex();
        assertThatThrownBy(() -> client.submit(ByteString.copyFromUtf8("abc")))
                .isInstanceOf(MalformedCommand.class)
                .hasMessageContaining("a command is 8 bytes, this one has 3");
        assertThat(leaderLastLogIndex()).isEqualTo(before);
        assertThat(decode(client.submit(add(1)))).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void oversizedCommandIsRefusedAndNeverLogged(Replication mode) throws Exception {
        use(mode);
        long before = leaderLastLogIndex();
        assertThatThrownBy(() -> client.submit(ByteString.copyFrom(new byte[65])))
                .isInstanceOf(CommandTooLarge.class)
                .hasMessageContaining("65 bytes")
                .hasMessageContaining("limit of 64 bytes");
        assertThat(leaderLastLogIndex()).isEqualTo(before);
        assertThat(decode(client.submit(add(1)))).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void rejectedCommandGetsTheStateMachinesReasonAndChangesNothing(Replication mode) throws Exception {
        use(mode);
        long value = decode(client.query(NonNegativeCounter.get()));
        assertThatThrownBy(() -> client.submit(add(-1_000_000)))
                .isExactlyInstanceOf(CommandRejected.class)
                .hasMessageContaining("the counter would go negative");
        assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(value);
        // The rejection is the same on every replica: each applied the entry and kept its value.
        cluster.awaitCaughtUp(Duration.ofSeconds(10));
        for (ReplicaServer r : cluster.replicas()) {
            assertThat(decode(client.queryStale(NonNegativeCounter.get(), r.id())))
                    .isEqualTo(value);
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void asyncRejectionCompletesTheFutureExceptionally(Replication mode) throws Exception {
        use(mode);
        CompletableFuture<ByteString> f = client.submitAsync(add(-1_000_000));
        assertThat(f)
                .failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CommandRejected.class);
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void staleReadOfAnUnknownReplicaNamesTheReplicas(Replication mode) throws Exception {
        use(mode);
        assertThatThrownBy(() -> client.queryStale(NonNegativeCounter.get(), "n9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown replica 'n9'");
    }
}
