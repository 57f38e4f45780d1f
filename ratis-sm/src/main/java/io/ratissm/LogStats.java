package io.ratissm;

/**
 * Where one replica's Raft log stands: the part of {@link ReplicaStatus} and {@link GroupStatus.Member} that both
 * report the same way. The numbers are log indexes and terms; -1 means "none" (no entry yet, no snapshot) or
 * "unknown" (the replica did not answer, or it is stopped). They are read one after another, not atomically: on a
 * busy replica they may be a few entries apart.
 *
 * @param lastTerm      the term of the last entry in its log (0 if the log is empty); a new leader appends an entry
 *                      at once, so on the leader this is the current term
 * @param lastIndex     the last entry in its log, committed or not
 * @param commitIndex   the last entry it knows to be committed
 * @param appliedIndex  the last entry applied to its state machine
 * @param snapshotIndex the entry its latest snapshot covers
 */
public record LogStats(long lastTerm, long lastIndex, long commitIndex, long appliedIndex, long snapshotIndex) {

    /** A log nothing is known of: every number -1. */
    public static final LogStats UNKNOWN = new LogStats(-1, -1, -1, -1, -1);
}
