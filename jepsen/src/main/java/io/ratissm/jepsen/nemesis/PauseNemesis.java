package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * SIGSTOPs the targeted replicas (a frozen process keeps its sockets: peers see silence, not a reset, and a
 * paused leader wakes up believing it still leads); {@link #stop} SIGCONTs every paused replica.
 */
public final class PauseNemesis implements Nemesis {
    private final Cluster cluster;
    private final Targets targets;
    private final Random random;

    public PauseNemesis(Cluster cluster, Targets targets, Random random) {
        this.cluster = cluster;
        this.targets = targets;
        this.random = random;
    }

    @Override
    public String name() {
        return targets == Targets.ONE ? "pause" : "pause-" + targets.name().toLowerCase();
    }

    @Override
    public Object start() {
        List<String> paused = new ArrayList<>();
        for (NodeProcess n : targets.select(cluster, random)) {
            if (n.isAlive()) {
                n.pause();
                paused.add(n.id());
            }
        }
        return List.of(Keyword.of("paused"), paused);
    }

    @Override
    public Object stop() {
        List<String> resumed = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            if (n.isPaused()) {
                n.resume();
                resumed.add(n.id());
            }
        }
        return List.of(Keyword.of("resumed"), resumed);
    }
}
