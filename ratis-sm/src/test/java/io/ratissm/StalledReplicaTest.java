package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas that stay behind their group for good are unhealthy, with the numbers, and still stop when asked: a stuck
 * apply loop, and a follower whose log the leader cannot continue.
 */
class StalledReplicaTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration LAG_LIMIT = Duration.ofSeconds(2);

    /** Holds n3's apply loop once its counter would reach 3, until the test ends. */
    private final CountDownLatch release = new CountDownLatch(1);
    /** Counted down when n3's apply loop starts to hold. */
    private final CountDownLatch holding = new CountDownLatch(1);

    @AfterEach
    void releaseTheStuckApplyLoop() {
        release.countDown();
    }

    private Supplier<? extends StateMachine> stuckAtThreeOn(String id) {
        return () -> new NonNegativeCounter(value -> {
            if (id.equals("n3") && value == 3) {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        });
    }

    /** A cluster whose n3 applies the first two additions and then holds its apply loop, as a follower. */
    private LocalCluster clusterWithApplyLoopStuckOnN3(boolean n3Leads) throws Exception {
        LocalCluster cluster = LocalCluster.builder()
                .replicas(3)
                .stateMachinePerReplica(this::stuckAtThreeOn)
                .configure(b -> b.lagLimit(LAG_LIMIT))
                .start();
        try (GroupAdmin admin = GroupAdmin.connect(cluster.peers())) {
            if (n3Leads != cluster.awaitLeader().equals("n3")) {
                admin.transferLeadership(n3Leads ? "n3" : "n1", WAIT);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    @Test
    void aReplicaWhoseApplyLoopIsStuckIsUnhealthyWithItsIndexesAndItsLagIsMeasured() throws Exception {
        try (LocalCluster cluster = clusterWithApplyLoopStuckOnN3(false);
                ReplicaClient client = cluster.newClient()) {
            ReplicaServer n3 = cluster.replica("n3");
            for (int i = 0; i < 5; i++) {
                client.submit(add(1));
            }

            Awaits.await(
                    "n3 reports its stuck apply loop", WAIT, () -> !n3.health().healthy());

            long applied = n3.appliedIndex();
            assertThat(n3.health().reason())
                    .startsWith("lagging: applied index " + applied + " has stayed below" + " commit index ")
                    .contains("more than the limit of 2.0 s")
                    .contains("committed entries are not" + " applied");
            assertThat(gauge(n3, MetricNames.Replica.LAG)).isPositive();
            assertThat(gauge(n3, MetricNames.Replica.LAG_SECONDS)).isGreaterThanOrEqualTo(2);
            for (String id : List.of("n1", "n2")) {
                assertThat(cluster.replica(id).health().healthy()).as(id).isTrue();
                assertThat(gauge(cluster.replica(id), MetricNames.Replica.LAG))
                        .as(id)
                        .isZero();
            }
        }
    }

    /**
     * Ratis's close waits for the apply loop to apply every committed entry: before the close limit, it waited
     * forever. A leader whose apply loop is stuck answers no command; once stopped, the others elect a leader and
     * answer them.
     */
    @ParameterizedTest(name = "n3 leads: {0}")
    @ValueSource(booleans = {false, true})
    void aReplicaWhoseApplyLoopIsStuckStillStopsAndFreesItsPort(boolean n3Leads) throws Exception {
        try (LocalCluster cluster = clusterWithApplyLoopStuckOnN3(n3Leads);
                ReplicaClient client = cluster.newClient()) {
            ReplicaServer n3 = cluster.replica("n3");
            int port = Integer.parseInt(n3.address().substring(n3.address().lastIndexOf(':') + 1));
            List<CompletableFuture<ByteString>> replies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                replies.add(client.submitAsync(add(1)));
            }
            // Not "commit index > applied + 1": with Ratis's commit-metadata entries off, the stuck command may be the
            // last committed entry.
            assertThat(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("n3 holds its apply loop at the third command")
                    .isTrue();
            assertThat(n3.status().log().commitIndex()).isGreaterThan(n3.appliedIndex());

            assertTimeoutPreemptively(WAIT, () -> cluster.kill("n3"));

            assertThat(n3.isStopped()).isTrue();
            try (ServerSocket probe = new ServerSocket(port)) {
                assertThat(probe.getLocalPort()).as("n3's port is free").isEqualTo(port);
            }
            assertThat(replies.stream()
                            .map(r -> NonNegativeCounter.decode(r.join()))
                            .sorted()
                            .toList())
                    .as("every command answered once")
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(NonNegativeCounter.decode(client.submit(add(1))))
                    .as("n1 and n2 serve")
                    .isEqualTo(6);
        }
    }

    /**
     * A follower whose log is gone while its term-and-vote record stayed (its log files deleted, or an old backup put
     * back) is not refused at start. The leader, which remembers it holding its entries, then either walks its next
     * index back to the start of the follower's log and continues it, or keeps sending entries the empty log cannot
     * continue: Ratis's LogAppenderBase.getNextIndexForInconsistency never goes at or below the match index it
     * remembers, except to answer the request that started there, so under load the follower can stay at an empty
     * log until another leader is elected. Which of the two happens depends on timing (with the bounded appender
     * retry policy of ServerSettings the first is the usual one). Either way the replica must tell the truth: in the
     * first case it catches up with every acknowledged write and is healthy; in the second it follows the leader
     * while its log holds nothing of the leader's term, and is unhealthy with its position.
     */
    @Test
    void aFollowerWhoseLogSegmentsAreDeletedCatchesUpOrIsUnhealthyWithItsPosition() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .configure(b -> b.lagLimit(LAG_LIMIT))
                        .start();
                BackgroundWriter writer = new BackgroundWriter(cluster.newClient());
                BackgroundWriter second = new BackgroundWriter(cluster.newClient());
                BackgroundWriter third = new BackgroundWriter(cluster.newClient())) {
            writer.awaitAcknowledged(20);
            String leader = cluster.awaitLeader();
            String follower = cluster.others(leader).get(0);
            cluster.kill(follower);
            deleteLogSegments(cluster.storage(follower));

            ReplicaServer restarted = cluster.restart(follower);

            Awaits.await(
                    follower + " reports that its log does not receive the leader's, or receives it",
                    WAIT,
                    () -> !restarted.health().healthy() || restarted.lastLogIndex() >= 0);
            if (restarted.lastLogIndex() < 0) {
                assertThat(restarted.health().reason())
                        .startsWith("lagging: it follows leader " + leader + " in term ")
                        .contains("but its log holds no entry of that term (it ends at nothing: the log is empty)");
            } else {
                // Its log was continued from its start: it holds the whole state again and says it is healthy.
                writer.awaitMore(10);
                long target = cluster.replica(leader).appliedIndex();
                Awaits.await(
                        follower + " applies the leader's index " + target + " and is healthy",
                        WAIT,
                        () -> restarted.health().healthy() && restarted.appliedIndex() >= target);
            }
            assertThat(cluster.replica(leader).health().healthy()).isTrue();
            writer.awaitMore(10);
        }
    }

    private static void deleteLogSegments(Path storage) throws IOException {
        try (Stream<Path> files = Files.walk(storage)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("log_"))
                    .toList()) {
                Files.delete(f);
            }
        }
    }

    private static long gauge(ReplicaServer r, String name) {
        return ((Number) r.metrics().getGauges().get(name).getValue()).longValue();
    }
}
