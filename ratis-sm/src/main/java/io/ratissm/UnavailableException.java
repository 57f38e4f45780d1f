package io.ratissm;

/**
 * The group did not answer in time: no leader could be reached, a majority is down, or the request timed
 * out. For a command the outcome is <em>unknown</em>: it may have been applied or not. Retrying through the
 * same {@link ReplicaClient} call is safe (the client does so itself until its timeout); a new call is a
 * new command.
 */
public class UnavailableException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
