package io.ratissm.bench;

import com.google.protobuf.ByteString;
import io.ratissm.ReplicaClient;
import io.ratissm.Replication;
import io.ratissm.bench.kit.ClosedLoop;
import io.ratissm.bench.kit.LoadReport;
import io.ratissm.bench.kit.RatisSmGroup;
import io.ratissm.bench.kit.ReplicatedBenchmark;
import io.ratissm.bench.statemachines.HashChain;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Throughput of a CPU-heavy command ({@link HashChain}: {@code rounds} rounds of SHA-256, about half a
 * millisecond at the default 2,000), with {@code outstanding} requests in flight. In ACTIVE replication all
 * three replicas execute every command, so on a machine with fewer cores than replicas the computation, not
 * the log, limits throughput; PASSIVE replication executes it once, on the leader, and should show about that
 * factor. Run both with {@code -p mode=ACTIVE,PASSIVE} once the core supports PASSIVE.
 *
 * <p>{@code batchesInFlight} is the client's batching setting ({@link ReplicaClient.Builder#batching}), 1 by
 * default as in the client. PASSIVE executes a batch on the leader before its entry is logged, so with one batch
 * in flight execution and replication take turns; {@code -p batchesInFlight=1,2} measures whether overlapping
 * them pays (on the 2-core machine of bench/RESULTS.md it did not: 2 was slower in both modes).
 *
 * <p>The state machine is single-threaded, so PASSIVE's ceiling is one core of execution on the leader, while
 * ACTIVE's is all cores divided by the three executions: with 3 replicas on 2 cores that caps PASSIVE's gain at
 * 1.5x, and it shows only while ACTIVE's executions saturate the cores.
 *
 * <p>After the trial every replica's digest must equal the digest of applying the acknowledged commands
 * locally, or the trial fails.
 */
public class CpuHeavyBenchmark extends ReplicatedBenchmark {

    /** One group per trial. */
    @State(Scope.Benchmark)
    public static class Group {
        @Param({"ACTIVE"})
        public Replication mode;

        @Param({"2000"})
        public int rounds;

        @Param({"16"})
        public int outstanding;

        @Param({"1"})
        public int batchesInFlight;

        RatisSmGroup group;
        ClosedLoop load;
        ByteString command;

        @Setup(Level.Trial)
        public void start() throws Exception {
            group = RatisSmGroup.start(mode, HashChain::new, b -> {}, c -> c.batching(1024, 1 << 20, batchesInFlight));
            ReplicaClient client = group.client();
            command = HashChain.command(rounds);
            load = ClosedLoop.async(outstanding, () -> client.submitAsync(command));
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                load.drain(120);
                group.awaitReplicasApplied(Duration.ofSeconds(120));
                HashChain expected = new HashChain();
                for (long i = 0; i < load.completed(); i++) {
                    expected.apply(command);
                }
                ByteString digest = expected.query(ByteString.EMPTY);
                for (String id : group.client().replicaIds()) {
                    if (!group.client().queryStale(ByteString.EMPTY, id).equals(digest)) {
                        throw new IllegalStateException("replica " + id + " does not hold the digest of the "
                                + load.completed() + " acknowledged commands");
                    }
                }
            } finally {
                group.close();
            }
        }
    }

    @Benchmark
    public void apply(Group g, LoadReport report) throws InterruptedException {
        report.observe(g.load);
        g.load.issue();
    }
}
