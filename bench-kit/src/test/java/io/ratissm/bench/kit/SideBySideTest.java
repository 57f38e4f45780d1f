package io.ratissm.bench.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.bench.kit.internal.LoadSummary;
import io.ratissm.bench.kit.internal.SideBySide;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SideBySideTest {
    private static LoadSummary summary(long answered, long rejected, double p50, double p99, double cpu) {
        return new LoadSummary(answered, answered, rejected, Double.NaN, p50, p99, p99, p99, cpu, 1, 0, 10);
    }

    @Test
    void theReportGivesBothRowsTheRatiosAndTheCpuOfYourCode() {
        StringWriter text = new StringWriter();

        SideBySide.print(
                new PrintWriter(text, true),
                "com.acme.QueueBenchmark.write mode=ACTIVE",
                Optional.of(new SideBySide.Row("YOURS", 2000, summary(20_000, 0, 4, 12, 300))),
                Optional.of(new SideBySide.Row("NO_OP", 4000, summary(40_000, 0, 2, 8, 200))));

        assertThat(text.toString())
                .isEqualTo(String.join(
                        System.lineSeparator(),
                        "com.acme.QueueBenchmark.write mode=ACTIVE",
                        "  state machine        ops/s    p50 ms    p99 ms  CPU us/op  rejected",
                        "  YOURS                2,000     4.000    12.000      300.0     0.0 %",
                        "  NO_OP                4,000     2.000     8.000      200.0     0.0 %",
                        "  YOURS / NO_OP: throughput 0.50x, p50 2.00x, p99 1.50x, CPU per command 1.50x (+100.0 us of"
                                + " YOURS's own per command)",
                        ""));
    }

    @Test
    void rejectedCommandsGetAWarningWithTheirShare_andAMissingTrialIsSaid() {
        StringWriter text = new StringWriter();

        SideBySide.print(
                new PrintWriter(text, true),
                "t",
                Optional.of(new SideBySide.Row("com.acme.Queue", 100, summary(1000, 250, 1, 2, 3))),
                Optional.of(new SideBySide.Row("no-op", 100, summary(1000, 0, 1, 2, 3))));
        SideBySide.print(
                new PrintWriter(text, true),
                "t",
                Optional.of(new SideBySide.Row("YOURS", 100, summary(1000, 0, 1, 2, 3))),
                Optional.empty());

        assertThat(text.toString())
                .contains("  com.acme.Queue          100     1.000     2.000        3.0    25.0 %")
                .contains("warning: com.acme.Queue rejected 25.0 % of the commands")
                .contains("(no NO_OP trial with these parameters in this run: nothing to compare)");
    }
}
