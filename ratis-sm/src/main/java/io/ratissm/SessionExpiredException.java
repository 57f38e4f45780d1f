package io.ratissm;

/**
 * The group no longer knows this client's session: it was idle longer than the group's session idle timeout, or the
 * group forgot it on reaching its session limit. The group never applies a command of a session it has forgotten,
 * but the command may have been applied by an earlier attempt, before the session was forgotten: the outcome is
 * <em>unknown</em>, as for any {@link UnavailableException}. The client opens a new session by itself for the
 * commands that follow.
 */
public class SessionExpiredException extends UnavailableException {
    private static final long serialVersionUID = 1L;

    public SessionExpiredException(String message) {
        super(message, null);
    }
}
