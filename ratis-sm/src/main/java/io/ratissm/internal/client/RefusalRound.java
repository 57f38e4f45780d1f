package io.ratissm.internal.client;

import io.ratissm.internal.Causes;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;

/**
 * Whether every replica refused the connection to one request, each in turn, with no other answer between: then no
 * server listens at any address the client knows, and waiting for the call's timeout would only hide that. A replica
 * that is restarting refuses for a moment too, which is why one refusal, or refusals by some replicas while another
 * answers, never end the request. An attempt that found the client's stream to a replica already ended was not sent
 * and counts for nothing. Once any other attempt got further than a refused connection (a reply, a timeout, a
 * redirect), the request may have reached a replica, and this round never reports again.
 *
 * <p>One per request, noted by its attempts one after the other (the next attempt starts after the last one's outcome
 * was noted).
 */
public final class RefusalRound {
    private final Set<RaftPeerId> refused = new LinkedHashSet<>();
    private boolean reachedAReplica;

    /** Whether {@code failure} is a connection the replica's host refused (nothing listens there): nothing was sent. */
    public static boolean isRefusedConnection(Throwable failure) {
        return Causes.any(failure, c -> c instanceof ConnectException);
    }

    /** Notes the outcome of an attempt at {@code replica}: {@code failure} null if it was answered. */
    synchronized void note(RaftPeerId replica, Throwable failure) {
        if (failure != null && isRefusedConnection(failure)) {
            refused.add(replica);
        } else if (failure == null || !closedBeforeSending(failure)) {
            reachedAReplica = true;
        }
    }

    /**
     * Whether the attempt failed because the Ratis client's stream to the replica had already ended (after an earlier
     * failure there) when the request was handed to it: it was not sent. Ratis 3.3.0 says so in the two messages of
     * {@code GrpcClientProtocolClient.AsyncStreamObservers.onNext} ("... is closed.", "...: the stream is closed.");
     * its third, "no reply for async request", ends requests that may have been sent, and so does any wording this
     * test does not know.
     */
    private static boolean closedBeforeSending(Throwable failure) {
        return Causes.find(failure, AlreadyClosedException.class)
                .map(Throwable::getMessage)
                .filter(m -> m.endsWith(" is closed."))
                .isPresent();
    }

    /**
     * The replicas that refused, in the order they did, if every one of {@code members} refused and no attempt of the
     * request got further; otherwise empty.
     */
    public synchronized List<RaftPeerId> refusedByAll(List<RaftPeerId> members) {
        return !reachedAReplica && refused.containsAll(members) ? new ArrayList<>(refused) : List.of();
    }
}
