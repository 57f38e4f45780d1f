package io.ratissm.internal.server;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.Awaits;
import io.ratissm.LocalCluster;
import io.ratissm.NonNegativeCounter;
import io.ratissm.ReplicaClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A linearizable read of a restarted single-replica group reflects every write acknowledged before the crash, also
 * when it reaches the new leader before the first entry of its term commits. Until then a restarted replica knows its
 * log but not how much of it is committed (Ratis's commit-index entries are off, {@link ServerSettings}), so its
 * state machine holds only its snapshot (none here), and Ratis's read index of a group of one is its commit index at
 * once. The test holds the new leader at that point (Ratis tells the state machine of the leader change just before
 * the leader appends that entry), sends the read, and releases the leader once the read was answered or refused
 * twice. A stale read is answered meanwhile, from the state as it is. A larger group's leader is not tested here:
 * Ratis 3.3.0 answers its read index only once that entry is applied.
 */
class ReadAfterRestartTest {
    private static final int WRITES = 5;

    @AfterEach
    void noMoreHolds() {
        RaftStateMachine.leaderChangeHook = (replicaId, newLeaderId) -> {};
    }

    @Test
    void aReadAtARestartedLeaderWaitsForTheFirstCommitOfItsTerm() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                .replicas(1)
                .stateMachine(NonNegativeCounter::new)
                // No snapshot: the state comes back from the log alone. A replica of one elects itself when its
                // election timeout ends, and no other can contest it, so a short one only saves time.
                .configure(b -> b.snapshotEvery(10_000).electionTimeout(Duration.ofMillis(200)))
                .start()) {
            try (ReplicaClient client = cluster.newClient()) {
                for (int i = 1; i <= WRITES; i++) {
                    assertThat(decode(client.submit(add(1)))).isEqualTo(i);
                }
            }
            cluster.kill("n1");

            AtomicBoolean held = new AtomicBoolean();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            RaftStateMachine.leaderChangeHook = (replicaId, newLeaderId) -> {
                if (replicaId.equals(newLeaderId) && held.compareAndSet(false, true)) {
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            try {
                cluster.restart("n1");
                assertThat(holding.await(30, TimeUnit.SECONDS))
                        .as("n1 became leader again")
                        .isTrue();
                try (ReplicaClient client = cluster.newClient()) {
                    // A stale read is of the local state as it is, which may lag (here: no write applied yet).
                    assertThat(decode(client.queryStale(NonNegativeCounter.get(), "n1")))
                            .as("a stale read, answered while n1 is held")
                            .isBetween(0L, (long) WRITES);
                    CompletableFuture<ByteString> read = client.queryAsync(NonNegativeCounter.get());
                    Awaits.await(
                            "the read is answered, or refused twice",
                            Duration.ofSeconds(30),
                            () -> read.isDone() || retries(client) >= 2);
                    if (read.isDone()) {
                        assertThat(decode(read.join()))
                                .as("the read answered while n1 had not appended the first entry of its term")
                                .isEqualTo(WRITES);
                    }
                    release.countDown();
                    assertThat(decode(read.get(30, TimeUnit.SECONDS)))
                            .as("the read once the leader is ready")
                            .isEqualTo(WRITES);
                }
            } finally {
                release.countDown();
            }
        }
    }

    private static long retries(ReplicaClient client) {
        return client.metrics().counter("ratissm.client.retries").getCount();
    }
}
