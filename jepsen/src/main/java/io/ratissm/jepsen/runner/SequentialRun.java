package io.ratissm.jepsen.runner;

import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.Model;
import io.ratissm.jepsen.checker.ModelMismatchException;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.history.Operation;
import io.ratissm.jepsen.history.PairedHistory;
import io.ratissm.jepsen.workload.Completion;
import io.ratissm.jepsen.workload.Invocation;
import io.ratissm.jepsen.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A workload run alone before its test: against a fresh state machine in this JVM, one op at a time, by the same
 * client rules as the test ({@link ClientWorker#call}): the set-up ops, {@value #OPS} ops drawn from the test's seed,
 * and the final ops. With no network and no concurrency every op must complete, and when the workload has a {@link
 * Model} every {@code :ok} op must be a step the model can take, in order (per key when the model names keys), or
 * {@link SequentialRunException} names the first that is not. A wrong model or a throwing state machine so fails in
 * a second, before any replica starts, rather than as a counterexample after a run under faults.
 */
final class SequentialRun {
    /** Ops drawn from the generator. */
    static final int OPS = 300;
    /** Far more than an op in this JVM takes: only a state machine that hangs reaches it. */
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(10);

    private final Workload workload;
    private final StateMachine stateMachine;
    private final long seed;
    private final List<Op> ops = new ArrayList<>();

    private SequentialRun(Workload workload, StateMachine stateMachine, long seed) {
        this.workload = workload;
        this.stateMachine = stateMachine;
        this.seed = seed;
    }

    /**
     * Runs {@code workload}, a fresh instance the test will not use, against a fresh instance from {@code
     * stateMachine} and returns a line for the run's log.
     *
     * @throws SequentialRunException if an op did not complete or the model disagrees with the state machine
     */
    static String check(Workload workload, Supplier<StateMachine> stateMachine, long seed) {
        return new SequentialRun(workload, stateMachine.get(), seed).run();
    }

    private String run() {
        ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jepsen sequential run");
            t.setDaemon(true);
            return t;
        });
        try {
            Transport replica = new InProcessStateMachine(stateMachine);
            for (Invocation op : workload.setUp()) {
                Completion c = call(op, replica, calls, "set-up op");
                if (c.type() != OpType.OK) {
                    throw failure(
                            "its set-up op " + shown(op) + " was refused (" + EdnWriter.write(c.error())
                                    + ") by a fresh state machine",
                            null);
                }
            }
            Random random = new Random(seed);
            for (int i = 0; i < OPS; i++) {
                Invocation op;
                try {
                    op = workload.next(random);
                } catch (RuntimeException e) {
                    throw failure("its next(Random) threw " + e + " on draw " + (i + 1), e);
                }
                record(op, call(op, replica, calls, "op " + (i + 1)));
            }
            for (Invocation op : workload.finalInvocations()) {
                record(op, call(op, replica, calls, "final op"));
            }
        } finally {
            calls.shutdownNow();
        }
        Model model = workload.model();
        if (model == null) {
            return "sequential run: " + OPS + " ops (seed " + seed + ") completed against "
                    + stateMachine.getClass().getName() + " in this JVM";
        }
        compare(model);
        return "sequential run: " + OPS + " ops (seed " + seed + ") against "
                + stateMachine.getClass().getName() + " in this JVM agree with the model " + model.name();
    }

    private Completion call(Invocation op, Transport replica, ExecutorService calls, String which) {
        if (op == null) {
            throw failure("it gave null as its " + which + "; give an Invocation", null);
        }
        try {
            return ClientWorker.call(workload, replica, op, OP_TIMEOUT, calls);
        } catch (ClientWorker.OutcomeUnknown e) {
            Throwable cause = e.getCause();
            String culprit = cause instanceof InProcessStateMachine.StateMachineThrew
                    ? "the state machine's " + cause.getMessage() + ": a bug a replica would fail-stop on"
                    : cause == null
                            ? e.getMessage()
                            : "the workload threw " + cause + " in request, completion or rejected (an exception"
                                    + " there makes the outcome unknown, :info)";
            throw failure(
                    "its " + which + " " + shown(op) + " did not complete: " + culprit,
                    cause instanceof InProcessStateMachine.StateMachineThrew ? cause.getCause() : cause);
        }
    }

    private void record(Invocation op, Completion c) {
        Keyword f = Keyword.of(op.f());
        ops.add(new Op(ops.size(), Op.NO_TIME, OpType.INVOKE, 0L, f, op.value(), Map.of()));
        ops.add(new Op(
                ops.size(),
                Op.NO_TIME,
                c.type(),
                0L,
                f,
                c.value(),
                c.error() == null ? Map.of() : Map.of(Op.ERROR, c.error())));
    }

    /** Steps {@code model} through the {@code :ok} ops in order, as a linearization must (the others never happened). */
    private void compare(Model model) {
        Map<Object, Object> states = new HashMap<>();
        for (Operation op : PairedHistory.of(new History(ops)).operations()) {
            if (op.outcome() != Operation.Outcome.OK) {
                continue;
            }
            Object next;
            Object key;
            Object state;
            try {
                key = model.keyOf(op);
                Object value = key == null ? op.value() : model.valueWithinKey(op);
                state = states.containsKey(key) ? states.get(key) : model.initialState();
                next = model.step(state, op.f(), value);
            } catch (ModelMismatchException e) {
                throw failure(
                        "its model " + model.name() + " does not understand op " + (op.id() + 1) + ", " + op.describe()
                                + ": " + e.getMessage(),
                        e);
            }
            if (next == Model.INCONSISTENT) {
                throw failure(
                        "its model " + model.name() + " disagrees with the state machine at op " + (op.id() + 1) + ":"
                                + line("op", shown(op))
                                + line(
                                        "the model's state before it",
                                        EdnWriter.write(state)
                                                + (key == null ? "" : " (key " + EdnWriter.write(key) + ")")
                                                + ", from which it cannot give that reply")
                                + line(
                                        "the state machine's reply",
                                        op.completion().type().keyword() + " " + EdnWriter.write(op.value()))
                                + "\nFix the model (Workload.model) or what the workload makes of the reply"
                                + " (Workload.completion, Workload.rejected).",
                        null);
            }
            states.put(key, next);
        }
    }

    private SequentialRunException failure(String what, Throwable cause) {
        return new SequentialRunException(
                "workload " + workload.getClass().getName() + ", run alone against "
                        + stateMachine.getClass().getName()
                        + " in this JVM before any replica started (one op at a time, seed " + seed + "): " + what,
                cause);
    }

    /** One line of a report: the label, padded, then the text. */
    private static String line(String label, String text) {
        return "\n  " + String.format("%-30s", label + ":") + text;
    }

    private static String shown(Invocation op) {
        return ":" + op.f() + " " + EdnWriter.write(op.value());
    }

    private static String shown(Operation op) {
        return EdnWriter.write(op.f()) + " " + EdnWriter.write(op.invoke().value());
    }
}
