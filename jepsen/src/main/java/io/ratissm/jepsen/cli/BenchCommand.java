package io.ratissm.jepsen.cli;

import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.bench.kit.CommandGenerator;
import io.ratissm.bench.kit.internal.QuickBench;
import io.ratissm.bench.kit.internal.QuickBench.TrialFailedException;
import io.ratissm.jepsen.nodes.UserClasses;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratis-sm bench}: a quick number for your own state machine without writing a benchmark. It runs the trial
 * of {@code io.ratissm.bench.kit.StateMachineBenchmark} (ratis-sm-bench-kit) for your state machine and for the
 * no-op one, each in a JVM of its own ({@link QuickBench}), and prints them side by side. The classes are checked
 * here first, so that a wrong name fails at once.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "A quick number for your state machine: a 3-replica group in one JVM (loopback, fsynced logs) under a"
                    + " closed loop of your commands, first with your state machine and then with a no-op one, each"
                    + " in a JVM of its own. Prints ops/s, p50 and p99 latency and CPU per command of both, and the"
                    + " cost of your code apart from replication.",
            "For numbers to quote, extend io.ratissm.bench.kit.StateMachineBenchmark and run it with JMH"
                    + " (bench/README.md)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:measured",
            "1:a trial failed (a request failed, a replica was unhealthy after the load, a JVM failed)",
            "2:wrong options, or a class that cannot be used (not found, not of the right kind, no public"
                    + " constructor without arguments)",
            "3:your code threw: the state machine's constructor, validate, apply or execute, or the generator",
            "4:the state machine rejected every command of the generator"
        })
public final class BenchCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int YOUR_CODE = 3;
    static final int EVERY_COMMAND_REJECTED = 4;

    @Spec
    CommandSpec spec;

    @Mixin
    UserClasspath classpath = new UserClasspath();

    @Option(
            names = "--state-machine",
            required = true,
            paramLabel = "CLASS",
            description = "Your StateMachine: a public class with a public constructor without arguments.")
    String stateMachine;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Commands commands;

    /** Where the commands come from: one of the two. */
    static final class Commands {
        @Option(
                names = "--commands",
                paramLabel = "CLASS",
                description = "Your io.ratissm.bench.kit.CommandGenerator (a public class with a public constructor"
                        + " without arguments): the commands to send, from a seeded Random.")
        String generator;

        @Option(
                names = "--command-bytes",
                paramLabel = "N",
                description = "Commands of N random bytes instead, for a state machine that takes any bytes.")
        Integer bytes;
    }

    @Option(
            names = "--replication",
            defaultValue = "active",
            description = "active or passive. Default: ${DEFAULT-VALUE}.")
    String replication;

    @Option(
            names = "--outstanding",
            defaultValue = "16",
            paramLabel = "N",
            description = "Commands kept in flight. Default: ${DEFAULT-VALUE}.")
    int outstanding;

    @Option(
            names = "--duration",
            defaultValue = "10",
            paramLabel = "S",
            description = "Seconds measured, per state machine. Default: ${DEFAULT-VALUE}.")
    long duration;

    @Option(
            names = "--warmup",
            defaultValue = "5",
            paramLabel = "S",
            description = "Seconds of load before the measurement, per state machine. Default: ${DEFAULT-VALUE}.")
    long warmup;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description =
                    "Seed of the generator's Random, the same for both state machines. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        QuickBench.Plan plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException e) {
            err.println("ratis-sm bench: " + e.getMessage());
            return USAGE;
        }
        try {
            QuickBench.run(plan, out);
            return 0;
        } catch (TrialFailedException e) {
            err.println("ratis-sm bench: " + e.getMessage());
            return switch (e.kind()) {
                case YOUR_CODE -> YOUR_CODE;
                case EVERY_COMMAND_REJECTED -> EVERY_COMMAND_REJECTED;
                case TRIAL -> FAILED;
            };
        } catch (IOException e) {
            err.println("ratis-sm bench: could not start a trial's JVM: " + e.getMessage());
            return FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The options checked, with the classes loaded from the launcher's classpath and then --classpath. */
    private QuickBench.Plan plan() {
        Replication mode;
        try {
            mode = Replication.valueOf(replication.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--replication is active or passive, not '" + replication + "'");
        }
        positive("--outstanding", outstanding);
        positive("--duration", duration);
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more seconds, was " + warmup);
        }
        if (commands.bytes != null && commands.bytes < 0) {
            throw new IllegalArgumentException("--command-bytes must be 0 or more, was " + commands.bytes);
        }
        List<Path> classes = classpath.paths();
        ClassLoader loader = UserClasses.loader(classes);
        UserClasses.constructor("--state-machine", stateMachine, StateMachine.class, loader, classes);
        if (commands.generator != null) {
            UserClasses.constructor("--commands", commands.generator, CommandGenerator.class, loader, classes);
        }
        return new QuickBench.Plan(
                stateMachine,
                Optional.ofNullable(commands.generator),
                commands.bytes == null ? 0 : commands.bytes,
                mode,
                outstanding,
                Duration.ofSeconds(warmup),
                Duration.ofSeconds(duration),
                seed,
                classes);
    }

    private static void positive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        }
    }
}
