package io.ratissm.jepsen.checker;

/**
 * Thrown when a state machine used as its own model ({@link StateMachineModel}) breaks its contract while being
 * checked: its factory fails, it throws something other than {@link io.ratissm.CommandRejected}, or it cannot read
 * back a snapshot it wrote. It is a bug in the state machine, not a verdict on the history; the message names the
 * operation and the cause.
 */
public final class BrokenStateMachineException extends RuntimeException {
    public BrokenStateMachineException(String message) {
        super(message);
    }

    public BrokenStateMachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
