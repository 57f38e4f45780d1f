package io.ratissm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.bench.kit.internal.JmhRun;
import io.ratissm.bench.kit.internal.LatencyLine;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Keeps the benchmarks from rotting: runs ratis-sm's write benchmark and its two baselines (bare Ratis and
 * SOFAJRaft) for one short iteration each, through the same JMH machinery as
 * {@code java -jar bench/target/benchmarks.jar}, and expects real throughput from all three and a report line
 * with latency and CPU per op from each. In-process (no fork) to stay well under a minute; the numbers mean
 * nothing here.
 */
class ShortRunTest {
    @Test
    void writeBenchmarkAndBaselines_eachAnswerRequestsAndReportCpuPerOp_inOneShortIteration() throws Exception {
        // JMH's machine-wide lock only guards against measurement noise, which this smoke run does not care about.
        System.setProperty("jmh.ignoreLock", "true");
        // In process, so the fork's JVM options (CounterWriteBenchmark) are set here: SOFAJRaft and Bolt log only
        // errors, and protobuf-java 4 does not warn about SOFAJRaft's protoc 3.5 messages.
        System.setProperty("org.slf4j.simpleLogger.log.com.alipay", "error");
        System.setProperty("com.google.protobuf.use_unsafe_pre22_gencode", "true");
        List<String> benchmarks = List.of(
                WriteBenchmark.class.getName() + ".write",
                BaselineWriteBenchmark.class.getName() + ".write",
                SofaJRaftWriteBenchmark.class.getName() + ".write");
        OptionsBuilder builder = new OptionsBuilder();
        benchmarks.forEach(b -> builder.include("^" + b.replace(".", "\\.") + "$"));
        Options options = builder.param("commandBytes", "16")
                .param("outstanding", "16")
                .param("mode", "ACTIVE")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.seconds(2))
                .shouldFailOnError(true)
                .build();

        JmhRun.Result run = JmhRun.run(options);

        assertThat(run.results()).hasSize(3);
        assertThat(run.results())
                .allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
        assertThat(run.lines()).allSatisfy(line -> {
            assertThat(line.summary().requests()).as(line.benchmark()).isPositive();
            assertThat(line.summary().cpuUsPerOp()).as(line.benchmark()).isPositive();
            assertThat(line.summary().rejected()).as(line.benchmark()).isZero();
        });
        assertThat(run.lines().stream().map(LatencyLine.Parsed::benchmark))
                .containsExactlyInAnyOrderElementsOf(benchmarks);
    }
}
