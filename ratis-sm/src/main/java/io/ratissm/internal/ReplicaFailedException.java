package io.ratissm.internal;

/**
 * Travels from a fail-stopped replica to the client (Ratis rebuilds it from its class name and message, so it
 * keeps a public String constructor): the replica refused the request before its log, so a command was not applied,
 * and another replica may serve it: the client tries elsewhere. When the leader knows that no member can,
 * it answers {@link GroupFailedException} instead.
 */
public final class ReplicaFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReplicaFailedException(String message) {
        super(message, null, false, false);
    }
}
