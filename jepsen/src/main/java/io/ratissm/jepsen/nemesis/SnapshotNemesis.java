package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import io.ratissm.jepsen.nodes.ShardSet;
import io.ratissm.shard.ShardMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forces every running replica to take a snapshot and purge its log behind it, at the start and again at the
 * end of the fault window, so that restarts and lagging followers must recover from snapshots (combined with
 * kill or partition, a follower that missed purged entries needs a snapshot installed by the leader). Each replica
 * is asked as {@code ratis-sm admin snapshot ID} asks it; the op records, per replica asked, the log index its
 * snapshot covers or why it took none (a snapshot can be refused, e.g. with nothing new to snapshot).
 *
 * <p>In a sharded run every server is asked for a snapshot in each group it hosts: the placement group (under its
 * name, {@code ratis-sm}) and each shard whose replica the shard map places on it; the op then records, per server, the
 * index or the reason per group ({@code {"n1" {"ratis-sm" 35, "jepsen-0" 6120, "jepsen-2" 5933}, ...}}).
 */
public final class SnapshotNemesis implements Nemesis {
    /** The placement group's name: the harness's servers keep the default name of their own group. */
    static final String PLACEMENT_GROUP = "ratis-sm";

    private final Cluster cluster;
    private final ShardSet shards;

    public SnapshotNemesis(Cluster cluster) {
        this(cluster, null);
    }

    /** With {@code shards} (null for an unsharded run): each server snapshots every group it hosts. */
    public SnapshotNemesis(Cluster cluster, ShardSet shards) {
        this.cluster = cluster;
        this.shards = shards;
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
        ShardMap map = null;
        String noMap = null;
        if (shards != null) {
            try {
                map = shards.map();
            } catch (RuntimeException e) {
                noMap = "the shard map could not be read: " + e.getMessage();
            }
        }
        Map<String, Object> taken = new LinkedHashMap<>();
        for (NodeProcess n : cluster.nodes()) {
            if (n.isAlive() && !n.isPaused()) {
                if (shards == null) {
                    taken.put(n.id(), snapshot(n, null));
                    continue;
                }
                Map<String, Object> groups = new LinkedHashMap<>();
                groups.put(PLACEMENT_GROUP, snapshot(n, null));
                if (map == null) {
                    groups.put("shards", noMap);
                } else {
                    for (ShardMap.Shard s : map.shards()) {
                        if (s.members().stream().map(ShardSet::idOf).anyMatch(n.id()::equals)) {
                            groups.put(s.group(), snapshot(n, s.group()));
                        }
                    }
                }
                taken.put(n.id(), groups);
            }
        }
        return taken;
    }

    /** The index {@code n}'s snapshot in {@code group} (null: its own) covers, or why it took none. */
    private static Object snapshot(NodeProcess n, String group) {
        try {
            return n.snapshot(group);
        } catch (RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
