package io.ratissm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Keeps the benchmarks from rotting: runs ratis-sm's write benchmark and the bare-Ratis baseline for one short
 * iteration each, through the same JMH machinery as {@code java -jar bench/target/benchmarks.jar}, and expects
 * real throughput from both. In-process (no fork) to stay well under a minute; the numbers mean nothing here.
 */
class ShortRunTest {

    @Test
    void writeBenchmarkAndBaseline_eachAnswerRequests_inOneShortIteration() throws Exception {
        // JMH's machine-wide lock only guards against measurement noise, which this smoke run does not care about.
        System.setProperty("jmh.ignoreLock", "true");
        Options options = new OptionsBuilder()
                .include("^" + WriteBenchmark.class.getName() + "\\.write$")
                .include("^" + BaselineWriteBenchmark.class.getName() + "\\.write$")
                .param("commandBytes", "16")
                .param("outstanding", "16")
                .param("mode", "ACTIVE")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.seconds(2))
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).hasSize(2);
        assertThat(results)
                .allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}
