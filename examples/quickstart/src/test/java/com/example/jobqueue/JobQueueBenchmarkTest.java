package com.example.jobqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.bench.kit.BenchmarkMain;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Keeps the benchmark from rotting: one trial of the queue, one 1-second iteration, in this JVM. The numbers mean
 * nothing; a real run is in README.md.
 */
class JobQueueBenchmarkTest {

    @Test
    void theBenchmarkRunsTheQueueForOneShortIteration() throws Exception {
        System.setProperty("jmh.ignoreLock", "true"); // JMH's lock only keeps two measurements apart
        Options options = new OptionsBuilder()
                .include(JobQueueBenchmark.class.getName())
                .param("stateMachine", "YOURS")
                .param("outstanding", "4")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = BenchmarkMain.run(options, System.out);

        assertThat(results).hasSize(1);
        assertThat(results.iterator().next().getPrimaryResult().getScore()).isPositive();
    }
}
