package io.ratissm.bench.kit.internal;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * The report of a state machine beside the no-op one, measured in the same run: one row each (throughput, p50 and
 * p99 latency, CPU per command, share of commands rejected), then the ratios and the CPU per command of the state
 * machine's own code. Printed by {@link io.ratissm.bench.kit.BenchmarkMain} after JMH and by {@code ratis-sm
 * bench}.
 */
public final class SideBySide {
    /** One trial: its label, its throughput and what its load measured. */
    public record Row(String label, double opsPerSecond, LoadSummary summary) {}

    private SideBySide() {}

    /** Prints {@code title}, the rows that were measured, and the comparison if both were. */
    public static void print(PrintWriter out, String title, Optional<Row> yours, Optional<Row> noOp) {
        out.println(title);
        int width = Math.max(
                "state machine".length(),
                Math.max(
                        yours.map(r -> r.label().length()).orElse(0),
                        noOp.map(r -> r.label().length()).orElse(0)));
        out.printf(
                Locale.ROOT,
                "  %-" + width + "s %12s %9s %9s %10s %9s%n",
                "state machine",
                "ops/s",
                "p50 ms",
                "p99 ms",
                "CPU us/op",
                "rejected");
        yours.ifPresent(r -> row(out, width, r));
        noOp.ifPresent(r -> row(out, width, r));
        if (yours.isEmpty() || noOp.isEmpty()) {
            out.println("  (no " + (yours.isEmpty() ? "YOURS" : "NO_OP") + " trial with these parameters in this run:"
                    + " nothing to compare)");
            return;
        }
        Row y = yours.get();
        Row n = noOp.get();
        out.printf(
                Locale.ROOT,
                "  %s / %s: throughput %s, p50 %s, p99 %s, CPU per command %s (%+.1f us of %s's own per command)%n",
                y.label(),
                n.label(),
                ratio(y.opsPerSecond(), n.opsPerSecond()),
                ratio(y.summary().p50Ms(), n.summary().p50Ms()),
                ratio(y.summary().p99Ms(), n.summary().p99Ms()),
                ratio(y.summary().cpuUsPerOp(), n.summary().cpuUsPerOp()),
                y.summary().cpuUsPerOp() - n.summary().cpuUsPerOp(),
                y.label());
        if (y.summary().rejected() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  warning: %s rejected %.1f %% of the commands (CommandRejected): they were answered and are"
                            + " counted, but they are refusals, not the commands the generator meant%n",
                    y.label(),
                    100 * y.summary().rejectedShare());
        }
    }

    private static void row(PrintWriter out, int width, Row r) {
        LoadSummary s = r.summary();
        out.printf(
                Locale.ROOT,
                "  %-" + width + "s %,12.0f %9.3f %9.3f %10.1f %7.1f %%%n",
                r.label(),
                r.opsPerSecond(),
                s.p50Ms(),
                s.p99Ms(),
                s.cpuUsPerOp(),
                100 * s.rejectedShare());
    }

    private static String ratio(double a, double b) {
        return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
