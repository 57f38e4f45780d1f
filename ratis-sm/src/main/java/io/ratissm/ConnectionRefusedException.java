package io.ratissm;

import java.util.List;

/**
 * Every replica the client tried in one round refused the connection: nothing accepts connections at any of their
 * addresses (no replica is running there, the addresses are wrong, or the replicas' Raft servers stopped, e.g. for a
 * full disk; fail-stopped replicas answer {@link FailStoppedException} instead). Definite: the request reached no
 * replica, so a command was not
 * applied. Thrown after the first round of attempts instead of at the call's timeout; a replica that is merely
 * restarting also refuses for a moment, but the client fails so only when every replica it knows refused in turn, with
 * no other answer between.
 */
public class ConnectionRefusedException extends UnavailableException {
    private static final long serialVersionUID = 1L;

    private final List<String> refused;

    /** @param refused the addresses ({@code host:port}) that refused the connection */
    public ConnectionRefusedException(String message, List<String> refused, Throwable cause) {
        super(message, cause);
        this.refused = List.copyOf(refused);
    }

    /** The addresses ({@code host:port}) that refused the connection, in the order they were tried. */
    public List<String> refused() {
        return refused;
    }
}
