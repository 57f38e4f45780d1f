package io.ratissm.jepsen.runner;

/**
 * The workload, run alone against a fresh instance of its state machine in the harness's JVM before any replica
 * started (one op at a time, so every reply is the state machine's sequential answer), went wrong: its model
 * disagrees with the state machine, or the state machine or the workload threw. The message names the first op
 * concerned, the model's state before it and the state machine's reply, and says what to fix; the test did not start,
 * and nothing was written to the store.
 */
public final class SequentialRunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SequentialRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
