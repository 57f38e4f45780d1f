package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A user's state machine as a user ships it: a class compiled at test time into a jar of its own, which is not on the
 * test classpath, so that only a class loader over that jar finds it. The class is this module's {@link
 * CounterWithABug}, compiled from its source under the user's package {@code com.example.user}.
 */
final class UserJar {
    /** The class name a configuration's {@code state-machine} key gives. */
    static final String CLASS_NAME = "com.example.user." + CounterWithABug.class.getSimpleName();

    private static final Path SOURCE = Path.of("src/test/java/io/ratissm/cli/CounterWithABug.java");

    private UserJar() {}

    /** Compiles the class against this JVM's classpath and writes {@code dir/name}, a jar holding only it. */
    static Path build(Path dir, String name) {
        try {
            String source = Files.readString(SOURCE);
            assertThat(source).as(SOURCE.toString()).contains("package io.ratissm.cli;");
            Path classes = Javac.compile(
                    dir,
                    Map.of(
                            CLASS_NAME.replace('.', '/') + ".java",
                            source.replace("package io.ratissm.cli;", "package com.example.user;")));
            return jar(classes, dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(
                        new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
