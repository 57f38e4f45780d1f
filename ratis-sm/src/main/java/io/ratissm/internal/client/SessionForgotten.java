package io.ratissm.internal.client;

/**
 * The group answered a batch of commands with "unknown session": it no longer knows (or never knew) the session
 * the batch was sent in, and applied nothing of it this time. If that was the batch's first attempt, no attempt
 * was ever applied, and the commands may go again in a new session; otherwise an earlier attempt may have been
 * applied before the group forgot the session.
 */
public final class SessionForgotten extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean neverApplied;

    public SessionForgotten(boolean neverApplied, String why) {
        super(why, null, false, false);
        this.neverApplied = neverApplied;
    }

    /** Whether the batch was certainly not applied by any attempt (the answer came to its first one). */
    public boolean neverApplied() {
        return neverApplied;
    }
}
