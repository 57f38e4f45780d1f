package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.net.TestNetwork;
import io.ratissm.jepsen.nodes.Cluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Cuts the network between replicas by packet filter rules ({@link TestNetwork#partition}); {@link #stop}
 * heals it. Clients keep reaching every replica, so a client can talk to the minority side.
 */
public final class PartitionNemesis implements Nemesis {

    /** The shape of the cut. */
    public enum Shape {
        /** Random halves: the smaller half is a minority. */
        HALVES,
        /** The current leader alone against the rest. */
        LEADER,
        /** One random replica alone against the rest. */
        ONE,
        /** Majorities ring: every replica sees a majority, none the same one. */
        RING
    }

    private final Cluster cluster;
    private final Shape shape;
    private final Random random;

    public PartitionNemesis(Cluster cluster, Shape shape, Random random) {
        if (!cluster.network().supportsPartitions()) {
            throw new IllegalArgumentException("partitions are not available on this network: "
                    + cluster.network().describe());
        }
        this.cluster = cluster;
        this.shape = shape;
        this.random = random;
    }

    @Override
    public String name() {
        return shape == Shape.HALVES ? "partition" : "partition-" + shape.name().toLowerCase();
    }

    @Override
    public Object start() {
        List<String> nodes = new ArrayList<>(cluster.ids());
        Collections.shuffle(nodes, random);
        Map<String, Set<String>> grudge = switch (shape) {
            case HALVES -> Grudges.halves(nodes);
            case LEADER -> Grudges.isolate(cluster.leader().orElse(nodes.get(0)), nodes);
            case ONE -> Grudges.isolate(nodes.get(0), nodes);
            case RING -> Grudges.majoritiesRing(nodes);
        };
        cluster.network().partition(grudge);
        return List.of(Keyword.of("isolated"), new TreeMap<>(grudge));
    }

    @Override
    public Object stop() {
        cluster.network().heal();
        return Keyword.of("network-healed");
    }
}
