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
public record GroupStatus(Optional<String> leader, List<String> members, List<ReplicaStatus> replicas) {

    public GroupStatus {
        members = List.copyOf(members);
        replicas = List.copyOf(replicas);
    }
}
