package io.ratissm.jepsen.runner;

import io.ratissm.CommandRejected;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.workload.Completion;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.Reader;
import io.ratissm.jepsen.workload.Workload;
import java.util.List;
import java.util.Random;

/**
 * One client thread. It runs one op at a time as a Jepsen process: invoke, then exactly one completion. An op
 * whose outcome is unknown ends {@code :info} and the thread continues as a new process (its id plus the
 * concurrency), because the crashed op stays open forever and a process has at most one open op. Read-only ops
 * that time out end {@code :fail}: they had no effect.
 */
final class ClientWorker {
    private final Workload workload;
    private final Reader reader;
    private final HistoryRecorder history;
    private final Random random;
    private final int concurrency;
    private long process;

    ClientWorker(int thread, int concurrency, Workload workload, Reader reader, HistoryRecorder history,
                 Random random) {
        this.process = thread;
        this.concurrency = concurrency;
        this.workload = workload;
        this.reader = reader;
        this.history = history;
        this.random = random;
    }

    /** Runs ops until {@code deadlineNanos} (System.nanoTime) or interruption. */
    void runUntil(long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
            runOnce(workload.next(random));
        }
    }

    /** Runs one op and returns its completion type. */
    OpType runOnce(Invocation op) {
        history.record(OpType.INVOKE, process, op.f(), op.value(), null);
        try {
            Completion c = workload.invoke(op, reader);
            history.record(c.type(), process, op.f(), c.value(), c.error());
            return c.type();
        } catch (CommandRejected e) {
            history.record(OpType.FAIL, process, op.f(), op.value(), error("rejected", e.getMessage()));
            return OpType.FAIL;
        } catch (RuntimeException e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (op.readOnly()) {
                history.record(OpType.FAIL, process, op.f(), op.value(), error("unavailable", why));
                return OpType.FAIL;
            }
            history.record(OpType.INFO, process, op.f(), op.value(), error("indeterminate", why));
            process += concurrency;
            return OpType.INFO;
        }
    }

    /** Jepsen-style error values, e.g. {@code [:rejected "insufficient funds: ..."]}. */
    private static List<Object> error(String kind, String message) {
        return List.of(Keyword.of(kind), message == null ? "" : message);
    }
}
