package io.ratissm.internal;

/**
 * A leader that cannot take the request just now (it is becoming leader, or catching up before it executes
 * passively). Travels to the client like {@link ReplicaFailedException}; the client tries again shortly.
 */
public final class NotReadyException extends Exception {
    private static final long serialVersionUID = 1L;

    public NotReadyException(String message) {
        super(message, null, false, false);
    }
}
