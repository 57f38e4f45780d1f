package io.ratissm.jepsen.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A history's client operations, each invocation paired with its completion by process, as Knossos
 * preprocesses histories.
 *
 * <p>Rules: ops whose process is not an integer (the nemesis) are ignored; an {@code :info} with no open
 * invocation is ignored (Knossos does the same); an invocation with no completion is {@code PENDING}. A
 * process may have one outstanding invocation: invoking again before completing, or completing with
 * {@code :ok}/{@code :fail} without an invocation, makes the history malformed. A process that crashed
 * ({@code :info}) never invokes again in a Jepsen history; if one does, its crashed op still stays open to the
 * end, which is the sound reading.
 */
public final class PairedHistory {
    private final History history;
    private final List<Operation> operations;

    private PairedHistory(History history, List<Operation> operations) {
        this.history = history;
        this.operations = List.copyOf(operations);
    }

    /**
     * Pairs {@code history}'s client ops.
     *
     * @throws MalformedHistoryException if a process breaks the one-outstanding-invocation rule
     */
    public static PairedHistory of(History history) {
        List<Op> ops = history.ops();
        Map<Object, Integer> open = new HashMap<>();
        Operation[] byInvoke = new Operation[ops.size()];
        List<Integer> invokeOrder = new ArrayList<>();
        for (int pos = 0; pos < ops.size(); pos++) {
            Op op = ops.get(pos);
            if (!op.isClient()) {
                continue;
            }
            Object process = ((Number) op.process()).longValue();
            Integer openPos = open.get(process);
            if (op.type() == OpType.INVOKE) {
                if (openPos != null) {
                    Op prior = ops.get(openPos);
                    throw new MalformedHistoryException("process " + process + " invokes " + EdnWriter.write(op.f())
                            + " (op " + op.index() + ") while its " + EdnWriter.write(prior.f()) + " (op "
                            + prior.index()
                            + ") has not completed; a process must complete each op before invoking the next");
                }
                open.put(process, pos);
                invokeOrder.add(pos);
                continue;
            }
            if (openPos == null) {
                if (op.type() == OpType.INFO) {
                    continue;
                }
                throw new MalformedHistoryException("process " + process + " completes " + EdnWriter.write(op.f())
                        + " with " + op.type().keyword() + " (op " + op.index() + ") without invoking it first");
            }
            Op invoke = ops.get(openPos);
            if (!Objects.equals(invoke.f(), op.f())) {
                throw new MalformedHistoryException("process " + process + " invokes " + EdnWriter.write(invoke.f())
                        + " (op " + invoke.index() + ") but completes " + EdnWriter.write(op.f()) + " (op " + op.index()
                        + "); a completion must have its invocation's :f");
            }
            open.remove(process);
            Operation.Outcome outcome = switch (op.type()) {
                case OK -> Operation.Outcome.OK;
                case FAIL -> Operation.Outcome.FAIL;
                default -> Operation.Outcome.INFO;
            };
            Object value = outcome == Operation.Outcome.OK ? op.value() : invoke.value();
            byInvoke[openPos] = new Operation(0, process, invoke.f(), value, outcome, invoke, op, openPos, pos);
        }
        List<Operation> operations = new ArrayList<>(invokeOrder.size());
        for (int pos : invokeOrder) {
            Operation o = byInvoke[pos];
            Op invoke = ops.get(pos);
            int id = operations.size();
            if (o == null) {
                Object process = ((Number) invoke.process()).longValue();
                o = new Operation(
                        id, process, invoke.f(), invoke.value(), Operation.Outcome.PENDING, invoke, null, pos, -1);
            } else {
                o = new Operation(
                        id,
                        o.process(),
                        o.f(),
                        o.value(),
                        o.outcome(),
                        o.invoke(),
                        o.completion(),
                        o.invokePosition(),
                        o.completePosition());
            }
            operations.add(o);
        }
        return new PairedHistory(history, operations);
    }

    /** The history the operations came from. */
    public History history() {
        return history;
    }

    /** Every client operation, failed ones included, in invocation order; {@code id} is the list position. */
    public List<Operation> operations() {
        return operations;
    }
}
