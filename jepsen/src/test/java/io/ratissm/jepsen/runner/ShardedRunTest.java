package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Replication;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.workload.ReadMode;
import io.ratissm.shard.ShardMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sharded run end to end: 3 servers ({@code sharded = true}) hosting the placement group and 4 shards of 2
 * replicas, the register's keys spread over every shard, shard replicas moved while the clients write, then a kill
 * that hits several groups at once. The history must be linearizable per key, replicas must have moved, and the map
 * must agree with the shards' groups at the end.
 */
class ShardedRunTest {

    // PASSIVE only in the suite (its speculation makes moves and kills the harder case); both modes are in the
    // evidence runs of jepsen/README.md, batch J.
    @ParameterizedTest
    @EnumSource(value = Replication.class, names = "PASSIVE")
    void registerOverFourShardsUnderMovesAndKillsIsLinearizable(Replication mode) throws Exception {
        TestOptions options = HarnessRuns.shortRun(
                "register", "move-shard,kill", mode, ReadMode.LINEARIZABLE, mode == Replication.ACTIVE ? 21 : 22, 4);

        TestResult result = HarnessRuns.run(options);

        Path run = result.storeDir();
        assertThat(result.verdict()).as("verdict of %s", run).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.exitCode()).isZero();
        assertThat(result.counts().ok()).as("acknowledged ops").isGreaterThan(20);
        assertThat(Files.readString(run.resolve("results.edn")))
                .startsWith("{:valid? true")
                .contains(":shards {");

        // The register's keys took ops in every shard.
        History history = HistoryReader.read(run.resolve("history.edn"));
        Set<Integer> shardsWritten = new TreeSet<>();
        for (Op op : history.ops()) {
            if (op.isClient() && op.value() instanceof List<?> kv && kv.get(0) instanceof Long key && key >= 0) {
                shardsWritten.add(ShardMap.shardOf("r" + key, 4));
            }
        }
        assertThat(shardsWritten).containsExactly(0, 1, 2, 3);
        List<Op> nemesis = history.ops().stream().filter(o -> !o.isClient()).toList();
        assertThat(nemesis).anyMatch(o -> o.f().equals(Keyword.of("start-move-shard")));
        assertThat(nemesis).anyMatch(o -> o.f().equals(Keyword.of("start-kill")));

        // Replicas moved: counted by the nemesis, written to the run log, and each is two versions of the map.
        ShardReport shards = result.shards();
        assertThat(shards).isNotNull();
        assertThat(shards.count()).isEqualTo(4);
        assertThat(shards.replicas()).isEqualTo(2);
        long logged;
        try (var lines = Files.lines(run.resolve("jepsen.log"))) {
            logged = lines.filter(l -> l.contains("move-shard: moved shard")).count();
        }
        assertThat(shards.moves().moved()).as("moves in %s", run).isPositive().isEqualTo(logged);
        assertThat(shards.mapVersion())
                .isGreaterThanOrEqualTo(1 + 2 * shards.moves().moved());
        assertThat(shards.outcome())
                .as("the map and the shards' groups at the end: %s", shards.summary())
                .isNotEqualTo(ShardReport.Outcome.MISMATCH);
    }
}
