package io.ratissm.bench;

import io.ratissm.bench.baseline.BareRatisGroup;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.time.Duration;
import java.util.Map;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The baseline of {@link WriteBenchmark}: the same counter commands, sizes and outstanding requests on three
 * bare Ratis servers ({@link BareRatisGroup}) with the same Ratis version and settings, so the ratio between
 * the two in one run is ratis-sm's cost (or gain). One op is one command acknowledged by Ratis's async client.
 * After the trial every replica's counter must equal the number of acknowledged commands.
 */
public class BaselineWriteBenchmark extends ReplicatedBenchmark {

    /** One bare Ratis group per trial. */
    @State(Scope.Benchmark)
    public static class Group {
        @Param({"16", "1024"})
        public int commandBytes;

        @Param({"1", "16", "128"})
        public int outstanding;

        BareRatisGroup group;
        ClosedLoop load;

        @Setup(Level.Trial)
        public void start() throws Exception {
            group = BareRatisGroup.start(outstanding);
            Message command = Message.valueOf(UnsafeByteOperations.unsafeWrap(PaddedCounter.command(1, commandBytes)));
            // One command first, so the client finds the leader before the load (otherwise every one of the first
            // requests is refused by a follower and retried, and Ratis logs each as an error).
            group.send(command).get();
            load = ClosedLoop.async(outstanding, () -> group.send(command));
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                load.drain(60);
                Map<String, Long> values = group.appliedValues(Duration.ofSeconds(60));
                long acknowledged = load.completed() + 1;
                values.forEach((id, value) -> {
                    if (value != acknowledged) {
                        throw new IllegalStateException("bare replica " + id + " counted " + value
                                + " but Ratis acknowledged " + acknowledged + " commands");
                    }
                });
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
