package io.ratissm;

/**
 * Counters of one replica's replication since it started; where its log stands is in {@link ReplicaStatus#log()}.
 *
 * @param executions         PASSIVE: command batches this replica executed as leader (0 on a replica that never
 *                           led; always 0 in ACTIVE mode, where every replica applies commands instead)
 * @param speculativePending PASSIVE: batches the leader executed whose entries have not committed yet
 * @param rollbacks          PASSIVE: times this replica discarded speculative state holding uncommitted effects
 *                           (it lost leadership, or an executed entry did not reach the log)
 * @param digestComparisons  state digests compared with another replica at the same log index
 * @param divergences        comparisons that found a different state (each is logged with both ids and the index)
 */
public record ReplicaStats(
        long executions, long speculativePending, long rollbacks, long digestComparisons, long divergences) {}
