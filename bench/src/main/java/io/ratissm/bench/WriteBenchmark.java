package io.ratissm.bench;

import com.google.protobuf.ByteString;
import io.ratissm.ReplicaClient;
import io.ratissm.Replication;
import io.ratissm.bench.kit.ClosedLoop;
import io.ratissm.bench.kit.LoadReport;
import io.ratissm.bench.kit.RatisSmGroup;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.openjdk.jmh.annotations.Param;

/**
 * Write throughput and latency of ratis-sm: counter commands of {@code commandBytes} bytes, with
 * {@code outstanding} requests in flight through {@link ReplicaClient#submitAsync}, on a 3-replica group with
 * fsynced logs. One op is one command acknowledged by the group (committed on a majority and applied); the
 * latency percentiles are printed at the end of the trial ({@link LoadReport}).
 *
 * <p>{@code mode} is ACTIVE by default; {@code -p mode=ACTIVE,PASSIVE} adds PASSIVE replication.
 * {@code batchesInFlight} is the client's batching setting ({@link ReplicaClient.Builder#batching}, 1024 commands and
 * 1 MiB per batch), 1 by default as in the client; {@code -p batchesInFlight=1,2} measures overlapping batches. After
 * the trial the counter must equal the number of acknowledged commands on every replica, or the trial fails.
 */
public class WriteBenchmark extends CounterWriteBenchmark {
    @Param({"ACTIVE"})
    public Replication mode;

    @Param({"1"})
    public int batchesInFlight;

    private RatisSmGroup group;

    @Override
    protected ClosedLoop start() throws Exception {
        group = RatisSmGroup.start(mode, PaddedCounter::new, b -> {}, c -> c.batching(1024, 1 << 20, batchesInFlight));
        ReplicaClient client = group.client();
        ByteString command = ByteString.copyFrom(command());
        client.submit(command); // the client finds the leader before the load starts, as the baseline's does
        return ClosedLoop.async(outstanding, () -> client.submitAsync(command));
    }

    @Override
    protected void check(ClosedLoop load) throws Exception {
        CounterCheck.everyReplicaCounted(group, load.completed() + 1);
    }

    @Override
    protected void stop() {
        if (group != null) {
            group.close();
            group = null;
        }
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
