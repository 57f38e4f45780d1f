package io.ratissm.jepsen.cli;

import io.ratissm.jepsen.checker.BrokenStateMachineException;
import io.ratissm.jepsen.checker.CheckOptions;
import io.ratissm.jepsen.checker.CheckResult;
import io.ratissm.jepsen.checker.Model;
import io.ratissm.jepsen.checker.ModelMismatchException;
import io.ratissm.jepsen.checker.Models;
import io.ratissm.jepsen.checker.ResultsWriter;
import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.checker.WglChecker;
import io.ratissm.jepsen.history.EdnReader;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.MalformedHistoryException;
import io.ratissm.jepsen.report.TimelineHtml;
import io.ratissm.jepsen.workload.StateMachineWorkload;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ratis-sm check}: checks Jepsen histories for linearizability, offline.
 *
 * <p>Prints one line per file, {@code FILE valid=true|false|unknown ms=ELAPSED}, where ELAPSED is the time to
 * read and check that file inside this JVM (JVM start excluded; with {@code --repeat}, the median of the
 * measured runs). Exit status: 0 if every file is linearizable, 1 if any is not, 2 if none is not but some
 * are unknown or could not be read (the reason goes to standard error). With {@code --out}, writes
 * {@code results.edn} and {@code timeline.html} per file.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Checks Jepsen histories (history.edn, Knossos EDN, Porcupine kv logs) for linearizability.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every history is linearizable",
            "1:some history is not linearizable",
            "2:none is non-linearizable, but some are unknown or unreadable; or bad usage"
        })
