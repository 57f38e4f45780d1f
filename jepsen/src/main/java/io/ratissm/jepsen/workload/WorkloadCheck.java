package io.ratissm.jepsen.workload;

import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.Keyword;
import java.util.Map;

/**
 * A workload checker's answer: the verdict ({@link Verdict#LINEARIZABLE} reads as {@code :valid? true} for the
 * non-linearizability checks too) and the result map written under {@code :workload} in {@code results.edn}.
 */
public record WorkloadCheck(Verdict verdict, Map<Keyword, Object> details) {}
