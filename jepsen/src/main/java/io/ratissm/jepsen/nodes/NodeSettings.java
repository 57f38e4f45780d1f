package io.ratissm.jepsen.nodes;

import io.ratissm.Replication;
import java.time.Duration;
import java.util.List;

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
 * @param extraConfig     further lines of every replica's configuration file, {@code key = value} in the keys of
 *                        {@code ratis-sm server} (e.g. {@code digest.every = 100}), written after the harness's own
 * @param sharded         whether the replicas are the servers of a sharded deployment ({@code sharded = true}): every
 *                        group they serve runs the state machine behind a shard role, and their own group is the
 *                        placement group
 */
public record NodeSettings(
        NodeStateMachine stateMachine,
        Replication replication,
        long snapshotEvery,
        Duration electionTimeout,
        Duration executeDelay,
        boolean leaseReads,
        long diskBytes,
        List<String> extraConfig,
        boolean sharded) {

    public NodeSettings {
        if (diskBytes < 0) {
            throw new IllegalArgumentException("a replica's disk size must not be negative, was " + diskBytes);
        }
        extraConfig = List.copyOf(extraConfig);
    }

    /** Settings of servers that are not sharded. */
    public NodeSettings(
            NodeStateMachine stateMachine,
            Replication replication,
            long snapshotEvery,
            Duration electionTimeout,
            Duration executeDelay,
            boolean leaseReads,
            long diskBytes,
            List<String> extraConfig) {
        this(
                stateMachine,
                replication,
                snapshotEvery,
                electionTimeout,
                executeDelay,
                leaseReads,
                diskBytes,
                extraConfig,
                false);
    }

    /** Settings with nothing added to the replicas' configuration files. */
    public NodeSettings(
            NodeStateMachine stateMachine,
            Replication replication,
            long snapshotEvery,
            Duration electionTimeout,
            Duration executeDelay,
            boolean leaseReads,
            long diskBytes) {
        this(stateMachine, replication, snapshotEvery, electionTimeout, executeDelay, leaseReads, diskBytes, List.of());
    }
}
