package io.ratissm.bench;

import io.ratissm.bench.baseline.BareRatisGroup;
import io.ratissm.bench.kit.ClosedLoop;
import java.time.Duration;
import java.util.Map;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The baseline of {@link WriteBenchmark}: the same counter commands, sizes and outstanding requests on three
 * bare Ratis servers ({@link BareRatisGroup}) with the same Ratis version and settings, so the ratio between
 * the two in one run is ratis-sm's cost (or gain). One op is one command acknowledged by Ratis's async client.
 * After the trial every replica's counter must equal the number of acknowledged commands.
 */
public class BaselineWriteBenchmark extends CounterWriteBenchmark {
    private BareRatisGroup group;

    @Override
    protected ClosedLoop start() throws Exception {
        group = BareRatisGroup.start(outstanding);
        Message command = Message.valueOf(UnsafeByteOperations.unsafeWrap(command()));
        // One command first, so the client finds the leader before the load (otherwise every one of the first
        // requests is refused by a follower and retried, and Ratis logs each as an error).
        group.send(command).get();
        return ClosedLoop.async(outstanding, () -> group.send(command));
    }

    @Override
    protected void check(ClosedLoop load) throws Exception {
        long acknowledged = load.completed() + 1;
        Map<String, Long> values = group.appliedValues(acknowledged, Duration.ofSeconds(60));
        values.forEach((id, value) -> {
            if (value != acknowledged) {
                throw new IllegalStateException("bare replica " + id + " counted " + value + " but Ratis acknowledged "
                        + acknowledged + " commands");
            }
        });
    }

    @Override
    protected void stop() throws Exception {
        if (group != null) {
            group.close();
            group = null;
        }
    }
}
