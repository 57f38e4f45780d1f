package io.ratissm.bench.baseline;

import io.ratissm.internal.metrics.RatisRegistries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * Three bare Ratis servers running {@link BareCounter} in this JVM, over gRPC on loopback, with durable storage
 * in a fresh temporary directory, and one {@link RaftClient} using its asynchronous API: the baseline that
 * ratis-sm's own cost and gain are measured against, in the same run.
 *
 * <p>The servers get the Ratis properties a ratis-sm replica gets with its default settings
 * ({@link BareRatisSettings}): election timeout 1-2 s, LINEARIZABLE reads, fsynced 8 MiB log segments,
 * snapshots every 10,000 entries. The client gets
 * ratis-sm's client timeout and retry pause, and enough async slots for the requests the benchmark keeps
 * outstanding (Ratis's default of 100 would otherwise cap them). {@link #close()} stops everything and deletes
 * the directory.
 */
public final class BareRatisGroup implements AutoCloseable {
    private final Path root;
    private final RaftGroup group;
    private final Map<String, Integer> ports;
    private final Map<String, RaftServer> servers = new LinkedHashMap<>();
    private final Map<String, BareCounter> counters = new LinkedHashMap<>();
    private RaftClient client;

    private BareRatisGroup(Path root, Map<String, Integer> ports) {
        this.root = root;
        this.ports = ports;
        List<RaftPeer> peers = new ArrayList<>();
        ports.forEach((id, port) -> peers.add(
                RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + port).build()));
        this.group = RaftGroup.valueOf(RaftGroupId.randomId(), peers);
    }

    /** Starts three replicas, waits for a leader and connects a client allowing {@code outstanding} requests. */
    public static BareRatisGroup start(int outstanding) throws IOException {
        // ratis-sm's Ratis metrics backend needs its hook in place before Ratis creates a registry, in any JVM
        // that has ratis-sm on the classpath (see RatisRegistries); these servers are built without ratis-sm.
        RatisRegistries.install();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            ports.put("b" + i, ScratchResources.freePort());
        }
        BareRatisGroup g = new BareRatisGroup(Files.createTempDirectory("bare-ratis"), ports);
        try {
            g.startServers();
            g.awaitLeader();
            g.client = newClient(g.group, outstanding);
            return g;
        } catch (IOException | RuntimeException e) {
            g.close();
            throw e;
        }
    }

    private void startServers() throws IOException {
        for (Map.Entry<String, Integer> peer : ports.entrySet()) {
            String id = peer.getKey();
            Path storage = Files.createDirectories(root.resolve(id));
            BareCounter counter = new BareCounter();
            RaftServer server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(id))
                    .setGroup(group)
                    .setStateMachine(counter)
                    .setProperties(BareRatisSettings.forServer(storage, peer.getValue()))
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
            servers.put(id, server);
            counters.put(id, counter);
            server.start();
        }
    }

    private static RaftClient newClient(RaftGroup group, int outstanding) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, Math.max(100, outstanding));
        return RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(p)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        50, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
    }

    /** Sends one command through the ordered async API; completes exceptionally if the group refused it. */
    public CompletableFuture<RaftClientReply> send(Message command) {
        return client.async().send(command).thenApply(reply -> {
            if (!reply.isSuccess()) {
                throw new CompletionException(reply.getException());
            }
            return reply;
        });
    }

    /**
     * Each replica's counter value, once every replica counts at least {@code acknowledged} (the commands whose
     * replies came back), or as it stands when {@code timeout} has passed: the caller compares. It waits on the
     * counters, not on applied indexes, which Ratis may advance after the reply has left.
     */
    public Map<String, Long> appliedValues(long acknowledged, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counters.values().stream().anyMatch(c -> c.value() < acknowledged) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Map<String, Long> values = new LinkedHashMap<>();
        counters.forEach((id, c) -> values.put(id, c.value()));
        return values;
    }

    private void awaitLeader() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (RaftServer s : servers.values()) {
                if (s.getDivision(group.getGroupId()).getInfo().isLeader()) {
                    return;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a leader", e);
            }
        }
        throw new IllegalStateException("no leader among the bare Ratis servers within 30 s");
    }

    @Override
    public void close() {
        IOException failure = null;
        List<AutoCloseable> parts = new ArrayList<>(servers.values());
        if (client != null) {
            parts.add(0, client);
        }
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                failure = failure != null ? failure : new IOException("failed to stop the bare Ratis group", e);
            }
        }
        ScratchResources.deleteRecursively(root);
        if (failure != null) {
            throw new UncheckedIOException(failure);
        }
    }
}
