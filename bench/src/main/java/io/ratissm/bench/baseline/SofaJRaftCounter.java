package io.ratissm.bench.baseline;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import io.ratissm.bench.statemachines.PaddedCounter;

/**
 * The SOFAJRaft baseline's state machine: the same counter as {@link PaddedCounter} on SOFAJRaft's
 * {@link StateMachineAdapter}, the way SOFAJRaft's own counter example is written. Each committed entry is a
 * command as the client sent it; applying it adds its first 8 bytes, and on the leader the entry's closure
 * ({@link Increment}) answers the new value to the client.
 *
 * <p>SOFAJRaft calls {@code onApply} on its one FSM caller thread; {@link #value()} is read by other threads,
 * hence the volatile. Commands shorter than 8 bytes never reach the log (the request processor refuses them),
 * so applying cannot fail. No snapshots: a trial is shorter than SOFAJRaft's default snapshot interval (one
 * hour), so the log is never compacted during a measurement either way.
 */
public final class SofaJRaftCounter extends StateMachineAdapter {
    private volatile long value;

    /** The value, as this replica has applied it so far. */
    public long value() {
        return value;
    }

    @Override
    public void onApply(Iterator entries) {
        while (entries.hasNext()) {
            long next = value + PaddedCounter.delta(entries.getData());
            value = next;
            Closure done = entries.done();
            if (done != null) {
                ((Increment) done).applied(next);
            }
            entries.next();
        }
    }

    /**
     * The leader's half of one client command: SOFAJRaft runs it once the command is applied (with
     * {@link Status#OK()}, after {@link #applied}) or once it cannot be (with the error, e.g. leadership lost).
     */
    abstract static class Increment implements Closure {
        private long value;

        final void applied(long newValue) {
            value = newValue;
            run(Status.OK());
        }

        @Override
        public final void run(Status status) {
            if (status.isOk()) {
                answer(value);
            } else {
                refuse(status);
            }
        }

        abstract void answer(long newValue);

        abstract void refuse(Status status);
    }
}
