package io.ratissm.bench.kit;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every benchmark of a replicated group shares (subclasses inherit them; JMH's command line
 * overrides them, e.g. {@code -wi 1 -w 5s -i 1 -r 5s} for a short run).
 *
 * <ul>
 *   <li>Throughput in ops/s, where an op is one request answered by the group (see {@link ClosedLoop}); one
 *       JMH thread, because the concurrency is the benchmark's own {@code outstanding} parameter.</li>
 *   <li>Six 10 s warm-up iterations: Ratis and the framework were seen to need over a minute of traffic before
 *       the JIT settles. Five 10 s measurement iterations.</li>
 *   <li>One fork ({@link #FORK_JVM_ARGS}) with a heap that holds three replicas' log caches (and, for ratis-sm's
 *       snapshot benchmarks, three copies of a 100 MB state plus one being loaded), logging through slf4j-simple at
 *       {@code warn} with Ratis at {@code error}: its warnings at shutdown (interrupted appenders, closed
 *       connections) are expected.</li>
 * </ul>
 *
 * <p>A subclass that needs more JVM options declares its own {@code @Fork}, which replaces this one (JMH does not
 * merge them): {@code @Fork(value = 1, jvmArgsAppend = {FORK_HEAP_MIN, FORK_HEAP_MAX, FORK_LOG_LEVEL,
 * FORK_RATIS_LOG_LEVEL, FORK_COMMON_POOL, "-Dmore"})}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(
        value = 1,
        jvmArgsAppend = {
            ReplicatedBenchmark.FORK_HEAP_MIN,
            ReplicatedBenchmark.FORK_HEAP_MAX,
            ReplicatedBenchmark.FORK_LOG_LEVEL,
            ReplicatedBenchmark.FORK_RATIS_LOG_LEVEL,
            ReplicatedBenchmark.FORK_COMMON_POOL
        })
@Threads(1)
public abstract class ReplicatedBenchmark {
    public static final String FORK_HEAP_MIN = "-Xms1g";
    public static final String FORK_HEAP_MAX = "-Xmx3g";
    public static final String FORK_LOG_LEVEL = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn";
    public static final String FORK_RATIS_LOG_LEVEL = "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=error";
    /**
     * At least 2 threads in the common ForkJoinPool, as {@code bin/ratis-sm} starts a server: on 2 processors the
     * JDK's default, 1, makes every asynchronous completion in Ratis start a thread of its own (bench/RESULTS.md, run
     * H). ratis-sm sets it itself when nothing used the pool before it; the flag makes the baselines run alike.
     */
    public static final String FORK_COMMON_POOL = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2";

    /** The options of the forked JVM above, in order, for runners that fork a trial themselves. */
    public static final List<String> FORK_JVM_ARGS =
            List.of(FORK_HEAP_MIN, FORK_HEAP_MAX, FORK_LOG_LEVEL, FORK_RATIS_LOG_LEVEL, FORK_COMMON_POOL);
}
