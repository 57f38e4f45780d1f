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
     * One replica as {@link GroupAdmin#status()} found it.
     *
     * @param id        the replica's id
     * @param address   where it was asked, {@code host:port}
     * @param reachable whether it answered; when false, {@code error} says why and the other fields are unknown
     * @param member    whether it is in the group's current membership (a replica started to {@code join} is not
     *                  until an admin adds it; a removed one no longer is)
     * @param role      its role in the group; {@link Role#UNKNOWN} when it did not answer
     * @param leaderId  the leader it knows of, if any
     * @param log       where its log stands ({@link LogStats#UNKNOWN} when it did not answer). Ratis does not report
     *                  a follower's current term, so the term here is its last entry's, {@link LogStats#lastTerm}
     * @param error     why it could not be asked, when not reachable; empty otherwise
     */
    public record Member(
            String id,
            String address,
            boolean reachable,
            boolean member,
            Role role,
            Optional<String> leaderId,
            LogStats log,
            String error) {

        static Member unreachable(String id, String address, boolean member, String error) {
            return new Member(id, address, false, member, Role.UNKNOWN, Optional.empty(), LogStats.UNKNOWN, error);
        }
    }
}
