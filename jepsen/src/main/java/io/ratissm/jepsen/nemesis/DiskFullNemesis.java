package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeDisk;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fills one replica's filesystem ({@link NodeDisk}) for the fault window, then frees it. The replica is not touched
 * otherwise: whatever it does about the full disk is its own behaviour. {@link #start} records the node, the bytes
 * filled, the bytes left free (0, 4 or 8 KiB, drawn at random: a few KiB let small writes through while the log's
 * preallocation fails) and every replica's applied index; {@link #stop} records the free space it found, the bytes
 * freed, how many lines of the replica's log said "No space left on device" meanwhile (Ratis logs a leader's failed
 * write; a follower's goes unlogged), and whether the replica then caught up with the others within
 * {@value #CATCH_UP_SECONDS} s, with their applied indexes. A replica that does not catch up is left as it is: that is
 * the finding.
 */
public final class DiskFullNemesis implements Nemesis {
    static final long CATCH_UP_SECONDS = 8;
    private static final long[] LEAVE_FREE = {0, 4096, 8192};
    private static final String NO_SPACE = "No space left on device";

    private final Cluster cluster;
    private final Targets targets;
    private final Random random;
    private Filled filled;

    private record Filled(NodeProcess node, DiskFiller filler, long logOffset, long appliedAtFill) {}

    /** @param targets {@link Targets#ONE} (a random replica) or {@link Targets#LEADER} */
    public DiskFullNemesis(Cluster cluster, Targets targets, Random random) {
        if (cluster.ids().stream().anyMatch(id -> cluster.disk(id).isEmpty())) {
            throw new IllegalArgumentException("disk-full needs every replica's storage on a filesystem of its own; "
                    + "this cluster was created without (NodeSettings.diskBytes is 0)");
        }
        if (targets != Targets.ONE && targets != Targets.LEADER) {
            throw new IllegalArgumentException("disk-full hits one replica or the leader, not " + targets);
        }
        this.cluster = cluster;
        this.targets = targets;
        this.random = random;
    }

    @Override
    public String name() {
        return "disk-full" + (targets == Targets.LEADER ? "-leader" : "");
    }

    @Override
    public Object start() {
        NodeProcess node = targets.select(cluster, random).get(0);
        NodeDisk disk = cluster.disk(node.id()).orElseThrow();
        long leave = LEAVE_FREE[random.nextInt(LEAVE_FREE.length)];
        DiskFiller filler = new DiskFiller(disk);
        filled = new Filled(node, filler, node.logSize(), CatchUp.appliedIndex(node));
        long freeBefore = disk.freeBytes();
        long bytes = filler.fill(leave);
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("node"), node.id());
        done.put(Keyword.of("disk-bytes"), disk.sizeBytes());
        done.put(Keyword.of("free-bytes-before"), freeBefore);
        done.put(Keyword.of("filled-bytes"), bytes);
        done.put(Keyword.of("leave-bytes"), leave);
        done.put(Keyword.of("free-bytes"), disk.freeBytes());
        done.put(Keyword.of("applied"), CatchUp.applied(cluster));
        return List.of(Keyword.of("disk-full"), done);
    }

    @Override
    public Object stop() {
        if (filled == null) {
            return List.of(Keyword.of("disk-freed"), Map.of());
        }
        Filled f = filled;
        filled = null;
        NodeProcess node = f.node();
        NodeDisk disk = cluster.disk(node.id()).orElseThrow();
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("node"), node.id());
        done.put(Keyword.of("free-bytes-before"), disk.freeBytes());
        done.put(Keyword.of("freed-bytes"), f.filler().remove());
        done.put(Keyword.of("free-bytes"), disk.freeBytes());
        done.put(
                Keyword.of("no-space-log-lines"),
                node.logLinesSince(f.logOffset()).stream()
                        .filter(l -> l.contains(NO_SPACE))
                        .count());
        done.putAll(CatchUp.await(cluster, node, f.appliedAtFill(), Duration.ofSeconds(CATCH_UP_SECONDS)));
        return List.of(Keyword.of("disk-freed"), done);
    }
}
