package io.ratissm;

/**
 * A command larger than the group's limit ({@link ReplicaServer.Builder#maxCommandBytes}). It is refused
 * on the leader and never enters the log. Split the command, or raise the limit on every replica.
 */
public class CommandTooLarge extends CommandRejected {
    private static final long serialVersionUID = 1L;

    public CommandTooLarge(String message) {
        super(message);
    }
}
