package io.ratissm.jepsen.runner;

import io.ratissm.GroupAdmin;
import io.ratissm.GroupStatus;
import io.ratissm.internal.GroupSpec;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import io.ratissm.jepsen.nodes.ShardSet;
import io.ratissm.shard.ShardMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A sharded run's shards at its end, beside the history's check (it does not change the verdict): the shard map, the
 * moves the {@code move-shard} nemesis attempted, and per shard whether its group is what the map says and its
 * replicas caught up with each other.
 *
 * <p>After the final reads, with every fault healed and the clients done, it reads the map from the placement group
 * and asks each shard's group for its status ({@link GroupAdmin#status}: its membership, and each replica's applied
 * index), again (up to a bound) until every shard is settled. The outcome:
 * <ul>
 *   <li>{@link Outcome#MISMATCH} if a shard's group has other members than the map records, or the map still records
 *       a move of it;</li>
 *   <li>{@link Outcome#UNKNOWN} if not, but the map could not be read, or some shard's group could not be asked, a
 *       member did not answer, or its members had not applied alike;</li>
 *   <li>{@link Outcome#CAUGHT_UP} otherwise: every shard's group has the map's members, each answering, all at the same
 *       applied index.</li>
 * </ul>
 * It compares applied indexes, not states: the states of a sharded run's replicas are not read (a query goes to the
 * shard of its key; {@link ReplicaAgreement} reads one group's replicas).
 *
 * <p>Apart from the outcome it lists <em>stray replicas</em>: a server that says on its {@code /status} that it serves
 * a shard's group of which the map does not count it a member (a replica left behind by a move, e.g. one whose storage
 * a restart recovered).
 *
 * @param set        the shard set's name
 * @param count      its number of shards
 * @param replicas   the replicas each shard was created with
 * @param mapVersion the map's version at the end; -1 if it could not be read
 * @param moves      the moves the nemesis attempted, by outcome
 * @param outcome    caught up, mismatch or unknown
 * @param summary    one sentence: what is settled, or what is not
 * @param shards     each shard as last seen, in shard order; empty if the map could not be read
 * @param strays     each stray replica, {@code "n2 serves jepsen-1"}, as last seen
 */
public record ShardReport(
        String set,
        int count,
        int replicas,
        long mapVersion,
        ShardSet.Moves moves,
        Outcome outcome,
        String summary,
        List<Shard> shards,
        List<String> strays) {

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    public ShardReport {
        Objects.requireNonNull(outcome, "outcome");
        shards = List.copyOf(shards);
        strays = List.copyOf(strays);
    }

    /** The check's answer. */
    public enum Outcome {
        CAUGHT_UP,
        MISMATCH,
        UNKNOWN
    }

    /**
     * One shard at the end.
     *
     * @param index        its number
     * @param group        its group's name
     * @param mapMembers   its replicas by the map, ids
     * @param moving       the move the map records for it, {@code "from -> id=host:port"}; empty if none
     * @param groupMembers its replicas by its group's own membership; empty if the group could not be asked
     * @param leader       its leader, empty if none is known
     * @param applied      each member's applied index, -1 for one that did not answer
     * @param error        why the group could not be asked; empty if it was
     */
    public record Shard(
            int index,
            String group,
            List<String> mapMembers,
            String moving,
            List<String> groupMembers,
            String leader,
            Map<String, Long> applied,
            String error) {
        public Shard {
            mapMembers = List.copyOf(mapMembers);
            groupMembers = List.copyOf(groupMembers);
            applied = Collections.unmodifiableMap(new LinkedHashMap<>(applied));
        }

        /** Whether the group's membership is not the map's, or the map still records a move. */
        boolean mismatched() {
            return !moving.isEmpty()
                    || (error.isEmpty() && !new HashSet<>(mapMembers).equals(new HashSet<>(groupMembers)));
        }

        /** Why its replicas cannot be said to have caught up; empty if they have. */
        String unsettled() {
            if (!error.isEmpty()) {
                return "not asked: " + error;
            }
            List<String> silent = applied.entrySet().stream()
                    .filter(e -> e.getValue() < 0)
                    .map(Map.Entry::getKey)
                    .toList();
            if (!silent.isEmpty()) {
                return String.join(" and ", silent) + " did not answer";
            }
            if (applied.values().stream().distinct().count() > 1) {
                return "applied " + applied;
            }
            return "";
        }

        String describe() {
            return group + " " + mapMembers + (moving.isEmpty() ? "" : " moving " + moving)
                    + (groupMembers.isEmpty() || new HashSet<>(groupMembers).equals(new HashSet<>(mapMembers))
                            ? ""
                            : ", group's members " + groupMembers)
                    + (error.isEmpty() ? ", applied " + applied : ", " + error);
        }
    }

    /**
     * Reads the map and every shard's group until each shard is settled (see the class comment) or {@code catchUp}
     * has passed.
     */
    static ShardReport check(ShardSet set, Cluster cluster, Duration catchUp) {
        long deadline = System.nanoTime() + catchUp.toNanos();
        while (true) {
            ShardReport report = checkOnce(set, cluster);
            if (report.outcome() == Outcome.CAUGHT_UP || System.nanoTime() >= deadline) {
                return report;
            }
            try {
                Thread.sleep(500); // polling the groups' status with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return report;
            }
        }
    }

    private static ShardReport checkOnce(ShardSet set, Cluster cluster) {
        ShardMap map;
        try {
            map = set.map();
        } catch (RuntimeException e) {
            return new ShardReport(
                    set.name(),
                    set.count(),
                    set.replicas(),
                    -1,
                    set.moves(),
                    Outcome.UNKNOWN,
                    "the shard map could not be read: " + e.getMessage(),
                    List.of(),
                    List.of());
        }
        List<Shard> shards = new ArrayList<>();
        for (ShardMap.Shard s : map.shards()) {
            shards.add(ask(s));
        }
        return judge(set.name(), set.count(), set.replicas(), map.version(), set.moves(), shards, strays(map, cluster));
    }

    /** The shard groups each server that answers says it serves without being their member by {@code map}. */
    private static List<String> strays(ShardMap map, Cluster cluster) {
        List<String> strays = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            Optional<Set<String>> served = n.servedGroups();
            if (served.isEmpty()) {
                continue;
            }
            for (ShardMap.Shard s : map.shards()) {
                boolean member = s.members().stream().map(ShardSet::idOf).anyMatch(n.id()::equals);
                String uuid = GroupSpec.groupIdOf(s.group()).getUuid().toString();
                if (!member && served.get().contains(uuid)) {
                    strays.add(n.id() + " serves " + s.group());
                }
            }
        }
        return strays;
    }

    /** The outcome of what the shards' groups said (see the class comment). */
    static ShardReport judge(
            String set,
            int count,
            int replicas,
            long mapVersion,
            ShardSet.Moves moves,
            List<Shard> shards,
            List<String> strays) {
        if (shards.size() != count) {
            return new ShardReport(
                    set,
                    count,
                    replicas,
                    mapVersion,
                    moves,
                    Outcome.MISMATCH,
                    "the map (version " + mapVersion + ") has " + shards.size() + " shards, not " + count,
                    shards,
                    strays);
        }
        List<String> mismatched =
                shards.stream().filter(Shard::mismatched).map(Shard::describe).toList();
        if (!mismatched.isEmpty()) {
            return new ShardReport(
                    set,
                    count,
                    replicas,
                    mapVersion,
                    moves,
                    Outcome.MISMATCH,
                    "the map (version " + mapVersion + ") and the shards' groups disagree: "
                            + String.join("; ", mismatched),
                    shards,
                    strays);
        }
        List<String> unsettled = shards.stream()
                .filter(s -> !s.unsettled().isEmpty())
                .map(s -> s.group() + ": " + s.unsettled())
                .toList();
        if (!unsettled.isEmpty()) {
            return new ShardReport(
                    set,
                    count,
                    replicas,
                    mapVersion,
                    moves,
                    Outcome.UNKNOWN,
                    "not every shard's replicas could be seen caught up: " + String.join("; ", unsettled),
                    shards,
                    strays);
        }
        return new ShardReport(
                set,
                count,
                replicas,
                mapVersion,
                moves,
                Outcome.CAUGHT_UP,
                "every shard's group has the map's (version " + mapVersion + ") members, each applied alike: "
                        + shards.stream()
                                .map(s -> s.group() + " " + s.mapMembers() + " at "
                                        + s.applied().values().iterator().next())
                                .collect(Collectors.joining(", ")),
                shards,
                strays);
    }

    private static Shard ask(ShardMap.Shard s) {
        List<String> mapMembers = s.members().stream().map(ShardSet::idOf).toList();
        String moving = s.moving().orElse("");
        try (GroupAdmin admin = GroupAdmin.builder()
                .group(s.group())
                .peers(s.members())
                .timeout(ASK_TIMEOUT)
                .build()) {
            GroupStatus status = admin.status();
            Map<String, Long> applied = new LinkedHashMap<>();
            for (GroupStatus.Member m : status.replicas()) {
                if (m.member()) {
                    applied.put(m.id(), m.reachable() ? m.log().appliedIndex() : -1L);
                }
            }
            return new Shard(
                    s.index(),
                    s.group(),
                    mapMembers,
                    moving,
                    status.members(),
                    status.leader().orElse(""),
                    applied,
                    "");
        } catch (RuntimeException e) {
            return new Shard(
                    s.index(),
                    s.group(),
                    mapMembers,
                    moving,
                    List.of(),
                    "",
                    Map.of(),
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** One line for the run's summary. */
    public String line() {
        return count + " (set " + set + ", " + replicas + " replicas each), map version " + mapVersion + "; moves: "
                + moves.moved() + " moved, " + moves.refused() + " refused, " + moves.failed() + " failed part way;"
                + " at the end " + outcome.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + (strays.isEmpty() ? "" : "; stray replicas: " + String.join(", ", strays));
    }

    /** The report as {@code results.edn} holds it under {@code :shards}. */
    public Map<Keyword, Object> toEdn() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("set"), set);
        m.put(Keyword.of("count"), (long) count);
        m.put(Keyword.of("replicas"), (long) replicas);
        m.put(Keyword.of("map-version"), mapVersion);
        Map<Keyword, Object> moved = new LinkedHashMap<>();
        moved.put(Keyword.of("moved"), moves.moved());
        moved.put(Keyword.of("refused"), moves.refused());
        moved.put(Keyword.of("failed"), moves.failed());
        m.put(Keyword.of("moves"), moved);
        m.put(
                Keyword.of("outcome"),
                Keyword.of(outcome.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        m.put(Keyword.of("summary"), summary);
        Map<Object, Object> each = new LinkedHashMap<>();
        for (Shard s : shards) {
            Map<Keyword, Object> e = new LinkedHashMap<>();
            e.put(Keyword.of("group"), s.group());
            e.put(Keyword.of("members"), s.mapMembers());
            if (!s.moving().isEmpty()) {
                e.put(Keyword.of("moving"), s.moving());
            }
            if (!new HashSet<>(s.groupMembers()).equals(new HashSet<>(s.mapMembers()))) {
                e.put(Keyword.of("group-members"), s.groupMembers());
            }
            if (!s.leader().isEmpty()) {
                e.put(Keyword.of("leader"), s.leader());
            }
            e.put(Keyword.of("applied"), new LinkedHashMap<Object, Object>(s.applied()));
            if (!s.error().isEmpty()) {
                e.put(Keyword.of("error"), s.error());
            }
            each.put((long) s.index(), e);
        }
        m.put(Keyword.of("each"), each);
        m.put(Keyword.of("stray-replicas"), strays);
        return m;
    }
}
