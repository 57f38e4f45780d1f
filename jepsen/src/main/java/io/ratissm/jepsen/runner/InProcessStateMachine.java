package io.ratissm.jepsen.runner;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;

/**
 * One state machine in this JVM, run as a replica runs a committed command ({@code validate}, then {@code apply}) and
 * a query, one request at a time. Anything it throws besides {@link CommandRejected} is a bug a replica would
 * fail-stop on, reported as {@link StateMachineThrew}.
 */
final class InProcessStateMachine implements Transport {
    private final StateMachine stateMachine;

    InProcessStateMachine(StateMachine stateMachine) {
        this.stateMachine = stateMachine;
    }

    /** What the state machine threw instead of a reply or a {@link CommandRejected}. */
    static final class StateMachineThrew extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StateMachineThrew(String method, RuntimeException thrown) {
            super(method + " threw " + thrown, thrown);
        }
    }

    @Override
    public synchronized ByteString submit(ByteString command) throws CommandRejected {
        try {
            stateMachine.validate(command);
        } catch (RuntimeException e) {
            throw new StateMachineThrew(stateMachine.getClass().getName() + ".validate", e);
        }
        try {
            return stateMachine.apply(command);
        } catch (RuntimeException e) {
            throw new StateMachineThrew(stateMachine.getClass().getName() + ".apply", e);
        }
    }

    @Override
    public synchronized ByteString query(ByteString query) throws CommandRejected {
        try {
            return stateMachine.query(query);
        } catch (RuntimeException e) {
            throw new StateMachineThrew(stateMachine.getClass().getName() + ".query", e);
        }
    }
}
