package io.ratissm.bench.baseline;

import com.google.protobuf.ByteString;
import io.ratissm.GroupAdmin;
import io.ratissm.LocalCluster;
import io.ratissm.Replication;
import io.ratissm.bench.statemachines.PaddedCounter;
import io.ratissm.shard.ShardAdmin;
import io.ratissm.shard.ShardMap;
import io.ratissm.shard.Sharded;
import io.ratissm.shard.ShardedClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What moving a shard's replica costs its clients (issue 17, "move-shard under load"): four sharded servers in this
 * JVM ({@link LocalCluster}, default settings, all four in the placement group) hold {@code SHARDS} shards of 3
 * replicas, created on the first three; {@code WRITERS} writers per shard send 16-byte counter increments to one key
 * of their shard through one {@link ShardedClient}, while {@link ShardAdmin#moveShard} moves the leader's replica of
 * shard {@code i mod SHARDS} to the server that shard does not use, {@code MOVES} times. A tool, not a benchmark.
 *
 * <p>For each move it prints how long it took and the moved shard's longest stretch, from the move's start until 5 s
 * after its end, without an acknowledged write; at the end the median and worst, and it checks that every shard's
 * counter holds every acknowledged write and nothing that was not sent (otherwise it exits 1).
 *
 * <pre>
 * java -Xms1g -Xmx3g -cp bench/target/benchmarks.jar io.ratissm.bench.baseline.ShardMoveUnderLoad ACTIVE|PASSIVE SHARDS MOVES WRITERS
 * </pre>
 */
public final class ShardMoveUnderLoad {
    private static final ByteString ADD = ByteString.copyFrom(PaddedCounter.command(1, 16));

    private ShardMoveUnderLoad() {}

    public static void main(String[] args) throws Exception {
        Replication mode = Replication.valueOf(args[0]);
        int shards = Integer.parseInt(args[1]);
        int moves = Integer.parseInt(args[2]);
        int writers = Integer.parseInt(args[3]);
        Path root = Files.createTempDirectory("shard-move-under-load");
        try (LocalCluster cluster = LocalCluster.builder()
                .replicas(4)
                .storage(root)
                .replication(mode)
                .stateMachine(Sharded.of(PaddedCounter::new))
                .start()) {
            cluster.awaitLeader();
            if (!run(cluster, mode, shards, moves, writers)) {
                System.exit(1);
            }
        } finally {
            ScratchResources.deleteRecursively(root);
        }
    }

    private static boolean run(LocalCluster cluster, Replication mode, int shards, int moves, int writers)
            throws Exception {
        List<String> servers = List.of(cluster.peers().split(","));
        String[] keys = new String[shards];
        for (int k = 0, i = 0; k < shards; i++) {
            if (ShardMap.shardOf("key-" + i, shards) == k) {
                keys[k++] = "key-" + i;
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLongArray acknowledged = new AtomicLongArray(shards);
        AtomicLongArray sent = new AtomicLongArray(shards);
        AtomicLongArray lastAck = new AtomicLongArray(shards);
        AtomicLongArray longestGap = new AtomicLongArray(shards);
        ExecutorService pool = Executors.newFixedThreadPool(shards * writers);
        List<Long> gaps = new ArrayList<>();
        List<Long> durations = new ArrayList<>();
        try (ShardAdmin admin = ShardAdmin.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofMinutes(2))
                        .build();
                ShardedClient client = ShardedClient.builder()
                        .peers(cluster.peers())
                        .timeout(Duration.ofMinutes(2))
                        .build()) {
            admin.createShards("moved", shards, 3, servers.subList(0, 3));
            List<Future<?>> running = new ArrayList<>();
            for (int k = 0; k < shards; k++) {
                int shard = k;
                lastAck.set(shard, System.nanoTime());
                for (int w = 0; w < writers; w++) {
                    running.add(pool.submit(() -> {
                        while (!stop.get()) {
                            sent.incrementAndGet(shard);
                            client.submit(keys[shard], ADD);
                            acknowledged.incrementAndGet(shard);
                            long now = System.nanoTime();
                            long previous = lastAck.getAndSet(shard, now);
                            longestGap.accumulateAndGet(shard, now - previous, Math::max);
                        }
                        return null;
                    }));
                }
            }
            TimeUnit.SECONDS.sleep(10); // warm up
            for (int i = 1; i <= moves; i++) {
                int shard = i % shards;
                ShardMap.Shard s = admin.map().shards().get(shard);
                List<String> members = s.members().stream()
                        .map(m -> m.substring(0, m.indexOf('=')))
                        .toList();
                String free = cluster.ids().stream()
                        .filter(id -> !members.contains(id))
                        .findFirst()
                        .orElseThrow();
                String leader;
                try (GroupAdmin group =
                        GroupAdmin.builder().group(s.group()).peers(s.members()).build()) {
                    leader = group.status().leader().orElseThrow();
                }
                lastAck.set(shard, System.nanoTime());
                longestGap.set(shard, 0);
                long start = System.nanoTime();
                admin.moveShard(shard, leader, free, cluster.replica(free).address());
                long took = System.nanoTime() - start;
                TimeUnit.SECONDS.sleep(5);
                long gap = longestGap.get(shard);
                gaps.add(gap);
                durations.add(took);
                System.out.printf(
                        "%s move %d: shard %d's leader replica %s -> %s took %d ms; its longest stretch without an"
                                + " acknowledged write %d ms%n",
                        mode, i, shard, leader, free, took / 1_000_000, gap / 1_000_000);
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            boolean ok = true;
            long total = 0;
            for (int k = 0; k < shards; k++) {
                long counter = ByteBuffer.wrap(
                                client.query(keys[k], ByteString.EMPTY).toByteArray())
                        .getLong();
                total += acknowledged.get(k);
                if (counter < acknowledged.get(k) || counter > sent.get(k)) {
                    System.out.printf(
                            "FAILED: shard %d counted %d, acknowledged %d, sent %d%n",
                            k, counter, acknowledged.get(k), sent.get(k));
                    ok = false;
                }
            }
            Collections.sort(gaps);
            Collections.sort(durations);
            System.out.printf(
                    "%s: %d shards, %d moves, %d writers per shard; moved shard's longest stretch without an"
                            + " acknowledged write: median %d ms, worst %d ms; moves median %d ms, worst %d ms; %d"
                            + " writes acknowledged, every shard's counter between acknowledged and sent: %s; map"
                            + " version %d%n",
                    mode,
                    shards,
                    moves,
                    writers,
                    gaps.get(gaps.size() / 2) / 1_000_000,
                    gaps.get(gaps.size() - 1) / 1_000_000,
                    durations.get(durations.size() / 2) / 1_000_000,
                    durations.get(durations.size() - 1) / 1_000_000,
                    total,
                    ok,
                    admin.map().version());
            return ok;
        } finally {
            pool.shutdownNow();
        }
    }
}
