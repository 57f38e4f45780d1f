package io.ratissm.bench.kit.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;

/**
 * Runs JMH in this JVM's runner and keeps the {@code LATENCY} lines its trials printed. Standard output is copied
 * while it runs: JMH writes a forked trial's output to the host's {@code System.out}, and an unforked trial writes
 * there itself.
 */
public final class JmhRun {
    /** JMH's results, and the lines of the trials that printed one. */
    public record Result(Collection<RunResult> results, List<LatencyLine.Parsed> lines) {}

    private JmhRun() {}

    public static Result run(Options options) throws RunnerException {
        PrintStream console = System.out;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        Collection<RunResult> results;
        try (PrintStream tee = new PrintStream(new Tee(console, copy), true, StandardCharsets.UTF_8)) {
            System.setOut(tee);
            results = new Runner(options).run();
        } finally {
            System.setOut(console);
        }
        List<LatencyLine.Parsed> lines = new ArrayList<>();
        copy.toString(StandardCharsets.UTF_8)
                .lines()
                .forEach(line -> LatencyLine.parse(line).ifPresent(lines::add));
        return new Result(results, lines);
    }

    /** Writes to the console and to a buffer. */
    private static final class Tee extends OutputStream {
        private final PrintStream console;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) {
            console.write(b);
            copy.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            console.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() {
            console.flush();
        }
    }
}
