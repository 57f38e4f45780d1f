package io.ratissm.internal.shard;

import io.ratissm.internal.proto.PlacementCommand;
import io.ratissm.internal.proto.ShardMapState;
import io.ratissm.internal.proto.ShardMove;
import io.ratissm.internal.proto.ShardState;
import java.util.HashSet;

/**
 * The placement group's rules: what each change does to the shard map, and which changes it refuses. Pure and
 * deterministic, as apply must be: the same map and command give the same outcome on every replica.
 */
final class PlacementChanges {
    private PlacementChanges() {}

    /** A change's outcome: the new map, or why it was refused (the map is then unchanged). */
    record Outcome(ShardMapState map, String refusal) {
        static Outcome changed(ShardMapState map) {
            return new Outcome(map, null);
        }

        static Outcome refused(ShardMapState map, String why) {
            return new Outcome(map, why);
        }

        boolean isRefused() {
            return refusal != null;
        }
    }

    static Outcome apply(ShardMapState map, PlacementCommand c) {
        if (c.getExpectedVersion() != map.getVersion()) {
            return Outcome.refused(
                    map,
                    "the shard map is at version " + map.getVersion() + ", the change was computed from version "
                            + c.getExpectedVersion() + ": read the map again");
        }
        ShardMapState.Builder next = map.toBuilder().setVersion(map.getVersion() + 1);
        switch (c.getChangeCase()) {
            case CREATE_SET -> {
                if (map.getShardsCount() > 0) {
                    return Outcome.refused(
                            map,
                            "the map already has shard set '" + map.getSet() + "' of " + map.getShardsCount()
                                    + " shards; remove it first");
                }
                ShardMapState set = c.getCreateSet();
                if (set.getSet().isEmpty() || set.getShardsCount() == 0) {
                    return Outcome.refused(map, "a shard set needs a name and at least one shard");
                }
                for (ShardState s : set.getShardsList()) {
                    if (s.getGroup().isEmpty() || s.getMembersCount() == 0) {
                        return Outcome.refused(map, "every shard needs a group and at least one member");
                    }
                }
                next.setSet(set.getSet()).clearShards().addAllShards(set.getShardsList());
            }
            case BEGIN_MOVE -> {
                ShardMove m = c.getBeginMove();
                String problem = shardProblem(map, m.getShard());
                if (problem != null) {
                    return Outcome.refused(map, problem);
                }
                ShardState shard = map.getShards(m.getShard());
                if (!shard.getMoving().isEmpty()) {
                    return Outcome.refused(
                            map,
                            "shard " + m.getShard() + " is being moved already (" + shard.getMoving()
                                    + "); a second move of one shard is refused until the first ends");
                }
                if (shard.getMembersList().stream().noneMatch(p -> idOf(p).equals(m.getFrom()))) {
                    return Outcome.refused(map, "'" + m.getFrom() + "' is not a replica of shard " + m.getShard());
                }
                if (shard.getMembersList().stream().anyMatch(p -> idOf(p).equals(idOf(m.getTo())))) {
                    return Outcome.refused(
                            map, "'" + idOf(m.getTo()) + "' is a replica of shard " + m.getShard() + " already");
                }
                next.setShards(m.getShard(), shard.toBuilder().setMoving(m.getFrom() + " -> " + m.getTo()));
            }
            case END_MOVE -> {
                ShardMove m = c.getEndMove();
                String problem = shardProblem(map, m.getShard());
                if (problem != null) {
                    return Outcome.refused(map, problem);
                }
                if (m.getMembersCount() == 0 || new HashSet<>(m.getMembersList()).size() != m.getMembersCount()) {
                    return Outcome.refused(map, "a shard's members are distinct and there is at least one");
                }
                ShardState shard = map.getShards(m.getShard());
                next.setShards(
                        m.getShard(),
                        shard.toBuilder().clearMoving().clearMembers().addAllMembers(m.getMembersList()));
            }
            case REMOVE_SET -> next.setSet("").clearShards();
            default -> {
                return Outcome.refused(map, "an empty placement command");
            }
        }
        return Outcome.changed(next.build());
    }

    private static String shardProblem(ShardMapState map, int shard) {
        if (map.getShardsCount() == 0) {
            return "the map has no shard set";
        }
        if (shard >= map.getShardsCount()) {
            return "no shard " + shard + ": shard set '" + map.getSet() + "' has shards 0 to "
                    + (map.getShardsCount() - 1);
        }
        return null;
    }

    /** The id of a peer given as {@code id=host:port}, or the whole text when it has no address. */
    static String idOf(String peer) {
        int eq = peer.indexOf('=');
        return eq < 0 ? peer : peer.substring(0, eq);
    }
}
