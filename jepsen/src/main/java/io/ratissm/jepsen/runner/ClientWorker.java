package io.ratissm.jepsen.runner;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.ConnectionRefusedException;
import io.ratissm.FailStoppedException;
import io.ratissm.QueueFullException;
import io.ratissm.SchemaMismatchException;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.workload.Completion;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.Workload;
import java.io.IOException;
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
 * that time out end {@code :fail}: they had no effect. The rules are {@link Workload}'s; {@link #call} applies them.
 *
 * <p>The op timeout is enforced here, not only by the client library: an op still running after it is recorded
 * as timed out (and interrupted), so a client that hangs on a frozen replica cannot stall the process's history.
 */
final class ClientWorker {
    /** The error kind of a request that never reached the log: {@code :fail}, as it never takes effect. */
    static final Keyword NOT_APPLIED = Keyword.of("not-applied");

    private final Workload workload;
    private final Transport transport;
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
            Transport transport,
            HistoryRecorder history,
            Random random,
            Duration opTimeout,
            ExecutorService calls) {
        this.opTimeout = opTimeout;
        this.calls = calls;
        this.process = thread;
        this.concurrency = concurrency;
        this.workload = workload;
        this.transport = transport;
        this.history = history;
        this.random = random;
    }

    /** Runs ops until {@code deadlineNanos} (System.nanoTime) or interruption. */
    void runUntil(long deadlineNanos) {
        while (System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
            Invocation op;
            synchronized (workload) { // the generator is never called from two threads at once
                op = workload.next(random);
            }
            runOnce(op);
        }
    }

    /**
     * Runs one op and returns its completion type.
     *
     * @throws IllegalStateException before invoking it, if the transport routes by key ({@link
     *                               Transport#routesByKey}) and the workload gives {@code op} no key: such an op could
     *                               never be sent, and recording it as failed would hide a workload bug
     */
    OpType runOnce(Invocation op) {
        requireKey(workload, transport, op);
        history.record(OpType.INVOKE, process, op.f(), op.value(), null);
        Completion c;
        try {
            c = call(workload, transport, op, opTimeout, calls);
        } catch (OutcomeUnknown e) {
            return unknown(op, e);
        }
        history.record(c.type(), process, op.f(), c.value(), c.error());
        return c.type();
    }

    /**
     * Refuses {@code op} if {@code transport} routes by key and {@code workload} gives it none.
     *
     * @throws IllegalStateException naming the op and the workload
     */
    static void requireKey(Workload workload, Transport transport, Invocation op) {
        if (transport.routesByKey() && workload.shardKey(op) == null) {
            throw new IllegalStateException(
                    "--workload " + workload.name() + " gave no shard key for op :" + op.f() + " " + op.value()
                            + " (Workload.shardKey returned null); a sharded run routes every op by its key");
        }
    }

    /** An op whose outcome is unknown: a read had no effect ({@code :fail}); a write is {@code :info}. */
    private OpType unknown(Invocation op, OutcomeUnknown why) {
        Object error = Completion.fail(op, why.kind, why.getMessage()).error();
        if (op.readOnly()) {
            history.record(OpType.FAIL, process, op.f(), op.value(), error);
            return OpType.FAIL;
        }
        history.record(OpType.INFO, process, op.f(), op.value(), error);
        process += concurrency;
        return OpType.INFO;
    }

    /** An op whose outcome is unknown: {@code :info} for a command, {@code :fail} for a read-only op. */
    static final class OutcomeUnknown extends Exception {
        private static final long serialVersionUID = 1L;
        /** Jepsen's error kind: {@code timeout}, {@code interrupted}, {@code unavailable} or {@code indeterminate}. */
        final String kind;

        OutcomeUnknown(String kind, String why, Throwable cause) {
            super(why, cause);
            this.kind = kind;
        }
    }

    /**
     * Performs {@code op} through {@code transport} by {@code workload}'s rules and returns its completion: the
     * request's bytes as a query (read-only) or a command, the reply's meaning, or the refusal's.
     *
     * @throws OutcomeUnknown if no completion came within {@code timeout}, or anything was thrown on the way
     */
    static Completion call(
            Workload workload, Transport transport, Invocation op, Duration timeout, ExecutorService calls)
            throws OutcomeUnknown {
        Future<Completion> call = calls.submit(() -> perform(workload, transport, op));
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new OutcomeUnknown("timeout", "no reply within " + timeout.toMillis() + " ms", null);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new OutcomeUnknown("interrupted", "the run ended while the op was in flight", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (neverApplied(cause)) {
                return Completion.fail(
                        op, NOT_APPLIED.name(), cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
            throw new OutcomeUnknown(
                    op.readOnly() ? "unavailable" : "indeterminate",
                    cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause);
        }
    }

    /**
     * Whether the client says the request definitely reached no replica or was refused before any log took it, so
     * that it never takes effect: every replica refused the connection (nothing listens, e.g. all killed), the
     * client's queue was full, a typed client's types do not match the group's, or fail-stopped replicas refused it
     * before the log. Each is thrown by the call itself, never after an attempt that got further.
     */
    private static boolean neverApplied(Throwable failure) {
        return failure instanceof ConnectionRefusedException
                || failure instanceof QueueFullException
                || failure instanceof SchemaMismatchException
                || (failure instanceof FailStoppedException f && !f.outcomeUnknown());
    }

    /** Whether {@code c} is the {@code :fail} of a request that never reached the log (above), not a refusal. */
    static boolean neverApplied(Completion c) {
        return c.type() == OpType.FAIL
                && c.error() instanceof List<?> error
                && !error.isEmpty()
                && NOT_APPLIED.equals(error.get(0));
    }

    private static Completion perform(Workload workload, Transport transport, Invocation op) throws IOException {
        ByteString request = workload.request(op);
        String key = transport.routesByKey() ? workload.shardKey(op) : null;
        ByteString reply;
        try {
            reply = op.readOnly() ? transport.query(key, request) : transport.submit(key, request);
        } catch (CommandRejected e) {
            return workload.rejected(op, e);
        }
        return workload.completion(op, reply);
    }
}
