package io.ratissm.jepsen.nodes;

import io.ratissm.jepsen.net.TestNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The replicas of one test, as processes on a {@link TestNetwork}: {@code n1..nN}, each with its own data
 * directory (under {@code dataRoot}) and log file ({@code <logRoot>/<id>/node.log}). Nodes run this JVM's own
 * classpath, which is the distribution ({@code ratis-sm-jepsen-*.jar} and {@code lib/*}) under
 * {@code bin/ratis-sm} and {@code target/classes} plus the dependencies under Maven's test runner, so the
 * harness works before the jar is packaged. Where libfaketime is installed every replica runs under it
 * ({@link Faketime}), with its clocks at real time until a clock nemesis moves them.
 */
public final class Cluster implements AutoCloseable {
    /** Small, fast-starting JVMs: five of them and the harness must fit on two cores. */
    static final List<String> NODE_JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto", "-Djava.net.preferIPv4Stack=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=warn");

    /** How long replicas get to shut down cleanly before they are killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final TestNetwork network;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();

    private Cluster(TestNetwork network) {
        this.network = network;
    }

    /** Creates the node processes (not yet started) for {@code ids}. */
    public static Cluster create(List<String> ids, TestNetwork network, NodeSettings settings, Path dataRoot,
                                 Path logRoot) {
        Cluster cluster = new Cluster(network);
        String peers = ids.stream().map(id -> id + "=" + network.host(id) + ":" + network.port(id))
                .collect(Collectors.joining(","));
        Optional<Path> faketime = Faketime.library();
        faketime.ifPresent(lib -> Faketime.sweepStale());
        for (String id : ids) {
            try {
                Path data = Files.createDirectories(dataRoot.resolve(id));
                Path logDir = Files.createDirectories(logRoot.resolve(id));
                List<String> command = new ArrayList<>(network.launchPrefix(id));
                NodeClock clock = null;
                if (faketime.isPresent()) {
                    clock = new NodeClock(data.resolve("faketime"));
                    command.addAll(Faketime.envPrefix(faketime.get(), clock.controlFile()));
                }
                command.add(javaBinary());
                command.addAll(NODE_JVM_FLAGS);
                command.addAll(List.of("-cp", classpath(), NodeMain.class.getName(),
                        "--id", id, "--peers", peers, "--storage", data.toString(),
                        "--state-machine", settings.stateMachine().name(),
                        "--replication", settings.replication().name(),
                        "--snapshot-every", Long.toString(settings.snapshotEvery()),
                        "--election-timeout-ms", Long.toString(settings.electionTimeout().toMillis()),
                        "--execute-delay-ms", Long.toString(settings.executeDelay().toMillis()),
                        "--status-file", data.resolve("status").toString()));
                if (settings.leaseReads()) {
                    command.add("--lease-reads");
                }
                if (clock != null) {
                    command.add("--faked-clock");
                }
                cluster.nodes.put(id, new NodeProcess(id, command, logDir.resolve("node.log"), data.resolve("status"),
                        clock));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare directories for replica " + id, e);
            }
        }
        return cluster;
    }

    private static String javaBinary() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's classpath. Surefire may run tests from a manifest-only jar; it then publishes the real test
     * classpath in {@code surefire.test.class.path}.
     */
    static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The peers string clients use: {@code n1=host:port,...}. */
    public String clientPeers() {
        return nodes.keySet().stream().map(id -> id + "=" + network.host(id) + ":" + network.port(id))
                .collect(Collectors.joining(","));
    }

    public List<String> ids() {
        return List.copyOf(nodes.keySet());
    }

    public NodeProcess node(String id) {
        NodeProcess n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no replica " + id + "; replicas are " + nodes.keySet());
        }
        return n;
    }

    public List<NodeProcess> nodes() {
        return Collections.unmodifiableList(new ArrayList<>(nodes.values()));
    }

    public TestNetwork network() {
        return network;
    }

    public void startAll() {
        nodes.values().forEach(NodeProcess::start);
    }

    /**
     * The replica that claims leadership in the highest term among those that answer, if any. A deposed leader
     * behind a partition may still claim an older term; the highest term wins, as it would in Raft.
     */
    public Optional<String> leader() {
        return nodes.values().stream()
                .map(n -> n.status().filter(NodeStatus::leader).map(s -> Map.entry(n.id(), s.term())))
                .flatMap(Optional::stream)
                .max(Comparator.comparingLong(Map.Entry::getValue))
                .map(Map.Entry::getKey);
    }

    /** Stops every replica (resuming paused ones first). The network is the caller's to close. */
    @Override
    public void close() {
        nodes.values().forEach(NodeProcess::beginStop);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (NodeProcess n : nodes.values()) {
            n.awaitStop(deadline);
        }
        if (nodes.values().stream().anyMatch(n -> n.clock().isPresent())) {
            Faketime.sweepStale(); // what the replicas killed during the run left in /dev/shm
        }
    }
}
