package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static io.ratissm.NonNegativeCounter.decode;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Concurrent commands share log entries, concurrent reads share requests, and each still gets its own outcome. */
class BatchingTest {

    @ParameterizedTest
    @EnumSource(Replication.class)
    void concurrentCommandsShareLogEntriesAndEachIsAppliedOnce(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, mode);
                ReplicaClient client = cluster.newClient()) {
            client.submit(add(0));
            ReplicaServer leader = cluster.replica(cluster.awaitLeader());
            long logBefore = leader.lastLogIndex();

            List<CompletableFuture<ByteString>> replies = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                replies.add(client.submitAsync(add(1)));
            }
            List<Long> values = new ArrayList<>();
            for (CompletableFuture<ByteString> f : replies) {
                values.add(decode(f.get()));
            }

            // Every add saw a distinct counter value: each was applied exactly once.
            assertThat(values).doesNotHaveDuplicates().allMatch(v -> v >= 1 && v <= 600);
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(600);
            assertThat(leader.lastLogIndex() - logBefore)
                    .as("log entries used for 600 commands")
                    .isLessThan(300);
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void aMalformedCommandFailsAloneAndItsBatchMatesAreApplied(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, mode);
                ReplicaClient client = ReplicaClient.builder()
                        .peers(cluster.peers())
                        .batching(64, 1 << 20, 1)
                        .build()) {
            cluster.awaitLeader();
            List<CompletableFuture<ByteString>> good = new ArrayList<>();
            CompletableFuture<ByteString> blocker = client.submitAsync(add(1));
            for (int i = 0; i < 20; i++) {
                good.add(client.submitAsync(add(1)));
            }
            // Queued behind the in-flight batch: it travels with the 20 good ones.
            CompletableFuture<ByteString> bad = client.submitAsync(ByteString.copyFromUtf8("not a delta"));
            for (int i = 0; i < 20; i++) {
                good.add(client.submitAsync(add(1)));
            }

            assertThat(bad)
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(MalformedCommand.class);
            blocker.get();
            for (CompletableFuture<ByteString> f : good) {
                assertThat(decode(f.get())).isBetween(2L, 41L);
            }
            assertThat(decode(client.query(NonNegativeCounter.get()))).isEqualTo(41);
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void concurrentStaleReadsOfOneReplicaShareRequestsAndEachGetsItsAnswer(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, NonNegativeCounter::new, mode);
                ReplicaClient client = cluster.newClient()) {
            client.submit(add(7));
            cluster.awaitCaughtUp(Duration.ofSeconds(30));
            String leader = cluster.awaitLeader();
            ReplicaServer follower = cluster.replicas().stream()
                    .filter(r -> !r.id().equals(leader))
                    .findFirst()
                    .orElseThrow();
            long requestsBefore = follower.metrics().timer("ratissm.query").getCount();

            List<CompletableFuture<ByteString>> answers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                answers.add(client.queryStaleAsync(NonNegativeCounter.get(), follower.id()));
            }
            for (CompletableFuture<ByteString> f : answers) {
                assertThat(decode(f.get())).isEqualTo(7);
            }
            long requests = follower.metrics().timer("ratissm.query").getCount() - requestsBefore;
            assertThat(requests)
                    .as("requests the follower answered for 500 stale reads")
                    .isBetween(1L, 250L);
            assertThat(client.queryStaleAsync(NonNegativeCounter.get(), leader).get())
                    .isEqualTo(add(7));
        }
    }
}
