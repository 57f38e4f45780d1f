package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles Java sources written by a test against this JVM's classpath (the project's classes and dependencies). */
final class Javac {
    private Javac() {}

    /**
     * Writes {@code sources} (path under the source root, e.g. {@code com/example/A.java}, to text) under {@code dir},
     * compiles them, and returns the directory of their classes; fails the test with the compiler's messages if they
     * do not compile.
     */
    static Path compile(Path dir, Map<String, String> sources) {
        try {
            Files.createDirectories(dir);
            Path sourceRoot = Files.createTempDirectory(dir, "src");
            List<Path> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = sourceRoot.resolve(source.getKey());
                Files.createDirectories(file.getParent());
                files.add(Files.writeString(file, source.getValue()));
            }
            Path classes = Files.createTempDirectory(dir, "classes");
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            StringWriter diagnostics = new StringWriter();
            boolean compiled = javac.getTask(
                            diagnostics,
                            null,
                            null,
                            List.of("-classpath", ReplicaProcess.classpath(), "-d", classes.toString()),
                            null,
                            javac.getStandardFileManager(null, null, null)
                                    .getJavaFileObjects(files.toArray(Path[]::new)))
                    .call();
            assertThat(compiled)
                    .as("%s compile; the compiler says:%n%s", sources.keySet(), diagnostics)
                    .isTrue();
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
