package io.ratissm.jepsen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.UserQueue;
import io.ratissm.jepsen.nodes.Faketime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code ratis-sm jepsen test} end to end: a short counter run under kills, its summary and exit code. */
class JepsenCommandTest {

    @Test
    void aValidCounterRunPrintsValidTrueAndTheStorePathAndExitsZero(@TempDir Path store) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute(
                "jepsen",
                "test",
                "--workload",
                "counter",
                "--nemesis",
                "kill",
                "--replication",
                "active",
                "--nodes",
                "3",
                "--concurrency",
                "4",
                "--time-limit",
                "10",
                "--fault-seconds",
                "4",
                "--heal-seconds",
                "3",
                "--recovery-seconds",
                "2",
                "--seed",
                "31",
                "--store",
                store.toString());

        assertThat(out.toString()).contains("counter-kill-active seed=31", "valid=true", "store: " + store);
        assertThat(exit).isZero();
        Path latest = store.resolve("latest");
        assertThat(Files.readString(latest.resolve("results.edn"))).startsWith("{:valid? true");
        assertThat(latest.resolve("history.edn")).isNotEmptyFile();
    }

    /**
     * A state machine that is in no module of this build: compiled here into a directory that only {@code --classpath}
     * names. It counts as the bundled counter does and says at construction where its class came from.
     */
    private static final String USER_COUNTER = """
            package com.acme;

            import com.google.protobuf.ByteString;
            import io.ratissm.CommandRejected;
            import io.ratissm.StateMachine;
            import io.ratissm.statemachines.Counter;
            import java.io.IOException;
            import java.io.InputStream;
            import java.io.OutputStream;

            public final class UserCounter implements StateMachine {
                private final Counter counter = new Counter();

                public UserCounter() {
                    System.err.println("UserCounter loaded from "
                            + UserCounter.class.getProtectionDomain().getCodeSource().getLocation());
                }

                @Override
                public ByteString apply(ByteString command) throws CommandRejected {
                    return counter.apply(command);
                }

                @Override
                public ByteString query(ByteString query) throws CommandRejected {
                    return counter.query(query);
                }

                @Override
                public void validate(ByteString command) throws CommandRejected {
                    counter.validate(command);
                }

                @Override
                public void writeSnapshot(OutputStream out) throws IOException {
                    counter.writeSnapshot(out);
                }

                @Override
                public void readSnapshot(InputStream in) throws IOException {
                    counter.readSnapshot(in);
                }
            }
            """;

    @Test
    void aUsersStateMachineFromItsOwnClasspathRunsOnEveryReplica(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("src/com/acme")).resolve("UserCounter.java");
        Files.writeString(source, USER_COUNTER);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String testClasspath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int compiled = ToolProvider.getSystemJavaCompiler()
                .run(null, null, null, "-d", classes.toString(), "-cp", testClasspath, source.toString());
        assertThat(compiled).as("javac exit code").isZero();

        Ran r = shortKillRun(
                dir, 32, "--workload", "counter", "--state-machine", "com.acme.UserCounter", "--classpath", classes);

        assertThat(r.out()).contains("counter-UserCounter-kill-active seed=32", "valid=true");
        assertThat(r.exit()).isZero();
        for (String node : new String[] {"n1", "n2", "n3"}) {
            assertThat(Files.readString(r.latest().resolve(node).resolve("node.log")))
                    .as("%s's log", node)
                    .contains("com.acme.UserCounter state machine", "UserCounter loaded from file:" + classes + "/");
        }
    }

    /** A finished {@code jepsen test}: its exit code, its output, and the run's directory in the store. */
    private record Ran(int exit, String out, Path latest) {}

    /**
     * {@code jepsen test} with {@code workload}'s options (a {@code Path} for a path) and a store in {@code dir}: 3
     * clients for 12 s, kills of 4 s after 3 s of quiet.
     */
    private static Ran shortKillRun(Path dir, long seed, Object... workload) {
        Path store = dir.resolve("store");
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));
        List<String> args = new ArrayList<>(List.of("jepsen", "test"));
        for (Object arg : workload) {
            args.add(arg.toString());
        }
        args.addAll(List.of(
                "--nemesis",
                "kill",
                "--concurrency",
                "3",
                "--time-limit",
                "12",
                "--fault-seconds",
                "4",
                "--heal-seconds",
                "3",
                "--recovery-seconds",
                "2",
                "--seed",
                Long.toString(seed),
                "--store",
                store.toString()));
        int exit = cli.execute(args.toArray(String[]::new));
        return new Ran(exit, out.toString(), store.resolve("latest"));
    }

    @Test
    void anUnknownWorkloadNameIsRefusedWithTheBundledNamesAndExitCodeFour(@TempDir Path store) {
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("jepsen", "test", "--workload", "queue", "--store", store.toString());

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString())
                .contains("unknown workload 'queue'", "register, counter, set, bank", "the class name of your");
        assertThat(store).isEmptyDirectory();
    }

    /** Sharding options that cannot work: refused with exit code 2 and the reason, before anything starts. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--workload counter --shards 2 | --workload counter has no keys",
                "--workload bank --servers 3 --shards 4 | --workload bank has no keys",
                "--workload register --nemesis kill,move-shard | move-shard moves replicas of shards between servers:"
                        + " it needs a sharded run (--shards S, S > 0)",
                "--workload register --servers 3 --shards 2 --shard-replicas 3 --nemesis kill+move-shard | with 3"
                        + " servers a shard may have at most 2 replicas",
                "--workload register --shards 2 --read stale | --read stale is not available with --shards",
                "--workload register --shards 2 --nemesis corrupt | corrupt cannot run with --shards",
                "--workload register --shard-replicas 2 | --shard-replicas needs --shards",
                "--workload register --servers 3 --shards 2 --shard-replicas 4 | --shard-replicas is between 1 and the"
                        + " number of servers (3)"
            })
    void shardingOptionsThatCannotWorkAreRefusedBeforeAnythingStarts(
            String arguments, String reason, @TempDir Path store) {
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("jepsen", "test", "--store", store.toString()));
        args.addAll(List.of(arguments.split(" ")));

        int exit = cli.execute(args.toArray(String[]::new));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(reason);
        assertThat(store).isEmptyDirectory();
    }

    @Test
    void theHelpNamesTheShardingOptionsAndTheMoveShardNemesis() {
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute("jepsen", "test", "--help");

        assertThat(exit).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains(
                        "--nodes, --servers=<nodes>",
                        "--shards=<shards>",
                        "--shard-replicas=",
                        "move-shard (with --shards");
    }

    @Test
    void theHelpNamesTheStorageFaults() {
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute("jepsen", "test", "--help");

        assertThat(exit).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains(
                        "disk-full (one replica's own filesystem is " + "filled",
                        "disk-full-leader",
                        "corrupt (one replica is killed",
                        "corrupt+disk-full");
    }

    @Test
    void clockFaultsWithoutLibfaketimeAreRefusedBeforeAnythingStarts(@TempDir Path store) {
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));
        String before = System.getProperty(Faketime.PROPERTY);
        System.setProperty(Faketime.PROPERTY, "none");
        int exit;
        try {
            exit = cli.execute(
                    "jepsen",
                    "test",
                    "--workload",
                    "counter",
                    "--nemesis",
                    "kill,clock-rate",
                    "--store",
                    store.toString());
        } finally {
            if (before == null) {
                System.clearProperty(Faketime.PROPERTY);
            } else {
                System.setProperty(Faketime.PROPERTY, before);
            }
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .contains(
                        "clock faults need libfaketime",
                        "ratissm.jepsen.libfaketime=none",
                        "faults that need none: kill*, pause*, partition*, snapshot");
        assertThat(store).isEmptyDirectory();
    }

    @Test
    void aUsersQueueDrivenOnlyByItsGeneratorIsLinearizableUnderKills(@TempDir Path dir) throws Exception {
        Path classes = UserQueue.compile(dir);

        Ran r = shortKillRun(
                dir,
                33,
                "--workload",
                "state-machine",
                "--state-machine",
                UserQueue.QUEUE,
                "--generator",
                UserQueue.GENERATOR,
                "--classpath",
                classes);

        assertThat(r.out()).contains("state-machine-JobQueue-kill-active seed=33", "valid=true");
        assertThat(r.exit()).isZero();
        assertThat(Files.readString(r.latest().resolve("results.edn")))
                .startsWith("{:valid? true")
                .contains(":model \"state-machine:com.acme.JobQueue\"", ":rejections {", ":enqueue {:answered");
        assertThat(Files.readString(r.latest().resolve("history.edn")))
                .contains(":command #ratis-sm/bytes", ":reply-text \"value: ", ":text \"value: \\\"size\\\"\"");
        assertThat(Files.readString(r.latest().resolve("timeline.html")))
                .contains("enqueue</b> {value: ", "-&gt; {value: ");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "com.acme.NoSuchGenerator | 4 | --generator: no class com.acme.NoSuchGenerator on the harness's"
                        + " classpath",
                "com.acme.JobQueue        | 4 | --generator: class com.acme.JobQueue is not a concrete implementation"
                        + " of io.ratissm.jepsen.workload.OperationGenerator",
                "com.acme.SeededGenerator | 4 | --generator: class com.acme.SeededGenerator has no public constructor"
                        + " without arguments",
                "''                       | 2 | --workload state-machine needs --generator CLASS"
            })
    void aGeneratorTheHarnessCannotMakeIsRefusedBeforeAnythingStarts(
            String generator, int exitCode, String message, @TempDir Path dir) throws Exception {
        Path classes = UserQueue.compile(dir);
        Path store = Files.createDirectories(dir.resolve("store"));
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of(
                "jepsen",
                "test",
                "--workload",
                "state-machine",
                "--state-machine",
                UserQueue.QUEUE,
                "--classpath",
                classes.toString(),
                "--store",
                store.toString()));
        if (!generator.isEmpty()) {
            args.addAll(List.of("--generator", generator));
        }

        int exit = cli.execute(args.toArray(String[]::new));

        assertThat(exit).isEqualTo(exitCode);
        assertThat(err.toString()).contains(message);
        assertThat(store).isEmptyDirectory();
    }

    /** {@code jepsen test} with {@code args} and the user's queue compiled into {@code --classpath}: exit code, err. */
    private static Refusal refused(Path dir, String... args) throws Exception {
        Path classes = UserQueue.compile(dir);
        Path store = Files.createDirectories(dir.resolve("store"));
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("jepsen", "test", "--classpath", classes.toString()));
        all.addAll(List.of(args));
        all.addAll(List.of("--nemesis", "kill", "--seed", "7", "--store", store.toString()));

        int exit = cli.execute(all.toArray(String[]::new));

        assertThat(store).as("the store after a refusal").isEmptyDirectory();
        return new Refusal(exit, err.toString());
    }

    private record Refusal(int exit, String err) {}

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "com.acme.NoSuchQueue        | --state-machine: no class com.acme.NoSuchQueue on the harness's"
                        + " classpath or in [",
                "com.acme.JobQueueGenerator  | --state-machine: class com.acme.JobQueueGenerator is not a concrete"
                        + " implementation of io.ratissm.StateMachine",
                "com.acme.NamedJobQueue      | --state-machine: class com.acme.NamedJobQueue has no public constructor"
                        + " without arguments"
            })
    void aStateMachineClassTheHarnessCannotUseIsRefusedWithExitCodeThree(
            String stateMachine, String message, @TempDir Path dir) throws Exception {
        Refusal r = refused(dir, "--workload", UserQueue.WORKLOAD, "--state-machine", stateMachine);

        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains(message).doesNotContain("\tat ");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "com.acme.NoSuchWorkload | --workload: no class com.acme.NoSuchWorkload on the harness's classpath or"
                        + " in [",
                "com.acme.JobQueue       | --workload: class com.acme.JobQueue is not a concrete implementation of"
                        + " io.ratissm.jepsen.workload.Workload",
                "com.acme.BrokenWorkload | --workload: new com.acme.BrokenWorkload() threw"
                        + " java.lang.IllegalStateException: no queue configured at"
                        + " com.acme.BrokenWorkload.<init>(BrokenWorkload.java:",
                "com.acme.UncheckedWorkload | --workload com.acme.UncheckedWorkload: it has neither a model() nor a"
                        + " check() of its own"
            })
    void aWorkloadClassTheHarnessCannotUseIsRefusedWithExitCodeFourAndNoStackTrace(
            String workload, String message, @TempDir Path dir) throws Exception {
        Refusal r = refused(dir, "--workload", workload);

        assertThat(r.exit()).as(r.err()).isEqualTo(4);
        assertThat(r.err()).contains(message).doesNotContain("\tat ");
    }

    @Test
    void withDebugAConstructorThatThrowsComesWithItsStackTrace(@TempDir Path dir) throws Exception {
        Refusal r = refused(dir, "--workload", UserQueue.BROKEN_WORKLOAD, "--debug");

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err())
                .contains(
                        "java.lang.IllegalStateException: no queue configured",
                        "\tat com.acme.BrokenWorkload.<init>(BrokenWorkload.java:");
    }

    @Test
    void aModelThatDisagreesWithTheStateMachineStopsTheTestAtTheFirstOpWhereTheyDiffer(@TempDir Path dir)
            throws Exception {
        Refusal r = refused(dir, "--workload", UserQueue.LIFO_WORKLOAD);

        assertThat(r.exit()).as(r.err()).isEqualTo(5);
        assertThat(r.err())
                .contains(
                        "workload com.acme.LifoQueueWorkload, run alone against com.acme.JobQueue in this JVM before"
                                + " any replica started (one op at a time, seed 7): its model lifo-stack disagrees"
                                + " with the state machine at op ",
                        "\n  op:                           :dequeue nil\n",
                        "\n  the model's state before it:  {:tickets ",
                        "\n  the state machine's reply:    :ok ")
                .doesNotContain("\tat ");
        // the reply is the queue's head, the oldest job, where the model expected the newest one
        Matcher shown = Pattern.compile(
                        "state before it: +\\{:tickets \\d+, :jobs \\[(\\d+)(?: \\d+)* (\\d+)\\]}.*\\n.*reply: +:ok (\\d+)")
                .matcher(r.err());
        assertThat(shown.find()).as(r.err()).isTrue();
        assertThat(shown.group(3)).isEqualTo(shown.group(2)).isNotEqualTo(shown.group(1));
    }

    @Test
    void aUsersWorkloadNamedByItsClassIsCheckedAgainstItsModelUnderKills(@TempDir Path dir) throws Exception {
        Path classes = UserQueue.compile(dir);

        Ran r = shortKillRun(
                dir, 34, "--classpath", classes, "--state-machine", UserQueue.QUEUE, "--workload", UserQueue.WORKLOAD);

        assertThat(r.out()).contains("QueueWorkload-JobQueue-kill-active seed=34", "valid=true");
        assertThat(r.exit()).isZero();
        assertThat(Files.readString(r.latest().resolve("results.edn")))
                .startsWith("{:valid? true")
                .contains(":model \"fifo-queue\"");
        assertThat(Files.readString(r.latest().resolve("jepsen.log")))
                .contains("sequential run: 300 ops (seed 34) against com.acme.JobQueue in this JVM agree with the"
                        + " model fifo-queue");
        assertThat(Files.readString(r.latest().resolve("history.edn"))).contains(":f :dequeue", ":value \"empty\"");
    }
}
