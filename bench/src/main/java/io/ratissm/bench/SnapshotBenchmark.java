package io.ratissm.bench;

import com.google.protobuf.ByteString;
import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.bench.kit.RatisSmGroup;
import io.ratissm.bench.kit.ReplicatedBenchmark;
import io.ratissm.bench.statemachines.BlobState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Snapshot times for a state of {@code stateMegabytes} ({@link BlobState}: pseudo-random bytes that do not
 * compress), on a 3-replica group with durable storage; each op is one snapshot, timed once
 * (SingleShotTime, milliseconds):
 * <ul>
 *   <li>{@code write}: {@link ReplicaServer#takeSnapshot()} on the leader, from the call until the snapshot
 *       file, its MD5 and the log purge are done. Before each op one command is applied, so every op writes a
 *       new snapshot (checked).</li>
 *   <li>{@code install}: a follower that was down while the others snapshotted and purged the log past its last
 *       entry is restarted; the time is from the restart until its applied index reaches the leader's. That
 *       includes its own recovery from disk, the leader noticing it, sending the snapshot in chunks and the
 *       follower loading it. The follower must end up with a snapshot newer than its own log (checked), so it
 *       cannot have caught up by log replay.</li>
 * </ul>
 * The preparation of each op (the command, or stopping the follower and writing until the log is purged) is
 * outside the timing.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class SnapshotBenchmark extends ReplicatedBenchmark {
    private static final long SEED = 20_261_127L;

    /** A group holding a state of the given size, for {@link #write}. */
    @State(Scope.Benchmark)
    public static class Written {
        @Param({"10", "100"})
        public int stateMegabytes;

        RatisSmGroup group;
        long lastSnapshot = -1;

        @Setup(Level.Trial)
        public void start() throws Exception {
            group = RatisSmGroup.start(Replication.ACTIVE, BlobState::new, b -> {});
            group.client().submit(BlobState.fill(stateMegabytes << 20, SEED));
        }

        @Setup(Level.Invocation)
        public void advance() throws Exception {
            group.client().submit(BlobState.touch()); // answered once applied on the leader
        }

        @TearDown(Level.Trial)
        public void stop() {
            group.close();
        }
    }

    /** A group whose log is purged often, and the follower that is stopped before each {@link #install}. */
    @State(Scope.Benchmark)
    public static class Installed {
        /** Snapshot and purge often, in small segments, so a stopped follower soon misses purged entries. */
        private static final int SNAPSHOT_EVERY = 64;

        private static final int LOG_SEGMENT_BYTES = 1024;

        @Param({"10", "100"})
        public int stateMegabytes;

        RatisSmGroup group;
        String follower;
        long followerLastIndex;

        @Setup(Level.Trial)
        public void start() throws Exception {
            group = RatisSmGroup.start(
                    Replication.ACTIVE,
                    BlobState::new,
                    b -> b.snapshotEvery(SNAPSHOT_EVERY).logSegmentBytes(LOG_SEGMENT_BYTES));
            group.client().submit(BlobState.fill(stateMegabytes << 20, SEED));
        }

        @Setup(Level.Invocation)
        public void stopFollowerAndPurge() throws Exception {
            LocalCluster cluster = group.cluster();
            String leader = cluster.awaitLeader();
            follower = cluster.others(leader).get(0);
            cluster.kill(follower);
            ReplicaServer leaderReplica = cluster.replica(leader);
            // The follower cannot have more of the log than the leader had when it stopped.
            followerLastIndex = leaderReplica.lastLogIndex();
            ReplicaClient client = group.client();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (leaderReplica.firstLogIndex() <= followerLastIndex + 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the leader did not purge its log past index " + followerLastIndex);
                }
                List<CompletableFuture<ByteString>> touches = new ArrayList<>();
                for (int i = 0; i < SNAPSHOT_EVERY / 4; i++) {
                    touches.add(client.submitAsync(BlobState.touch()));
                }
                CompletableFuture.allOf(touches.toArray(CompletableFuture[]::new))
                        .get();
            }
        }

        @TearDown(Level.Invocation)
        public void checkInstalled() {
            ReplicaServer restarted = group.cluster().replica(follower);
            if (restarted.latestSnapshotIndex() <= followerLastIndex) {
                throw new IllegalStateException(follower + " caught up without a snapshot newer than its log ("
                        + restarted.latestSnapshotIndex() + " <= " + followerLastIndex + ")");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            group.close();
        }
    }

    @Benchmark
    public long write(Written s) throws IOException {
        long index = s.group.leader().takeSnapshot();
        if (index <= s.lastSnapshot) {
            throw new IllegalStateException("no new snapshot was written (index " + index + ")");
        }
        s.lastSnapshot = index;
        return index;
    }

    @Benchmark
    public long install(Installed s) throws IOException, InterruptedException {
        long target = s.group.leader().appliedIndex();
        long start = System.nanoTime();
        ReplicaServer follower = s.group.cluster().restart(s.follower);
        long started = System.nanoTime();
        while (follower.appliedIndex() < target) {
            Thread.sleep(1);
        }
        // Where the time went: the follower's own start (recovery from its disk) and the catch-up after it.
        System.out.printf(
                "INSTALL %s: start %d ms, then caught up to index %d in %d ms%n",
                s.follower, (started - start) / 1_000_000, target, (System.nanoTime() - started) / 1_000_000);
        return follower.appliedIndex();
    }
}
