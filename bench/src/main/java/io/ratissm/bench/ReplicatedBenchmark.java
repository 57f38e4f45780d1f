package io.ratissm.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every throughput benchmark here shares (subclasses inherit them; the command line
 * overrides them).
 *
 * <ul>
 *   <li>Throughput in ops/s, where an op is one request answered by the group (see {@link ClosedLoop}); one
 *       JMH thread, because the concurrency is the benchmark's own {@code outstanding} parameter.</li>
 *   <li>Six 10 s warm-up iterations: Ratis and the framework were seen to need over a minute of traffic before
 *       the JIT settles. Five 10 s measurement iterations.</li>
 *   <li>One fork with a heap that holds three replicas' logs caches and, for the snapshot benchmarks, three
 *       copies of a 100 MB state plus one being loaded. Ratis logs only errors: its warnings at shutdown
 *       (interrupted appenders) are expected.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xms1g",
            "-Xmx3g",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=error"
        })
@Threads(1)
public abstract class ReplicatedBenchmark {}
