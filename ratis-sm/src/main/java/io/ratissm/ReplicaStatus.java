package io.ratissm;

import java.util.Optional;

/**
 * One replica as {@link GroupAdmin#status()} found it. Indexes are log indexes; -1 means "none" (no entry yet, no
 * snapshot) or "unknown" (the replica did not answer).
 *
 * @param id            the replica's id
 * @param address       where it was asked, {@code host:port}
 * @param reachable     whether it answered; when false, {@code error} says why and the other fields are unknown
 * @param member        whether it is in the group's current membership (a replica started to {@code join} is not
 *                      until an admin adds it; a removed one no longer is)
 * @param role          its role in the group
 * @param leaderId      the leader it knows of, if any
 * @param lastLogTerm   the term of the last entry in its log (a new leader appends one at once, so on the leader this
 *                      is the current term; Ratis does not report a follower's current term)
 * @param commitIndex   the highest entry it knows to be committed
 * @param appliedIndex  the highest entry applied to its state machine
 * @param lastLogIndex  the last entry in its log, committed or not
 * @param snapshotIndex the entry its latest snapshot covers
 * @param error         why it could not be asked, when not reachable; empty otherwise
 */
public record ReplicaStatus(String id, String address, boolean reachable, boolean member, Role role,
                            Optional<String> leaderId, long lastLogTerm, long commitIndex, long appliedIndex,
                            long lastLogIndex, long snapshotIndex, String error) {

    /** A replica's role in its group. */
    public enum Role {
        LEADER, FOLLOWER, CANDIDATE,
        /** Receives the log but does not vote (a Raft listener). */
        LISTENER,
        /** Did not answer, or does not serve this group. */
        UNKNOWN
    }

    static ReplicaStatus unreachable(String id, String address, boolean member, String error) {
        return new ReplicaStatus(id, address, false, member, Role.UNKNOWN, Optional.empty(), -1, -1, -1, -1, -1,
                error);
    }
}
