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
                "16",
                "--fault-seconds",
                "5",
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
        Path store = dir.resolve("store");
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute(shortKillRun(
                store,
                32,
                "--workload",
                "counter",
                "--state-machine",
                "com.acme.UserCounter",
                "--classpath",
                classes.toString()));

        assertThat(out.toString()).contains("counter-UserCounter-kill-active seed=32", "valid=true");
        assertThat(exit).isZero();
        for (String node : new String[] {"n1", "n2", "n3"}) {
            assertThat(Files.readString(store.resolve("latest").resolve(node).resolve("node.log")))
                    .as("%s's log", node)
                    .contains("com.acme.UserCounter state machine", "UserCounter loaded from file:" + classes + "/");
        }
    }

    /** {@code jepsen test} with {@code workload}'s options: 3 clients for 12 s, kills of 4 s after 3 s of quiet. */
    private static String[] shortKillRun(Path store, long seed, String... workload) {
        List<String> args = new ArrayList<>(List.of("jepsen", "test"));
        args.addAll(List.of(workload));
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
        return args.toArray(String[]::new);
    }

    @Test
    void aStateMachineThatIsNotOnAnyClasspathIsAUsageErrorBeforeAnythingStarts(@TempDir Path store) {
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute(
                "jepsen",
                "test",
                "--workload",
                "counter",
                "--state-machine",
                "com.acme.JobQueue",
                "--store",
                store.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--state-machine: no class com.acme.JobQueue", "--classpath");
        assertThat(store).isEmptyDirectory();
    }

    @Test
    void anUnknownWorkloadIsAUsageErrorWithExitCodeTwo() {
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("jepsen", "test", "--workload", "queue");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown workload 'queue'", "register, counter, set, bank");
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
        Path store = dir.resolve("store");
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute(shortKillRun(
                store,
                33,
                "--workload",
                "state-machine",
                "--state-machine",
                UserQueue.QUEUE,
                "--generator",
                UserQueue.GENERATOR,
                "--classpath",
                classes.toString()));

        assertThat(out.toString()).contains("state-machine-JobQueue-kill-active seed=33", "valid=true");
        assertThat(exit).isZero();
        Path latest = store.resolve("latest");
        assertThat(Files.readString(latest.resolve("results.edn")))
                .startsWith("{:valid? true")
                .contains(":model \"state-machine:com.acme.JobQueue\"", ":rejections {:enqueue {:answered");
        assertThat(Files.readString(latest.resolve("history.edn")))
                .contains(":command #ratis-sm/bytes", ":reply-text \"value: ", ":text \"value: \\\"size\\\"\"");
        assertThat(Files.readString(latest.resolve("timeline.html")))
                .contains("enqueue</b> {value: ", "-&gt; {value: ");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "com.acme.NoSuchGenerator | --generator: no class com.acme.NoSuchGenerator on the harness's classpath",
                "com.acme.JobQueue        | --generator: class com.acme.JobQueue is not a concrete implementation of"
                        + " io.ratissm.jepsen.workload.OperationGenerator",
                "com.acme.SeededGenerator | --generator: class com.acme.SeededGenerator has no public constructor"
                        + " without arguments",
                "''                       | --workload state-machine needs --generator CLASS"
            })
    void aGeneratorTheHarnessCannotMakeIsAUsageErrorBeforeAnythingStarts(
            String generator, String message, @TempDir Path dir) throws Exception {
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

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(message);
        assertThat(store).isEmptyDirectory();
    }
}
