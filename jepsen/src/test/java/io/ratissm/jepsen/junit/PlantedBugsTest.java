package io.ratissm.jepsen.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import io.ratissm.Replication;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.junit.planted.AppendLog;
import io.ratissm.jepsen.junit.planted.ClockStampedLog;
import io.ratissm.jepsen.junit.planted.LeaderOnlyQuota;
import io.ratissm.jepsen.junit.planted.WriteBehindSet;
import io.ratissm.jepsen.net.Networks;
import io.ratissm.jepsen.runner.ReplicaAgreement;
import io.ratissm.jepsen.workload.OperationGenerator;
import io.ratissm.jepsen.workload.SetWorkload;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The kit pointed, through its public API, at state machines with the bugs users make (issue 15, part 6): each run
 * must find the bug and point at its cause, and the one correct machine must pass. Real replica processes and real
 * faults, 5 to 20 s of load each; the stores stay under {@code target/jepsen-store}.
 */
class PlantedBugsTest {

    @Test
    void aCountOnlyTheLeaderKeepsIsNotLinearizableAndDiffersBetweenReplicas() throws Exception {
        HarnessResult result = LinearizabilityTest.of(LeaderOnlyQuota.class)
                .generator(new QuotaGenerator())
                .replication(Replication.PASSIVE)
                .nemesis("kill-leader")
                .timeLimit(Duration.ofSeconds(12))
                .faultCycle(Duration.ofSeconds(3), Duration.ofSeconds(3))
                // Its snapshot holds the leader's count, which the followers lack, so the divergence detector would
                // fence the leader first: off, so that the history and the final reads must show the bug.
                .divergenceDetection(false)
                .seed(11)
                .run();

        assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.NOT_LINEARIZABLE);
        Counterexample c = result.counterexample().orElseThrow();
        // The op where the search ends is a read: of the leader's count, or of the total, which grows past what the
        // quota allows once a new leader counts from zero (seen flaky in CI: about one run in three ends at a total).
        assertThat(c.f())
                .as("the op that cannot be linearized reads the count or the total")
                .isIn("submitted", "total");
        assertThat(c.stateBefore()).startsWith("{total ");
        ReplicaAgreement replicas = result.replicas().orElseThrow();
        assertThat(replicas.replicas().stream()
                        .map(r -> r.answers().get("total"))
                        .distinct())
                .as("the total, which every command's effect carries, is the same everywhere")
                .hasSize(1);
        // The final reads differ only if the last leader validated a command after it was elected. A kill near the
        // end of the load can leave a leader that validated none, and then every replica answers 0 (seen in CI: all
        // three answered "{}"), so the count is compared only when the replicas disagree; the history shows the bug
        // either way.
        if (replicas.outcome() == ReplicaAgreement.Outcome.DISAGREE) {
            assertThat(replicas.replicas().stream()
                            .map(r -> r.answers().get("submitted"))
                            .distinct())
                    .as("the count is what differs")
                    .hasSizeGreaterThan(1);
        }
        var failure = assertThatThrownBy(result::assertLinearizable)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LeaderOnlyQuota: not linearizable")
                .hasMessageContaining("first op that cannot be linearized: :ok by process")
                .hasMessageContaining(":" + c.f())
                .hasMessageContaining("model state before it (after the longest linearizable prefix): {total ")
                .hasMessageContaining(result.storeDir().toAbsolutePath().toString());
        if (replicas.outcome() == ReplicaAgreement.Outcome.DISAGREE) {
            failure.hasMessageContaining("and the replicas hold different states")
                    .hasMessageContaining("to submitted n");
        }
    }

    @Test
    void aClockInActiveApplyIsCaughtByTheDivergenceDetector() throws Exception {
        HarnessResult result =
                clockStampedLog().timeLimit(Duration.ofSeconds(8)).run();

        ReplicaAgreement replicas = result.replicas().orElseThrow();
        assertThat(replicas.outcome()).as("%s", result).isEqualTo(ReplicaAgreement.Outcome.DISAGREE);
        assertThat(replicas.replicas())
                .as("every replica's /status says its state diverged")
                .allSatisfy(r -> assertThat(r.reason()).startsWith("diverged: at log index"));
        assertThat(replicas.replicas().stream()
                        .mapToLong(ReplicaAgreement.Replica::divergenceLogLines)
                        .sum())
                .as("the detectors logged what they found")
                .isPositive();
        assertThatThrownBy(result::assertLinearizable)
                .hasMessageContaining("the replicas hold different states (their divergence detector found it too)")
                // Replicas that found it at the same index are named together ("n1 and n3 say ..."), each other one
                // alone (CI: n2 at index 50, n1 and n3 at 100); that each replica reports it is checked above.
                .hasMessageContaining("diverged: at log index");
    }

    @Test
    void aClockInActiveApplyLeavesEachReplicaItsOwnStateInTheFinalReads() throws Exception {
        HarnessResult result = clockStampedLog().divergenceDetection(false).run();

        assertThat(result.verdict())
                .as("every reply a client saw came from the leader and is right: %s", result)
                .isEqualTo(Verdict.LINEARIZABLE);
        ReplicaAgreement replicas = result.replicas().orElseThrow();
        assertThat(replicas.outcome()).as("%s", result).isEqualTo(ReplicaAgreement.Outcome.DISAGREE);
        assertThat(replicas.divergenceDetected()).isFalse();
        assertThat(replicas.replicas()).allSatisfy(r -> assertThat(r.healthy()).isTrue());
        Set<String> answers =
                replicas.replicas().stream().map(r -> r.answers().get("stamps")).collect(Collectors.toSet());
        assertThat(answers)
                .as("the same number of events, each replica its own sum of stamps")
                .hasSizeGreaterThan(1);
        assertThat(answers.stream().map(a -> a.substring(0, a.indexOf(','))).distinct())
                .singleElement();
        assertThatThrownBy(result::assertLinearizable)
                .hasMessageContaining("the history is linearizable, but the replicas hold different states")
                .hasMessageContaining("to stamps n");
    }

    /** No faults are needed: every replica stamps every command with its own clock. */
    private static LinearizabilityTest clockStampedLog() {
        return LinearizabilityTest.of(ClockStampedLog.class)
                .generator(random -> OperationGenerator.Request.command("event", StringValue.of("tick")))
                .replicaQuery("stamps", ByteString.copyFromUtf8("stamps"))
                .nemesis("none")
                .timeLimit(Duration.ofSeconds(5))
                .seed(12);
    }

    @Test
    void aSnapshotThatDropsBufferedAddsLosesThemAfterASnapshotAndARestart() throws Exception {
        HarnessResult result = LinearizabilityTest.of(WriteBehindSet.class)
                .workload(new SetWorkload())
                // Every replica snapshots, then all are killed at once and restarted: the group comes back from its
                // snapshots, and the set workload's final read (retried until the group answers) sees what they kept.
                .nemesis("snapshot+kill-all")
                .timeLimit(Duration.ofSeconds(10))
                .faultCycle(Duration.ofSeconds(2), Duration.ofSeconds(6))
                // Replicas restarted from snapshots of different indexes hold different states, and the detector
                // would fence them: off, so that the final read shows what the restart lost.
                .divergenceDetection(false)
                .seed(13)
                .run();

        assertThat(result.verdict()).as("%s", result).isEqualTo(Verdict.NOT_LINEARIZABLE);
        List<?> lost = (List<?>) result.details().get(Keyword.of("lost"));
        assertThat(lost).as("acknowledged adds missing from the final read").isNotEmpty();
        long killed = struck(result, "start-snapshot+kill-all");
        assertThat(acknowledgedAt(result, "add"))
                .as("each was acknowledged before the replicas were killed after their snapshots")
                .allSatisfy((element, index) -> {
                    if (lost.contains(element)) {
                        assertThat(index).isLessThan(killed);
                    }
                });
        assertThatThrownBy(result::assertLinearizable)
                .hasMessageContaining("WriteBehindSet: not linearizable")
                .hasMessageContaining("checker: {:valid? false")
                .hasMessageContaining(":lost [");
    }

    /** The history index at which each {@code f} op's value was acknowledged ({@code :ok}). */
    private static Map<Object, Long> acknowledgedAt(HarnessResult result, String f) throws IOException {
        Map<Object, Long> at = new HashMap<>();
        for (Op o : HistoryReader.read(result.storeDir().resolve("history.edn")).ops()) {
            if (o.isClient() && o.type() == OpType.OK && Keyword.of(f).equals(o.f())) {
                at.put(o.value(), o.index());
            }
        }
        return at;
    }

    @Test
    void aCommandThatIsNotIdempotentIsAppliedExactlyOnceUnderKillsAndPartitions() throws Exception {
        assumeTrue(Networks.whyNoNamespaces() == null, "partitions need root: " + Networks.whyNoNamespaces());
        HarnessResult result = LinearizabilityTest.of(AppendLog.class)
                .generator(new AppendGenerator())
                .replication(Replication.PASSIVE)
                .nemesis("kill-leader", "partition-leader")
                .timeLimit(Duration.ofSeconds(16))
                .faultCycle(Duration.ofSeconds(4), Duration.ofSeconds(3))
                .seed(14)
                .run();

        result.assertLinearizable();
        assertThat(struck(result, "start-partition-leader"))
                .as("both faults struck")
                .isPositive();
        assertThat(acknowledgedAcrossAFault(result, "append"))
                .as(
                        "appends in flight when the leader was killed or cut off, answered by its successor after the"
                                + " client sent them again: %s",
                        result)
                .isPositive();
        assertThat(result.replicas().orElseThrow().outcome())
                .as("%s", result)
                .isEqualTo(ReplicaAgreement.Outcome.AGREE);
    }

    /** How many {@code f} ops were invoked before a fault struck and completed {@code :ok} after it. */
    private static long acknowledgedAcrossAFault(HarnessResult result, String f) throws IOException {
        List<Op> ops =
                HistoryReader.read(result.storeDir().resolve("history.edn")).ops();
        List<Long> strikes = ops.stream()
                .filter(o ->
                        !o.isClient() && o.f() instanceof Keyword k && k.name().startsWith("start-"))
                .map(Op::time)
                .toList();
        Map<Object, Op> open = new HashMap<>();
        long count = 0;
        for (Op o : ops) {
            if (!o.isClient()) {
                continue;
            }
            if (o.type() == OpType.INVOKE) {
                open.put(o.process(), o);
                continue;
            }
            Op invoke = open.remove(o.process());
            if (o.type() == OpType.OK
                    && Keyword.of(f).equals(o.f())
                    && strikes.stream().anyMatch(t -> invoke.time() < t && t < o.time())) {
                count++;
            }
        }
        return count;
    }

    /** Where a fault first struck: the nemesis op that records what {@code nemesisF} did; -1 if it never did. */
    private static long struck(HarnessResult result, String nemesisF) throws IOException {
        return HistoryReader.read(result.storeDir().resolve("history.edn")).ops().stream()
                .filter(o -> Keyword.of(nemesisF).equals(o.f()) && o.value() != null)
                .mapToLong(Op::index)
                .min()
                .orElse(-1);
    }

    /** Adds of 1 to 5, and reads of the count only the leader keeps and of the total. */
    private static final class QuotaGenerator implements OperationGenerator {
        @Override
        public Request next(Random random) {
            int dice = random.nextInt(20);
            if (dice < 12) {
                return Request.command("add", Int64Value.of(1 + random.nextInt(5)));
            }
            return dice < 17
                    ? Request.query("submitted", StringValue.of("submitted"))
                    : Request.query("total", StringValue.of("total"));
        }
    }

    /** Appends of ids never sent before, and reads of the whole list. */
    private static final class AppendGenerator implements OperationGenerator {
        private long next;

        @Override
        public Request next(Random random) {
            return random.nextInt(10) < 7
                    ? Request.command("append", Int64Value.of(++next))
                    : Request.query("list", StringValue.of("list"));
        }
    }
}
