package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forces every running replica to take a snapshot and purge its log behind it, at the start and again at the
 * end of the fault window, so that restarts and lagging followers must recover from snapshots (combined with
 * kill or partition, a follower that missed purged entries needs a snapshot installed by the leader). Each replica
 * is asked as {@code ratis-sm admin snapshot ID} asks it; the op records, per replica asked, the log index its
 * snapshot covers or why it took none (a snapshot can be refused, e.g. with nothing new to snapshot).
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

    private Map<String, Object> snapshotAll() {
        Map<String, Object> taken = new LinkedHashMap<>();
        for (NodeProcess n : cluster.nodes()) {
            if (n.isAlive() && !n.isPaused()) {
                try {
                    taken.put(n.id(), n.snapshot());
                } catch (RuntimeException e) {
                    taken.put(n.id(), String.valueOf(e.getMessage()));
                }
            }
        }
        return taken;
    }
}
