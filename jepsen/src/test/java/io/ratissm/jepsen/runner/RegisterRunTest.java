package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ratissm.Replication;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.net.Leftovers;
import io.ratissm.jepsen.net.Networks;
import io.ratissm.jepsen.workload.ReadMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * End to end: real replica processes, real faults, the register workload, the checker's verdict and the store.
 * Partition runs need root (network namespaces); CI runs as root, so there they always run.
 */
class RegisterRunTest {

    @Test
    void registerUnderKillsAndPartitionsIsLinearizable_active() throws Exception {
        assertValidRun(HarnessRuns.shortRun("register", faults(), Replication.ACTIVE, ReadMode.LINEARIZABLE, 11));
    }

    @Test
    void registerUnderKillsAndPartitionsIsLinearizable_passive() throws Exception {
        assertValidRun(HarnessRuns.shortRun("register", faults(), Replication.PASSIVE, ReadMode.LINEARIZABLE, 12));
    }

    /** A kill, then a partition (taken in turn, one per fault window); kills only where partitions cannot be made. */
    private static String faults() {
        return Networks.whyNoNamespaces() == null ? "kill,partition" : "kill";
    }

    /**
     * The harness must catch a real anomaly: one replica is cut off while writes go on through the majority, and
     * stale reads from random replicas hit the cut-off one, which still serves old values.
     */
    @Test
    void staleReadsFromAnIsolatedReplicaAreCaughtAsNonLinearizable() throws Exception {
        assumeNamespaces();
        TestResult result = HarnessRuns.run(
                HarnessRuns.shortRun("register", "partition-one", Replication.ACTIVE, ReadMode.STALE, 13));

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.exitCode()).isEqualTo(1);
        Map<?, ?> counterexample = (Map<?, ?>) result.check().details().get(Keyword.of("counterexample"));
        assertThat(counterexample).isNotNull();
        // A stale read. Writes and CASes go through the leader; a read of an overwritten value conflicts with one
        // of them, and which of the two the checker names as the op it cannot linearize (and which as the last op
        // before it) depends on the order the ops completed in.
        List<Object> pair = Stream.of(
                        counterexample.get(Keyword.of("op")), counterexample.get(Keyword.of("previous-ok")))
                .filter(Objects::nonNull)
                .toList();
        assertThat(pair)
                .as("the op that cannot be linearized and the last one before it")
                .anyMatch(o -> {
                    Map<?, ?> op = (Map<?, ?>) o;
                    return Keyword.of("read").equals(op.get(Keyword.of("f")))
                            && Keyword.of("ok").equals(op.get(Keyword.of("type")));
                });
        Object key = counterexample.get(Keyword.of("key"));
        Path keyDir = result.storeDir().resolve("independent").resolve(String.valueOf(key));
        assertThat(Files.readString(keyDir.resolve("results.edn"))).contains(":valid? false");
        assertThat(keyDir.resolve("timeline.html")).exists();
        assertThat(Files.readString(result.storeDir().resolve("results.edn"))).startsWith("{:valid? false");
    }

    private static void assumeNamespaces() {
        assumeTrue(
                Networks.whyNoNamespaces() == null,
                "partitions need root, ip and iptables: " + Networks.whyNoNamespaces());
    }

    private static void assertValidRun(TestOptions options) throws Exception {
        TestResult result = HarnessRuns.run(options);

        assertThat(result.verdict()).as("verdict of %s", result.storeDir()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.exitCode()).isZero();
        assertThat(result.counts().ok()).as("acknowledged ops").isGreaterThan(20);
        Path run = result.storeDir();
        for (String file : List.of(
                "history.edn",
                "history.txt",
                "results.edn",
                "jepsen.log",
                "timeline.html",
                "latency-raw.png",
                "latency-quantiles.png",
                "rate.png",
                "n1/node.log",
                "n2/node.log",
                "n3/node.log")) {
            assertThat(run.resolve(file)).as(file).isNotEmptyFile();
        }
        assertThat(Files.readString(run.resolve("results.edn"))).startsWith("{:valid? true");
        assertThat(Files.list(run.resolve("independent")).count()).isPositive();
        assertThat(HarnessRuns.STORE.resolve("latest").toRealPath()).isEqualTo(run.toRealPath());

        History history = HistoryReader.read(run.resolve("history.edn"));
        List<Op> nemesis = history.ops().stream().filter(o -> !o.isClient()).toList();
        for (String fault : options.nemeses()) {
            assertThat(nemesis).as("nemesis ops").anyMatch(o -> o.f().equals(Keyword.of("start-" + fault)));
        }
        assertThat(nemesis).allMatch(o -> o.type() == io.ratissm.jepsen.history.OpType.INFO);
        // Nothing the run created is left on the host.
        if (Networks.whyNoNamespaces() == null) {
            assertThat(Leftovers.namespaces()).isEmpty();
            assertThat(Leftovers.links()).isEmpty();
        }
    }
}
