package io.ratissm.jepsen.nodes;

import io.ratissm.Health;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.config.SettingType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main class of one replica process of a harness test. It starts a {@link ReplicaServer} from its flags and
 * then serves two channels to the harness:
 * <ul>
 *   <li>control lines on standard input: {@code snapshot} takes a snapshot now (which purges the log behind
 *       it); end of input (the harness went away) stops the replica, so no node outlives its harness;</li>
 *   <li>a status file, rewritten atomically every {@value #STATUS_PERIOD_MILLIS} ms, with one line
 *       {@code leader=true|false term=N applied=N healthy=true|false wall=MILLIS nanos=NANOS}, which the nemesis
 *       reads to find the current leader, and, with the file's modification time, to see what the replica's clocks
 *       say.</li>
 * </ul>
 * A replica that cannot use its storage ({@link StorageRecoveryException}) exits with {@value #REPLACE_STORAGE}, as
 * {@code ratis-sm server} does, so that the harness can tell that refusal from any other failure and follow the
 * operator's procedure. Logs go to standard error, which the harness redirects into the node's log file.
 */
@Command(name = "node", description = "One replica of a harness test.")
public final class NodeMain implements Callable<Integer> {
    static final long STATUS_PERIOD_MILLIS = 200;
    /** The exit code of a replica that refuses to start on its storage: {@code ratis-sm server}'s. */
    public static final int REPLACE_STORAGE = 11;

    private static final Logger LOG = LoggerFactory.getLogger(NodeMain.class);
    /** Written only so that the reads of {@link #startWallClockReader} cannot be optimised away. */
    private static volatile long lastWallMillis;
    /** Only the status thread reads and writes it. */
    private Health lastHealth;

    @Option(names = "--id", required = true, description = "This replica's id, e.g. n1.")
    String id;

    @Option(names = "--peers", required = true, description = "Every replica as id=host:port, comma-separated.")
    String peers;

    @Option(names = "--storage", required = true, description = "The data directory.")
    Path storage;

    @Option(names = "--state-machine", required = true, description = "One of ${COMPLETION-CANDIDATES}.")
    StateMachineKind stateMachine;

    @Option(names = "--replication", description = "ACTIVE or PASSIVE (default: the replica's default).")
    Replication replication;

    @Option(names = "--snapshot-every", description = "Log entries between snapshots (default: the replica's).")
    Long snapshotEvery;

    @Option(
            names = "--election-timeout",
            paramLabel = "DURATION",
            description = "Minimum election timeout, as the configuration file writes it, e.g. 1s (default: the "
                    + "replica's).")
    String electionTimeout;

    @Option(names = "--status-file", required = true, description = "Where to publish leadership and term.")
    Path statusFile;

    @Option(
            names = "--execute-delay-ms",
            defaultValue = "0",
            description = "Extra time each command takes to execute (ACTIVE: apply; PASSIVE: execute).")
    long executeDelayMillis;

    @Option(names = "--lease-reads", description = "Serve linearizable reads from the leader lease.")
    boolean leaseReads;

    @Option(
            names = "--join",
            description = "Start as a replica being added to a running group (after its storage "
                    + "was replaced); ignored once its storage holds the membership.")
    boolean join;

    @Option(names = "--ratis-property", description = "A raw Ratis property KEY=VALUE (repeatable).")
    Map<String, String> ratisProperties = new LinkedHashMap<>();

    @Option(names = "--faked-clock", description = "The JVM runs under libfaketime: keep its wall-clock reading fresh.")
    boolean fakedClock;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NodeMain())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (fakedClock) {
            startWallClockReader();
        }
        ReplicaServer.Builder builder = ReplicaServer.builder()
                .id(id)
                .peers(peers)
                .storage(storage)
                .stateMachine(stateMachine.factory(Duration.ofMillis(executeDelayMillis)))
                .leaseReads(leaseReads)
                .join(join);
        if (replication != null) {
            builder.replication(replication);
        }
        if (snapshotEvery != null) {
            builder.snapshotEvery(snapshotEvery);
        }
        if (electionTimeout != null) {
            builder.electionTimeout(SettingType.DURATION_TEXT.parse(electionTimeout));
        }
        ratisProperties.forEach(builder::property);
        ReplicaServer server;
        try {
            server = builder.build().start();
        } catch (StorageRecoveryException e) {
            LOG.error("{}: refused to start on its storage: {}", id, e.getMessage());
            return REPLACE_STORAGE;
        }
        LOG.info(
                "{}: replica started ({}, {}, execute delay {} ms, lease reads {}, join {}, peers {}, Ratis "
                        + "properties {})",
                id,
                stateMachine,
                replication,
                executeDelayMillis,
                leaseReads,
                join,
                peers,
                ratisProperties);
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor();
        status.scheduleWithFixedDelay(() -> publishStatus(server), 0, STATUS_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        try (BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = control.readLine()) != null) {
                handle(server, line.trim());
            }
        } finally {
            status.shutdownNow();
            server.close();
        }
        LOG.info("{}: control input closed, replica stopped", id);
        return 0;
    }

    /**
     * When libfaketime switches to a new clock rate it restarts both clocks from the last wall-clock reading any
     * thread of this process took; a stale reading would make {@code System.nanoTime} leap by its age (backwards
     * too). Reading the wall clock every millisecond bounds that leap to about a millisecond.
     */
    private static void startWallClockReader() {
        Thread reader = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        lastWallMillis = System.currentTimeMillis();
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "wall clock reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void handle(ReplicaServer server, String command) {
        if (command.equals("snapshot")) {
            try {
                long index = server.takeSnapshot();
                LOG.info("{}: snapshot taken at index {} on request", id, index);
            } catch (IOException | RuntimeException e) {
                // A snapshot can be refused (nothing new to snapshot, shutting down): the run goes on.
                LOG.warn("{}: requested snapshot failed: {}", id, e.toString());
            }
        } else if (!command.isEmpty()) {
            LOG.warn("{}: unknown control line '{}'", id, command);
        }
    }

    private void publishStatus(ReplicaServer server) {
        try {
            Health health = server.health();
            if (!health.equals(lastHealth)) {
                // the reason goes to the node's log once per change, the status file only says whether it is healthy
                LOG.info("{}: health {}", id, health.healthy() ? "ok" : "unhealthy: " + health.reason());
                lastHealth = health;
            }
            String line = "leader=" + server.isLeader() + " term=" + server.term() + " applied="
                    + server.appliedIndex() + " healthy=" + health.healthy() + " wall=" + System.currentTimeMillis()
                    + " nanos=" + System.nanoTime() + "\n";
            Path tmp = statusFile.resolveSibling(statusFile.getFileName() + ".tmp");
            Files.writeString(tmp, line);
            Files.move(tmp, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: status not published: {}", id, e.toString());
        }
    }
}
