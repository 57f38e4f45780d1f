package io.ratissm.internal.client;

import io.ratissm.FailStoppedException;
import io.ratissm.internal.Causes;
import io.ratissm.internal.GroupFailedException;
import io.ratissm.internal.NotApplied;
import io.ratissm.internal.ReplicaFailedException;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.StateMachineException;

/**
 * What the attempts of one request learnt about fail-stopped replicas, to end it with a {@link FailStoppedException}
 * as soon as a replica says that nothing can serve it, and to say honestly what became of a command: whether it may
 * be in the log. One per request, noted by its attempts one after the other.
 */
public final class FailStops {
    private final String kind;
    /** Asked of one replica only (a stale read): its fail-stop ends the request. */
    private final boolean oneReplica;

    private long inLogAt = -1;
    private boolean maybeLogged;

    /**
     * @param kind       "command" or "query"
     * @param oneReplica whether the request goes to one replica only, which no other can stand in for
     */
    public FailStops(String kind, boolean oneReplica) {
        this.kind = kind;
        this.oneReplica = oneReplica;
    }

    /**
     * Notes the failure of an attempt; returns the request's failure if it must end now: the leader answered that no
     * member of the group can serve, or the one replica asked is fail-stopped.
     */
    public synchronized Optional<FailStoppedException> note(Throwable failure) {
        Optional<GroupFailedException> group = cause(failure, GroupFailedException.class);
        if (group.isPresent()) {
            return Optional.of(ended("", group.get(), failure));
        }
        Optional<ReplicaFailedException> replica = cause(failure, ReplicaFailedException.class);
        if (replica.isPresent()) {
            return oneReplica
                    ? Optional.of(ended("fail-stopped replica ", replica.get(), failure))
                    : Optional.empty(); // another replica may serve it
        }
        OptionalLong notApplied = Causes.find(failure, Replies.RetryRequested.class)
                .map(r -> NotApplied.index(r.getMessage()))
                .orElse(OptionalLong.empty());
        if (notApplied.isPresent()) {
            inLogAt = notApplied.getAsLong();
            maybeLogged = true;
        } else if (!refusedBeforeTheLog(failure)) {
            maybeLogged = true; // e.g. an attempt that timed out: the command may have been appended
        }
        return Optional.empty();
    }

    private FailStoppedException ended(String what, Exception reason, Throwable failure) {
        String outcome;
        if (!kind.equals("command")) {
            outcome = "the " + kind + " was not answered";
        } else if (inLogAt >= 0) {
            outcome = "the command is in the log at index " + inLogAt + " but was not applied: its outcome is unknown "
                    + "(it is applied, once, when the replicas restart with a fixed state machine)";
        } else if (maybeLogged) {
            outcome = "the command may be in the log: its outcome is unknown (if it is, it is applied, once, when the "
                    + "replicas restart with a fixed state machine)";
        } else {
            outcome = "the command was refused before the log: it was not applied";
        }
        return new FailStoppedException(
                what + reason.getMessage() + "; " + outcome,
                kind.equals("command") && maybeLogged,
                kind.equals("command") ? inLogAt : -1,
                failure);
    }

    /** Answers that show the attempt added nothing to the log: a refusal by a replica that does not lead. */
    private static boolean refusedBeforeTheLog(Throwable failure) {
        return RefusalRound.refusal(failure).isPresent()
                || Causes.find(failure, NotLeaderException.class).isPresent()
                || Causes.find(failure, LeaderNotReadyException.class).isPresent();
    }

    /** The exception a replica's state machine answered with, as Ratis rebuilt it inside its own. */
    private static <E extends Exception> Optional<E> cause(Throwable failure, Class<E> type) {
        return Causes.find(failure, StateMachineException.class)
                .map(Throwable::getCause)
                .filter(type::isInstance)
                .map(type::cast);
    }
}
