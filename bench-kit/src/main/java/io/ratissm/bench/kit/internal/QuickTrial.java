package io.ratissm.bench.kit.internal;

import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.bench.kit.ClosedLoop;
import io.ratissm.bench.kit.CommandGenerator;
import io.ratissm.bench.kit.CommandGeneratorException;
import io.ratissm.bench.kit.EveryCommandRejectedException;
import io.ratissm.bench.kit.StateMachineBenchmark.StateMachineUnderTest;
import io.ratissm.bench.kit.StateMachineException;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One trial of {@code ratis-sm bench}, in a JVM of its own ({@link QuickBench} starts it): the trial of
 * {@link NamedStateMachineBenchmark} for one state machine, driven by this class instead of JMH: its loop runs for
 * the warm-up, then for one measured window ({@link LoadWindow}), then the trial ends with the benchmark's own
 * checks. Prints the {@link LatencyLine} on success; on failure prints {@code FAILED message} and exits with
 * {@link #USER_CODE_FAILED}, {@link #EVERY_COMMAND_REJECTED} or {@link #FAILED}.
 *
 * <p>Arguments, {@code key=value}: {@code subject} (YOURS or NO_OP), {@code stateMachine} (a class name),
 * {@code commands} (a generator class name) or {@code commandBytes}, {@code mode}, {@code outstanding},
 * {@code warmupMs}, {@code measuredMs}, {@code seed}.
 */
public final class QuickTrial {
    static final int FAILED = 1;
    static final int USER_CODE_FAILED = 3;
    static final int EVERY_COMMAND_REJECTED = 4;
    static final String FAILURE_PREFIX = "FAILED ";
    static final String BENCHMARK = "ratis-sm bench";

    private QuickTrial() {}

    public static void main(String[] args) {
        // gRPC (inside Ratis) logs through java.util.logging; keep its start-up chatter off the console, as the
        // launcher does.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int exit;
        try {
            System.out.println(run(options));
            exit = 0;
        } catch (Throwable e) {
            System.out.println(FAILURE_PREFIX + describe(e).replace('\n', ' '));
            exit = exitCode(e);
        }
        System.out.flush();
        System.exit(exit);
    }

    private static String run(Map<String, String> options) throws Exception {
        ClassLoader loader = QuickTrial.class.getClassLoader();
        Constructor<? extends StateMachine> stateMachine = Class.forName(options.get("stateMachine"), true, loader)
                .asSubclass(StateMachine.class)
                .getConstructor();
        String commands = options.get("commands");
        Constructor<? extends CommandGenerator> generator = commands == null
                ? null
                : Class.forName(commands, true, loader)
                        .asSubclass(CommandGenerator.class)
                        .getConstructor();
        NamedStateMachineBenchmark bench =
                new NamedStateMachineBenchmark(stateMachine, generator, Long.parseLong(options.get("seed")));
        bench.stateMachine = StateMachineUnderTest.valueOf(options.get("subject"));
        bench.mode = Replication.valueOf(options.get("mode"));
        bench.outstanding = Integer.parseInt(options.get("outstanding"));
        bench.commandBytes = Integer.parseInt(options.getOrDefault("commandBytes", "0"));

        bench.startTrial();
        ClosedLoop load = bench.load();
        LoadWindow window = new LoadWindow(load);
        try {
            drive(load, Long.parseLong(options.get("warmupMs")));
            window.begin();
            drive(load, Long.parseLong(options.get("measuredMs")));
            window.end();
        } catch (Exception | Error e) {
            try {
                bench.stopTrial();
            } catch (Exception | Error also) {
                e.addSuppressed(also);
            }
            throw e;
        }
        bench.stopTrial();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("stateMachine", bench.stateMachine.name());
        params.put("mode", bench.mode.name());
        params.put("outstanding", Integer.toString(bench.outstanding));
        return LatencyLine.format(BENCHMARK, params, window.summary(), load.answersPerSecond());
    }

    /** Issues requests for {@code millis}, as JMH's iterations call the benchmark method. */
    private static void drive(ClosedLoop load, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            load.issue();
        }
    }

    private static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EveryCommandRejectedException) {
                return EVERY_COMMAND_REJECTED;
            }
            if (t instanceof StateMachineException || t instanceof CommandGeneratorException) {
                return USER_CODE_FAILED;
            }
        }
        return FAILED;
    }

    /** The message of the exception that says what went wrong: ours, or else the innermost one. */
    private static String describe(Throwable e) {
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EveryCommandRejectedException
                    || t instanceof StateMachineException
                    || t instanceof CommandGeneratorException) {
                return t.getMessage();
            }
            innermost = t;
        }
        return e == innermost ? e.toString() : e + "; caused by " + innermost;
    }
}
