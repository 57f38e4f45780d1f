package io.ratissm.bench.kit;

import io.ratissm.bench.kit.StateMachineBenchmark.StateMachineUnderTest;
import io.ratissm.bench.kit.internal.JmhRun;
import io.ratissm.bench.kit.internal.LatencyLine;
import io.ratissm.bench.kit.internal.SideBySide;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

/**
 * JMH's command line ({@code org.openjdk.jmh.Main}: the same arguments) that, after the run, prints every
 * {@link StateMachineBenchmark} of it with your state machine beside the no-op one measured in the same run:
 * ops/s (JMH's score), p50 and p99 latency, CPU per command and the share of commands rejected, then the ratios and
 * the CPU per command your code adds. One block per combination of the other parameters:
 *
 * <pre>
 * com.example.jobqueue.JobQueueBenchmark.write mode=ACTIVE outstanding=16 commandBytes=64
 *   state machine        ops/s    p50 ms    p99 ms  CPU us/op  rejected
 *   YOURS                4,210     3.604     9.961      301.2     0.0 %
 *   NO_OP                4,890     3.101     8.830      262.7     0.0 %
 *   YOURS / NO_OP: throughput 0.86x, p50 1.16x, p99 1.13x, CPU per command 1.15x (+38.5 us of YOURS's own per command)
 * </pre>
 *
 * <p>Run it as JMH's main: {@code java -cp CLASSPATH io.ratissm.bench.kit.BenchmarkMain JobQueueBenchmark}; listing
 * and help ({@code -l}, {@code -lp}, {@code -h}, ...) are JMH's own.
 */
public final class BenchmarkMain {
    private BenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line:");
            System.err.println(" " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.shouldHelp()
                || options.shouldList()
                || options.shouldListWithParams()
                || options.shouldListProfilers()
                || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        try {
            run(options, System.out);
        } catch (RunnerException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs JMH with {@code options} (its output goes to standard output as usual), then prints the side-by-side
     * report to {@code out}.
     *
     * @return JMH's results
     */
    public static Collection<RunResult> run(Options options, PrintStream out) throws RunnerException {
        JmhRun.Result run = JmhRun.run(options);
        PrintWriter report = new PrintWriter(out, true);
        Map<String, Map<StateMachineUnderTest, SideBySide.Row>> blocks = new LinkedHashMap<>();
        for (LatencyLine.Parsed line : run.lines()) {
            String subject = line.params().get("stateMachine");
            if (subject == null) {
                continue; // not a StateMachineBenchmark
            }
            Map<String, String> others = new LinkedHashMap<>(line.params());
            others.remove("stateMachine");
            StringJoiner title = new StringJoiner(" ");
            title.add(line.benchmark());
            others.forEach((key, value) -> title.add(key + "=" + value));
            double opsPerSecond =
                    score(run.results(), line).orElse(line.summary().opsPerSecond());
            StateMachineUnderTest which = StateMachineUnderTest.valueOf(subject);
            blocks.computeIfAbsent(title.toString(), t -> new LinkedHashMap<>())
                    .put(which, new SideBySide.Row(which.name(), opsPerSecond, line.summary()));
        }
        if (!blocks.isEmpty()) {
            report.println();
            report.println(
                    "Your state machine beside the no-op one (ops/s: JMH's score; latency and CPU: LoadReport):");
        }
        blocks.forEach((title, rows) -> {
            report.println();
            SideBySide.print(
                    report,
                    title,
                    Optional.ofNullable(rows.get(StateMachineUnderTest.YOURS)),
                    Optional.ofNullable(rows.get(StateMachineUnderTest.NO_OP)));
        });
        report.flush();
        return run.results();
    }

    /** JMH's score of the trial that printed {@code line}. */
    private static Optional<Double> score(Collection<RunResult> results, LatencyLine.Parsed line) {
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            if (params.getBenchmark().equals(line.benchmark())
                    && params.getParamsKeys().size() == line.params().size()
                    && line.params().entrySet().stream()
                            .allMatch(p -> Objects.equals(params.getParam(p.getKey()), p.getValue()))) {
                return Optional.of(result.getPrimaryResult().getScore());
            }
        }
        return Optional.empty();
    }
}
