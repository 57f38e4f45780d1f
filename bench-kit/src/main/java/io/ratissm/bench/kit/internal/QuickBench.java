package io.ratissm.bench.kit.internal;

import io.ratissm.Replication;
import io.ratissm.bench.kit.ReplicatedBenchmark;
import io.ratissm.bench.kit.StateMachineBenchmark.StateMachineUnderTest;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code ratis-sm bench}: a quick number for a state machine named by class, without writing a benchmark. The same
 * trial as a subclass of {@link io.ratissm.bench.kit.StateMachineBenchmark} (the same group, load, checks and
 * report fields), driven for a warm-up and one measured window instead of JMH's iterations: first the user's state
 * machine, then the no-op one, each in a JVM of its own (the options of a JMH fork, {@link
 * ReplicatedBenchmark#FORK_JVM_ARGS}) with this JVM's classpath and the user's, and then the two side by side
 * ({@link SideBySide}).
 *
 * <p>The classes must have been checked already (they load, are of the right kind, have a public constructor
 * without arguments): what fails here is a trial ({@link TrialFailedException}), the user's code in it or
 * otherwise.
 */
public final class QuickBench {
    /** A trial's JVM gets this long beyond its warm-up and measurement to start, check and stop its group. */
    private static final Duration SLACK = Duration.ofMinutes(3);

    /**
     * What to run.
     *
     * @param stateMachine the user's state machine class
     * @param commands     the user's generator class, or empty for random bytes of {@code commandBytes}
     * @param classpath    the user's jars and directories, after this JVM's classpath
     */
    public record Plan(
            String stateMachine,
            Optional<String> commands,
            int commandBytes,
            Replication mode,
            int outstanding,
            Duration warmup,
            Duration measured,
            long seed,
            List<Path> classpath) {}

    /** A trial that failed; its message says why, and {@link #kind()} whose fault it was. */
    public static final class TrialFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** Whose fault. */
        public enum Kind {
            /** The state machine's constructor, validate, apply or execute, or the generator, threw. */
            YOUR_CODE,
            /** The state machine refused every command of the generator. */
            EVERY_COMMAND_REJECTED,
            /** Anything else: a request failed, a replica was unhealthy after the load, the JVM failed. */
            TRIAL
        }

        private final Kind kind;

        TrialFailedException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    private QuickBench() {}

    /** Runs both trials and prints the report to {@code out}; the trials' JVMs write their logs to standard error. */
    public static void run(Plan plan, PrintWriter out) throws IOException, InterruptedException {
        out.printf(
                Locale.ROOT,
                "%s beside a no-op state machine: %s, %d outstanding, commands from %s (seed %d); 3 replicas in one JVM"
                        + " with fsynced logs, each state machine in a JVM of its own: %d s of warm-up, then %d s"
                        + " measured.%n",
                plan.stateMachine(),
                plan.mode(),
                plan.outstanding(),
                plan.commands().orElse("--command-bytes " + plan.commandBytes() + " (random bytes)"),
                plan.seed(),
                plan.warmup().toSeconds(),
                plan.measured().toSeconds());
        SideBySide.Row yours = trial(plan, StateMachineUnderTest.YOURS, plan.stateMachine(), out);
        SideBySide.Row noOp = trial(plan, StateMachineUnderTest.NO_OP, "no-op", out);
        out.println();
        SideBySide.print(
                out,
                "Answers per second of the measured window, latency from a command's start to its answer, the JVM's CPU"
                        + " per command:",
                Optional.of(yours),
                Optional.of(noOp));
        out.println("A quick number: the JIT is not settled after a few seconds. For numbers to quote, extend"
                + " StateMachineBenchmark and run it with JMH (bench/README.md).");
    }

    private static SideBySide.Row trial(Plan plan, StateMachineUnderTest subject, String label, PrintWriter out)
            throws IOException, InterruptedException {
        out.printf("%s: measuring...%n", label);
        out.flush();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ReplicatedBenchmark.FORK_JVM_ARGS);
        command.add("-cp");
        command.add(classpath(plan.classpath()));
        command.add(QuickTrial.class.getName());
        command.add("subject=" + subject.name());
        command.add("stateMachine=" + plan.stateMachine());
        plan.commands().ifPresent(c -> command.add("commands=" + c));
        command.add("commandBytes=" + plan.commandBytes());
        command.add("mode=" + plan.mode().name());
        command.add("outstanding=" + plan.outstanding());
        command.add("warmupMs=" + plan.warmup().toMillis());
        command.add("measuredMs=" + plan.measured().toMillis());
        command.add("seed=" + plan.seed());
        int exit;
        Path output = Files.createTempFile("ratis-sm-bench", ".out");
        String printed;
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            long limit = plan.warmup().plus(plan.measured()).plus(SLACK).toMillis();
            if (!process.waitFor(limit, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new TrialFailedException(
                        TrialFailedException.Kind.TRIAL,
                        "the trial of " + label + " did not end within " + limit / 1000 + " s");
            }
            exit = process.exitValue();
            printed = Files.readString(output);
        } finally {
            Files.deleteIfExists(output);
        }
        Optional<LatencyLine.Parsed> line = printed.lines()
                .map(LatencyLine::parse)
                .flatMap(Optional::stream)
                .findFirst();
        if (exit == 0 && line.isPresent()) {
            return new SideBySide.Row(
                    label, line.get().summary().opsPerSecond(), line.get().summary());
        }
        String failure = printed.lines()
                .filter(l -> l.startsWith(QuickTrial.FAILURE_PREFIX))
                .map(l -> l.substring(QuickTrial.FAILURE_PREFIX.length()))
                .findFirst()
                .orElse("its JVM exited with " + exit + " and printed: " + printed.strip());
        throw switch (exit) {
            case QuickTrial.EVERY_COMMAND_REJECTED ->
                new TrialFailedException(TrialFailedException.Kind.EVERY_COMMAND_REJECTED, failure);
            case QuickTrial.USER_CODE_FAILED -> new TrialFailedException(TrialFailedException.Kind.YOUR_CODE, failure);
            default ->
                new TrialFailedException(
                        TrialFailedException.Kind.TRIAL, "the trial of " + label + " failed: " + failure);
        };
    }

    /** The child's classpath: this JVM's, then the user's. */
    private static String classpath(List<Path> user) {
        List<String> entries = new ArrayList<>();
        entries.add(System.getProperty("java.class.path"));
        user.stream().map(Path::toString).forEach(entries::add);
        return entries.stream().filter(e -> !e.isEmpty()).collect(Collectors.joining(File.pathSeparator));
    }
}
