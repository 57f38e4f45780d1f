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
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a client holds and for how long, against a real group: calls end within their timeout from the call,
 * close ends every call, and a batch larger than a log entry is split instead of failing.
 */
class ReplicaClientLimitsTest {

    /** A group whose leader is alive but has no majority: it takes requests and never answers them. */
    private static LocalCluster startGroupThatWillLoseItsMajority() throws Exception {
        // A long election timeout keeps the leader from stepping down: requests just hang.
        return LocalCluster.builder()
                .replicas(3)
                .stateMachine(NonNegativeCounter::new)
                .configure(b -> b.electionTimeout(Duration.ofSeconds(5)))
                .start();
    }

    private static List<String> killFollowers(LocalCluster cluster) {
        String leader = cluster.awaitLeader();
        List<String> followers = cluster.others(leader);
        followers.forEach(cluster::kill);
        return followers;
    }

    @Test
    void aClientOfAGroupThatIsDownHoldsAtMostItsLimitAndRefusesMoreAtOnce() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, Replication.ACTIVE);
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofMinutes(2))
                        .maxPending(8, 1 << 20)
                        .build()) {
            client.submit(add(1));
            cluster.ids().forEach(cluster::kill);

            List<CompletableFuture<ByteString>> held = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                held.add(client.submitAsync(add(1)));
            }
            assertThatThrownBy(() -> client.submitAsync(add(1000)))
                    .isInstanceOf(QueueFullException.class)
                    .hasMessageContaining("8 pending commands");
            assertThatThrownBy(() -> client.submit(add(1000))).isInstanceOf(QueueFullException.class);
            List<CompletableFuture<ByteString>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reads.add(
                        i % 2 == 0
                                ? client.queryAsync(NonNegativeCounter.get())
                                : client.queryStaleAsync(NonNegativeCounter.get(), "n1"));
            }
            assertThatThrownBy(() -> client.queryStaleAsync(NonNegativeCounter.get(), "n2"))
                    .isInstanceOf(QueueFullException.class)
                    .hasMessageContaining("8 pending queries");
            assertThat(client.metrics().counter("ratissm.client.full").getCount())
                    .isEqualTo(3);
            assertThat(client.metrics()
                            .getGauges()
                            .get("ratissm.client.pending.commands")
                            .getValue())
                    .isEqualTo(8);

            for (String id : cluster.ids()) {
                cluster.restart(id);
            }
            // The held calls go through once the group is back; the refused ones were never sent.
            for (CompletableFuture<ByteString> f : held) {
                assertThat(decode(f.get())).isBetween(2L, 9L);
            }
            for (CompletableFuture<ByteString> f : reads) {
                assertThat(f).succeedsWithin(Duration.ofMinutes(1));
            }
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(9);
        }
    }

    @Test
    void aCommandQueuedBehindAnUnansweredOneTimesOutFromItsCallAndIsNeverApplied() throws Exception {
        try (LocalCluster cluster = startGroupThatWillLoseItsMajority();
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofSeconds(2))
                        .build()) {
            cluster.awaitLeader();
            client.submit(add(1));
            List<String> followers = killFollowers(cluster);

            CompletableFuture<ByteString> sent = client.submitAsync(add(10));
            long queuedAt = System.nanoTime();
            CompletableFuture<ByteString> queued = client.submitAsync(add(100));

            assertThat(queued)
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(UnavailableException.class)
                    .withMessageContaining("never sent")
                    .withMessageContaining("not applied");
            // From its own call, not from when the command ahead of it gave up (that would be about 4 s).
            assertThat(Duration.ofNanos(System.nanoTime() - queuedAt)).isLessThan(Duration.ofMillis(3000));
            assertThat(sent)
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(UnavailableException.class)
                    .withMessageContaining("unknown");

            for (String id : followers) {
                cluster.restart(id);
            }
            // The command that was sent may have been applied; the queued one never was. Asked with the default
            // timeout: electing a leader again can take longer than this client's 2 s.
            try (ReplicaClient patient = cluster.newClient()) {
                assertThat(decode(patient.query(NonNegativeCounter.get()))).isIn(1L, 11L);
            }
        }
    }

    @Test
    void closeEndsEveryPendingCallAndReleasesAThreadWaitingInSubmit() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, Replication.ACTIVE);
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofMinutes(5))
                        .build()) {
            client.submit(add(1));
            // Every attempt fails at once, so the batch in flight spends its time waiting for a scheduled retry.
            cluster.ids().forEach(cluster::kill);

            List<CompletableFuture<ByteString>> pending = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                pending.add(client.submitAsync(add(1)));
            }
            pending.add(client.queryAsync(NonNegativeCounter.get()));
            CompletableFuture<Throwable> waiter = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    client.submit(add(1));
                    waiter.complete(null);
                } catch (Throwable t) {
                    waiter.complete(t);
                }
            });
            thread.start();
            Awaits.await(
                    "the thread's command is held and the thread waits for it",
                    Duration.ofSeconds(10),
                    () -> client.metrics()
                                    .getGauges()
                                    .get("ratissm.client.pending.commands")
                                    .getValue()
                                    .equals(6)
                            && thread.getState() == Thread.State.WAITING);
            Awaits.await(
                    "the client retried",
                    Duration.ofSeconds(20),
                    () -> client.metrics().counter("ratissm.client.retries").getCount() > 3);

            client.close();

            for (CompletableFuture<ByteString> f : pending) {
                assertThat(f)
                        .failsWithin(Duration.ofSeconds(5))
                        .withThrowableOfType(ExecutionException.class)
                        .havingCause()
                        .isInstanceOf(UnavailableException.class)
                        .withMessageContaining("closed");
            }
            assertThat(waiter).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(UnavailableException.class);
            assertThatThrownBy(() -> client.submitAsync(add(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> client.query(NonNegativeCounter.get())).isInstanceOf(IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void concurrentCommandsOfHalfAMebibyteInBatchesOfUpTo16MebibytesAreAllApplied(Replication mode) throws Exception {
        int commands = 40;
        int size = 512 << 10;
        try (LocalCluster cluster = LocalCluster.start(3, PayloadCounter::new, mode);
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofSeconds(30))
                        .batching(1024, 16 << 20, 1)
                        .build()) {
            cluster.awaitLeader();
            List<CompletableFuture<ByteString>> replies = new ArrayList<>();
            for (int i = 0; i < commands; i++) {
                replies.add(client.submitAsync(ByteString.copyFrom(new byte[size])));
            }
            List<Long> counts = new ArrayList<>();
            for (CompletableFuture<ByteString> f : replies) {
                counts.add(PayloadCounter.decode(f.get()));
            }

            assertThat(counts).doesNotHaveDuplicates().allMatch(c -> c >= 1 && c <= commands);
            assertThat(PayloadCounter.decode(client.query(ByteString.EMPTY))).isEqualTo((long) commands * size);
        }
    }
}
