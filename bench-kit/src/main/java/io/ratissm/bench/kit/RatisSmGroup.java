package io.ratissm.bench.kit;

import io.ratissm.LocalCluster;
import io.ratissm.ReplicaClient;
import io.ratissm.ReplicaServer;
import io.ratissm.Replication;
import io.ratissm.StateMachine;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A ratis-sm group under benchmark: three replicas in this JVM ({@link LocalCluster}, durable logs fsynced
 * in a fresh temporary directory) and one client. {@link #close()} stops everything, frees the ports and
 * deletes the directory, so trials do not leak into each other.
 */
public final class RatisSmGroup implements AutoCloseable {
    /** Replicas per group: the smallest that tolerates a failure, and the size the baseline uses. */
    public static final int REPLICAS = 3;

    private final LocalCluster cluster;
    private final ReplicaClient client;

    private RatisSmGroup(LocalCluster cluster, ReplicaClient client) {
        this.cluster = cluster;
        this.client = client;
    }

    /**
     * Starts a group and waits for its leader.
     *
     * @param settings adjusts every replica, e.g. {@code b -> b.property(key, value)}
     */
    public static RatisSmGroup start(
            Replication mode, Supplier<? extends StateMachine> stateMachine, Consumer<ReplicaServer.Builder> settings)
            throws IOException {
        return start(mode, stateMachine, settings, c -> {});
    }

    /**
     * Starts a group and waits for its leader, with a client built with {@code client} applied to its builder
     * (e.g. {@code c -> c.batching(1024, 1 << 20, 2)}).
     */
    public static RatisSmGroup start(
            Replication mode,
            Supplier<? extends StateMachine> stateMachine,
            Consumer<ReplicaServer.Builder> settings,
            Consumer<ReplicaClient.Builder> client)
            throws IOException {
        LocalCluster cluster = LocalCluster.builder()
                .replicas(REPLICAS)
                .replication(mode)
                .stateMachine(stateMachine)
                .configure(settings)
                .start();
        try {
            cluster.awaitLeader();
            ReplicaClient.Builder b = ReplicaClient.builder().peers(cluster.peers());
            client.accept(b);
            return new RatisSmGroup(cluster, b.build());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public ReplicaClient client() {
        return client;
    }

    public ReplicaServer leader() {
        return cluster.replica(cluster.awaitLeader());
    }

    /**
     * Waits until every running replica has applied as far as the leader had when called.
     *
     * @throws IllegalStateException if they have not within {@code timeout}
     */
    public void awaitReplicasApplied(Duration timeout) {
        cluster.awaitCaughtUp(timeout);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            cluster.close();
        }
    }
}
