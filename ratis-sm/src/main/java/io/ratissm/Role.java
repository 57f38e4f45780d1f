package io.ratissm;

/** A replica's role in its group, as {@link ReplicaServer#status()} and {@link GroupAdmin#status()} report it. */
public enum Role {
    LEADER,
    FOLLOWER,
    CANDIDATE,
    /** Receives the log but does not vote (a Raft listener). */
    LISTENER,
    /**
     * Not running: closed, stopped for a full disk, or removed from the group. Only a replica's own status says so. A
     * fail-stopped replica keeps its Raft role (its health says it fail-stopped).
     */
    STOPPED,
    /** Did not answer, or does not serve this group. Only {@link GroupAdmin#status()} says so. */
    UNKNOWN
}
