package io.ratissm.jepsen.nodes;

import io.ratissm.cli.Launcher;
import io.ratissm.internal.config.SettingType;
import io.ratissm.internal.config.Settings;
import io.ratissm.jepsen.net.TestNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The replicas of one test, as processes on a {@link TestNetwork}: {@code n1..nN}, each running {@code ratis-sm
 * server --config <dataRoot>/<id>/replica.properties} as an operator would, with its own data directory
 * {@code <dataRoot>/<id>/} (its configuration file, its clock control file, and {@code storage/}, the replica's
 * storage, which with {@link NodeSettings#diskBytes()} is a filesystem of its own, {@link NodeDisk}) and log file
 * ({@code <logRoot>/<id>/node.log}). The harness reads each replica's state from its {@code /status} endpoint.
 * Nodes run this JVM's own classpath, which is the distribution ({@code ratis-sm-jepsen-*.jar} and {@code lib/*})
 * under {@code bin/ratis-sm} and {@code target/classes} plus the dependencies under Maven's test runner, so the
 * harness works before the jar is packaged, followed by the state machine's own classpath if it has one. Every
 * replica JVM carries the harness's {@link NodeAgent}, which stops it when the harness goes away. Where libfaketime
 * is installed every replica runs under it ({@link Faketime}), with its clocks at real time until a clock nemesis
 * moves them.
 */
public final class Cluster implements AutoCloseable {
    /** Small, fast-starting JVMs: five of them and the harness must fit on two cores. */
    static final List<String> NODE_JVM_FLAGS = List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            // as bin/ratis-sm starts a server (io.ratissm.internal.CommonPool)
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
            "-Xshare:auto",
            "-Djava.net.preferIPv4Stack=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=warn");

    /** How long replicas get to shut down cleanly before they are killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /**
     * Ratis preallocates log space (4 MiB at a time by default); a replica writes into its preallocated space
     * without asking the filesystem for more. At the harness's tens of KB per second of log, a full disk would then
     * be met only minutes after it filled, so replicas on their own disks preallocate in small steps and meet it
     * within a second or two.
     */
    static final String SMALL_PREALLOCATION = "raft.server.log.preallocated.size = 16KB";

    private final TestNetwork network;
    private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Map<String, NodeDisk> disks = new LinkedHashMap<>();

    private Cluster(TestNetwork network) {
        this.network = network;
    }

    /**
     * Creates the node processes (not yet started) for {@code ids}, and mounts their disks if the settings ask for
     * them.
     */
    public static Cluster create(
            List<String> ids, TestNetwork network, NodeSettings settings, Path dataRoot, Path logRoot) {
        Cluster cluster = new Cluster(network);
        try {
            cluster.prepare(ids, settings, dataRoot, logRoot);
        } catch (RuntimeException e) {
            cluster.unmountDisks();
            throw e;
        }
        return cluster;
    }

    private void prepare(List<String> ids, NodeSettings settings, Path dataRoot, Path logRoot) {
        String peers = peers(ids);
        Optional<Path> faketime = Faketime.library();
        faketime.ifPresent(lib -> Faketime.sweepStale());
        Path agent = NodeAgent.writeJar(dataRoot.resolve("node-agent.jar"));
        for (String id : ids) {
            try {
                Path data = Files.createDirectories(dataRoot.resolve(id));
                Path storage = Files.createDirectories(data.resolve("storage"));
                Path logDir = Files.createDirectories(logRoot.resolve(id));
                if (settings.diskBytes() > 0) {
                    disks.put(id, NodeDisk.mount(id, storage, settings.diskBytes()));
                }
                List<String> command = new ArrayList<>(network.launchPrefix(id));
                NodeClock clock = null;
                if (faketime.isPresent()) {
                    clock = new NodeClock(data.resolve("faketime"));
                    command.addAll(Faketime.envPrefix(faketime.get(), clock.controlFile()));
                }
                command.add(javaBinary());
                command.addAll(NODE_JVM_FLAGS);
                command.addAll(settings.stateMachine().jvmProperties(settings.executeDelay()));
                command.add("-javaagent:" + agent + (clock != null ? "=" + NodeAgent.FAKED_CLOCK : ""));
                Path config = data.resolve("replica.properties");
                command.addAll(List.of(
                        "-cp",
                        settings.stateMachine().nodeClasspath(classpath()),
                        Launcher.class.getName(),
                        "server",
                        "--config",
                        config.toString()));
                nodes.put(
                        id,
                        new NodeProcess(
                                id,
                                command,
                                config,
                                configLines(id, peers, storage, settings),
                                address(id),
                                URI.create("http://" + network.host(id) + ":" + network.httpPort(id) + "/status"),
                                storage,
                                logDir.resolve("node.log"),
                                clock));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare directories for replica " + id, e);
            }
        }
    }

    /** The replica's configuration file, in the keys of {@link Settings}. */
    private List<String> configLines(String id, String peers, Path storage, NodeSettings settings) {
        List<String> lines = new ArrayList<>(List.of(
                "# written by the harness for one replica of a test",
                Settings.ID.key() + " = " + id,
                Settings.PEERS.key() + " = " + peers,
                Settings.STORAGE.key() + " = " + storage,
                Settings.STATE_MACHINE.key() + " = " + settings.stateMachine().configValue(settings.executeDelay()),
                Settings.REPLICATION.key() + " = " + settings.replication().name(),
                Settings.SNAPSHOT_EVERY.key() + " = " + settings.snapshotEvery(),
                Settings.ELECTION_TIMEOUT.key() + " = " + SettingType.DURATION_TEXT.format(settings.electionTimeout()),
                Settings.READ_LEASE.key() + " = " + settings.leaseReads(),
                Settings.HTTP_PORT.key() + " = " + network.httpPort(id)));
        if (settings.sharded()) {
            lines.add(Settings.SHARDED.key() + " = true");
        }
        if (settings.diskBytes() > 0) {
            lines.add(Settings.RATIS_PREFIX + SMALL_PREALLOCATION);
        }
        lines.addAll(settings.extraConfig());
        return lines;
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
        return peers(nodes.keySet());
    }

    private String peers(Collection<String> ids) {
        return ids.stream().map(id -> id + "=" + address(id)).collect(Collectors.joining(","));
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

    /** {@code id}'s own filesystem, if the replicas have them. */
    public Optional<NodeDisk> disk(String id) {
        return Optional.ofNullable(disks.get(id));
    }

    /** The address {@code id} listens on, {@code host:port}. */
    public String address(String id) {
        return network.host(id) + ":" + network.port(id);
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

    /**
     * Stops every replica (resuming paused ones first), then unmounts their disks. The network is the caller's to
     * close.
     */
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
        unmountDisks();
    }

    private void unmountDisks() {
        disks.values().forEach(NodeDisk::unmount);
    }
}
