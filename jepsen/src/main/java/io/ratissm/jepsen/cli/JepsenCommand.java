package io.ratissm.jepsen.cli;

import io.ratissm.Replication;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.nemesis.ClockFaults;
import io.ratissm.jepsen.nemesis.NemesisCatalog;
import io.ratissm.jepsen.nodes.UserClasses;
import io.ratissm.jepsen.runner.JepsenTest;
import io.ratissm.jepsen.runner.SequentialRunException;
import io.ratissm.jepsen.runner.TestOptions;
import io.ratissm.jepsen.runner.TestResult;
import io.ratissm.jepsen.workload.ReadMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ratis-sm jepsen test}: runs one harness test and prints its summary. The exit code says how it ended (see
 * {@link Test}'s list): 0 if the history is valid, 1 if it is not, 2 if the checker could not decide or the run could
 * not be set up, and a code of its own for each kind of bad input (a state machine, workload or generator class the
 * harness cannot use; a workload whose model disagrees with its state machine), with a message and no stack trace
 * unless {@code --debug} is given.
 */
@Command(
        name = "jepsen",
        mixinStandardHelpOptions = true,
        subcommands = JepsenCommand.Test.class,
        description = "Jepsen-style tests of ratis-sm on real replica processes with injected faults.")
public final class JepsenCommand {

    /** The {@code test} subcommand. */
    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = "Runs replicas as processes, drives a workload under faults, checks the history.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:the history is valid",
                "1:the history is not valid (the summary names the counterexample)",
                "2:the checker could not decide, wrong command-line options, or the run could not be completed",
                "3:the state machine class cannot be used: missing, not a StateMachine, no public constructor"
                        + " without arguments, or its constructor threw",
                "4:the workload or generator class cannot be used: missing, not a Workload (OperationGenerator), no"
                        + " public constructor without arguments, its constructor threw, or it names no state machine"
                        + " or has nothing to check with",
                "5:the workload, run alone against its state machine in this JVM before any replica started, failed:"
                        + " its model disagrees with the state machine (the first op where they differ is named), or"
                        + " the state machine or the workload threw"
            })
    public static final class Test implements Callable<Integer> {
        static final int USAGE = 2;
        static final int STATE_MACHINE_CLASS = 3;
        static final int WORKLOAD_CLASS = 4;
        static final int SEQUENTIAL_RUN = 5;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--workload",
                required = true,
                paramLabel = "NAME|CLASS",
                description = "register, counter, set, bank, state-machine (your --state-machine driven by your"
                        + " --generator and checked with itself as the model), or the class name of your"
                        + " io.ratissm.jepsen.workload.Workload (public, with a public constructor without arguments;"
                        + " its jar: --classpath).")
        String workload;

        @Option(
                names = "--nemesis",
                defaultValue = "none",
                split = ",",
                description =
                        "Comma-separated faults, taken in turn: none, kill, kill-minority, kill-leader, kill-all, "
                                + "pause, pause-minority, pause-leader, pause-all, partition (random halves), "
                                + "partition-leader, partition-one, partition-ring, snapshot, clock-skew (one replica's "
                                + "clocks step ahead of or behind the others'), clock-skew-leader, clock-rate (one "
                                + "replica's clocks run fast or slow), clock-rate-leader, disk-full (one replica's own "
                                + "filesystem is filled for the window, then freed; needs root to mount it), disk-full-leader, "
                                + "corrupt (one replica is killed, its newest log segment or snapshot damaged, and it is "
                                + "restarted; if it refuses its storage, it is removed, emptied, started with join and added "
                                + "back; not with --shards), move-shard (with --shards: moves random shard replicas to "
                                + "servers without one, one after another, for the window). Join faults with + to inject "
                                + "them together, e.g. partition-leader+clock-rate-leader or corrupt+disk-full. Clock faults "
                                + "need libfaketime. With --shards the other faults act on servers, each hosting several "
                                + "groups. Default: ${DEFAULT-VALUE}.")
        List<String> nemeses;

        @Option(
                names = "--state-machine",
                paramLabel = "CLASS",
                description = "The replicas' state machine instead of the workload's (required with --workload"
                        + " state-machine): the class name of a"
                        + " StateMachine with a public constructor without arguments (its jar: --classpath), or a"
                        + " bundled short name (kv, counter, set, bank). The replicas' configuration names it as"
                        + " 'state-machine'; --classpath comes after the harness's own classes on their classpath.")
        String stateMachine;

        @Mixin
        UserClasspath classpath = new UserClasspath();

        @Option(
                names = "--generator",
                paramLabel = "CLASS",
                description = "With --workload state-machine: the class of your io.ratissm.jepsen.workload."
                        + "OperationGenerator (public, with a public constructor without arguments), loaded with"
                        + " the state machine from --classpath; it says which commands and queries to send.")
        String generator;

        @Option(names = "--replication", defaultValue = "active", description = "active or passive.")
        String replication;

        @Option(
                names = {"--nodes", "--servers"},
                defaultValue = "3",
                description =
                        "Server processes (ratis-sm server), e.g. 3 or 5: the replicas of the servers' group, which"
                                + " with --shards is the placement group and hosts the shards' replicas. Default:"
                                + " ${DEFAULT-VALUE}.")
        int nodes;

        @Option(
                names = "--shards",
                defaultValue = "0",
                description = "0 for one group on the servers; S > 0 for a sharded run: the servers run sharded = true,"
                        + " the harness creates shard set '" + TestOptions.SHARD_SET + "' of S shards on them before"
                        + " the load, and each client routes every op by its key to the shard that owns it"
                        + " (ShardedClient). Needs a workload with keys (register). Default: ${DEFAULT-VALUE}.")
        int shards;

        @Option(
                names = "--shard-replicas",
                defaultValue = "0",
                description = "With --shards: the replicas of each shard, placed round robin on the servers. Default:"
                        + " min(3, servers), or one fewer than the servers when that is every server and move-shard"
                        + " needs a server without a replica of the shard.")
        int shardReplicas;

        @Option(
                names = "--concurrency",
                defaultValue = "5",
                description = "Client processes. Default: ${DEFAULT-VALUE}.")
        int concurrency;

        @Option(
                names = "--time-limit",
                defaultValue = "60",
                description = "Seconds of load. Default: ${DEFAULT-VALUE}.")
        long timeLimit;

        @Option(names = "--fault-seconds", defaultValue = "10", description = "Length of a fault window.")
        long faultSeconds;

        @Option(names = "--heal-seconds", defaultValue = "10", description = "Quiet time between faults.")
        long healSeconds;

        @Option(
                names = "--recovery-seconds",
                defaultValue = "10",
                description = "Time after the final heal before the final reads.")
        long recoverySeconds;

        @Option(
                names = "--op-timeout-ms",
                defaultValue = "5000",
                description = "Per-op timeout; a write past it is :info. Default: ${DEFAULT-VALUE}.")
        long opTimeoutMillis;

        @Option(names = "--read", defaultValue = "linearizable", description = "linearizable or stale.")
        String readMode;

        @Option(names = "--seed", description = "Seed of every random choice; default: random.")
        Long seed;

        @Option(
                names = "--snapshot-every",
                defaultValue = "10000",
                description = "Replicas' automatic snapshot interval in log entries.")
        long snapshotEvery;

        @Option(
                names = "--execute-delay-ms",
                defaultValue = "0",
                description = "The slow variant: each command takes this much longer in the state machine (ACTIVE: "
                        + "apply on every replica; PASSIVE: execute on the leader). Default: ${DEFAULT-VALUE}.")
        long executeDelayMillis;

        @Option(
                names = "--lease-reads",
                description = "Replicas answer linearizable reads from the leader lease (ReplicaServer.Builder."
                        + "leaseReads), which assumes nearly equal clock rates.")
        boolean leaseReads;

        @Option(
                names = "--clock-skew-max-seconds",
                defaultValue = "" + ClockFaults.DEFAULT_MAX_SKEW_SECONDS,
                description =
                        "Largest step of clock-skew; steps are 1 s to this. A step also moves nanoTime, which "
                                + "Ratis takes for a JVM pause: past 60 s it shuts the replica down. Default: ${DEFAULT-VALUE}.")
        long clockSkewMaxSeconds;

        @Option(
                names = "--clock-rate-range",
                split = ",",
                defaultValue = "" + ClockFaults.DEFAULT_SLOWEST_RATE + "," + ClockFaults.DEFAULT_FASTEST_RATE,
                description = "Slowest and fastest clock-rate (within 0.1 to 10), drawn log-uniformly. "
                        + "Default: ${DEFAULT-VALUE}.")
        List<Double> clockRateRange;

        @Option(
                names = "--store",
                defaultValue = "store",
                description = "The store directory. Default: ${DEFAULT-VALUE}.")
        Path store;

        @Option(
                names = "--debug",
                description = "Print the stack trace of an error (a user's constructor that threw, a failed run)"
                        + " besides its message.")
        boolean debug;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                TestOptions options = options();
                if (options == null) {
                    return USAGE;
                }
                TestResult result = new JepsenTest(options, System.err).run();
                out.println(summary(options, result));
                out.flush();
                return result.exitCode();
            } catch (UserClasses.UnusableClassException e) {
                return error(
                        err, e.getMessage(), e, e.kind() == StateMachine.class ? STATE_MACHINE_CLASS : WORKLOAD_CLASS);
            } catch (SequentialRunException e) {
                return error(err, e.getMessage(), e, SEQUENTIAL_RUN);
            } catch (IllegalArgumentException e) {
                return error(err, e.getMessage(), e, USAGE); // options or faults this host cannot give
            } catch (Exception | LinkageError e) {
                // Set-up problems (a replica that cannot start, a network command that failed) are not verdicts:
                // exit 2, never 1.
                return error(err, "jepsen: the run could not be completed: " + e.getMessage(), e, USAGE);
            }
        }

        /** Prints {@code message}, and {@code e}'s stack trace with {@code --debug}; returns {@code exitCode}. */
        private int error(PrintWriter err, String message, Throwable e, int exitCode) {
            err.println(message);
            if (debug) {
                e.printStackTrace(err);
            } else if (e.getCause() != null) {
                err.println("(--debug prints the stack trace)");
            }
            err.flush();
            return exitCode;
        }

        /** The run's options, or null after printing why the command line is wrong. */
        private TestOptions options() {
            PrintWriter err = spec.commandLine().getErr();
            for (String n : nemeses) {
                String problem = NemesisCatalog.problem(n);
                if (problem != null) {
                    err.println(problem);
                    return null;
                }
            }
            Replication mode;
            ReadMode reads;
            try {
                mode = Replication.valueOf(replication.toUpperCase(java.util.Locale.ROOT));
                reads = ReadMode.valueOf(readMode.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                err.println("--replication is active or passive, --read is linearizable or stale");
                return null;
            }
            if (clockRateRange.size() != 2) {
                throw new IllegalArgumentException("--clock-rate-range is SLOWEST,FASTEST, e.g. 0.5,2");
            }
            if (generator != null && !workload.equals("state-machine")) {
                throw new IllegalArgumentException("--generator drives --workload state-machine only, not " + workload);
            }
            List<Path> classes = classpath.paths();
            ClockFaults clocks = new ClockFaults(
                    Duration.ofSeconds(clockSkewMaxSeconds), clockRateRange.get(0), clockRateRange.get(1));
            // The workload and the state machine are made and checked by the test before anything starts.
            return new TestOptions(
                    workload,
                    nemeses,
                    mode,
                    nodes,
                    concurrency,
                    Duration.ofSeconds(timeLimit),
                    Duration.ofSeconds(faultSeconds),
                    Duration.ofSeconds(healSeconds),
                    Duration.ofSeconds(recoverySeconds),
                    Duration.ofMillis(opTimeoutMillis),
                    reads,
                    seed != null ? seed : System.nanoTime(),
                    store,
                    snapshotEvery,
                    true,
                    Duration.ofMillis(executeDelayMillis),
                    leaseReads,
                    clocks,
                    stateMachine,
                    classes,
                    generator,
                    shards,
                    shardReplicas);
        }
    }

    /** The summary printed after a run. */
    static String summary(TestOptions options, TestResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append(options.testName()).append(" seed=").append(options.seed()).append('\n');
        sb.append("ops: ok=")
                .append(r.counts().ok())
                .append(" fail=")
                .append(r.counts().fail())
                .append(" info=")
                .append(r.counts().info())
                .append('\n');
        Object failures = r.check().details().get(io.ratissm.jepsen.history.Keyword.of("failures"));
        if (failures != null) {
            sb.append("failures: ").append(EdnWriter.write(failures)).append('\n');
        }
        Object example = r.check().details().get(io.ratissm.jepsen.history.Keyword.of("counterexample"));
        if (example != null) {
            sb.append("counterexample: ").append(EdnWriter.write(example)).append('\n');
        }
        if (r.shards() != null) {
            sb.append("shards: ").append(r.shards().line()).append('\n');
        }
        sb.append("valid=").append(r.verdict().text()).append('\n');
        sb.append("store: ").append(r.storeDir().toAbsolutePath());
        return sb.toString();
    }
}
