package io.ratissm.bench.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * A subclass of the base benchmark, compiled with JMH's annotation processor as a user's project compiles one, runs
 * through JMH: a trial of the user's state machine and one of the no-op state machine, each answering commands,
 * and {@link BenchmarkMain} prints them side by side. One short iteration, in this JVM; the numbers mean nothing.
 */
class StateMachineBenchmarkTest {
    // A row of the side-by-side table: label, ops/s, p50, p99, CPU us/op, rejected %.
    private static final Pattern ROW =
            Pattern.compile("\\n  (YOURS|NO_OP) +([0-9,]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) %");

    @Test
    void aSubclass_runsYoursBesideTheNoOpStateMachine_andTheReportComparesThem() throws Exception {
        // JMH's machine-wide lock only guards against measurement noise, which this smoke run does not care about.
        System.setProperty("jmh.ignoreLock", "true");
        Options options = new OptionsBuilder()
                .include("^" + Pattern.quote(CounterBenchmark.class.getName() + ".write") + "$")
                .param("outstanding", "4")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true)
                .build();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        Collection<RunResult> results =
                BenchmarkMain.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(results)
                .extracting(r -> r.getParams().getParam("stateMachine"))
                .containsExactlyInAnyOrder("YOURS", "NO_OP");
        assertThat(results)
                .allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(report)
                .contains(CounterBenchmark.class.getName() + ".write")
                .contains("outstanding=4")
                .contains("YOURS / NO_OP: throughput ")
                .contains("warning: YOURS rejected ");
        Matcher row = ROW.matcher(report);
        assertThat(row.find()).as("the YOURS row in%n%s", report).isTrue();
        assertThat(row.group(1)).isEqualTo("YOURS");
        assertThat(Double.parseDouble(row.group(6))).as("YOURS's rejected %").isBetween(5.0, 60.0);
        assertThat(row.find()).as("the NO_OP row in%n%s", report).isTrue();
        assertThat(row.group(1)).isEqualTo("NO_OP");
        assertThat(Double.parseDouble(row.group(6))).as("NO_OP's rejected %").isZero();
        assertThat(Double.parseDouble(row.group(5)))
                .as("NO_OP's CPU per command")
                .isPositive();
    }
}
