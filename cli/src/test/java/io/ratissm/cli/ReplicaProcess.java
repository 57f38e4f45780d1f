package io.ratissm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code server --config FILE} replica as an operating-system process, its output in a log file. It runs this
 * JVM's classpath as the Jepsen harness's {@code Cluster} does (which this module cannot use: the harness depends on
 * it), with the same small-JVM flags so that four replicas and the test fit on two cores.
 */
final class ReplicaProcess implements AutoCloseable {
    private static final List<String> JVM_FLAGS = List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=warn");

    private final Path log;
    private final Process process;

    private ReplicaProcess(Path log, Process process) {
        this.log = log;
        this.process = process;
    }

    /**
     * Writes {@code dir/n1.properties}, the configuration of replica {@code n1} of a group of {@code peers}, storing in
     * {@code dir/data/n1}, running {@code stateMachine}, with {@code more} lines ({@code key = value}).
     */
    static Path writeConfig(Path dir, String peers, String stateMachine, String... more) throws IOException {
        List<String> lines = new ArrayList<>(
                List.of("id = n1", "peers = " + peers, "storage = data/n1", "state-machine = " + stateMachine));
        lines.addAll(List.of(more));
        return Files.writeString(dir.resolve("n1.properties"), String.join("\n", lines) + "\n");
    }

    /**
     * Starts {@code ServerCommand --config config options...}, logging to {@code config}'s name with {@code .log}.
     */
    static ReplicaProcess start(Path config, String... options) {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", classpath(), ServerCommand.class.getName(), "--config", config.toString()));
        command.addAll(List.of(options));
        return start(config, new ProcessBuilder(command));
    }

    /**
     * Starts {@code server --config config} through the distribution's launcher script, {@code bin/ratis-sm}, on this
     * JVM's classpath, with {@code env} added to its environment (e.g. the launcher's {@code RATIS_SM_EXT}).
     */
    static ReplicaProcess startWithLauncher(Path config, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of("src/main/dist/bin/ratis-sm").toAbsolutePath().toString(),
                "server",
                "--config",
                config.toString());
        builder.environment()
                .put(
                        "JAVA",
                        Paths.get(System.getProperty("java.home"), "bin", "java")
                                .toString());
        builder.environment().put("RATIS_SM_JAVA_OPTS", String.join(" ", JVM_FLAGS));
        builder.environment().put("RATIS_SM_CLASSPATH", classpath());
        builder.environment().putAll(env);
        return start(config, builder);
    }

    private static ReplicaProcess start(Path config, ProcessBuilder builder) {
        Path log = config.resolveSibling(config.getFileName().toString().replace(".properties", "") + ".log");
        try {
            return new ReplicaProcess(
                    log,
                    builder.redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
    }

    /** Surefire may run tests from a manifest-only jar; it then publishes the real classpath here. */
    static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the process (SIGSTOP) for {@code pause}, then lets it run again (SIGCONT): a JVM or host pause. */
    void pause(Duration pause) throws IOException, InterruptedException {
        signal("STOP");
        Thread.sleep(pause.toMillis());
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGTERM, as a supervisor stops a replica, and the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    /** Waits (at most 30 s) for the process to exit by itself, and its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("replica did not exit within 30 s; its log:\n" + log());
        }
        return process.exitValue();
    }

    /** Kills the process whatever its state: the test's clean-up, also after a failure. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
