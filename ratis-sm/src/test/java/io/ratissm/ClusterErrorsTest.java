package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad commands get their specific error, never reach the log when they should not, and harm nothing else. */
class ClusterErrorsTest {
    private static LocalCluster cluster;
    private static ReplicaClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().replicas(3).stateMachine(NonNegativeCounter::new)
                .configure(b -> b.maxCommandBytes(64)).start();
        client = cluster.newClient();
        cluster.awaitLeader();
        client.submit(add(10));
    }

    @AfterAll
    static void stop() {
        client.close();
        cluster.close();
    }

    private long leaderLastLogIndex() {
        return cluster.replica(cluster.awaitLeader()).lastLogIndex();
    }

    @Test
    void malformedCommandIsRefusedAndNeverLogged() throws Exception {
        long before = leaderLastLogIndex();
        assertThatThrownBy(() -> client.submit(ByteString.copyFromUtf8("abc")))
                .isInstanceOf(MalformedCommand.class)
                .hasMessageContaining("a command is 8 bytes, this one has 3");
        assertThat(leaderLastLogIndex()).isEqualTo(before);
        assertThat(decode(client.submit(add(1)))).isPositive();
    }

    @Test
    void oversizedCommandIsRefusedAndNeverLogged() throws Exception {
        long before = leaderLastLogIndex();
        assertThatThrownBy(() -> client.submit(ByteString.copyFrom(new byte[65])))
                .isInstanceOf(CommandTooLarge.class)
                .hasMessageContaining("65 bytes")
                .hasMessageContaining("limit of 64 bytes");
        assertThat(leaderLastLogIndex()).isEqualTo(before);
        assertThat(decode(client.submit(add(1)))).isPositive();
    }

    @Test
    void rejectedCommandGetsTheStateMachinesReasonAndChangesNothing() throws Exception {
        long value = decode(client.query(NonNegativeCounter.get()));
        assertThatThrownBy(() -> client.submit(add(-1_000_000)))
                .isExactlyInstanceOf(CommandRejected.class)
                .hasMessageContaining("the counter would go negative");
        assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(value);
        // The rejection is the same on every replica: each applied the entry and kept its value.
        long applied = cluster.replica(cluster.awaitLeader()).appliedIndex();
        for (ReplicaServer r : cluster.replicas()) {
            Awaits.await(r.id() + " applies " + applied, Duration.ofSeconds(10), () -> r.appliedIndex() >= applied);
            assertThat(decode(client.queryStale(NonNegativeCounter.get(), r.id()))).isEqualTo(value);
        }
    }

    @Test
    void asyncRejectionCompletesTheFutureExceptionally() {
        CompletableFuture<ByteString> f = client.submitAsync(add(-1_000_000));
        assertThat(f).failsWithin(Duration.ofSeconds(30))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CommandRejected.class);
    }

    @Test
    void staleReadOfAnUnknownReplicaNamesTheReplicas() {
        assertThatThrownBy(() -> client.queryStale(NonNegativeCounter.get(), "n9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown replica 'n9'");
    }
}
