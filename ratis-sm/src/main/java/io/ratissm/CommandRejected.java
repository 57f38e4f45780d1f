package io.ratissm;

/**
 * A command or query was refused and had no effect.
 *
 * <p>A state machine throws it from {@link StateMachine#apply} to say a deterministic "no" (insufficient
 * funds, unknown account); every replica then gives the same reply and the state stays unchanged. A
 * compare-and-set whose expected value differs is not a rejection but an ordinary reply.
 *
 * <p>{@link ReplicaClient} throws it (or one of its subclasses, {@link MalformedCommand} and
 * {@link CommandTooLarge}) with the state machine's message when a command was refused.
 */
public class CommandRejected extends Exception {
    private static final long serialVersionUID = 1L;

    public CommandRejected(String message) {
        super(message, null, false, false);
    }
}
