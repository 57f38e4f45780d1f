package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ratissm.Replication;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.nodes.NodeDisk;
import io.ratissm.jepsen.workload.ReadMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The storage faults end to end, one short register run each: a replica's own filesystem filled and freed
 * ({@code disk-full}, needs root to mount it), and a replica's newest log segment or snapshot damaged while it is
 * down ({@code corrupt}). Each run must stay linearizable, and its history must show what the fault did.
 */
class StorageFaultRunsTest {

    @Test
    void registerStaysLinearizableWhileAReplicasDiskIsFull() throws Exception {
        assumeTrue(
                NodeDisk.whyUnavailable() == null,
                "disk-full mounts a tmpfs per replica: " + NodeDisk.whyUnavailable());
        TestResult result = HarnessRuns.run(
                HarnessRuns.shortRun("register", "disk-full", Replication.ACTIVE, ReadMode.LINEARIZABLE, 51));

        assertThat(result.verdict()).as("verdict of %s", result.storeDir()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.counts().ok()).as("acknowledged ops").isGreaterThan(20);
        History history = HistoryReader.read(result.storeDir().resolve("history.edn"));
        List<Map<?, ?>> fills = completions(history, "start-disk-full", "disk-full");
        assertThat(fills).as("disk-full windows").isNotEmpty();
        for (Map<?, ?> fill : fills) {
            assertThat((Long) fill.get(Keyword.of("filled-bytes")))
                    .as("%s", fill)
                    .isPositive();
            // a few KiB at most: what was asked to stay free, within a 4 KiB page
            assertThat((Long) fill.get(Keyword.of("free-bytes")))
                    .as("%s", fill)
                    .isLessThan((Long) fill.get(Keyword.of("leave-bytes")) + 4096);
        }
        List<Map<?, ?>> frees = completions(history, "stop-disk-full", "disk-freed");
        assertThat(frees).as("freed windows").hasSameSizeAs(fills);
        for (Map<?, ?> freed : frees) {
            assertThat((Long) freed.get(Keyword.of("freed-bytes")))
                    .as("%s", freed)
                    .isPositive();
            assertThat((Long) freed.get(Keyword.of("free-bytes")))
                    .as("%s", freed)
                    .isGreaterThan((Long) freed.get(Keyword.of("free-bytes-before")));
        }
    }

    @Test
    void registerStaysLinearizableWhenAReplicasStorageIsDamagedAndReplaced() throws Exception {
        TestResult result = HarnessRuns.run(
                HarnessRuns.shortRun("register", "corrupt", Replication.ACTIVE, ReadMode.LINEARIZABLE, 52));

        assertThat(result.verdict()).as("verdict of %s", result.storeDir()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.counts().ok()).as("acknowledged ops").isGreaterThan(20);
        History history = HistoryReader.read(result.storeDir().resolve("history.edn"));
        List<Map<?, ?>> damages = completions(history, "start-corrupt", "corrupted");
        List<Map<?, ?>> heals = completions(history, "stop-corrupt", "corrupt-healed");
        assertThat(damages).as("corrupt windows").isNotEmpty();
        Map<?, ?> first = damages.get(0);
        // With this seed the first damage is a flipped byte in a log entry: the replica refuses its storage and is
        // replaced by the operator's procedure.
        assertThat(((Map<?, ?>) first.get(Keyword.of("damage"))).get(Keyword.of("kind")))
                .isEqualTo(Keyword.of("log-flip"));
        assertThat(first.get(Keyword.of("restart"))).as("%s", first).isEqualTo(Keyword.of("refused"));
        assertThat(first.get(Keyword.of("exit"))).isEqualTo(11L);
        assertThat((String) first.get(Keyword.of("message"))).contains("its log does not read");
        Map<?, ?> replaced = heals.get(0);
        assertThat(replaced.get(Keyword.of("node"))).isEqualTo(first.get(Keyword.of("node")));
        List<Object> steps = list(replaced.get(Keyword.of("replaced")));
        assertThat(steps)
                .as("%s", replaced)
                .extracting(s -> list(s).get(0))
                .containsExactly(
                        Keyword.of("remove-replica"),
                        Keyword.of("empty-storage"),
                        Keyword.of("start-joining"),
                        Keyword.of("add-replica"));
        Map<?, ?> added = (Map<?, ?>) list(steps.get(3)).get(1);
        assertThat(list(added.get(Keyword.of("members")))).as("%s", added).contains(first.get(Keyword.of("node")));
        assertThat(replaced.get(Keyword.of("caught-up"))).as("%s", replaced).isEqualTo(true);
    }

    /** The values of the nemesis completions of {@code f} whose value is {@code [:tag {...}]}, in order. */
    private static List<Map<?, ?>> completions(History history, String f, String tag) {
        return history.ops().stream()
                .filter(o -> !o.isClient() && o.f().equals(Keyword.of(f)) && o.value() instanceof List<?>)
                .map(Op::value)
                .map(List.class::cast)
                .filter(v -> v.size() == 2 && v.get(0).equals(Keyword.of(tag)) && v.get(1) instanceof Map<?, ?>)
                .<Map<?, ?>>map(v -> (Map<?, ?>) v.get(1))
                .filter(m -> !m.isEmpty())
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
