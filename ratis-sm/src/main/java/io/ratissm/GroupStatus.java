package io.ratissm;

import java.util.List;
import java.util.Optional;

/**
 * A group as {@link GroupAdmin#status()} found it: the membership (as the leader, or else the first replica that
 * answered, records it) and every replica asked, members first.
 *
 * @param leader   the leader's id, if a reachable replica claims leadership
 * @param members  the ids in the group's current membership; empty if no replica answered
 * @param replicas each replica asked: the members, and any other replica the admin was given
 */
public record GroupStatus(Optional<String> leader, List<String> members, List<Member> replicas) {

    public GroupStatus {
        members = List.copyOf(members);
        replicas = List.copyOf(replicas);
    }

    /**
     * One replica as {@link GroupAdmin#status()} found it. Indexes are log indexes; -1 means "none" (no entry yet,
     * no snapshot) or "unknown" (the replica did not answer).
     *
     * @param id            the replica's id
     * @param address       where it was asked, {@code host:port}
     * @param reachable     whether it answered; when false, {@code error} says why and the other fields are unknown
     * @param member        whether it is in the group's current membership (a replica started to {@code join} is
     *                      not until an admin adds it; a removed one no longer is)
     * @param role          its role in the group; {@link Role#UNKNOWN} when it did not answer
     * @param leaderId      the leader it knows of, if any
     * @param lastLogTerm   the term of the last entry in its log (a new leader appends one at once, so on the leader
     *                      this is the current term; Ratis does not report a follower's current term)
     * @param commitIndex   the highest entry it knows to be committed
     * @param appliedIndex  the highest entry applied to its state machine
     * @param lastLogIndex  the last entry in its log, committed or not
     * @param snapshotIndex the entry its latest snapshot covers
     * @param error         why it could not be asked, when not reachable; empty otherwise
     */
    public record Member(String id, String address, boolean reachable, boolean member, Role role,
                         Optional<String> leaderId, long lastLogTerm, long commitIndex, long appliedIndex,
                         long lastLogIndex, long snapshotIndex, String error) {

        static Member unreachable(String id, String address, boolean member, String error) {
            return new Member(id, address, false, member, Role.UNKNOWN, Optional.empty(), -1, -1, -1, -1, -1, error);
        }
    }
}
