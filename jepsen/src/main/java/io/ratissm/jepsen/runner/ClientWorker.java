package io.ratissm.jepsen.runner;

import io.ratissm.CommandRejected;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.workload.Completion;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.Reader;
import io.ratissm.jepsen.workload.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client thread. It runs one op at a time as a Jepsen process: invoke, then exactly one completion. An op
 * whose outcome is unknown ends {@code :info} and the thread continues as a new process (its id plus the
 * concurrency), because the crashed op stays open forever and a process has at most one open op. Read-only ops
 * that time out end {@code :fail}: they had no effect.
 *
 * <p>The op timeout is enforced here, not only by the client library: an op still running after it is recorded
 * as timed out (and interrupted), so a client that hangs on a frozen replica cannot stall the process's history.
 */
final class ClientWorker {
    private final Workload workload;
    private final Reader reader;
    private final HistoryRecorder history;
    private final Random random;
    private final int concurrency;
    private final Duration opTimeout;
    private final ExecutorService calls;
    private long process;

    /**
     * @param calls where ops run, so that this thread can stop waiting for one after {@code opTimeout}; shared
     *              by the workers and shut down by the caller
     */
    ClientWorker(
            int thread,
            int concurrency,
            Workload workload,
            Reader reader,
            HistoryRecorder history,
            Random random,
            Duration opTimeout,
            ExecutorService calls) {
        this.opTimeout = opTimeout;
        this.calls = calls;
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
        Future<Completion> call = calls.submit(() -> workload.invoke(op, reader));
        try {
            Completion c = call.get(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
            history.record(c.type(), process, op.f(), c.value(), c.error());
            return c.type();
        } catch (TimeoutException e) {
            call.cancel(true);
            return unknown(op, "timeout", "no reply within " + opTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return unknown(op, "interrupted", "the run ended while the op was in flight");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CommandRejected r) {
                history.record(OpType.FAIL, process, op.f(), op.value(), error("rejected", r.getMessage()));
                return OpType.FAIL;
            }
            return unknown(
                    op,
                    op.readOnly() ? "unavailable" : "indeterminate",
                    cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    /** An op whose outcome is unknown: a read had no effect ({@code :fail}); a write is {@code :info}. */
    private OpType unknown(Invocation op, String kind, String why) {
        if (op.readOnly()) {
            history.record(OpType.FAIL, process, op.f(), op.value(), error(kind, why));
            return OpType.FAIL;
        }
        history.record(OpType.INFO, process, op.f(), op.value(), error(kind, why));
        process += concurrency;
        return OpType.INFO;
    }

    /** Jepsen-style error values, e.g. {@code [:rejected "insufficient funds: ..."]}. */
    private static List<Object> error(String kind, String message) {
        return List.of(Keyword.of(kind), message == null ? "" : message);
    }
}
