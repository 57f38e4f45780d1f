package io.ratissm.jepsen.workload;

import io.ratissm.CommandRejected;
import io.ratissm.jepsen.checker.CounterChecker;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.nodes.StateMachineKind;
import io.ratissm.statemachines.Counter;
import io.ratissm.statemachines.proto.CounterValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Adds of 1 to 5 and reads on the {@code Counter}, half and half, then a final read; checked by
 * {@link CounterChecker}: each read lies between the acknowledged and the attempted adds.
 */
public final class CounterWorkload implements Workload {

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public StateMachineKind stateMachine() {
        return StateMachineKind.COUNTER;
    }

    @Override
    public void setUp(Reader reader) throws CommandRejected {
        reader.readLinearizable(Counter.get(), CounterValue.parser());
    }

    @Override
    public Invocation next(Random random) {
        return random.nextBoolean()
                ? new Invocation("add", (long) (1 + random.nextInt(5)), false)
                : new Invocation("read", null, true);
    }

    @Override
    public Completion invoke(Invocation op, Reader reader) throws CommandRejected {
        if (op.f().equals("add")) {
            reader.client().submit(Counter.add((Long) op.value()), CounterValue.parser());
            return Completion.ok(op.value());
        }
        return Completion.ok(reader.read(Counter.get(), CounterValue.parser()).getValue());
    }

    @Override
    public List<Invocation> finalInvocations() {
        return List.of(new Invocation("read", null, true));
    }

    @Override
    public WorkloadCheck check(History history, Path storeDir) {
        CounterChecker.Result r = CounterChecker.check(history);
        return new WorkloadCheck(r.verdict(), r.toEdn());
    }
}
