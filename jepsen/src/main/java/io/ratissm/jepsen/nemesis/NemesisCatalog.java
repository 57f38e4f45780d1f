package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.nodes.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The nemeses by command-line name. {@code none} means no faults; a comma-separated list combines faults (the
 * schedule takes them in turn).
 */
public final class NemesisCatalog {
    /** Every name {@link #create} accepts. */
    public static final List<String> NAMES = List.of("none", "kill", "kill-minority", "kill-leader", "kill-all",
            "pause", "pause-minority", "pause-leader", "pause-all", "partition", "partition-leader", "partition-one",
            "partition-ring", "snapshot");

    private NemesisCatalog() {
    }

    /** True if {@code name} needs packet filtering (and so root and network namespaces). */
    public static boolean needsNetwork(String name) {
        return name.startsWith("partition");
    }

    /** The nemeses named in {@code spec} (e.g. {@code "kill,partition-leader"}), in order. */
    public static List<Nemesis> create(List<String> names, Cluster cluster, Random random) {
        List<Nemesis> nemeses = new ArrayList<>();
        for (String name : names) {
            switch (name) {
                case "none" -> { }
                case "kill" -> nemeses.add(new KillNemesis(cluster, Targets.ONE, random));
                case "kill-minority" -> nemeses.add(new KillNemesis(cluster, Targets.MINORITY, random));
                case "kill-leader" -> nemeses.add(new KillNemesis(cluster, Targets.LEADER, random));
                case "kill-all" -> nemeses.add(new KillNemesis(cluster, Targets.ALL, random));
                case "pause" -> nemeses.add(new PauseNemesis(cluster, Targets.ONE, random));
                case "pause-minority" -> nemeses.add(new PauseNemesis(cluster, Targets.MINORITY, random));
                case "pause-leader" -> nemeses.add(new PauseNemesis(cluster, Targets.LEADER, random));
                case "pause-all" -> nemeses.add(new PauseNemesis(cluster, Targets.ALL, random));
                case "partition" -> nemeses.add(new PartitionNemesis(cluster, PartitionNemesis.Shape.HALVES, random));
                case "partition-leader" ->
                        nemeses.add(new PartitionNemesis(cluster, PartitionNemesis.Shape.LEADER, random));
                case "partition-one" -> nemeses.add(new PartitionNemesis(cluster, PartitionNemesis.Shape.ONE, random));
                case "partition-ring" -> nemeses.add(new PartitionNemesis(cluster, PartitionNemesis.Shape.RING, random));
                case "snapshot" -> nemeses.add(new SnapshotNemesis(cluster));
                default -> throw new IllegalArgumentException("unknown nemesis '" + name + "'; choose from " + NAMES);
            }
        }
        return nemeses;
    }
}
