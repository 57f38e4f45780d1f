package io.ratissm.bench;

import io.ratissm.bench.baseline.SofaJRaftGroup;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The SOFAJRaft baseline of {@link WriteBenchmark}: the same counter commands, sizes and outstanding requests on
 * a 3-node SOFAJRaft 1.3.14 group in this JVM ({@link SofaJRaftGroup}: fsynced RocksDB log with
 * {@code sync=true} and {@code syncMeta=true}, Bolt on loopback, election timeout 1 s, the client in the same
 * JVM). One op is one command acknowledged by the leader after it was committed on a majority and applied.
 *
 * <p>Every reply is the counter's value after that command, so with delta 1 the acknowledged commands' replies
 * must be exactly 1..n: after the trial their sum must be n(n+1)/2 and every node's counter must be n, or the
 * trial fails.
 */
public class SofaJRaftWriteBenchmark extends ReplicatedBenchmark {

    /** One SOFAJRaft group per trial. */
    @State(Scope.Benchmark)
    public static class Group {
        @Param({"16", "1024"})
        public int commandBytes;

        @Param({"1", "16", "128"})
        public int outstanding;

        SofaJRaftGroup group;
        ClosedLoop load;
        final LongAdder replySum = new LongAdder();

        @Setup(Level.Trial)
        public void start() throws Exception {
            group = SofaJRaftGroup.start();
            byte[] command = PaddedCounter.command(1, commandBytes);
            // One command first, so the client's connection to the leader is open before the load, as the
            // other benchmarks' clients find their leader first.
            replySum.add(group.send(command).get());
            load = ClosedLoop.async(
                    outstanding,
                    () -> group.send(command).thenApply(value -> {
                        replySum.add(value);
                        return value;
                    }));
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                load.drain(60);
                long acknowledged = load.completed() + 1;
                Map<String, Long> values = group.appliedValues(Duration.ofSeconds(60));
                values.forEach((id, value) -> {
                    if (value != acknowledged) {
                        throw new IllegalStateException("SOFAJRaft node " + id + " counted " + value
                                + " but the leader acknowledged " + acknowledged + " commands");
                    }
                });
                if (replySum.sum() != acknowledged * (acknowledged + 1) / 2) {
                    throw new IllegalStateException("the replies to " + acknowledged
                            + " acknowledged increments are not the values 1.." + acknowledged
                            + " (their sum is " + replySum.sum() + ")");
                }
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
}
