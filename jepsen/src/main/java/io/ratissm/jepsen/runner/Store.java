package io.ratissm.jepsen.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Jepsen's store layout: {@code <root>/<test>/<yyyyMMdd'T'HHmmss.SSSZ>/} per run, with the relative symlinks
 * {@code <root>/latest} and {@code <root>/<test>/latest} pointing at the newest run.
 */
public final class Store {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSZ");

    private Store() {}

    /** Creates the directory of a new run of {@code test}. */
    public static Path newRun(Path root, String test) throws IOException {
        Path dir = root.resolve(test).resolve(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)));
        return Files.createDirectories(dir);
    }

    /** Points {@code latest} (in the root and in the test's directory) at {@code run}. */
    public static void linkLatest(Path root, Path run) throws IOException {
        root = root.toAbsolutePath().normalize();
        run = run.toAbsolutePath().normalize();
        link(root.resolve("latest"), root.relativize(run));
        link(run.getParent().resolve("latest"), run.getFileName());
    }

    private static void link(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }
}
