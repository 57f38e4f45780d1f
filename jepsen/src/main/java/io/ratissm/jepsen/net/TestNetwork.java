package io.ratissm.jepsen.net;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the replicas of one test live on the network, and how faults cut it. Node ids are those given at
 * creation ({@code n1}, {@code n2}, ...). The harness's clients always reach every node: a partition only cuts
 * traffic between replicas, as in Jepsen, so a client can still read from a replica on the minority side.
 */
public interface TestNetwork extends AutoCloseable {

    /** The host (IP address) that {@code node} listens on and that peers and clients connect to. */
    String host(String node);

    /** The port {@code node} listens on. */
    int port(String node);

    /** The port of {@code node}'s HTTP endpoints ({@code /status}, {@code /health}), on the same host. */
    int httpPort(String node);

    /** The command words to put in front of a node's command so that it runs in the node's network. */
    List<String> launchPrefix(String node);

    /** True if {@link #partition} really drops packets; false means partitions are not available. */
    boolean supportsPartitions();

    /**
     * Drops traffic between replicas: every node in {@code grudge}'s keys stops receiving packets from each node in
     * its value set. Replaces any earlier partition.
     *
     * @throws UnsupportedOperationException if {@link #supportsPartitions()} is false
     */
    void partition(Map<String, Set<String>> grudge);

    /** Restores full connectivity between replicas. */
    void heal();

    /** One line for logs and reports, e.g. the subnet and whether partitions work. */
    String describe();

    /** Removes everything the network created (namespaces, links, rules). Safe to call twice. */
    @Override
    void close();
}
