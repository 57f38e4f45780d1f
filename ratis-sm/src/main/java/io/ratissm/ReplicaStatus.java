package io.ratissm;

import java.util.Optional;

/**
 * A replica's place in its group at one moment, as {@link ReplicaServer#status()} and {@code GET /status} report
 * it. The fields are read one after another, not atomically: on a busy replica the indexes may be a few entries
 * apart from each other.
 *
 * @param id                  the replica's id
 * @param role                {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE} or {@code LISTENER} while the
 *                            replica runs; {@code STOPPED} once it stopped (closed, fail-stopped or removed)
 * @param term                the Raft term it is in (0 before it joined the group)
 * @param leaderId            the leader it knows of, if any
 * @param commitIndex         the last log index it knows to be committed (-1 if unknown)
 * @param appliedIndex        the last log index applied to its state machine (-1 if unknown)
 * @param lastLogIndex        the last index in its log, applied or not (-1 if unknown or empty)
 * @param latestSnapshotIndex the log index its latest snapshot covers (-1 if it has none)
 * @param replication         the group's replication mode
 * @param health              whether it serves, and if not why
 */
public record ReplicaStatus(String id, Role role, long term, Optional<String> leaderId, long commitIndex,
                            long appliedIndex, long lastLogIndex, long latestSnapshotIndex, Replication replication,
                            Health health) {
}
