package io.ratissm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
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
    private static final Pattern REPORT = Pattern.compile(
            "LATENCY \\{\"benchmark\":\"([^\"]+)\".*\"requests\":(\\d+).*\"cpuUsPerOp\":([0-9.]+).*\"perSecond\":\\[");

    @Test
    void writeBenchmarkAndBaselines_eachAnswerRequestsAndReportCpuPerOp_inOneShortIteration() throws Exception {
        // JMH's machine-wide lock only guards against measurement noise, which this smoke run does not care about.
        System.setProperty("jmh.ignoreLock", "true");
        // In process, so the fork's JVM options (ReplicatedBenchmark) are set here: SOFAJRaft and Bolt log only
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

        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Collection<RunResult> results;
        try (PrintStream tee = new PrintStream(new TeeStream(out, printed), true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            results = new Runner(options).run();
        } finally {
            System.setOut(out);
        }

        assertThat(results).hasSize(3);
        assertThat(results)
                .allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
        Matcher report = REPORT.matcher(printed.toString(StandardCharsets.UTF_8));
        List<String> reported = new ArrayList<>();
        while (report.find()) {
            assertThat(Long.parseLong(report.group(2))).as(report.group()).isPositive();
            assertThat(Double.parseDouble(report.group(3))).as(report.group()).isPositive();
            reported.add(report.group(1));
        }
        assertThat(reported).containsExactlyInAnyOrderElementsOf(benchmarks);
    }

    /** Writes what the benchmarks print both to the console and into a buffer the test reads. */
    private static final class TeeStream extends OutputStream {
        private final PrintStream console;
        private final ByteArrayOutputStream copy;

        TeeStream(PrintStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            console.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            console.write(b, off, len);
            copy.write(b, off, len);
        }
    }
}
