package io.ratissm.jepsen.workload;

import com.google.protobuf.ByteString;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.CounterChecker;
import io.ratissm.jepsen.history.History;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.proto.CounterValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Adds of 1 to 5 and reads on the {@code Counter}, half and half, then a final read; checked by
 * {@link CounterChecker}: each read lies between the acknowledged and the attempted adds.
 */
public final class CounterWorkload implements Workload {
    private static final Invocation READ = new Invocation("read", null, true);

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public Class<? extends StateMachine> stateMachine() {
        return Counter.class;
    }

    @Override
    public List<Invocation> setUp() {
        return List.of(READ);
    }

    @Override
    public Invocation next(Random random) {
        return random.nextBoolean() ? new Invocation("add", (long) (1 + random.nextInt(5)), false) : READ;
    }

    @Override
    public ByteString request(Invocation op) {
        return op.readOnly()
                ? Counter.get().toByteString()
                : Counter.add((Long) op.value()).toByteString();
    }

    @Override
    public Completion completion(Invocation op, ByteString reply) throws IOException {
        return Completion.ok(op.readOnly() ? CounterValue.parseFrom(reply).getValue() : op.value());
    }

    @Override
    public List<Invocation> finalInvocations() {
        return List.of(READ);
    }

    @Override
    public WorkloadCheck check(History history, Path storeDir) {
        CounterChecker.Result r = CounterChecker.check(history);
        return new WorkloadCheck(r.verdict(), r.toEdn());
    }
}
