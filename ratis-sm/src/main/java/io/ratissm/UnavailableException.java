package io.ratissm;

/**
 * The group did not answer in time: no leader could be reached, a majority is down, or the request timed
 * out; or the client was closed first. For a command that was sent the outcome is <em>unknown</em>: it may have
 * been applied or not. A command that was still queued in the client (the message says "never sent") was dropped
 * and not applied. Retrying through the same {@link ReplicaClient} call is safe (the client does so itself until
 * its timeout); a new call is a new command.
 */
public class UnavailableException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
