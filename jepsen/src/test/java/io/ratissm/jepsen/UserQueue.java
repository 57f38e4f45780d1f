package io.ratissm.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;

/**
 * A user's job queue, its generators, workloads and planted bugs ({@code src/test/resources/user-queue/com/acme}, and
 * the workload of {@code README.md}'s example as the README shows it), compiled at test time into a directory of
 * their own, as a user's classes reach the harness through {@code --classpath}.
 */
public final class UserQueue {
    /** The correct queue. */
    public static final String QUEUE = "com.acme.JobQueue";
    /** The queue whose "size" answers a field no snapshot holds. */
    public static final String STALE_SIZE_QUEUE = "com.acme.StaleSizeJobQueue";
    /** A queue whose only constructor takes an argument. */
    public static final String NAMED_QUEUE = "com.acme.NamedJobQueue";
    /** Enqueues, dequeues, size and peek. */
    public static final String GENERATOR = "com.acme.JobQueueGenerator";
    /** A generator with no constructor without arguments. */
    public static final String SEEDED_GENERATOR = "com.acme.SeededGenerator";
    /** The README's workload: enqueues, dequeues and sizes, checked against a FIFO model. */
    public static final String WORKLOAD = "com.acme.QueueWorkload";
    /** The README's workload with a model that takes the queue for a stack. */
    public static final String LIFO_WORKLOAD = "com.acme.LifoQueueWorkload";
    /** A workload whose constructor throws. */
    public static final String BROKEN_WORKLOAD = "com.acme.BrokenWorkload";

    private static final Path README = Path.of("README.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");
    private static final List<String> SOURCES = List.of(
            "JobQueue.java",
            "StaleSizeJobQueue.java",
            "NamedJobQueue.java",
            "JobQueueGenerator.java",
            "SeededGenerator.java",
            "LifoQueueWorkload.java",
            "BrokenWorkload.java",
            "UncheckedWorkload.java");

    private UserQueue() {}

    /** Compiles the classes into {@code dir/classes} and returns that directory. */
    public static Path compile(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/com/acme"));
        List<String> args = new ArrayList<>();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String testClasspath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        args.addAll(List.of("-d", classes.toString(), "-cp", testClasspath));
        for (String name : SOURCES) {
            try (InputStream in = UserQueue.class.getResourceAsStream("/user-queue/com/acme/" + name)) {
                assertThat(in).as("resource %s", name).isNotNull();
                Files.copy(in, src.resolve(name));
            }
            args.add(src.resolve(name).toString());
        }
        Path workload = src.resolve("QueueWorkload.java");
        Files.writeString(workload, readmeWorkload());
        args.add(workload.toString());
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
        assertThat(compiled).as("javac exit code").isZero();
        return classes;
    }

    /** The one java block of the harness's README that declares {@code QueueWorkload}: the SPI's example, as shown. */
    private static String readmeWorkload() throws IOException {
        Matcher block = JAVA_BLOCK.matcher(Files.readString(README));
        List<String> found = new ArrayList<>();
        while (block.find()) {
            if (block.group(1).contains("public class QueueWorkload implements Workload")) {
                found.add(block.group(1));
            }
        }
        assertThat(found)
                .as("java blocks of %s declaring QueueWorkload", README)
                .hasSize(1);
        return found.get(0);
    }
}
