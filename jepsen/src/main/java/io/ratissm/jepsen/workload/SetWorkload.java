package io.ratissm.jepsen.workload;

import io.ratissm.CommandRejected;
import io.ratissm.jepsen.checker.SetChecker;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.nodes.StateMachineKind;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.proto.SetReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Adds of unique integers to the {@code IntSet}, then, after the faults are healed, one final linearizable read
 * of the whole set; checked by {@link SetChecker}: no acknowledged add lost, nothing unexpected. The final read
 * is linearizable even under {@code --read stale}: it is the reference the adds are judged against.
 */
public final class SetWorkload implements Workload {
    private final AtomicLong next = new AtomicLong();

    @Override
    public String name() {
        return "set";
    }

    @Override
    public StateMachineKind stateMachine() {
        return StateMachineKind.SET;
    }

    @Override
    public void setUp(Reader reader) throws CommandRejected {
        reader.readLinearizable(IntSet.read(), SetReply.parser());
    }

    @Override
    public Invocation next(Random random) {
        return new Invocation("add", next.getAndIncrement(), false);
    }

    @Override
    public Completion invoke(Invocation op, Reader reader) throws CommandRejected {
        if (op.f().equals("add")) {
            reader.client().submit(IntSet.add((Long) op.value()), SetReply.parser());
            return Completion.ok(op.value());
        }
        return Completion.ok(new ArrayList<>(
                reader.readLinearizable(IntSet.read(), SetReply.parser()).getElementsList()));
    }

    @Override
    public List<Invocation> finalInvocations() {
        return List.of(new Invocation("read", null, true));
    }

    @Override
    public WorkloadCheck check(History history, Path storeDir) {
        SetChecker.Result r = SetChecker.check(history);
        return new WorkloadCheck(r.verdict(), r.toEdn());
    }
}
