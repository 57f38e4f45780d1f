package io.ratissm.internal.server;

import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.internal.proto.Outcome;

/** Encodes a state machine's refusal so that the client can rethrow the same kind of exception. */
final class Outcomes {
    private Outcomes() {}

    static Outcome rejected(CommandRejected e) {
        String message = String.valueOf(e.getMessage());
        return e instanceof MalformedCommand
                ? Outcome.newBuilder().setMalformed(message).build()
                : Outcome.newBuilder().setRejected(message).build();
    }
}
