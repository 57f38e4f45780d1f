package io.ratissm.jepsen.workload;

import com.google.protobuf.ByteString;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.SetChecker;
import io.ratissm.jepsen.history.History;
import io.ratissm.statemachines.IntSet;
import io.ratissm.statemachines.proto.SetReply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Adds of unique integers to the {@code IntSet}, then, after the faults are healed, one final read of the whole set
 * (linearizable, as every final read is, even under {@code --read stale}: it is the reference the adds are judged
 * against); checked by {@link SetChecker}: no acknowledged add lost, nothing unexpected.
 */
public final class SetWorkload implements Workload {
    private static final Invocation READ = new Invocation("read", null, true);

    private long next;

    @Override
    public String name() {
        return "set";
    }

    @Override
    public Class<? extends StateMachine> stateMachine() {
        return IntSet.class;
    }

    @Override
    public List<Invocation> setUp() {
        return List.of(READ);
    }

    @Override
    public Invocation next(Random random) {
        return new Invocation("add", next++, false);
    }

    @Override
    public ByteString request(Invocation op) {
        return op.readOnly()
                ? IntSet.read().toByteString()
                : IntSet.add((Long) op.value()).toByteString();
    }

    @Override
    public Completion completion(Invocation op, ByteString reply) throws IOException {
        return Completion.ok(
                op.readOnly() ? new ArrayList<>(SetReply.parseFrom(reply).getElementsList()) : op.value());
    }

    @Override
    public List<Invocation> finalInvocations() {
        return List.of(READ);
    }

    @Override
    public WorkloadCheck check(History history, Path storeDir) {
        SetChecker.Result r = SetChecker.check(history);
        return new WorkloadCheck(r.verdict(), r.toEdn());
    }
}
