package io.ratissm.jepsen.checker;

import java.time.Duration;

/**
 * Limits and choices for {@link WglChecker}.
 *
 * @param timeLimit wall-clock limit for one history; beyond it the verdict is {@link Verdict#UNKNOWN} with
 *     cause {@code :timeout}. Default 5 minutes, Knossos-like patience while never hanging.
 * @param memoryBudgetBytes estimated bytes the search may hold in memo tables and state graphs; beyond it the
 *     verdict is unknown with cause {@code :memory} instead of an OutOfMemoryError. Default: half the heap.
 * @param independent whether to split {@code [k v]} tuple values by key as Jepsen's {@code independent}
 *     does. Models that have keys of their own ({@code kv}) always split.
 * @param parallelism threads that check keys concurrently. Default: the number of processors.
 */
public record CheckOptions(Duration timeLimit, long memoryBudgetBytes, Independence independent, int parallelism) {

    /** How to treat {@code [k v]} tuple values. */
    public enum Independence {
        /**
         * Split when every client op's value is a pair whose first element is a scalar key and the ops are not
         * all {@code :cas} (whose plain value is also a pair).
         */
        AUTO,
        /** Always split tuple values; a non-pair value is an error. */
        YES,
        /** Never split; check the history as one. */
        NO
    }

    public CheckOptions {
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("time limit must be positive, not " + timeLimit);
        }
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive, not " + memoryBudgetBytes);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
    }

    /** Defaults that suit the CLI and tests. */
    public static CheckOptions defaults() {
        return new CheckOptions(
                Duration.ofMinutes(5),
                Runtime.getRuntime().maxMemory() / 2,
                Independence.AUTO,
                Runtime.getRuntime().availableProcessors());
    }

    public CheckOptions withTimeLimit(Duration limit) {
        return new CheckOptions(limit, memoryBudgetBytes, independent, parallelism);
    }

    public CheckOptions withMemoryBudget(long bytes) {
        return new CheckOptions(timeLimit, bytes, independent, parallelism);
    }

    public CheckOptions withIndependence(Independence mode) {
        return new CheckOptions(timeLimit, memoryBudgetBytes, mode, parallelism);
    }

    public CheckOptions withParallelism(int threads) {
        return new CheckOptions(timeLimit, memoryBudgetBytes, independent, threads);
    }
}
