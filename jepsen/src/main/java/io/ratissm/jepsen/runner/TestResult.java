package io.ratissm.jepsen.runner;

import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.workload.WorkloadCheck;
import java.nio.file.Path;

/** The outcome of a run: the verdict, the workload checker's details, the op counts, and where the store is. */
public record TestResult(Verdict verdict, WorkloadCheck check, HistoryRecorder.Counts counts, Path storeDir) {

    /** 0 valid, 1 invalid, 2 unknown: the CLI's exit code. */
    public int exitCode() {
        return switch (verdict) {
            case LINEARIZABLE -> 0;
            case NOT_LINEARIZABLE -> 1;
            case UNKNOWN -> 2;
        };
    }
}
