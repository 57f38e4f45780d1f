package io.ratissm.jepsen.nodes;

import io.ratissm.jepsen.net.HostCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One replica as an operating-system process ({@link NodeMain} in its own JVM), with the faults the nemesis can
 * inflict on it: SIGKILL and restart on the same data directory, SIGSTOP/SIGCONT, a forced snapshot, and (when
 * it runs under libfaketime) its clocks. Its output is appended to its log file across restarts. Thread-safe:
 * the nemesis and the clean-up may act on it concurrently.
 */
public final class NodeProcess {
    /**
     * A status file older than this is not believed: the node is dead, paused or cut off from its disk. A replica
     * writes it every {@value NodeMain#STATUS_PERIOD_MILLIS} ms of its own clock, which is 2 s of real time at
     * the slowest clock rate the clock nemesis uses (0.1).
     */
    private static final long STATUS_FRESH_MILLIS = 3_000;

    private final String id;
    private final List<String> command;
    private final Path logFile;
    private final Path statusFile;
    private final NodeClock clock;
    private Process process;
    private boolean paused;

    /** @param clock the replica's fake clocks, or null if it does not run under libfaketime */
    NodeProcess(String id, List<String> command, Path logFile, Path statusFile, NodeClock clock) {
        this.id = id;
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.statusFile = statusFile;
        this.clock = clock;
    }

    public String id() {
        return id;
    }

    public Path logFile() {
        return logFile;
    }

    /** Starts the process, unless it is running already. */
    public synchronized void start() {
        if (isAlive()) {
            return;
        }
        try {
            Files.deleteIfExists(statusFile);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start replica " + id + " with " + command, e);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused && isAlive();
    }

    /** SIGKILL, then waits until the process is gone, so a restart never overlaps its predecessor. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        if (paused) {
            signal("CONT"); // a stopped process receives SIGKILL too, but resuming first keeps waitFor prompt
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("replica " + id + " (pid " + process.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paused = false;
    }

    /** SIGSTOP: the JVM freezes with its sockets open, like a long GC pause or a stalled VM. */
    public synchronized void pause() {
        if (isAlive() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    /** SIGCONT after {@link #pause}. */
    public synchronized void resume() {
        if (isAlive() && paused) {
            signal("CONT");
            paused = false;
        }
    }

    private void signal(String name) {
        HostCommand.run("kill", "-" + name, Long.toString(process.pid()));
    }

    /** Asks the replica to take a snapshot now (and purge its log behind it); false if it is down or paused. */
    public synchronized boolean requestSnapshot() {
        if (!isAlive() || paused) {
            return false;
        }
        try {
            OutputStream control = process.getOutputStream();
            control.write("snapshot\n".getBytes(StandardCharsets.UTF_8));
            control.flush();
            return true;
        } catch (IOException e) {
            return false; // it died in between
        }
    }

    /** The replica's own view of its role, if it is alive, not paused, and published one recently. */
    public synchronized Optional<NodeStatus> status() {
        if (!isAlive() || paused) {
            return Optional.empty();
        }
        try {
            FileTime modified = Files.getLastModifiedTime(statusFile);
            if (modified.toInstant().isBefore(Instant.now().minusMillis(STATUS_FRESH_MILLIS))) {
                return Optional.empty();
            }
            return NodeStatus.parse(Files.readString(statusFile));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The replica's clocks, if it runs under libfaketime. */
    public Optional<NodeClock> clock() {
        return Optional.ofNullable(clock);
    }

    /**
     * The replica's latest report of its own clocks, with the real time it was written, whether or not the
     * replica is alive now; empty if it never wrote one since its last start.
     */
    public Optional<ClockSample> clockSample() {
        try {
            long written = Files.getLastModifiedTime(statusFile).to(TimeUnit.NANOSECONDS);
            return ClockSample.parse(Files.readString(statusFile), written);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Begins a clean stop: resumes the replica if paused and closes its control input, on which it shuts down.
     * {@link #awaitStop} finishes the job; the two halves let a cluster stop all its replicas in parallel.
     */
    public synchronized void beginStop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        resume();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the pipe is already gone: awaitStop kills it if it lingers
        }
    }

    /** Waits until {@code deadlineNanos} for the replica to exit after {@link #beginStop}, then kills it. */
    public void awaitStop(long deadlineNanos) {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
