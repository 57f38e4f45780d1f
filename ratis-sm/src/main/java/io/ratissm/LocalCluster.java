package io.ratissm;

import io.ratissm.internal.CommonPool;
import io.ratissm.internal.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A whole group in one JVM, on free loopback ports, with durable storage: for tests, examples and benchmarks.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.start(3, KvStore::new, Replication.ACTIVE);
 *      ReplicaClient client = cluster.newClient()) {
 *     client.submit(command);
 *     cluster.kill(cluster.awaitLeader());   // a crash: the replica stops, its storage stays
 *     cluster.restart("n1");                 // recovers from its snapshot and log
 * }
 * }</pre>
 *
 * <p>Replicas are named {@code n1..nN}. {@link #close()} stops every replica and, if the cluster created its
 * storage directory, deletes it. Thread-safe for the fault operations; not meant for concurrent
 * {@code kill}/{@code restart} of the same replica.
 */
public final class LocalCluster implements AutoCloseable {
    static {
        // Before anything of Ratis runs: see CommonPool.
        CommonPool.ensureParallel();
    }

    private final List<String> ids;
    private final List<String> peers;
    private final Path root;
    private final boolean ownsRoot;
    private final Function<String, Supplier<? extends StateMachine>> stateMachines;
    private final Replication replication;
    private final Consumer<ReplicaServer.Builder> configurer;
    private final Tls replicaTls;
    private final Tls clientTls;
    private final Map<String, ReplicaServer> running = new LinkedHashMap<>();

    private LocalCluster(Builder b, Path root, boolean ownsRoot) throws IOException {
        this.root = root;
        this.ownsRoot = ownsRoot;
        this.stateMachines = b.stateMachines;
        this.replication = b.replication;
        this.configurer = b.configurer;
        this.replicaTls = b.replicaTls;
        this.clientTls = b.clientTls;
        this.ids = new ArrayList<>();
        this.peers = new ArrayList<>();
        List<Integer> ports = freePorts(b.replicas);
        for (int i = 1; i <= b.replicas; i++) {
            String id = "n" + i;
            ids.add(id);
            peers.add(id + "=127.0.0.1:" + ports.get(i - 1));
        }
    }

    /** Starts {@code n} replicas of {@code stateMachine} in a fresh temporary directory. */
    public static LocalCluster start(int n, Supplier<? extends StateMachine> stateMachine, Replication replication)
            throws IOException {
        return builder()
                .replicas(n)
                .stateMachine(stateMachine)
                .replication(replication)
                .start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The replica ids, {@code n1..nN}. */
    public List<String> ids() {
        return List.copyOf(ids);
    }

    /** Every replica id but {@code id}, in order: {@code others(awaitLeader())} are the followers. */
    public List<String> others(String id) {
        checkId(id);
        return ids.stream().filter(other -> !other.equals(id)).toList();
    }

    /** The group's replicas as {@code id=host:port}, the form {@link ReplicaClient} takes. */
    public String peers() {
        return String.join(",", peers);
    }

    /** The replica's storage directory. */
    public Path storage(String id) {
        checkId(id);
        return root.resolve(id);
    }

    /** A new client of this group (with the cluster's client TLS, if any); close it when done. */
    public ReplicaClient newClient() {
        return ReplicaClient.builder().peers(peers).tls(clientTls).build();
    }

    /** The running replica with this id. */
    public synchronized ReplicaServer replica(String id) {
        checkId(id);
        ReplicaServer s = running.get(id);
        if (s == null) {
            throw new IllegalStateException("replica " + id + " is not running");
        }
        return s;
    }

    /** The running replicas. */
    public synchronized List<ReplicaServer> replicas() {
        return List.copyOf(running.values());
    }

    /** The id of the current leader among the running replicas, if one is known. */
    public synchronized Optional<String> leader() {
        return running.values().stream()
                .filter(ReplicaServer::isLeader)
                .map(ReplicaServer::id)
                .findFirst();
    }

    /**
     * Waits until a running replica is leader (at most 30 s).
     *
     * @throws IllegalStateException if none is elected in time
     */
    public String awaitLeader() {
        awaitUntil("a leader is elected among " + running.keySet(), Duration.ofSeconds(30), () -> leader().isPresent());
        return leader().orElseThrow(() -> new IllegalStateException("the leader stepped down just now"));
    }

    /**
     * Waits until every running replica has applied everything the leader had applied when the call began, so
     * that {@link ReplicaClient#queryStale} on any of them sees it.
     *
     * @throws IllegalStateException if a replica does not catch up within {@code timeout}
     */
    public void awaitCaughtUp(Duration timeout) {
        long target = replica(awaitLeader()).appliedIndex();
        for (ReplicaServer r : replicas()) {
            awaitUntil(r.id() + " applies log index " + target, timeout, () -> r.appliedIndex() >= target);
        }
    }

    private static void awaitUntil(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        try {
            if (!Poll.until(timeout, condition)) {
                throw new IllegalStateException("timed out after " + timeout + " waiting until " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting until " + what, e);
        }
    }

    /** Stops a replica as a crash would: nothing is flushed beyond what was already durable. */
    public void kill(String id) {
        ReplicaServer s;
        synchronized (this) {
            checkId(id);
            s = running.remove(id);
        }
        if (s != null) {
            s.close();
        }
    }

    /**
     * Deletes a stopped replica's storage, as losing or replacing its disk would. Restarted as it was, it is refused
     * ({@link StorageRecoveryException}); to bring it back, remove it from the group, restart it with
     * {@code b -> b.join(true)} and add it ({@link GroupAdmin}).
     *
     * @throws IllegalStateException if the replica is running
     */
    public void wipe(String id) {
        synchronized (this) {
            checkId(id);
            if (running.containsKey(id)) {
                throw new IllegalStateException("replica " + id + " is running; kill it first");
            }
        }
        deleteRecursively(root.resolve(id));
    }

    /** Starts a stopped replica again on its storage; it recovers and rejoins. */
    public ReplicaServer restart(String id) throws IOException {
        return restart(id, b -> {});
    }

    /**
     * Starts a stopped replica again on its storage, with its settings adjusted after the cluster's own, e.g.
     * {@code b -> b.join(true)} for a replica whose storage was wiped and that is to be added back.
     */
    public ReplicaServer restart(String id, Consumer<ReplicaServer.Builder> adjust) throws IOException {
        ReplicaServer s;
        synchronized (this) {
            checkId(id);
            if (running.containsKey(id)) {
                throw new IllegalStateException("replica " + id + " is running; kill it first");
            }
            s = newServer(id, adjust);
            running.put(id, s);
        }
        try {
            return s.start();
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                running.remove(id);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        for (String id : ids) {
            kill(id);
        }
        if (ownsRoot) {
            deleteRecursively(root);
        }
    }

    private LocalCluster startAll() throws IOException {
        try {
            for (String id : ids) {
                restart(id);
            }
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private ReplicaServer newServer(String id, Consumer<ReplicaServer.Builder> adjust) throws IOException {
        ReplicaServer.Builder b = ReplicaServer.builder()
                .id(id)
                .peers(peers)
                .storage(root.resolve(id))
                .stateMachine(stateMachines.apply(id))
                .replication(replication)
                .tls(replicaTls);
        configurer.accept(b);
        adjust.accept(b);
        return b.build();
    }

    private void checkId(String id) {
        if (!ids.contains(id)) {
            throw new IllegalArgumentException("unknown replica '" + id + "'; the cluster has " + ids);
        }
    }

    /** {@code n} distinct free ports: every probe stays open until all are chosen, so none is picked twice. */
    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> probes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                s.setReuseAddress(true);
                probes.add(s);
            }
            return probes.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : probes) {
                s.close();
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a {@link LocalCluster}. Required: {@link #stateMachine}. */
    public static final class Builder {
        private int replicas = 3;
        private Function<String, Supplier<? extends StateMachine>> stateMachines;
        private Replication replication = Replication.ACTIVE;
        private Path storage;
        private Consumer<ReplicaServer.Builder> configurer = b -> {};
        private Tls replicaTls;
        private Tls clientTls;

        private Builder() {}

        /** How many replicas (default 3). */
        public Builder replicas(int n) {
            this.replicas = n;
            return this;
        }

        /** The same state machine on every replica. */
        public Builder stateMachine(Supplier<? extends StateMachine> factory) {
            this.stateMachines = id -> factory;
            return this;
        }

        /** A state machine per replica id, for tests that make one replica behave differently. */
        public Builder stateMachinePerReplica(Function<String, Supplier<? extends StateMachine>> factoryById) {
            this.stateMachines = factoryById;
            return this;
        }

        public Builder replication(Replication replication) {
            this.replication = replication;
            return this;
        }

        /** Where the replicas keep their storage (default: a new temporary directory, deleted on close). */
        public Builder storage(Path dir) {
            this.storage = dir;
            return this;
        }

        /** Adjusts every replica's settings, e.g. {@code b -> b.snapshotEvery(100)}. */
        public Builder configure(Consumer<ReplicaServer.Builder> configurer) {
            this.configurer = configurer;
            return this;
        }

        /**
         * Mutual TLS: every replica uses {@code replicas}, and {@link #newClient()} uses {@code clients}
         * (default: plaintext). For one replica to differ, use {@link #configure}.
         */
        public Builder tls(Tls replicas, Tls clients) {
            this.replicaTls = replicas;
            this.clientTls = clients;
            return this;
        }

        public LocalCluster start() throws IOException {
            if (replicas < 1) {
                throw new IllegalArgumentException("a cluster needs at least one replica");
            }
            if (stateMachines == null) {
                throw new IllegalArgumentException("stateMachine is required");
            }
            boolean owns = storage == null;
            Path root = owns ? Files.createTempDirectory("ratis-sm-cluster") : Files.createDirectories(storage);
            return new LocalCluster(this, root, owns).startAll();
        }
    }
}
