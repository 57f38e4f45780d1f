package io.ratissm.internal.config;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a replica loads a user's state machine class from, besides the JVM's classpath: jars and directories of
 * classes, written as the {@code classpath} key of a configuration file and {@code ratis-sm server --classpath} take
 * them. Entries are separated by {@code ,} or the platform's path separator ({@code :}); each is a jar, a directory
 * of classes, or a pattern in its last part ({@code lib/*.jar}, or {@code lib/*} as {@code java -cp} reads it), which
 * stands for the jars of that directory whose names match, in name order. A relative entry is relative to a base
 * directory that the caller chooses.
 */
public final class ClassPath {
    private ClassPath() {}

    /**
     * The jars and directories {@code entries} names, each checked to exist.
     *
     * @throws IllegalArgumentException naming the entry that is missing, matches no jar or cannot be read
     */
    public static List<Path> expand(String entries, Path base) {
        List<Path> paths = new ArrayList<>();
        for (String entry : entries.split("[," + File.pathSeparator + "]")) {
            String text = entry.strip();
            if (!text.isEmpty()) {
                paths.addAll(expandOne(text, base));
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("'" + entries + "' names no jar or directory");
        }
        return paths;
    }

    /** A class loader over {@code paths} that asks {@code parent} first, as the JVM's own classpath comes first. */
    public static ClassLoader loader(List<Path> paths, ClassLoader parent) {
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = paths.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("'" + paths.get(i) + "' is not a usable path: " + e.getMessage());
            }
        }
        return new URLClassLoader(urls, parent);
    }

    private static List<Path> expandOne(String entry, Path base) {
        Path path = base.resolve(entry).toAbsolutePath().normalize();
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!isPattern(name)) {
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("no such jar or directory " + path);
            }
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException(path + " is not readable by this user");
            }
            return List.of(path);
        }
        Path dir = path.getParent();
        if (isPattern(dir.toString())) {
            throw new IllegalArgumentException(
                    "'" + entry + "': only the last part of a path may be a pattern, as in lib/*.jar");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("'" + entry + "': no such directory " + dir);
        }
        PathMatcher matcher = dir.getFileSystem().getPathMatcher("glob:" + name);
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                if (Files.isRegularFile(file)
                        && file.getFileName().toString().endsWith(".jar")
                        && matcher.matches(file.getFileName())) {
                    jars.add(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "' matches no jar in " + dir);
        }
        jars.sort(null);
        return jars;
    }

    private static boolean isPattern(String text) {
        return text.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }
}
