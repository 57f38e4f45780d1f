package io.ratissm.internal;

/**
 * Travels from a fail-stopped replica to the client (Ratis rebuilds it from its class name and message, so it
 * keeps a public String constructor). The client treats it like an unreachable replica: it retries elsewhere.
 */
public final class ReplicaFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReplicaFailedException(String message) {
        super(message, null, false, false);
    }
}
