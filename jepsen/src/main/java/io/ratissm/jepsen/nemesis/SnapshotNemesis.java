package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Forces every running replica to take a snapshot and purge its log behind it, at the start and again at the
 * end of the fault window, so that restarts and lagging followers must recover from snapshots (combined with
 * kill or partition, a follower that missed purged entries needs a snapshot installed by the leader).
 */
public final class SnapshotNemesis implements Nemesis {
    private final Cluster cluster;

    public SnapshotNemesis(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public String name() {
        return "snapshot";
    }

    @Override
    public Object start() {
        return List.of(Keyword.of("snapshot"), snapshotAll());
    }

    @Override
    public Object stop() {
        return List.of(Keyword.of("snapshot"), snapshotAll());
    }

    private List<String> snapshotAll() {
        List<String> asked = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            if (n.requestSnapshot()) {
                asked.add(n.id());
            }
        }
        return asked;
    }
}
