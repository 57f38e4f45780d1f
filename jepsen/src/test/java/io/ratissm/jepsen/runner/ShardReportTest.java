package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.nodes.ShardSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the shards' groups at the end of a sharded run are judged: a mismatch with the map, not caught up, settled. */
class ShardReportTest {
    private static final ShardSet.Moves MOVES = new ShardSet.Moves(5, 2, 1);

    private static ShardReport.Shard shard(int index, List<String> map, List<String> group, Map<String, Long> applied) {
        return new ShardReport.Shard(index, "jepsen-" + index, map, "", group, map.get(0), applied, "");
    }

    private static ShardReport judge(
            String set, int count, int replicas, long version, ShardSet.Moves moves, List<ShardReport.Shard> shards) {
        return ShardReport.judge(set, count, replicas, version, moves, shards, List.of());
    }

    @Test
    void aStrayReplicaIsNamedBesideTheOutcome() {
        ShardReport r = ShardReport.judge(
                "jepsen",
                1,
                2,
                5,
                MOVES,
                List.of(shard(0, List.of("n1", "n3"), List.of("n1", "n3"), Map.of("n1", 40L, "n3", 40L))),
                List.of("n2 serves jepsen-0"));

        assertThat(r.outcome()).isEqualTo(ShardReport.Outcome.CAUGHT_UP);
        assertThat(r.line()).endsWith("at the end caught-up; stray replicas: n2 serves jepsen-0");
        assertThat(EdnWriter.write(r.toEdn())).contains(":stray-replicas [\"n2 serves jepsen-0\"]");
    }

    @Test
    void everyShardWithTheMapsMembersAllAppliedAlikeHasCaughtUp() {
        ShardReport r = judge(
                "jepsen",
                2,
                2,
                11,
                MOVES,
                List.of(
                        shard(0, List.of("n1", "n3"), List.of("n3", "n1"), Map.of("n1", 40L, "n3", 40L)),
                        shard(1, List.of("n2", "n3"), List.of("n2", "n3"), Map.of("n2", 52L, "n3", 52L))));

        assertThat(r.outcome()).isEqualTo(ShardReport.Outcome.CAUGHT_UP);
        assertThat(r.summary()).contains("jepsen-0 [n1, n3] at 40", "jepsen-1 [n2, n3] at 52");
        assertThat(r.line())
                .isEqualTo("2 (set jepsen, 2 replicas each), map version 11; moves: 5 moved, 2 refused, 1 failed part"
                        + " way; at the end caught-up");
        assertThat(EdnWriter.write(r.toEdn())).contains(":outcome :caught-up", ":moves {:moved 5, :refused 2");
    }

    @Test
    void aGroupWhoseMembersAreNotTheMapsOrAMoveLeftInTheMapIsAMismatch() {
        ShardReport other = judge(
                "jepsen",
                1,
                2,
                7,
                MOVES,
                List.of(shard(0, List.of("n1", "n2"), List.of("n1", "n3"), Map.of("n1", 9L, "n3", 9L))));
        assertThat(other.outcome()).isEqualTo(ShardReport.Outcome.MISMATCH);
        assertThat(other.summary()).contains("jepsen-0 [n1, n2], group's members [n1, n3]");

        ShardReport.Shard moving = new ShardReport.Shard(
                0,
                "jepsen-0",
                List.of("n1", "n2"),
                "n2 -> n3=198.51.100.3:7000",
                List.of("n1", "n2"),
                "n1",
                Map.of("n1", 9L, "n2", 9L),
                "");
        assertThat(judge("jepsen", 1, 2, 8, MOVES, List.of(moving)).outcome()).isEqualTo(ShardReport.Outcome.MISMATCH);
    }

    @Test
    void aSilentMemberAReplicaBehindOrAGroupThatCannotBeAskedIsUnknown() {
        ShardReport behind = judge(
                "jepsen",
                1,
                2,
                3,
                MOVES,
                List.of(shard(0, List.of("n1", "n2"), List.of("n1", "n2"), Map.of("n1", 9L, "n2", 7L))));
        assertThat(behind.outcome()).isEqualTo(ShardReport.Outcome.UNKNOWN);

        ShardReport silent = judge(
                "jepsen",
                1,
                2,
                3,
                MOVES,
                List.of(shard(0, List.of("n1", "n2"), List.of("n1", "n2"), Map.of("n1", 9L, "n2", -1L))));
        assertThat(silent.summary()).contains("n2 did not answer");

        ShardReport.Shard unasked = new ShardReport.Shard(
                0, "jepsen-0", List.of("n1", "n2"), "", List.of(), "", Map.of(), "UnavailableException: no answer");
        ShardReport r = judge("jepsen", 1, 2, 3, MOVES, List.of(unasked));
        assertThat(r.outcome()).isEqualTo(ShardReport.Outcome.UNKNOWN);
        assertThat(r.summary()).contains("not asked: UnavailableException: no answer");
        assertThat(judge("jepsen", 2, 2, 3, MOVES, List.of(unasked)).outcome())
                .as("fewer shards in the map than created")
                .isEqualTo(ShardReport.Outcome.MISMATCH);
    }
}
