package io.ratissm.jepsen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.UserQueue;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ratis-sm bench} on a user's job queue that is in no module of this build (compiled into a directory only
 * {@code --classpath} names), with generators of the bench kit's kind: a short measured run of the queue beside the
 * no-op state machine, and each kind of bad input with its message and exit code.
 */
class BenchCommandTest {
    private static final String GENERATORS = "com.acme.bench";
    /** Commands of the queue ({@code com.acme.JobQueue}: Int64Value, positive enqueues, 0 dequeues). */
    private static final List<String> SOURCES = List.of("""
            package com.acme.bench;

            import com.google.protobuf.ByteString;
            import com.google.protobuf.Int64Value;
            import io.ratissm.bench.kit.CommandGenerator;
            import java.util.Random;

            /** Enqueues job ids 1 to 1000. */
            public class Enqueues implements CommandGenerator {
                public ByteString next(Random random) {
                    return Int64Value.of(1 + random.nextInt(1000)).toByteString();
                }
            }
            """, """
            package com.acme.bench;

            import com.google.protobuf.ByteString;
            import com.google.protobuf.Int64Value;
            import io.ratissm.bench.kit.CommandGenerator;
            import java.util.Random;

            /** Only dequeues: an empty queue refuses every one ("empty"). */
            public class Dequeues implements CommandGenerator {
                public ByteString next(Random random) {
                    return Int64Value.of(0).toByteString();
                }
            }
            """, """
            package com.acme.bench;

            import com.google.protobuf.ByteString;
            import io.ratissm.bench.kit.CommandGenerator;
            import java.util.Random;

            /** Throws on its fifth command. */
            public class RunsOut implements CommandGenerator {
                private int made;

                public ByteString next(Random random) {
                    if (++made == 5) {
                        throw new IllegalStateException("out of job ids");
                    }
                    return ByteString.copyFromUtf8("job");
                }
            }
            """);

    private static Path classes;

    @BeforeAll
    static void compileTheUsersClasses(@TempDir Path dir) throws IOException {
        classes = UserQueue.compile(dir);
        Path src = Files.createDirectories(dir.resolve("bench-src"));
        List<String> args = new ArrayList<>(List.of(
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))));
        for (String source : SOURCES) {
            Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
            assertThat(name.find()).isTrue();
            args.add(Files.writeString(src.resolve(name.group(1) + ".java"), source)
                    .toString());
        }
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)))
                .as("javac's exit code")
                .isZero();
    }

    @Test
    void theQueueIsMeasuredBesideTheNoOpStateMachine_andTheReportComparesThem() {
        Run run = bench(
                "--state-machine",
                UserQueue.QUEUE,
                "--commands",
                GENERATORS + ".Enqueues",
                "--outstanding",
                "4",
                "--warmup",
                "0",
                "--duration",
                "1");

        assertThat(run.exit()).as("exit code; standard error:%n%s", run.err()).isZero();
        assertThat(run.out())
                .contains("com.acme.JobQueue beside a no-op state machine: ACTIVE, 4 outstanding, commands from "
                        + GENERATORS + ".Enqueues (seed 1)")
                .containsPattern("\\n  com\\.acme\\.JobQueue +[0-9,]*[1-9][0-9,]* +[0-9.]+ +[0-9.]+ +[0-9.]+ +0\\.0 %")
                .containsPattern("\\n  no-op +[0-9,]*[1-9][0-9,]* +[0-9.]+ +[0-9.]+ +[0-9.]+ +0\\.0 %")
                .contains("com.acme.JobQueue / no-op: throughput ")
                .doesNotContain("warning");
    }

    @Test
    void aStateMachineThatRejectsEveryCommand_exits4WithItsReason() {
        Run run = bench("--state-machine", UserQueue.QUEUE, "--commands", GENERATORS + ".Dequeues");

        assertThat(run.exit()).as("exit code; output:%n%s", run.out()).isEqualTo(BenchCommand.EVERY_COMMAND_REJECTED);
        assertThat(run.err())
                .contains("com.acme.JobQueue rejected every one of the 200 commands of com.acme.bench.Dequeues;"
                        + " the first because: empty");
    }

    @Test
    void aGeneratorThatThrows_exits3NamingItAndTheCommand() {
        Run run = bench("--state-machine", UserQueue.QUEUE, "--commands", GENERATORS + ".RunsOut");

        assertThat(run.exit()).as("exit code; output:%n%s", run.out()).isEqualTo(BenchCommand.YOUR_CODE);
        assertThat(run.err())
                .contains(
                        "com.acme.bench.RunsOut threw java.lang.IllegalStateException: out of job ids making command 5");
    }

    @Test
    void classesThatCannotBeUsed_exit2BeforeAnythingRuns() {
        Run unknown = bench("--state-machine", "com.acme.Nope", "--command-bytes", "8");
        Run notAStateMachine = bench("--state-machine", GENERATORS + ".Enqueues", "--command-bytes", "8");
        Run notAGenerator = bench("--state-machine", UserQueue.QUEUE, "--commands", UserQueue.QUEUE);
        Run both = bench(
                "--state-machine", UserQueue.QUEUE, "--commands", GENERATORS + ".Enqueues", "--command-bytes", "8");
        Run passiveTypo = bench("--state-machine", UserQueue.QUEUE, "--command-bytes", "8", "--replication", "pasive");

        assertThat(List.of(unknown, notAStateMachine, notAGenerator, both, passiveTypo))
                .extracting(Run::exit)
                .containsOnly(BenchCommand.USAGE);
        assertThat(unknown.err()).contains("--state-machine: no class com.acme.Nope on the harness's classpath or in");
        assertThat(notAStateMachine.err())
                .contains("--state-machine: class com.acme.bench.Enqueues is not a concrete implementation of"
                        + " io.ratissm.StateMachine");
        assertThat(notAGenerator.err())
                .contains("--commands: class com.acme.JobQueue is not a concrete implementation of"
                        + " io.ratissm.bench.kit.CommandGenerator");
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(passiveTypo.err()).contains("--replication is active or passive, not 'pasive'");
    }

    /** What one {@code ratis-sm bench} printed, and its exit code. */
    private record Run(int exit, String out, String err) {}

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> command = new ArrayList<>(List.of("bench", "--classpath", classes.toString()));
        command.addAll(List.of(args));
        int exit = cli.execute(command.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
