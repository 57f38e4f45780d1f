package io.ratissm.internal;

import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the JVM's common {@link ForkJoinPool} at a parallelism of at least 2, which Ratis needs to run well.
 *
 * <p>Ratis completes some futures with {@code CompletableFuture}'s {@code *Async} methods without an executor: the
 * client on every reply ({@code UnorderedAsync}), a follower on every batch of entries it appends
 * ({@code ServerImplUtils}). Those run on the common pool, except when its parallelism is 1, which the JDK makes it
 * on a machine (or container) with 2 processors: {@code CompletableFuture} then starts <em>a new thread for every
 * task</em>. On the 2-core benchmark machine that cost ratis-sm about 45 % of its throughput at 1 outstanding
 * request and 25-40 % at 128 (bench/RESULTS.md, run H).
 *
 * <p>{@link #ensureParallel()} runs when the first of ratis-sm's entry classes is loaded. If the JVM was started
 * without {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} and would get a parallelism below 2, it sets
 * that property to 2, which takes effect if nothing in the JVM has used the common pool yet; otherwise it logs a
 * warning that says how to start the JVM. A value the user set is never changed.
 */
public final class CommonPool {
    /** The JDK's property for the common pool's parallelism, read once, when the pool is first used. */
    public static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private static final Logger LOG = LoggerFactory.getLogger(CommonPool.class);
    private static boolean checked;

    private CommonPool() {}

    /** Sets the common pool's parallelism to 2 where it would be 1 and can still be set; warns where it cannot. */
    public static synchronized void ensureParallel() {
        if (checked) {
            return;
        }
        checked = true;
        if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(PARALLELISM, "2");
        }
        int parallelism = ForkJoinPool.getCommonPoolParallelism();
        if (parallelism < 2) {
            LOG.warn(
                    "the JVM's common ForkJoinPool has parallelism {}, so Ratis's asynchronous completions start a new"
                            + " thread each (about half the throughput of a lone client on 2 cores): start the JVM with"
                            + " -D{}=2",
                    parallelism,
                    PARALLELISM);
        }
    }
}
