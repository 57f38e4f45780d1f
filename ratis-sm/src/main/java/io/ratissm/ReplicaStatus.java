package io.ratissm;

import java.util.Optional;

/**
 * A replica's place in its group at one moment, as {@link ReplicaServer#status()} and {@code GET /status} report
 * it. The fields are read one after another, not atomically: on a busy replica the indexes may be a few entries
 * apart from each other.
 *
 * @param id          the replica's id
 * @param role        {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE} or {@code LISTENER} while the replica runs;
 *                    {@code STOPPED} once it stopped (closed, or removed); a fail-stopped replica keeps its Raft
 *                    role, and its {@code health} says it fail-stopped
 * @param term        the Raft term it is in (0 before it joined the group)
 * @param leaderId    the leader it knows of, if any
 * @param log         where its log stands (-1 where unknown: once it stopped, its log is closed)
 * @param replication the group's replication mode
 * @param health      whether it serves, and if not why
 */
public record ReplicaStatus(
        String id,
        Role role,
        long term,
        Optional<String> leaderId,
        LogStats log,
        Replication replication,
        Health health) {}
