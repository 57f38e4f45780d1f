package io.ratissm.jepsen.runner;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The run's {@code jepsen.log}: one line per event, in Jepsen's layout
 * ({@code time TAB level TAB [thread] source: message}), flushed as it goes so a crashed run still leaves it.
 */
public final class RunLog implements AutoCloseable {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS").withZone(ZoneOffset.UTC);
    private final BufferedWriter out;

    public RunLog(Path file) {
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run log " + file, e);
        }
    }

    /** Appends one INFO line from {@code source}. */
    public synchronized void info(String source, String message) {
        try {
            out.write(TIME.format(Instant.now()) + "\tINFO\t["
                    + Thread.currentThread().getName() + "] " + source + ": " + message + "\n");
            out.flush();
        } catch (IOException e) {
            // The log is evidence, not control: a full disk must not stop the run half-way and leave faults active.
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // already reported by the writes
        }
    }
}
