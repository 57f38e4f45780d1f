package io.ratissm.jepsen.nemesis;

import io.ratissm.GroupAdmin;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Damages one replica's storage while it is down, restarts it, and does what an operator does when it refuses.
 *
 * <p>{@link #start}: picks a random running replica, but only if the others still form a majority (one damaged
 * replica at a time); SIGKILLs it; damages its newest log segment (a byte flipped inside an entry, or the segment cut
 * inside one of its last entries) or its newest snapshot (a byte flipped), drawn at random ({@link StorageDamage});
 * restarts it and waits until it serves or exits. A replica that cannot use its storage exits with
 * {@value NodeProcess#REPLACE_STORAGE} ({@code StorageRecoveryException}) and stays down for the window, as it would until
 * an operator came. A cut log tail usually loads (Ratis drops an entry cut short) and the replica gets the rest from
 * the leader.
 *
 * <p>{@link #stop}: for a refused replica, the procedure of OPERATIONS.md, "Replacing a replica's storage", step by
 * step with {@link GroupAdmin} (what {@code ratis-sm admin} runs): remove it from the group, empty its storage,
 * start it as a joining replica, add it back. Each step is recorded with its duration; a step that fails is recorded
 * and retried from there by the next stop (the final heal). For a replica that started by itself: whether it caught up
 * with the others. Every value says what happened, including a replica that exited with another code (recorded, left
 * down, as the finding).
 */
public final class CorruptNemesis implements Nemesis {
    /** A replica's JVM start plus its storage check (up to ~3 s asking its peers) on a loaded two-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Adding a replica back waits for it to receive the group's state. */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration CATCH_UP = Duration.ofSeconds(8);
    private static final StorageDamage.Kind[] KINDS = StorageDamage.Kind.values();
    /** How {@code ratis-sm server} begins the line that says why it exited. */
    private static final String SERVER_ERROR = "ratis-sm server: ";
    /** OPERATIONS.md, "Replacing a replica's storage", in order. */
    private static final List<String> REPLACEMENT_STEPS =
            List.of("remove-replica", "empty-storage", "start-joining", "add-replica");

    private final Cluster cluster;
    private final Random random;
    private Damaged damaged;

    /** The replica damaged in this window, and how far its replacement got. */
    private static final class Damaged {
        final NodeProcess node;
        final OptionalInt exit;
        /** Its applied index before it was killed, -1 if unknown. */
        final long appliedBefore;
        /** Replacement steps done so far (0 to 4), for a refused replica. */
        int stepsDone;

        Damaged(NodeProcess node, OptionalInt exit, long appliedBefore) {
            this.node = node;
            this.exit = exit;
            this.appliedBefore = appliedBefore;
        }

        boolean refused() {
            return exit.isPresent() && exit.getAsInt() == NodeProcess.REPLACE_STORAGE;
        }
    }

    public CorruptNemesis(Cluster cluster, Random random) {
        this.cluster = cluster;
        this.random = random;
    }

    @Override
    public String name() {
        return "corrupt";
    }

    @Override
    public Object start() {
        List<NodeProcess> running = cluster.nodes().stream()
                .filter(n -> n.isAlive() && !n.isPaused())
                .toList();
        int majority = cluster.nodes().size() / 2 + 1;
        if (damaged != null || running.size() - 1 < majority) {
            Map<Keyword, Object> skipped = new LinkedHashMap<>();
            skipped.put(
                    Keyword.of("reason"),
                    damaged != null
                            ? damaged.node.id() + " is still being replaced"
                            : "only " + running.size() + " of "
                                    + cluster.nodes().size() + " replicas run: damaging one would leave no majority");
            return List.of(Keyword.of("corrupt-skipped"), skipped);
        }
        NodeProcess node = running.get(random.nextInt(running.size()));
        StorageDamage.Kind kind = KINDS[random.nextInt(KINDS.length)];
        long appliedBefore = CatchUp.appliedIndex(node);
        node.kill();
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("node"), node.id());
        long logOffset = node.logSize();
        try {
            done.put(Keyword.of("damage"), StorageDamage.damage(node.storage(), kind, random));
        } finally {
            node.start(); // a damage that failed still leaves the replica running, as after a kill
        }
        OptionalInt exit = node.awaitStarted(START_TIMEOUT);
        damaged = new Damaged(node, exit, appliedBefore);
        if (exit.isEmpty()) {
            done.put(Keyword.of("restart"), Keyword.of("serving"));
        } else {
            done.put(Keyword.of("restart"), damaged.refused() ? Keyword.of("refused") : Keyword.of("exited"));
            done.put(Keyword.of("exit"), (long) exit.getAsInt());
            node.logLinesSince(logOffset).stream()
                    .filter(l -> l.startsWith(SERVER_ERROR))
                    .findFirst()
                    .ifPresent(line -> done.put(Keyword.of("message"), line));
        }
        if (damaged.refused()) {
            node.joinFromNowOn(); // its storage will be emptied: every later start must wait to be added back
        }
        return List.of(Keyword.of("corrupted"), done);
    }

    @Override
    public Object stop() {
        if (damaged == null) {
            return List.of(Keyword.of("corrupt-healed"), Map.of());
        }
        Damaged d = damaged;
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("node"), d.node.id());
        if (d.refused()) {
            done.put(Keyword.of("replaced"), replace(d));
            if (d.stepsDone < REPLACEMENT_STEPS.size()) {
                return List.of(Keyword.of("corrupt-healed"), done); // retried by the next stop
            }
        } else if (d.exit.isPresent()) {
            done.put(
                    Keyword.of("left-down"),
                    "exited with " + d.exit.getAsInt() + ", not the storage refusal (" + NodeProcess.REPLACE_STORAGE
                            + "); see " + d.node.logFile());
            damaged = null;
            return List.of(Keyword.of("corrupt-healed"), done);
        } else {
            done.put(Keyword.of("started-on-damaged-storage"), true); // whether it works: :caught-up
        }
        done.putAll(CatchUp.await(cluster, d.node, d.appliedBefore, CATCH_UP));
        damaged = null;
        return List.of(Keyword.of("corrupt-healed"), done);
    }

    /** The steps of the replacement not done yet, each recorded as {@code [:step {...}]}; stops at a failure. */
    private List<Object> replace(Damaged d) {
        List<Object> steps = new ArrayList<>();
        try (GroupAdmin admin = GroupAdmin.builder()
                .peers(cluster.clientPeers())
                .timeout(ADMIN_TIMEOUT)
                .build()) {
            while (d.stepsDone < REPLACEMENT_STEPS.size()) {
                String step = REPLACEMENT_STEPS.get(d.stepsDone);
                long begin = System.nanoTime();
                Map<Keyword, Object> result = new LinkedHashMap<>();
                try {
                    runStep(step, d.node, admin, result);
                } catch (RuntimeException e) {
                    result.put(Keyword.of("error"), String.valueOf(e.getMessage()));
                    result.put(Keyword.of("ms"), (System.nanoTime() - begin) / 1_000_000);
                    steps.add(List.of(Keyword.of(step), result));
                    return steps;
                }
                result.put(Keyword.of("ms"), (System.nanoTime() - begin) / 1_000_000);
                steps.add(List.of(Keyword.of(step), result));
                d.stepsDone++;
            }
        }
        return steps;
    }

    private void runStep(String step, NodeProcess node, GroupAdmin admin, Map<Keyword, Object> result) {
        switch (step) {
            case "remove-replica" -> {
                try {
                    admin.removeReplica(node.id());
                } catch (IllegalArgumentException e) {
                    // not a member any more: an earlier attempt went through although its answer was lost
                    result.put(Keyword.of("already-removed"), e.getMessage());
                }
            }
            case "empty-storage" -> result.put(Keyword.of("files-removed"), empty(node.storage()));
            case "start-joining" -> {
                node.start();
                OptionalInt exit = node.awaitStarted(START_TIMEOUT);
                if (exit.isPresent()) {
                    throw new IllegalStateException(node.id() + " on empty storage with --join exited with "
                            + exit.getAsInt() + "; see " + node.logFile());
                }
                result.put(Keyword.of("join"), true);
            }
            case "add-replica" -> {
                try {
                    admin.addReplica(node.id(), cluster.address(node.id()));
                } catch (IllegalArgumentException e) {
                    result.put(Keyword.of("already-added"), e.getMessage());
                }
                result.put(Keyword.of("members"), admin.status().members());
            }
            default -> throw new IllegalStateException("unknown replacement step " + step);
        }
    }

    /**
     * Deletes everything under {@code storage} but the directory itself, which may be a mount point; returns the
     * number of files deleted.
     */
    static long empty(Path storage) {
        long files = 0;
        try (Stream<Path> paths = Files.walk(storage)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(storage)) {
                    files += Files.isDirectory(p) ? 0 : 1;
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + storage, e);
        }
        return files;
    }
}
