package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.PairedHistory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks histories for linearizability against a {@link Model}, with Knossos's semantics: {@code :fail}
 * operations never happened; {@code :info} and pending operations may take effect at any time after their
 * invocation, or never; nemesis ops are ignored.
 *
 * <p>The history is split into independent keys ({@link KeySplitter}), and each key is searched with the
 * Wing &amp; Gong algorithm and Lowe's memo ({@link WglSearch}), the largest keys first, on up to
 * {@link CheckOptions#parallelism()} threads. The first key found not linearizable cancels the others. The
 * time limit and memory budget turn a search that would run too long or too big into
 * {@link Verdict#UNKNOWN}. Thread-safe: one checker may check many histories at once.
 */
public final class WglChecker {
    /** The threads that check keys next to the caller's; created on first use, as most checks have one key. */
    private static final class Workers {
        static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "wgl-checker");
            t.setDaemon(true);
            return t;
        });
    }

    private final CheckOptions options;

    public WglChecker(CheckOptions options) {
        this.options = options;
    }

    /**
     * Checks {@code history}.
     *
     * @throws io.ratissm.jepsen.history.MalformedHistoryException if the history is not well formed
     * @throws ModelMismatchException if the history has operations the model does not know
     */
    public CheckResult check(History history, Model model) {
        long start = System.nanoTime();
        long deadline = start + options.timeLimit().toNanos();
        PairedHistory paired = PairedHistory.of(history);
        List<KeyHistory> keys = KeySplitter.split(paired, model, options.independent());
        boolean partitioned = keys.size() != 1 || keys.get(0).key() != null;
        MemoryBudget budget = new MemoryBudget(options.memoryBudgetBytes());
        AtomicBoolean cancelled = new AtomicBoolean();

        List<WglSearch> searches = new ArrayList<>(keys.size());
        for (KeyHistory key : keys) {
            searches.add(new WglSearch(key, model, budget, deadline, cancelled));
        }
        KeyResult[] results = new KeyResult[keys.size()];
        // Largest keys first, ties in key order: sort keys of (fewer ops first after inverting << 32 | key index).
        long[] bySize = new long[keys.size()];
        for (int i = 0; i < bySize.length; i++) {
            bySize[i] = ((long) (Integer.MAX_VALUE - keys.get(i).operations().size()) << 32) | i;
        }
        Arrays.sort(bySize);
        int[] order = new int[bySize.length];
        for (int t = 0; t < order.length; t++) {
            order[t] = (int) bySize[t];
        }
        runAll(searches, order, results, cancelled);

        Verdict verdict = Verdict.LINEARIZABLE;
        String cause = null;
        for (KeyResult r : results) {
            verdict = verdict.and(r.verdict());
            if (cause == null && r.verdict() == Verdict.UNKNOWN && !":cancelled".equals(r.cause())) {
                cause = r.cause();
            }
        }
        if (verdict != Verdict.UNKNOWN) {
            cause = null;
        }
        return new CheckResult(
                verdict, cause, model.name(), partitioned, List.of(results), keys, System.nanoTime() - start);
    }

    private void runAll(List<WglSearch> searches, int[] order, KeyResult[] results, AtomicBoolean cancelled) {
        AtomicInteger nextTask = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        int helpers = Math.min(options.parallelism(), order.length) - 1;
        CompletableFuture<?>[] running = null;
        if (helpers > 0) { // a single key runs on the caller alone, without starting the pool
            running = new CompletableFuture<?>[helpers];
            for (int h = 0; h < helpers; h++) {
                running[h] = CompletableFuture.runAsync(
                        () -> drain(searches, order, results, cancelled, nextTask, failure), Workers.POOL);
            }
        }
        drain(searches, order, results, cancelled, nextTask, failure);
        if (running != null) {
            CompletableFuture.allOf(running).join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Takes keys in {@code order} and checks them until none is left; run by the caller and each helper. */
    private static void drain(
            List<WglSearch> searches,
            int[] order,
            KeyResult[] results,
            AtomicBoolean cancelled,
            AtomicInteger nextTask,
            AtomicReference<RuntimeException> failure) {
        int t;
        while ((t = nextTask.getAndIncrement()) < order.length) {
            int i = order[t];
            if (cancelled.get()) {
                results[i] = KeyResult.unknown(
                        searches.get(i).key(), ":cancelled", searches.get(i).operationCount(), 0);
                continue;
            }
            try {
                KeyResult r = runOne(searches.get(i));
                results[i] = r;
                if (r.verdict() == Verdict.NOT_LINEARIZABLE) {
                    cancelled.set(true);
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                cancelled.set(true);
                results[i] = KeyResult.unknown(
                        searches.get(i).key(), ":error", searches.get(i).operationCount(), 0);
            }
        }
    }

    private static KeyResult runOne(WglSearch search) {
        try {
            return search.run();
        } catch (OutOfMemoryError e) {
            // Last resort: the budget is an estimate, and the heap is shared with other work. Dropping the
            // search's references frees its memory, so reporting unknown is safe here.
            return KeyResult.unknown(search.key(), ":out-of-memory", search.operationCount(), 0);
        }
    }
}
