package io.ratissm.jepsen.cli;

import io.ratissm.internal.config.ClassPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --classpath} option that {@code jepsen test}, {@code check} and {@code bench} share: where the user's
 * own classes (state machine, workload, generator) and the jars they need are found.
 */
final class UserClasspath {
    @Option(
            names = "--classpath",
            paramLabel = "PATHS",
            description = "Jars or directories of your own classes (state machine, workload, generator) and the jars"
                    + " they need, separated by ',' or ':' (repeatable); a pattern in the last part takes the matching"
                    + " jars of a directory (lib/*.jar).")
    private List<String> entries = new ArrayList<>();

    /**
     * The paths named, with patterns expanded against the working directory.
     *
     * @throws IllegalArgumentException naming {@code --classpath} if an entry names nothing usable
     */
    List<Path> paths() {
        List<Path> paths = new ArrayList<>();
        for (String entry : entries) {
            try {
                paths.addAll(ClassPath.expand(entry, Path.of("")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--classpath: " + e.getMessage(), e);
            }
        }
        return paths;
    }
}
