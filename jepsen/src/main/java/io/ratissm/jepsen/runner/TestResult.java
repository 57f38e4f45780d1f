package io.ratissm.jepsen.runner;

import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.workload.WorkloadCheck;
import java.nio.file.Path;

/**
 * The outcome of a run: the verdict, the workload checker's details, the op counts, where the store is, whether the
 * replicas hold the same state at the end ({@link ReplicaAgreement}; null unless the run was asked to check it, and
 * apart from the verdict), how many requests the clients sent again after a failed or unanswered attempt (their
 * own retries, which the group must never apply twice; -1 in a sharded run, whose {@code ShardedClient}s keep no
 * such count), and in a sharded run the shards at the end ({@link ShardReport}; null in an unsharded run, and apart
 * from the verdict).
 */
public record TestResult(
        Verdict verdict,
        WorkloadCheck check,
        HistoryRecorder.Counts counts,
        Path storeDir,
        ReplicaAgreement replicas,
        long clientRetries,
        ShardReport shards) {

    /** 0 valid, 1 invalid, 2 unknown: the CLI's exit code. */
    public int exitCode() {
        return switch (verdict) {
            case LINEARIZABLE -> 0;
            case NOT_LINEARIZABLE -> 1;
            case UNKNOWN -> 2;
        };
    }
}
