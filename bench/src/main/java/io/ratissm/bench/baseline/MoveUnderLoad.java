package io.ratissm.bench.baseline;

import com.google.protobuf.ByteString;
import io.ratissm.GroupAdmin;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.Replication;
import io.ratissm.bench.statemachines.PaddedCounter;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * What moving a group's replica costs its clients (issue 17, "moving shards"): four ratis-sm servers in this JVM
 * ({@link LocalCluster}, default settings), which serve a first group of the four; a group created on three of them
 * ({@link GroupAdmin#createGroup}) takes writes from {@code OUTSTANDING} concurrent writers (16-byte counter
 * increments) while its leader's replica is moved to the fourth server ({@link GroupAdmin#moveReplica}), {@code
 * MOVES} times, each to the server the previous move left. A tool, not a benchmark.
 *
 * <p>For each move it prints how long the move took and the longest stretch, from the move's start until 5 s after
 * its end, without any acknowledged write; at the end the median and the worst, and it checks that the counter holds
 * every acknowledged write and nothing that was not sent (otherwise it exits 1).
 *
 * <pre>
 * java -Xms1g -Xmx3g -cp bench/target/benchmarks.jar io.ratissm.bench.baseline.MoveUnderLoad ACTIVE|PASSIVE MOVES OUTSTANDING
 * </pre>
 */
public final class MoveUnderLoad {
    private static final String GROUP = "moved";
    private static final ByteString ADD = ByteString.copyFrom(PaddedCounter.command(1, 16));

    private MoveUnderLoad() {}

    public static void main(String[] args) throws Exception {
        Replication mode = Replication.valueOf(args[0]);
        int moves = Integer.parseInt(args[1]);
        int outstanding = Integer.parseInt(args[2]);
        Path root = Files.createTempDirectory("move-under-load");
        try (LocalCluster cluster = LocalCluster.builder()
                .replicas(4)
                .storage(root)
                .replication(mode)
                .stateMachine(PaddedCounter::new)
                .start()) {
            run(cluster, mode, moves, outstanding);
        } finally {
            ScratchResources.deleteRecursively(root);
        }
    }

    private static void run(LocalCluster cluster, Replication mode, int moves, int outstanding) throws Exception {
        List<String> ids = cluster.ids();
        String first3 = String.join(
                ",",
                ids.subList(0, 3).stream()
                        .map(id -> id + "=" + cluster.replica(id).address())
                        .toList());
        String all = String.join(
                ",",
                ids.stream().map(id -> id + "=" + cluster.replica(id).address()).toList());
        try (GroupAdmin creator =
                GroupAdmin.builder().peers(first3).group(GROUP).build()) {
            creator.createGroup();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong lastAck = new AtomicLong(System.nanoTime());
        AtomicLong longestGap = new AtomicLong();
        ExecutorService writers = Executors.newFixedThreadPool(outstanding);
        List<Long> gaps = new ArrayList<>();
        try (ReplicaClient client = ReplicaClient.builder()
                        .peers(all)
                        .group(GROUP)
                        .timeout(Duration.ofMinutes(2))
                        .build();
                GroupAdmin admin = GroupAdmin.builder()
                        .peers(all)
                        .group(GROUP)
                        .timeout(Duration.ofMinutes(2))
                        .build()) {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < outstanding; w++) {
                running.add(writers.submit(() -> {
                    while (!stop.get()) {
                        sent.incrementAndGet();
                        client.submit(ADD);
                        acknowledged.incrementAndGet();
                        long now = System.nanoTime();
                        long previous = lastAck.getAndSet(now);
                        longestGap.accumulateAndGet(now - previous, Math::max);
                    }
                    return null;
                }));
            }
            TimeUnit.SECONDS.sleep(10); // warm up
            for (int i = 1; i <= moves; i++) {
                List<String> members = admin.status().members();
                String free = ids.stream()
                        .filter(id -> !members.contains(id))
                        .findFirst()
                        .orElseThrow();
                String leader = admin.status().leader().orElseThrow();
                lastAck.set(System.nanoTime());
                longestGap.set(0);
                long start = System.nanoTime();
                admin.moveReplica(leader, free, cluster.replica(free).address());
                long took = System.nanoTime() - start;
                TimeUnit.SECONDS.sleep(5);
                long gap = longestGap.get();
                gaps.add(gap);
                System.out.printf(
                        "%s move %d: %s -> %s took %d ms; longest stretch without an acknowledged write %d ms;"
                                + " %d writes acknowledged so far%n",
                        mode, i, leader, free, took / 1_000_000, gap / 1_000_000, acknowledged.get());
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            long counter = ByteBuffer.wrap(client.query(ByteString.EMPTY).toByteArray())
                    .getLong();
            Collections.sort(gaps);
            System.out.printf(
                    "%s: %d moves at %d outstanding; longest stretch without an acknowledged write: median %d ms, "
                            + "worst %d ms; counter %d, acknowledged %d, sent %d%n",
                    mode,
                    moves,
                    outstanding,
                    gaps.get(gaps.size() / 2) / 1_000_000,
                    gaps.get(gaps.size() - 1) / 1_000_000,
                    counter,
                    acknowledged.get(),
                    sent.get());
            if (counter < acknowledged.get() || counter > sent.get()) {
                System.out.println("FAILED: the counter does not hold every acknowledged write");
                System.exit(1);
            }
        } finally {
            writers.shutdownNow();
        }
    }
}
