package io.ratissm.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;

/**
 * A user's job queue, its generators and a planted bug ({@code src/test/resources/user-queue/com/acme}), compiled at
 * test time into a directory of their own, as a user's classes reach the harness through {@code --classpath}.
 */
public final class UserQueue {
    /** The correct queue. */
    public static final String QUEUE = "com.acme.JobQueue";
    /** The queue whose "size" answers a field no snapshot holds. */
    public static final String STALE_SIZE_QUEUE = "com.acme.StaleSizeJobQueue";
    /** Enqueues, dequeues, size and peek. */
    public static final String GENERATOR = "com.acme.JobQueueGenerator";
    /** A generator with no constructor without arguments. */
    public static final String SEEDED_GENERATOR = "com.acme.SeededGenerator";

    private static final List<String> SOURCES =
            List.of("JobQueue.java", "StaleSizeJobQueue.java", "JobQueueGenerator.java", "SeededGenerator.java");

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
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
        assertThat(compiled).as("javac exit code").isZero();
        return classes;
    }
}
