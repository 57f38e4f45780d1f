package io.ratissm.bench;

import com.google.protobuf.ByteString;
import io.ratissm.LocalCluster;
import io.ratissm.Replication;
import io.ratissm.bench.kit.RatisSmGroup;
import io.ratissm.bench.kit.ReplicatedBenchmark;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.nio.ByteBuffer;
import java.time.Duration;
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
 * How long a client waits when the leader crashes: each op kills the leader of a 3-replica group (in this JVM, as
 * {@link LocalCluster#kill} does: its server stops, connections to it are refused) and then submits
 * {@code outstanding} commands at once, timed from the kill until all are acknowledged (SingleShotTime,
 * milliseconds). That is the election (the replicas' election timeout is 1-2 s) plus the client finding the new
 * leader, with one request or with many queued behind each other. Before each op, outside the timing,
 * the replica killed last time is restarted, every replica has caught up, and the client has just written through
 * the current leader, so it starts out knowing it. The counter must end at the number of commands acknowledged
 * (checked), so a command applied twice or lost fails the trial.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
public class FailoverBenchmark extends ReplicatedBenchmark {
    private static final ByteString ADD = ByteString.copyFrom(PaddedCounter.command(1, 16));

    /** A group, and the replica the previous op killed. */
    @State(Scope.Benchmark)
    public static class Group {
        @Param({"ACTIVE", "PASSIVE"})
        public Replication mode;

        /** Commands submitted at once right after the kill; the op ends when all are acknowledged. */
        @Param({"1", "16"})
        public int outstanding;

        RatisSmGroup group;
        String killed;
        long acknowledged;

        @Setup(Level.Trial)
        public void start() throws Exception {
            group = RatisSmGroup.start(mode, PaddedCounter::new, b -> {});
        }

        @Setup(Level.Invocation)
        public void everyReplicaUpAndTheClientKnowsTheLeader() throws Exception {
            if (killed != null) {
                group.cluster().restart(killed);
                killed = null;
            }
            group.client().submit(ADD);
            acknowledged++;
            group.awaitReplicasApplied(Duration.ofSeconds(60));
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                if (killed != null) {
                    group.cluster().restart(killed);
                }
                WriteBenchmark.CounterCheck.everyReplicaCounted(group, acknowledged);
            } finally {
                group.close();
            }
        }
    }

    @Benchmark
    public long killTheLeaderAndWrite(Group g) throws Exception {
        g.killed = g.group.cluster().awaitLeader();
        g.group.cluster().kill(g.killed);
        List<CompletableFuture<ByteString>> replies = new ArrayList<>();
        for (int i = 0; i < g.outstanding; i++) {
            replies.add(g.group.client().submitAsync(ADD));
        }
        long last = 0;
        for (CompletableFuture<ByteString> reply : replies) {
            last = Math.max(last, ByteBuffer.wrap(reply.get().toByteArray()).getLong());
            g.acknowledged++;
        }
        return last;
    }
}
