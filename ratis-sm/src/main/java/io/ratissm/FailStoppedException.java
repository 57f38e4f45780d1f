package io.ratissm;

import java.util.OptionalLong;

/**
 * The replicas that could serve the request are fail-stopped: the state machine threw an unexpected exception while
 * applying an entry (a bug), and each stopped applying there. The message names each replica's exception and the log
 * index it stopped at, as its {@link ReplicaServer#health()} does. Nothing serves the group until its replicas restart
 * with a fixed state machine (ratis-sm/OPERATIONS.md, "A poison command: every replica fail-stopped"). Thrown at once,
 * not at the call's timeout.
 *
 * <p>For a command, {@link #outcomeUnknown()} says what happened to it:
 * <ul>
 *   <li>false: it never entered the log (every attempt was refused before it), so it was not applied and never will
 *       be;</li>
 *   <li>true: it may be in the log, and then it is applied when the replicas restart with the fixed state machine,
 *       once; {@link #commandIndex()} gives its index when a replica said it is there (the command that made them
 *       fail-stop is itself in the log, not applied).</li>
 * </ul>
 * For a query, nothing was read.
 */
public class FailStoppedException extends UnavailableException {
    private static final long serialVersionUID = 1L;

    private final boolean outcomeUnknown;
    private final long commandIndex;

    /**
     * @param commandIndex the command's log index if a replica said it is in the log, else -1
     */
    public FailStoppedException(String message, boolean outcomeUnknown, long commandIndex, Throwable cause) {
        super(message, cause);
        this.outcomeUnknown = outcomeUnknown || commandIndex >= 0;
        this.commandIndex = commandIndex;
    }

    /** Whether the command may yet be applied (it may be in the log); false for a query, or a command never logged. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    /** The command's log index, if a replica said that it is in the log but did not apply it. */
    public OptionalLong commandIndex() {
        return commandIndex < 0 ? OptionalLong.empty() : OptionalLong.of(commandIndex);
    }
}
