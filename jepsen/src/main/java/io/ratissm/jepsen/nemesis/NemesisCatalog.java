package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.net.Networks;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.Faketime;
import io.ratissm.jepsen.nodes.NodeDisk;
import io.ratissm.jepsen.nodes.ShardSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The nemeses by command-line name. {@code none} means no faults; a comma-separated list takes faults in turn (the
 * schedule gives each its own window); names joined with {@code +} are one fault of several parts, all active in
 * the same window (e.g. {@code partition-leader+clock-rate-leader}).
 *
 * <p>In a sharded run every fault but {@code move-shard} acts on server processes (or their network, clocks, disks) as
 * in an unsharded one, so one kill hits every group the server hosts: the placement group and its shards' replicas.
 * "The leader" of the {@code -leader} faults is then the placement group's leader (the servers' own group, which their
 * {@code /status} reports first); {@code snapshot} snapshots every group each server hosts. {@code move-shard} moves
 * shard replicas between servers ({@link MoveShardNemesis}) and needs a sharded run; {@code corrupt} is refused in
 * one ({@link #shardingProblem}).
 */
public final class NemesisCatalog {
    /** Every simple name {@link #create} accepts. */
    public static final List<String> NAMES = List.of(
            "none",
            "kill",
            "kill-minority",
            "kill-leader",
            "kill-all",
            "pause",
            "pause-minority",
            "pause-leader",
            "pause-all",
            "partition",
            "partition-leader",
            "partition-one",
            "partition-ring",
            "snapshot",
            "clock-skew",
            "clock-skew-leader",
            "clock-rate",
            "clock-rate-leader",
            "disk-full",
            "disk-full-leader",
            "corrupt",
            "move-shard");

    private NemesisCatalog() {}

    /** Null if {@code name} (simple or joined with {@code +}) is a nemesis, else what is wrong with it. */
    public static String problem(String name) {
        List<String> parts = parts(name);
        for (String part : parts) {
            if (!NAMES.contains(part)) {
                return "unknown nemesis '" + part + "'; choose from " + NAMES;
            }
        }
        if (parts.size() > 1 && parts.contains("none")) {
            return "'none' cannot be combined with other faults in '" + name + "'";
        }
        if (parts.stream().filter(p -> p.startsWith("clock")).count() > 1) {
            return "one clock fault at a time: '" + name + "' combines several";
        }
        return null;
    }

    /** True if {@code name} moves shard replicas (and so needs a sharded run). */
    public static boolean movesShards(String name) {
        return parts(name).contains("move-shard");
    }

    /**
     * Null if the fault {@code name} (known to {@link #problem}) can run with {@code shards} shards ({@code 0}: an
     * unsharded run) of {@code replicasPerShard} replicas each on {@code servers} servers, else why not: {@code
     * move-shard} needs shards and a server that hosts no replica of a shard to move one to; {@code corrupt}'s way
     * back (remove the replica, empty its storage, start it with join, add it back) knows the servers' own group only,
     * while a sharded server's storage also holds its shards' groups.
     */
    public static String shardingProblem(String name, int shards, int servers, int replicasPerShard) {
        List<String> parts = parts(name);
        if (parts.contains("move-shard")) {
            if (shards == 0) {
                return "move-shard moves replicas of shards between servers: it needs a sharded run (--shards S,"
                        + " S > 0)";
            }
            if (replicasPerShard >= servers) {
                return "move-shard needs a server that hosts no replica of a shard, to move one there: with "
                        + servers + (servers == 1 ? " server" : " servers") + " a shard may have at most "
                        + (servers - 1) + " replicas (--shard-replicas), not " + replicasPerShard;
            }
        }
        if (shards > 0 && parts.contains("corrupt")) {
            return "corrupt cannot run with --shards: its way back (remove the damaged replica, empty its storage,"
                    + " start it with join, add it back) knows the servers' own group only, and a sharded server's"
                    + " storage also holds the groups of its shards";
        }
        return null;
    }

    /** True if {@code name} needs packet filtering (and so root and network namespaces). */
    public static boolean needsNetwork(String name) {
        return parts(name).stream().anyMatch(p -> p.startsWith("partition"));
    }

    /** True if {@code name} moves clocks (and so needs libfaketime). */
    public static boolean needsClocks(String name) {
        return parts(name).stream().anyMatch(p -> p.startsWith("clock"));
    }

    /** True if {@code name} fills disks (and so needs each replica's storage on a filesystem of its own). */
    public static boolean needsDisks(String name) {
        return parts(name).stream().anyMatch(p -> p.startsWith("disk-full"));
    }

    /**
     * Null if the fault {@code name} (simple or joined with {@code +}, known to {@link #problem}) can strike on this
     * machine, else why not and which faults can: partitions need network namespaces (root), clock faults
     * libfaketime, disk-full a filesystem of its own per replica (a tmpfs, root).
     */
    public static String whyUnavailable(String name) {
        if (needsNetwork(name) && Networks.whyNoNamespaces() != null) {
            return "partitions need network namespaces, which are not available here (" + Networks.whyNoNamespaces()
                    + "); faults that need none: kill*, pause*, snapshot, corrupt";
        }
        if (needsClocks(name) && Faketime.whyUnavailable() != null) {
            return "clock faults need libfaketime, which is not available here (" + Faketime.whyUnavailable()
                    + "); faults that need none: kill*, pause*, partition*, snapshot, corrupt";
        }
        if (needsDisks(name) && NodeDisk.whyUnavailable() != null) {
            return "disk-full needs a filesystem of its own per replica (a tmpfs the harness mounts), which cannot be"
                    + " made here (" + NodeDisk.whyUnavailable() + "); faults that need none: kill*, pause*, snapshot,"
                    + " corrupt";
        }
        return null;
    }

    /** The nemeses named in {@code names} (e.g. {@code ["kill", "partition-leader+clock-rate"]}), in order. */
    public static List<Nemesis> create(List<String> names, Cluster cluster, Random random, ClockFaults clocks) {
        return create(names, cluster, random, clocks, null, message -> {});
    }

    /**
     * The nemeses named in {@code names}, in order, for a run whose servers hold {@code shards} (null: an unsharded
     * run).
     *
     * @param log where nemeses that act in the background ({@code move-shard}) write what they did, as they do it
     * @throws IllegalArgumentException if a name is unknown or cannot run with (or without) the shards
     */
    public static List<Nemesis> create(
            List<String> names,
            Cluster cluster,
            Random random,
            ClockFaults clocks,
            ShardSet shards,
            Consumer<String> log) {
        List<Nemesis> nemeses = new ArrayList<>();
        for (String name : names) {
            String problem = problem(name);
            if (problem == null) {
                problem = shards == null
                        ? shardingProblem(name, 0, cluster.ids().size(), 0)
                        : shardingProblem(name, shards.count(), cluster.ids().size(), shards.replicas());
            }
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            List<Nemesis> parts = new ArrayList<>();
            for (String part : parts(name)) {
                if (!part.equals("none")) {
                    parts.add(simple(part, cluster, random, clocks, shards, log));
                }
            }
            if (parts.size() == 1) {
                nemeses.add(parts.get(0));
            } else if (parts.size() > 1) {
                nemeses.add(new CompositeNemesis(parts));
            }
        }
        return nemeses;
    }

    private static List<String> parts(String name) {
        return List.of(name.split("\\+", -1));
    }

    private static Nemesis simple(
            String name, Cluster cluster, Random random, ClockFaults clocks, ShardSet shards, Consumer<String> log) {
        return switch (name) {
            case "kill" -> new KillNemesis(cluster, Targets.ONE, random);
            case "kill-minority" -> new KillNemesis(cluster, Targets.MINORITY, random);
            case "kill-leader" -> new KillNemesis(cluster, Targets.LEADER, random);
            case "kill-all" -> new KillNemesis(cluster, Targets.ALL, random);
            case "pause" -> new PauseNemesis(cluster, Targets.ONE, random);
            case "pause-minority" -> new PauseNemesis(cluster, Targets.MINORITY, random);
            case "pause-leader" -> new PauseNemesis(cluster, Targets.LEADER, random);
            case "pause-all" -> new PauseNemesis(cluster, Targets.ALL, random);
            case "partition" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.HALVES, random);
            case "partition-leader" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.LEADER, random);
            case "partition-one" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.ONE, random);
            case "partition-ring" -> new PartitionNemesis(cluster, PartitionNemesis.Shape.RING, random);
            case "snapshot" -> new SnapshotNemesis(cluster, shards);
            case "clock-skew" -> new ClockNemesis(cluster, ClockNemesis.Kind.SKEW, Targets.ONE, random, clocks);
            case "clock-skew-leader" ->
                new ClockNemesis(cluster, ClockNemesis.Kind.SKEW, Targets.LEADER, random, clocks);
            case "clock-rate" -> new ClockNemesis(cluster, ClockNemesis.Kind.RATE, Targets.ONE, random, clocks);
            case "clock-rate-leader" ->
                new ClockNemesis(cluster, ClockNemesis.Kind.RATE, Targets.LEADER, random, clocks);
            case "disk-full" -> new DiskFullNemesis(cluster, Targets.ONE, random);
            case "disk-full-leader" -> new DiskFullNemesis(cluster, Targets.LEADER, random);
            case "corrupt" -> new CorruptNemesis(cluster, random);
            case "move-shard" -> new MoveShardNemesis(cluster, shards, random, log);
            default -> throw new IllegalArgumentException("unknown nemesis '" + name + "'; choose from " + NAMES);
        };
    }
}
