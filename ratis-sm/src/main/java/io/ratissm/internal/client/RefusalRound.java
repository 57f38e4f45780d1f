package io.ratissm.internal.client;

import io.ratissm.internal.Causes;
import java.net.ConnectException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;

/**
 * Whether every replica turned one request away in the same way, each in turn, with no other answer between: every
 * one refused the connection (no server listens at its address), or every one answered that it serves no group of the
 * client's name. Then the request reached no replica of the group, and waiting for the call's timeout would only hide
 * why. Mixed refusals prove nothing: a replica that refuses the connection may be one of the group, restarting. A replica that is
 * restarting refuses for a moment too, which is why one refusal, or refusals by some replicas while another answers,
 * never end the request. An attempt that found the client's stream to a replica already ended was not sent and counts
 * for nothing. Once any other attempt got further (a reply, a timeout, a redirect), the request may have reached a
 * replica of the group, and this round never reports again.
 *
 * <p>One per request, noted by its attempts one after the other (the next attempt starts after the last one's outcome
 * was noted).
 */
public final class RefusalRound {
    /** How a replica turned the request away. */
    public enum Refusal {
        /** Nothing listens at its address. */
        CONNECTION,
        /** It serves no group of the client's name. */
        GROUP
    }

    private final Map<RaftPeerId, Refusal> refused = new LinkedHashMap<>();
    private boolean reachedAReplica;

    /** Notes the outcome of an attempt at {@code replica}: {@code failure} null if it was answered. */
    synchronized void note(RaftPeerId replica, Throwable failure) {
        Optional<Refusal> refusal = refusal(failure);
        if (refusal.isPresent()) {
            refused.put(replica, refusal.get());
        } else if (failure == null || !closedBeforeSending(failure)) {
            reachedAReplica = true;
        }
    }

    /** How {@code failure} turned the attempt away, if it did: then nothing was applied. */
    static Optional<Refusal> refusal(Throwable failure) {
        if (Causes.any(failure, c -> c instanceof ConnectException)) {
            return Optional.of(Refusal.CONNECTION);
        }
        if (Causes.any(failure, c -> c instanceof GroupMismatchException)) {
            return Optional.of(Refusal.GROUP);
        }
        return Optional.empty();
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
     * The replicas, in the order they turned the request away, if every one of {@code members} did so in the same
     * way and no attempt of the request got further; otherwise empty.
     */
    public synchronized Optional<Turned> refusedByAll(List<RaftPeerId> members) {
        if (reachedAReplica || !refused.keySet().containsAll(members) || new HashSet<>(refused.values()).size() != 1) {
            return Optional.empty();
        }
        return Optional.of(new Turned(refused.values().iterator().next(), List.copyOf(refused.keySet())));
    }

    /** Every replica turned the request away, in the same way. */
    public record Turned(Refusal how, List<RaftPeerId> replicas) {}
}
