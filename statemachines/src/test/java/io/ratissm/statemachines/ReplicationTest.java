package io.ratissm.statemachines;

import static io.ratissm.Awaits.await;
import static io.ratissm.statemachines.ReplicaStates.assertEveryReplicaHolds;
import static io.ratissm.statemachines.ReplicaStates.awaitCaughtUp;
import static io.ratissm.statemachines.ReplicaStates.counterValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.statemachines.proto.CounterValue;
import io.ratissm.statemachines.proto.KvReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The replication guarantees a user relies on, on a 3-replica {@link LocalCluster} with durable storage: writes
 * and linearizable reads agree, acknowledged writes survive a leader crash, a crash of every replica, and a
 * follower that missed purged log entries catches up from a snapshot.
 */
class ReplicationTest {

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void writesAndLinearizableReadsAgreeOnEveryReplica(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, KvStore::new, mode);
                ReplicaClient client = cluster.newClient()) {
            int threads = 4;
            int opsPerThread = 40;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Map<String, ByteString>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    // Each thread owns its keys, so it knows their latest acknowledged value.
                    Map<String, ByteString> mine = new TreeMap<>();
                    for (int i = 0; i < opsPerThread; i++) {
                        String key = "t" + thread + "-k" + (i % 5);
                        ByteString value = bytes("v" + i);
                        switch (i % 3) {
                            case 0 -> client.submit(KvStore.put(key, value), KvReply.parser());
                            case 1 -> {
                                KvReply r = client.submit(KvStore.cas(key, mine.get(key), value), KvReply.parser());
                                assertThat(r.getFound())
                                        .as("cas from the value this thread last wrote")
                                        .isTrue();
                            }
                            default -> {
                                client.submit(KvStore.delete(key), KvReply.parser());
                                value = null;
                            }
                        }
                        if (value == null) {
                            mine.remove(key);
                        } else {
                            mine.put(key, value);
                        }
                        KvReply read = client.query(KvStore.get(key), KvReply.parser());
                        assertThat(read.getFound()).isEqualTo(value != null);
                        if (value != null) {
                            assertThat(read.getValue()).isEqualTo(value);
                        }
                    }
                    return mine;
                }));
            }
            Map<String, ByteString> expected = new TreeMap<>();
            List<String> keys = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                expected.putAll(results.get(t).get());
                for (int k = 0; k < 5; k++) {
                    keys.add("t" + t + "-k" + k);
                }
            }
            pool.shutdown();

            assertEveryReplicaHolds(cluster, client, keys, expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void leaderKilledMidWorkloadLosesNoAcknowledgedWrite(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, KvStore::new, mode);
                ReplicaClient client = cluster.newClient()) {
            Map<String, ByteString> acknowledged = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                writers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        String key = "key-" + next.getAndIncrement();
                        ByteString value = bytes("value-of-" + key);
                        client.submit(KvStore.put(key, value), KvReply.parser());
                        acknowledged.put(key, value);
                    }
                    return null;
                }));
            }
            await("100 writes are acknowledged", Duration.ofSeconds(60), () -> acknowledged.size() >= 100);
            String oldLeader = cluster.awaitLeader();
            cluster.kill(oldLeader);
            int atKill = acknowledged.size();
            await(
                    "100 more writes are acknowledged under a new leader",
                    Duration.ofSeconds(60),
                    () -> acknowledged.size() >= atKill + 100);
            stop.set(true);
            for (Future<?> w : writers) {
                w.get();
            }
            pool.shutdown();

            assertThat(cluster.awaitLeader()).isNotEqualTo(oldLeader);
            for (Map.Entry<String, ByteString> e : acknowledged.entrySet()) {
                KvReply r = client.query(KvStore.get(e.getKey()), KvReply.parser());
                assertThat(r.getValue()).as(e.getKey()).isEqualTo(e.getValue());
            }
            cluster.restart(oldLeader);
            assertEveryReplicaHolds(cluster, client, acknowledged.keySet(), new TreeMap<>(acknowledged));
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void allReplicasKilledAndRestartedKeepExactlyTheAcknowledgedState(Replication mode) throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(Counter::new)
                        .replication(mode)
                        .configure(b -> b.snapshotEvery(75))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> adders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                adders.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        client.submit(Counter.add(1), CounterValue.parser());
                    }
                    return null;
                }));
            }
            for (Future<?> f : adders) {
                f.get();
            }
            pool.shutdown();

            for (String id : cluster.ids()) {
                cluster.kill(id);
            }
            for (String id : cluster.ids()) {
                cluster.restart(id);
            }

            assertThat(client.query(Counter.get(), CounterValue.parser()).getValue())
                    .isEqualTo(200);
            awaitCaughtUp(cluster);
            for (String id : cluster.ids()) {
                assertThat(counterValue(client, id)).as("counter on %s", id).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Replication.class)
    void followerThatMissedPurgedLogCatchesUpBySnapshotInstallation(Replication mode) throws Exception {
        int snapshotEvery = 40;
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(KvStore::new)
                        .replication(mode)
                        .configure(b -> b.snapshotEvery(snapshotEvery).logSegmentBytes(4096))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            String leaderId = cluster.awaitLeader();
            String followerId = cluster.ids().stream()
                    .filter(id -> !id.equals(leaderId))
                    .findFirst()
                    .orElseThrow();
            client.submit(KvStore.put("before", bytes("down")), KvReply.parser());
            awaitCaughtUp(cluster);
            long followerLastIndex = cluster.replica(followerId).lastLogIndex();
            cluster.kill(followerId);

            Map<String, ByteString> expected = new TreeMap<>();
            expected.put("before", bytes("down"));
            for (int i = 0; i < 400; i++) {
                String key = "k" + (i % 50);
                ByteString value = bytes("v" + i);
                client.submit(KvStore.put(key, value), KvReply.parser());
                expected.put(key, value);
            }
            ReplicaServer leader = cluster.replica(cluster.awaitLeader());
            assertThat(leader.latestSnapshotIndex())
                    .as("more than two snapshots were taken")
                    .isGreaterThan(followerLastIndex + 3L * snapshotEvery);
            await(
                    "the leader purges the log past what the follower has",
                    Duration.ofSeconds(30),
                    () -> leader.firstLogIndex() > followerLastIndex + 1);

            ReplicaServer follower = cluster.restart(followerId);

            awaitCaughtUp(cluster);
            assertThat(follower.latestSnapshotIndex())
                    .as("the follower installed a snapshot from the leader")
                    .isGreaterThan(followerLastIndex + 1);
            assertEveryReplicaHolds(cluster, client, expected.keySet(), expected);
        }
    }
}
