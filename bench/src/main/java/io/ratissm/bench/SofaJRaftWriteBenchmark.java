package io.ratissm.bench;

import io.ratissm.bench.baseline.SofaJRaftGroup;
import io.ratissm.bench.kit.ClosedLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

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
public class SofaJRaftWriteBenchmark extends CounterWriteBenchmark {
    private SofaJRaftGroup group;
    private final LongAdder replySum = new LongAdder();

    @Override
    protected ClosedLoop start() throws Exception {
        replySum.reset();
        group = SofaJRaftGroup.start();
        byte[] command = command();
        // One command first, so the client's connection to the leader is open before the load, as the
        // other benchmarks' clients find their leader first.
        replySum.add(group.send(command).get());
        return ClosedLoop.async(
                outstanding,
                () -> group.send(command).thenApply(value -> {
                    replySum.add(value);
                    return value;
                }));
    }

    @Override
    protected void check(ClosedLoop load) throws Exception {
        long acknowledged = load.completed() + 1;
        Map<String, Long> values = group.appliedValues(acknowledged, Duration.ofSeconds(60));
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
    }

    @Override
    protected void stop() throws Exception {
        if (group != null) {
            group.close();
            group = null;
        }
    }
}
