package io.ratissm.bench;

import com.google.protobuf.ByteString;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.bench.kit.ClosedLoop;
import io.ratissm.bench.kit.LoadReport;
import io.ratissm.bench.kit.RatisSmGroup;
import io.ratissm.bench.kit.ReplicatedBenchmark;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Read throughput and latency on a 3-replica group, with {@code outstanding} reads in flight:
 * <ul>
 *   <li>{@code LINEARIZABLE}: {@link ReplicaClient#queryAsync}, ReadIndex on the leader (a heartbeat round per read
 *       batch confirms leadership);</li>
 *   <li>{@code LEASE}: the same call on replicas built with {@link ReplicaServer.Builder#leaseReads}: the leader
 *       skips the heartbeat round while its lease holds (which assumes nearly equal clock rates);</li>
 *   <li>{@code STALE}: {@link ReplicaClient#queryStaleAsync}, each read to the next replica in turn, answered
 *       from its local state.</li>
 * </ul>
 * The group holds {@value #WRITES} commands before the reads start and none are written during them, so
 * every read must answer that value; one that does not fails the trial.
 */
public class ReadBenchmark extends ReplicatedBenchmark {
    static final int WRITES = 1000;

    /** How a read is served. */
    public enum Consistency {
        LINEARIZABLE,
        LEASE,
        STALE
    }

    /** One group per trial. */
    @State(Scope.Benchmark)
    public static class Group {
        @Param({"ACTIVE"})
        public Replication mode;

        @Param({"LINEARIZABLE", "LEASE", "STALE"})
        public Consistency consistency;

        @Param({"128"})
        public int outstanding;

        RatisSmGroup group;
        ClosedLoop load;

        @Setup(Level.Trial)
        public void start() throws Exception {
            Consumer<ReplicaServer.Builder> settings = b -> b.leaseReads(consistency == Consistency.LEASE);
            group = RatisSmGroup.start(mode, PaddedCounter::new, settings);
            ReplicaClient client = group.client();
            ByteString add = ByteString.copyFrom(PaddedCounter.command(1, 16));
            ByteString expected = ByteString.EMPTY;
            for (int i = 0; i < WRITES; i++) {
                expected = client.submit(add);
            }
            group.awaitReplicasApplied(Duration.ofSeconds(60));
            ByteString value = expected;
            List<String> replicas = client.replicaIds();
            AtomicInteger next = new AtomicInteger();
            if (consistency == Consistency.STALE) {
                // Each read to the next replica in turn; concurrent stale reads of one replica share requests.
                load = ClosedLoop.async(
                        outstanding,
                        () -> client.queryStaleAsync(
                                        ByteString.EMPTY,
                                        replicas.get(Math.floorMod(next.getAndIncrement(), replicas.size())))
                                .thenApply(answer -> check(answer, value)));
            } else {
                load = ClosedLoop.async(
                        outstanding,
                        () -> client.queryAsync(ByteString.EMPTY).thenApply(answer -> check(answer, value)));
            }
        }

        private ByteString check(ByteString answer, ByteString expected) {
            if (!answer.equals(expected)) {
                throw new IllegalStateException(
                        "a " + consistency + " read answered a value other than the " + WRITES + " commands written");
            }
            return answer;
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                load.drain(60);
            } finally {
                group.close();
            }
        }
    }

    @Benchmark
    public void read(Group g, LoadReport report) throws InterruptedException {
        report.observe(g.load);
        g.load.issue();
    }
}
