package io.ratissm.jepsen.nodes;

import io.ratissm.Replication;
import java.time.Duration;

/**
 * How every replica of a test is configured.
 *
 * @param stateMachine    what the replicas run, as their configuration names it
 * @param replication     ACTIVE or PASSIVE
 * @param snapshotEvery   log entries between automatic snapshots; small values exercise snapshot installation
 * @param electionTimeout the minimum election timeout; 1 s suits a loaded two-core machine
 * @param executeDelay    extra time each command's user logic takes ({@link SlowStateMachine}); zero for none
 * @param leaseReads      whether leaders answer linearizable reads from their lease instead of a heartbeat round
 * @param diskBytes       the size of each replica's own filesystem for its storage ({@link NodeDisk}), or 0 to keep
 *                        the storage on the host's filesystem
 */
public record NodeSettings(
        NodeStateMachine stateMachine,
        Replication replication,
        long snapshotEvery,
        Duration electionTimeout,
        Duration executeDelay,
        boolean leaseReads,
        long diskBytes) {

    public NodeSettings {
        if (diskBytes < 0) {
            throw new IllegalArgumentException("a replica's disk size must not be negative, was " + diskBytes);
        }
    }
}
