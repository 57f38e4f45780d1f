package io.ratissm;

/** How a group replicates its state machine. Chosen per group when its replicas are built. */
public enum Replication {
    /**
     * Every replica applies every committed command (classic state machine replication). The state machine
     * must be deterministic.
     */
    ACTIVE,
    /**
     * Only the leader executes commands; the log carries their effects and followers apply those without
     * running user logic (primary-backup on Raft).
     */
    PASSIVE
}
