package io.ratissm.bench.kit;

import io.ratissm.CommandRejected;

/**
 * A trial of {@link StateMachineBenchmark} in which the state machine refused every command with
 * {@link CommandRejected}: it measured the refusal, not the state machine, so it fails. The message names the
 * state machine and the first refusal's reason; the usual cause is a {@link CommandGenerator} whose commands the
 * state machine does not parse (random bytes for a Protobuf state machine) or cannot apply in the state it is in
 * (a dequeue of an empty queue).
 */
public class EveryCommandRejectedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public EveryCommandRejectedException(String message) {
        super(message);
    }
}
