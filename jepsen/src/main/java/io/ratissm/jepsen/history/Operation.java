package io.ratissm.jepsen.history;

/**
 * A client operation: an invocation paired with its completion, under Knossos semantics.
 *
 * <p>{@link Outcome#OK} took effect between {@code invoke} and {@code completion}; {@link Outcome#FAIL} never
 * happened; {@link Outcome#INFO} (a crash) and {@link Outcome#PENDING} (no completion in the history) may have
 * taken effect at any time after the invocation, or never. {@code value} is what the model checks: the
 * completion's value for an OK (so a read carries what it read), otherwise the invocation's.
 *
 * <p>{@code invokePosition} and {@code completePosition} are positions in the history's op list;
 * {@code completePosition} is -1 for a pending op.
 */
public record Operation(
        int id,
        Object process,
        Object f,
        Object value,
        Outcome outcome,
        Op invoke,
        Op completion,
        int invokePosition,
        int completePosition) {

    /** How an invocation ended. */
    public enum Outcome {
        OK,
        FAIL,
        INFO,
        PENDING
    }

    /** True if the operation may or may not have taken effect. */
    public boolean isIndeterminate() {
        return outcome == Outcome.INFO || outcome == Outcome.PENDING;
    }

    /** This operation with another {@code value}, e.g. the inner value of an independent {@code [k v]} tuple. */
    public Operation withValue(Object newValue) {
        return new Operation(id, process, f, newValue, outcome, invoke, completion, invokePosition, completePosition);
    }

    /** A compact EDN form, {@code {:process 0, :type :ok, :f :read, :value 3, :index 7}}, for reports. */
    public String describe() {
        String type = switch (outcome) {
            case OK -> ":ok";
            case FAIL -> ":fail";
            case INFO -> ":info";
            case PENDING -> ":invoke";
        };
        long index = completion != null ? completion.index() : invoke.index();
        return "{:process " + EdnWriter.write(process) + ", :type " + type + ", :f " + EdnWriter.write(f) + ", :value "
                + EdnWriter.write(value) + ", :index " + index + "}";
    }
}
