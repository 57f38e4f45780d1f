package io.ratissm.jepsen.nodes;

import io.ratissm.GroupAdmin;
import io.ratissm.jepsen.net.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One replica as an operating-system process, {@code ratis-sm server --config FILE} in its own JVM, with the faults
 * the nemesis can inflict on it: SIGKILL and restart on the same data directory, SIGSTOP/SIGCONT, a forced snapshot
 * (what {@code ratis-sm admin snapshot} does), and (when it runs under libfaketime) its clocks. What it says about
 * itself comes from its own {@code GET /status} endpoint. Its output is appended to its log file across restarts.
 * Once its storage was replaced it starts as a joining replica ({@link #joinFromNowOn}). Thread-safe: the nemesis
 * and the clean-up may act on it concurrently.
 */
public final class NodeProcess {
    /**
     * The exit code of {@code ratis-sm server} when the replica refuses to start on its storage (a log or snapshot
     * that does not read, or storage wiped while the group remembers it): its storage must be replaced.
     */
    public static final int REPLACE_STORAGE = 11;

    /** The harness asks its replicas over HTTP/1.1, as an operator's monitor would. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    /** A live replica answers /status in milliseconds; one that does not within this is taken as silent. */
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);
    /** How long a forced snapshot may take: the bundled workloads' states are small. */
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(10);

    private final String id;
    private final List<String> command;
    private final Path configFile;
    private final List<String> config;
    private final String address;
    private final URI statusUri;
    private final Path storage;
    private final Path logFile;
    private final NodeClock clock;
    private Process process;
    private boolean paused;
    private boolean join;
    /** The last clock reading of the current process; null before its first. */
    private volatile ClockSample lastClock;

    /**
     * @param command    the command that starts the replica from {@code configFile}
     * @param config     the lines of its configuration file, written at each start ({@code join = true} added
     *                   once it joins)
     * @param address    its Raft address, {@code host:port}
     * @param statusUri  its {@code /status} endpoint
     * @param storage    the replica's storage directory (its {@code storage} key)
     * @param clock      the replica's fake clocks, or null if it does not run under libfaketime
     */
    NodeProcess(
            String id,
            List<String> command,
            Path configFile,
            List<String> config,
            String address,
            URI statusUri,
            Path storage,
            Path logFile,
            NodeClock clock) {
        this.id = id;
        this.command = List.copyOf(command);
        this.configFile = configFile;
        this.config = List.copyOf(config);
        this.address = address;
        this.statusUri = statusUri;
        this.storage = storage;
        this.logFile = logFile;
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
     * Every later start is a joining replica's ({@code join = true}): after its storage was emptied it waits to be
     * added back, and once it has storage again the key is ignored (as it may stay in an operator's file).
     */
    public synchronized void joinFromNowOn() {
        join = true;
    }

    /** Writes its configuration file and starts the process, unless it is running already. */
    public synchronized void start() {
        if (isAlive()) {
            return;
        }
        try {
            List<String> lines = new ArrayList<>(config);
            if (join) {
                lines.add("join = true");
            }
            Files.write(configFile, lines, StandardCharsets.UTF_8);
            lastClock = null;
            // Standard input stays an open pipe: the replica's agent stops it when the pipe closes (NodeAgent).
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

    /** The exit code of the last process, if it was started and has exited. */
    public synchronized OptionalInt exitCode() {
        return process == null || process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /**
     * Waits until the replica, just {@linkplain #start started}, either serves (it answers {@code /status}, which it
     * does only once its Raft server started) or exits. Returns the exit code if it exited, empty if it
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
                Thread.sleep(100); // polling the process and its endpoint, with a deadline
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

    /**
     * Makes the replica take a snapshot now (and purge its log behind it), as {@code ratis-sm admin snapshot ID}
     * does, through the group's admin protocol on its Raft port.
     *
     * @return the log index the snapshot covers
     * @throws IllegalStateException if it is down or paused
     * @throws RuntimeException      as {@link GroupAdmin#snapshot} throws, e.g. when it does not answer in time
     */
    public long snapshot() {
        return snapshot(null);
    }

    /**
     * As {@link #snapshot()}, in group {@code group} of the groups the replica serves (a shard's, on a sharded server);
     * null for the server's own group.
     */
    public long snapshot(String group) {
        synchronized (this) {
            if (!isAlive() || paused) {
                throw new IllegalStateException(id + " is " + (paused ? "paused" : "down"));
            }
        }
        // Only this replica is asked for the membership: a paused or cut-off peer must not hold the request up.
        GroupAdmin.Builder builder =
                GroupAdmin.builder().peers(id + "=" + address).timeout(SNAPSHOT_TIMEOUT);
        if (group != null) {
            builder.group(group);
        }
        try (GroupAdmin admin = builder.build()) {
            return admin.snapshot(id);
        }
    }

    /**
     * The replica's own view of its role, from its {@code /status} endpoint, if it is alive, not paused, and
     * answers. Its clocks in the same answer become its latest {@link #clockSample}.
     */
    public Optional<NodeStatus> status() {
        return askStatus().flatMap(NodeStatus::of);
    }

    /**
     * The ids (UUIDs) of every group the replica says on its {@code /status} endpoint that it serves ({@code groups}),
     * its own included; empty if it is down, paused or does not answer.
     */
    public Optional<Set<String>> servedGroups() {
        return askStatus().map(fields -> {
            String groups = fields.get("groups");
            if (groups == null) {
                return Set.of();
            }
            try {
                return Set.copyOf(NodeStatus.fields(groups).keySet());
            } catch (IllegalArgumentException e) {
                return Set.of();
            }
        });
    }

    private Optional<Map<String, String>> askStatus() {
        synchronized (this) {
            if (!isAlive() || paused) {
                return Optional.empty();
            }
        }
        HttpRequest request =
                HttpRequest.newBuilder(statusUri).timeout(STATUS_TIMEOUT).GET().build();
        try {
            long sent = ClockSample.realNow();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            long received = ClockSample.realNow();
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            Map<String, String> fields = NodeStatus.fields(response.body());
            ClockSample.of(fields, sent + (received - sent) / 2).ifPresent(c -> lastClock = c);
            return Optional.of(fields);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // not serving yet, stopped, or its answer was cut short
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The replica's clocks, if it runs under libfaketime. */
    public Optional<NodeClock> clock() {
        return Optional.ofNullable(clock);
    }

    /**
     * A reading of the replica's clocks: a new one if it answers now, else the latest its current process gave
     * (whether or not it is alive now); empty if it gave none since its last start.
     */
    public Optional<ClockSample> clockSample() {
        askStatus();
        return Optional.ofNullable(lastClock);
    }

    /**
     * Begins a clean stop: resumes the replica if paused and sends it SIGTERM, on which {@code ratis-sm server}
     * stops the replica cleanly, as under a supervisor. {@link #awaitStop} finishes the job; the two halves let a
     * cluster stop all its replicas in parallel.
     */
    public synchronized void beginStop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        resume();
        process.destroy();
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
