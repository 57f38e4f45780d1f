package io.ratissm.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.Replication;
import io.ratissm.jepsen.net.LoopbackNetwork;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeSettings;
import io.ratissm.jepsen.nodes.NodeStateMachine;
import io.ratissm.statemachines.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names on the command line, faults joined with {@code +}, and what each needs from the host. */
class NemesisCatalogTest {
    private static final List<String> IDS = List.of("n1", "n2", "n3");

    /** Replicas that are never started, without disks of their own: the nemeses are only built. */
    private static Cluster unstarted(LoopbackNetwork network, Path dir) {
        return Cluster.create(
                IDS,
                network,
                new NodeSettings(
                        NodeStateMachine.of(Counter.class, List.of()),
                        Replication.ACTIVE,
                        10,
                        Duration.ofSeconds(1),
                        Duration.ZERO,
                        false,
                        0),
                dir,
                dir);
    }

    @Test
    void faultsJoinedWithPlusAreOneNemesisActiveInTheSameWindow(@TempDir Path dir) {
        try (LoopbackNetwork network = new LoopbackNetwork(IDS, "test");
                Cluster cluster = unstarted(network, dir)) {

            List<Nemesis> nemeses = NemesisCatalog.create(
                    List.of("kill-leader+pause", "snapshot", "none"), cluster, new Random(1), ClockFaults.DEFAULTS);

            assertThat(nemeses).extracting(Nemesis::name).containsExactly("kill-leader+pause", "snapshot");
        }
    }

    @Test
    void moveShardNeedsShardsAndAServerWithoutAReplicaAndCorruptIsNotForShardedServers(@TempDir Path dir) {
        assertThat(NemesisCatalog.problem("kill+move-shard")).isNull();
        assertThat(NemesisCatalog.movesShards("kill+move-shard")).isTrue();
        assertThat(NemesisCatalog.movesShards("kill")).isFalse();
        assertThat(NemesisCatalog.shardingProblem("move-shard", 0, 3, 0)).contains("it needs a sharded run");
        assertThat(NemesisCatalog.shardingProblem("partition+move-shard", 4, 3, 3))
                .contains("with 3 servers a shard may have at most 2 replicas (--shard-replicas), not 3");
        assertThat(NemesisCatalog.shardingProblem("move-shard", 4, 3, 2)).isNull();
        assertThat(NemesisCatalog.shardingProblem("corrupt", 4, 3, 2)).contains("corrupt cannot run with --shards");
        assertThat(NemesisCatalog.shardingProblem("corrupt", 0, 3, 0)).isNull();
        assertThat(NemesisCatalog.shardingProblem("kill+pause", 4, 3, 3)).isNull();
        try (LoopbackNetwork network = new LoopbackNetwork(IDS, "test");
                Cluster cluster = unstarted(network, dir)) {
            assertThatThrownBy(() -> NemesisCatalog.create(
                            List.of("kill", "move-shard"), cluster, new Random(1), ClockFaults.DEFAULTS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("it needs a sharded run");
        }
    }

    @Test
    void aJoinedNameIsCheckedPartByPart() {
        assertThat(NemesisCatalog.problem("partition-leader+clock-rate-leader")).isNull();
        assertThat(NemesisCatalog.problem("kill+explode")).contains("unknown nemesis 'explode'");
        assertThat(NemesisCatalog.problem("none+kill")).contains("'none' cannot be combined");
        assertThat(NemesisCatalog.problem("clock-skew+clock-rate")).contains("one clock fault at a time");
        assertThat(NemesisCatalog.problem("kill+")).contains("unknown nemesis ''");
    }

    @Test
    void clockFaultsNeedClocksAndPartitionsNeedTheNetworkWhereverTheyAppear() {
        assertThat(NemesisCatalog.needsClocks("kill+clock-rate")).isTrue();
        assertThat(NemesisCatalog.needsClocks("kill")).isFalse();
        assertThat(NemesisCatalog.needsNetwork("clock-rate-leader+partition-leader"))
                .isTrue();
        assertThat(NemesisCatalog.needsNetwork("clock-skew")).isFalse();
    }

    @Test
    void aJoinedNemesisStopsEveryPartInReverseOrderEvenIfOneFails() {
        List<String> calls = new ArrayList<>();
        CompositeNemesis both =
                new CompositeNemesis(List.of(new Recording("a", calls, false), new Recording("b", calls, true)));

        assertThat(both.start()).isEqualTo(List.of("started a", "started b"));
        Object stopped = both.stop();

        assertThat(calls).containsExactly("start a", "start b", "stop b", "stop a");
        assertThat(stopped).asList().hasSize(2).last().isEqualTo("stopped a");
        assertThat(stopped.toString()).contains("error", "b failed to heal");
    }

    @Test
    void theStorageFaultsAreNamedJoinableAndOnlyDiskFullNeedsDisksOfTheirOwn() {
        assertThat(NemesisCatalog.problem("corrupt")).isNull();
        assertThat(NemesisCatalog.problem("disk-full-leader")).isNull();
        assertThat(NemesisCatalog.problem("corrupt+disk-full")).isNull();
        assertThat(NemesisCatalog.needsDisks("corrupt+disk-full")).isTrue();
        assertThat(NemesisCatalog.needsDisks("kill+disk-full-leader")).isTrue();
        assertThat(NemesisCatalog.needsDisks("corrupt")).isFalse();
        assertThat(NemesisCatalog.needsNetwork("corrupt+disk-full")).isFalse();
    }

    @Test
    void diskFullIsRefusedForReplicasWithoutFilesystemsOfTheirOwn(@TempDir Path dir) {
        try (LoopbackNetwork network = new LoopbackNetwork(IDS, "test");
                Cluster cluster = unstarted(network, dir)) {

            assertThatThrownBy(() -> NemesisCatalog.create(
                            List.of("corrupt", "disk-full"), cluster, new Random(1), ClockFaults.DEFAULTS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("filesystem of its own");
            assertThat(NemesisCatalog.create(List.of("corrupt"), cluster, new Random(1), ClockFaults.DEFAULTS))
                    .extracting(Nemesis::name)
                    .containsExactly("corrupt");
        }
    }

    @Test
    void badClockSettingsAreRefusedWithTheRange() {
        assertThatThrownBy(() -> new ClockFaults(Duration.ofSeconds(10), 0.05, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0.1, 10.0]");
        assertThatThrownBy(() -> new ClockFaults(Duration.ofSeconds(10), 2, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slowest first");
        assertThatThrownBy(() -> new ClockFaults(Duration.ZERO, 0.5, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 s");
    }

    /** A fault that records its calls; {@code failsToHeal} makes {@link #stop} throw. */
    private record Recording(String name, List<String> calls, boolean failsToHeal) implements Nemesis {
        @Override
        public Object start() {
            calls.add("start " + name);
            return "started " + name;
        }

        @Override
        public Object stop() {
            calls.add("stop " + name);
            if (failsToHeal) {
                throw new IllegalStateException(name + " failed to heal");
            }
            return "stopped " + name;
        }
    }
}
