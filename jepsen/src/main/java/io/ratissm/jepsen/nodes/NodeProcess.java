package io.ratissm.jepsen.nodes;

import io.ratissm.jepsen.net.HostCommand;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * One replica as an operating-system process ({@link NodeMain} in its own JVM), with the faults the nemesis can
 * inflict on it: SIGKILL and restart on the same data directory, SIGSTOP/SIGCONT, a forced snapshot, and (when
 * it runs under libfaketime) its clocks. Its output is appended to its log file across restarts. Once its storage
 * was replaced it starts as a joining replica ({@link #joinFromNowOn}). Thread-safe: the nemesis and the clean-up
 * may act on it concurrently.
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
    private final Path storage;
    private final Path logFile;
    private final Path statusFile;
    private final NodeClock clock;
    private Process process;
    private boolean paused;
    private boolean join;

    /**
     * @param storage the replica's storage directory (its {@code --storage})
     * @param clock   the replica's fake clocks, or null if it does not run under libfaketime
     */
    NodeProcess(String id, List<String> command, Path storage, Path logFile, Path statusFile, NodeClock clock) {
        this.id = id;
        this.command = List.copyOf(command);
        this.storage = storage;
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

    /** The size of the replica's log file now: where the lines it writes next begin. */
    public long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + logFile, e);
        }
    }

    /** The lines of the replica's log written from byte {@code offset} (a {@link #logSize()}) on. */
    public List<String> logLinesSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    /** The replica's storage directory. */
    public Path storage() {
        return storage;
    }

    /**
     * Every later start is a joining replica's ({@code --join}): after its storage was emptied it waits to be added
     * back, and once it has storage again the flag is ignored (as {@code join = true} may stay in a server's file).
     */
    public synchronized void joinFromNowOn() {
        join = true;
    }

    /** Starts the process, unless it is running already. */
    public synchronized void start() {
        if (isAlive()) {
            return;
        }
        try {
            Files.deleteIfExists(statusFile);
            List<String> words = new ArrayList<>(command);
            if (join) {
                words.add("--join");
            }
            process = new ProcessBuilder(words)
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

    /** The exit code of the last process, if it was started and has exited. */
    public synchronized OptionalInt exitCode() {
        return process == null || process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /**
     * Waits until the replica, just {@linkplain #start started}, either serves (it published its status, which it
     * does only once {@code ReplicaServer.start} returned) or exits. Returns the exit code if it exited, empty if it
     * serves; throws if neither happens within {@code timeout}.
     */
    public OptionalInt awaitStarted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            OptionalInt exit = exitCode();
            if (exit.isPresent()) {
                return exit;
            }
            if (status().isPresent()) {
                return OptionalInt.empty();
            }
            try {
                Thread.sleep(100); // polling the process and its status file, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException(
                "replica " + id + " neither served nor exited within " + timeout + "; see " + logFile);
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
