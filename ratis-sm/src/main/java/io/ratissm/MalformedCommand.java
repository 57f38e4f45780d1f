package io.ratissm;

/**
 * A command or query that the state machine cannot parse. It is refused on the leader and never enters
 * the log.
 */
public class MalformedCommand extends CommandRejected {
    private static final long serialVersionUID = 1L;

    public MalformedCommand(String message) {
        super(message);
    }
}
