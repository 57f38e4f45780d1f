package io.ratissm.bench.kit;

/**
 * Your state machine threw something other than {@code CommandRejected} before the measurement: its constructor,
 * or {@code validate}, {@code apply} or {@code execute} on one of the generator's first commands, applied in this JVM
 * before the group starts. In a group that exception would fail-stop every replica (see {@code StateMachine}), so
 * the benchmark stops with the cause instead of timing out on a group that no longer answers.
 */
public class StateMachineException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public StateMachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
