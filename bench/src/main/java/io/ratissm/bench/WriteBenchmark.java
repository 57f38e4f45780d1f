package io.ratissm.bench;

import com.google.protobuf.ByteString;
import io.ratissm.ReplicaClient;
import io.ratissm.Replication;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Write throughput and latency of ratis-sm: counter commands of {@code commandBytes} bytes, with
 * {@code outstanding} requests in flight through {@link ReplicaClient#submitAsync}, on a 3-replica group with
 * fsynced logs. One op is one command acknowledged by the group (committed on a majority and applied); the
 * latency percentiles are printed at the end of the trial ({@link LoadReport}).
 *
 * <p>{@code mode} is ACTIVE by default; {@code -p mode=ACTIVE,PASSIVE} adds PASSIVE replication once the core
 * supports it. After the trial the counter must equal the number of acknowledged commands on every replica,
 * or the trial fails.
 */
public class WriteBenchmark extends ReplicatedBenchmark {

    /** One group per trial. */
    @State(Scope.Benchmark)
    public static class Group {
        @Param({"ACTIVE"})
        public Replication mode;

        @Param({"16", "1024"})
        public int commandBytes;

        @Param({"1", "16", "128"})
        public int outstanding;

        RatisSmGroup group;
        ClosedLoop load;

        @Setup(Level.Trial)
        public void start() throws Exception {
            group = RatisSmGroup.start(mode, PaddedCounter::new, b -> {});
            ReplicaClient client = group.client();
            ByteString command = ByteString.copyFrom(PaddedCounter.command(1, commandBytes));
            client.submit(command); // the client finds the leader before the load starts, as the baseline's does
            load = ClosedLoop.async(outstanding, () -> client.submitAsync(command));
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                load.drain(60);
                CounterCheck.everyReplicaCounted(group, load.completed() + 1);
            } finally {
                group.close();
            }
        }
    }

    @Benchmark
    public void write(Group g, LoadReport report) throws InterruptedException {
        report.observe(g.load);
        g.load.issue();
    }

    /** The end-of-trial check that every acknowledged command was applied once on every replica. */
    static final class CounterCheck {
        private CounterCheck() {}

        static void everyReplicaCounted(RatisSmGroup group, long acknowledged) throws Exception {
            group.awaitReplicasApplied(Duration.ofSeconds(60));
            for (String id : group.client().replicaIds()) {
                long value = ByteBuffer.wrap(
                                group.client().queryStale(ByteString.EMPTY, id).toByteArray())
                        .getLong();
                if (value != acknowledged) {
                    throw new IllegalStateException("replica " + id + " counted " + value
                            + " but the group acknowledged " + acknowledged + " commands");
                }
            }
        }
    }
}
