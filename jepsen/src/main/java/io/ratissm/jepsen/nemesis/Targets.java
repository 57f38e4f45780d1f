package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Which replicas a process fault hits, as in Jepsen's node specs. */
public enum Targets {
    /** One random replica. */
    ONE,
    /** A random minority: 1 of 3, 2 of 5. */
    MINORITY,
    /** The current leader (a random replica if none is known, e.g. during an election). */
    LEADER,
    /** Every replica. */
    ALL;

    /** The replicas to hit now. */
    public List<NodeProcess> select(Cluster cluster, Random random) {
        List<NodeProcess> nodes = new ArrayList<>(cluster.nodes());
        Collections.shuffle(nodes, random);
        return switch (this) {
            case ONE -> nodes.subList(0, 1);
            case MINORITY -> nodes.subList(0, (nodes.size() - 1) / 2);
            case LEADER -> cluster.leader().map(id -> List.of(cluster.node(id))).orElse(nodes.subList(0, 1));
            case ALL -> nodes;
        };
    }
}
