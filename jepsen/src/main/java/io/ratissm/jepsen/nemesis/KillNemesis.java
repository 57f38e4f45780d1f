package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** SIGKILLs the targeted replicas; {@link #stop} restarts every replica that is down, on its old data. */
public final class KillNemesis implements Nemesis {
    private final Cluster cluster;
    private final Targets targets;
    private final Random random;

    public KillNemesis(Cluster cluster, Targets targets, Random random) {
        this.cluster = cluster;
        this.targets = targets;
        this.random = random;
    }

    @Override
    public String name() {
        return targets == Targets.ONE ? "kill" : "kill-" + targets.name().toLowerCase();
    }

    @Override
    public Object start() {
        List<String> killed = new ArrayList<>();
        for (NodeProcess n : targets.select(cluster, random)) {
            n.kill();
            killed.add(n.id());
        }
        return List.of(Keyword.of("killed"), killed);
    }

    @Override
    public Object stop() {
        List<String> restarted = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            if (!n.isAlive()) {
                n.start();
                restarted.add(n.id());
            }
        }
        return List.of(Keyword.of("restarted"), restarted);
    }
}
