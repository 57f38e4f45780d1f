package io.ratissm.internal;

/**
 * Travels from a fail-stopped leader to the client (rebuilt by Ratis from its class name and message): the leader
 * asked every other member and none can serve (each is fail-stopped too, or did not answer), so the request was
 * refused before the log and nothing will serve it until the replicas restart with a fixed state machine. The message
 * names each replica's reason, with its log index. The client fails the call at once
 * ({@link io.ratissm.FailStoppedException}).
 */
public final class GroupFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public GroupFailedException(String message) {
        super(message, null, false, false);
    }
}