public final class CheckCommand implements Callable<Integer> {
    static final int ALL_VALID = 0;
    static final int SOME_INVALID = 1;
    static final int SOME_UNKNOWN = 2;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "MODEL",
            description = "register, cas-register, multi-register, kv, mutex, or state-machine (your"
                    + " --state-machine as its own model, for histories of jepsen test --workload state-machine).")
    private String modelName;

    @Option(
            names = "--state-machine",
            paramLabel = "CLASS",
            description = "With --model state-machine: the StateMachine class (public, with a public constructor"
                    + " without arguments) or a bundled short name; its jar or class directory: --classpath.")
    private String stateMachine;

    @Mixin
    UserClasspath classpath = new UserClasspath();

    @Option(
            names = "--init",
            paramLabel = "EDN",
            description = "Initial model value as EDN, e.g. 0, nil, '{:x 0 :y 0}', '\"\"', true. "
                    + "Default: nil for registers, {} for multi-register, \"\" for kv, false (free) for mutex.")
    private String init;

    @Option(
            names = "--time-limit",
            paramLabel = "SECONDS",
            defaultValue = "300",
            description = "Per-file limit; beyond it the verdict is unknown. Default: ${DEFAULT-VALUE}.")
    private double timeLimitSeconds;

    @Option(
            names = "--memory-budget",
            paramLabel = "MB",
            description = "Estimated memory the search may use per file; beyond it the verdict is unknown. "
                    + "Default: half the maximum heap.")
    private Long memoryBudgetMb;

    @Option(
            names = "--independent",
            paramLabel = "auto|yes|no",
            defaultValue = "auto",
            description = "Split Jepsen independent [k v] tuple values by key. auto: when every op value is such a "
                    + "pair (and not all ops are :cas). Default: ${DEFAULT-VALUE}.")
    private String independent;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads checking independent keys in parallel. Default: available processors.")
    private Integer threads;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write results.edn and timeline.html here (one subdirectory per file when several).")
    private Path out;

    @Option(
            names = "--repeat",
            paramLabel = "N",
            defaultValue = "1",
            description = "Check each file N times and report the median ms (for benchmarking).")
    private int repeat;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "0",
            description = "Unmeasured checks of each file before the measured ones, so JIT warm-up is excluded.")
    private int warmup;

    @Option(
            names = "--timings",
            description = "Also print to standard error, per file, where its time went: reading and parsing, checking"
                    + " (pairing, splitting, searching), and this thread's CPU time; and the JVM's age when the"
                    + " command started. For finding where a cold start's time goes.")
    private boolean timings;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "History files.")
    private List<Path> files;

    @Override
    public Integer call() {
        Model model = createModel();
        CheckOptions options = options();
        WglChecker checker = new WglChecker(options);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        boolean anyInvalid = false;
        boolean anyUnknown = false;
        double totalMs = 0;
        Set<String> usedDirs = new HashSet<>();
        Timings timed = timings ? new Timings(stderr) : null;
        for (Path file : files) {
            Outcome outcome;
            try {
                for (int i = 0; i < warmup; i++) {
                    checkOnce(file, model, checker);
                }
                outcome = measure(file, model, checker, timed);
            } catch (IOException | MalformedHistoryException | ModelMismatchException | BrokenStateMachineException e) {
                stderr.println(file + ": cannot check: " + describe(e));
                stdout.println(file + " valid=unknown ms=0");
                stdout.flush();
                anyUnknown = true;
                continue;
            }
            Verdict verdict = outcome.result().verdict();
            anyInvalid |= verdict == Verdict.NOT_LINEARIZABLE;
            anyUnknown |= verdict == Verdict.UNKNOWN;
            totalMs += outcome.medianMs();
            stdout.println(file + " valid=" + verdict.text() + " ms="
                    + String.format(Locale.ROOT, "%.2f", outcome.medianMs()));
            stdout.flush();
            if (verdict == Verdict.UNKNOWN) {
                stderr.println(file + ": gave up: " + outcome.result().cause() + ": "
                        + outcome.result().explanation());
            }
            if (out != null) {
                writeReports(file, outcome, stderr, usedDirs);
            }
        }
        if (repeat > 1 || warmup > 0) {
            stderr.println(String.format(
                    Locale.ROOT,
                    "%d files, sum of median ms=%.2f (warmup=%d, repeat=%d)",
                    files.size(),
                    totalMs,
                    warmup,
                    repeat));
        }
        stderr.flush();
        return anyInvalid ? SOME_INVALID : anyUnknown ? SOME_UNKNOWN : ALL_VALID;
    }

    private record Outcome(History history, CheckResult result, double medianMs) {}

    private Outcome measure(Path file, Model model, WglChecker checker, Timings timed) throws IOException {
        double[] ms = new double[repeat];
        History history = null;
        CheckResult result = null;
        for (int i = 0; i < repeat; i++) {
            long cpu = timed != null ? timed.cpuNanos() : 0;
            long start = System.nanoTime();
            history = HistoryReader.read(file);
            long read = System.nanoTime();
            result = checker.check(history, model);
            long end = System.nanoTime();
            ms[i] = (end - start) / 1e6;
            if (timed != null) {
                timed.print(file, read - start, end - read, timed.cpuNanos() - cpu);
            }
        }
        Arrays.sort(ms);
        double median = repeat % 2 == 1 ? ms[repeat / 2] : (ms[repeat / 2 - 1] + ms[repeat / 2]) / 2;
        return new Outcome(history, result, median);
    }

    /** What {@code --timings} prints; loads the management classes only when asked for. */
    private static final class Timings {
        private final PrintWriter err;
        private final java.lang.management.ThreadMXBean threads;

        Timings(PrintWriter err) {
            this.err = err;
            long asked = System.nanoTime();
            this.threads = java.lang.management.ManagementFactory.getThreadMXBean();
            // The JVM's age when asked, without the time the management classes took to load.
            long ageMs =
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
                            - (System.nanoTime() - asked) / 1_000_000;
            err.println(String.format(Locale.ROOT, "timings: JVM age at the command's start %d ms", ageMs));
        }

        long cpuNanos() {
            return threads.getCurrentThreadCpuTime();
        }

        void print(Path file, long readNanos, long checkNanos, long cpuNanos) {
            err.println(String.format(
                    Locale.ROOT,
                    "timings: %s read=%.2f check=%.2f cpu=%.2f ms",
                    file,
                    readNanos / 1e6,
                    checkNanos / 1e6,
                    cpuNanos / 1e6));
        }
    }

    private static void checkOnce(Path file, Model model, WglChecker checker) throws IOException {
        checker.check(HistoryReader.read(file), model);
    }

    private void writeReports(Path file, Outcome outcome, PrintWriter stderr, Set<String> usedDirs) {
        Path dir = files.size() == 1 ? out : out.resolve(uniqueDirName(file, usedDirs));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("results.edn"), ResultsWriter.toEdn(outcome.result()));
            Files.writeString(
                    dir.resolve("timeline.html"),
                    TimelineHtml.render(file.getFileName().toString(), outcome.history(), outcome.result()));
        } catch (IOException e) {
            stderr.println(file + ": cannot write reports to " + dir + ": " + describe(e));
        }
    }

    private static String uniqueDirName(Path file, Set<String> used) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String candidate = base;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = base + "-" + i;
        }
        return candidate;
    }

    private Model createModel() {
        Object initial = null;
        if (init != null) {
            try {
                initial = EdnReader.readOne(init);
            } catch (MalformedHistoryException e) {
                throw new ParameterException(spec.commandLine(), "--init is not an EDN value: " + e.getMessage());
            }
        }
        if (modelName.equals("state-machine") || stateMachine != null) {
            return stateMachineModel();
        }
        try {
            return Models.create(modelName, init != null, initial);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Model stateMachineModel() {
        if (!modelName.equals("state-machine")) {
            throw new ParameterException(spec.commandLine(), "--state-machine goes with --model state-machine");
        }
        if (stateMachine == null) {
            throw new ParameterException(
                    spec.commandLine(), "--model state-machine needs --state-machine CLASS (and its --classpath)");
        }
        try {
            List<Path> classes = classpath.paths();
            return StateMachineModel.of(StateMachineWorkload.stateMachineFactory(stateMachine, classes));
        } catch (IllegalArgumentException | BrokenStateMachineException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private CheckOptions options() {
        if (repeat < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--repeat must be at least 1 and --warmup at least 0");
        }
        CheckOptions options = CheckOptions.defaults();
        try {
            options = options.withTimeLimit(Duration.ofNanos((long) (timeLimitSeconds * 1e9)))
                    .withIndependence(CheckOptions.Independence.valueOf(independent.toUpperCase(Locale.ROOT)));
            if (memoryBudgetMb != null) {
                options = options.withMemoryBudget(memoryBudgetMb * 1024 * 1024);
            }
            if (threads != null) {
                options = options.withParallelism(threads);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    e.getMessage().contains("No enum constant")
                            ? "--independent must be auto, yes or no, not " + independent
                            : e.getMessage());
        }
        return options;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
