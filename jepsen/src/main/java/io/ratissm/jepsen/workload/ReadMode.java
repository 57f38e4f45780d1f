package io.ratissm.jepsen.workload;

/** How workloads read: through the leader with ReadIndex (the default), or from one random replica's local state. */
public enum ReadMode {
    /** {@code ReplicaClient.query}: reflects every write acknowledged before the read started. */
    LINEARIZABLE,
    /** {@code ReplicaClient.queryStale} on a random replica: may lag, so a register run is expected to fail. */
    STALE
}
