package io.ratissm.jepsen.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import io.ratissm.jepsen.EchoStateMachine;
import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.junit.planted.AppendLog;
import io.ratissm.jepsen.runner.HistoryRecorder;
import io.ratissm.jepsen.runner.ReplicaAgreement;
import io.ratissm.jepsen.workload.OperationGenerator;
import io.ratissm.jepsen.workload.StateMachineWorkload;
import io.ratissm.jepsen.workload.WorkloadCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@link HarnessResult} says about the state-machine workload's own checks, without a cluster: the checks run
 * on histories written here, as a run would record them.
 */
class HarnessResultTest {
    private static final HistoryRecorder.Counts COUNTS = new HistoryRecorder.Counts(20, 1, 2);

    @Test
    void aCheckThatGaveUpIsNoPassAndSaysWhyAndWhatToChange(@TempDir Path dir) throws Exception {
        // Twelve appends that crashed, then a read no subset or order of them explains: the search must try them all.
        List<Op> ops = new ArrayList<>();
        for (long id = 1; id <= 12; id++) {
            Map<Keyword, Object> append =
                    StateMachineModel.command(Int64Value.of(id).toByteString());
            ops.add(Op.of(ops.size(), OpType.INVOKE, id, "append", append));
            ops.add(Op.of(ops.size(), OpType.INFO, id, "append", append));
        }
        Map<Keyword, Object> list = StateMachineModel.query(ByteString.copyFromUtf8("list"));
        String impossible =
                LongStream.rangeClosed(1, 12).mapToObj(Long::toString).collect(Collectors.joining(" ")) + " 99";
        ops.add(Op.of(ops.size(), OpType.INVOKE, 0L, "list", list));
        ops.add(Op.of(
                ops.size(),
                OpType.OK,
                0L,
                "list",
                StateMachineModel.replied(list, ByteString.copyFromUtf8(impossible))));

        HarnessResult result = resultOf(check(new History(ops), Duration.ofMillis(1), dir), null, dir);

        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.passed()).isFalse();
        assertThat(result.explanation())
                .hasValueSatisfying(e -> assertThat(e)
                        .startsWith("the search ran out of time after exploring")
                        .contains("fewer clients, shorter runs"));
        assertThatThrownBy(result::assertLinearizable)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AppendLog: unknown: the checker could not decide, which is no pass")
                .hasMessageContaining("why: the search ran out of time");
    }

    @Test
    void aStateMachineThatCannotBeItsOwnModelIsUnknownWithTheReason(@TempDir Path dir) throws Exception {
        Map<Keyword, Object> add = StateMachineModel.command(Int64Value.of(1).toByteString());
        List<Op> ops = List.of(
                Op.of(0, OpType.INVOKE, 0L, "add", add),
                Op.of(
                        1,
                        OpType.OK,
                        0L,
                        "add",
                        StateMachineModel.replied(add, Int64Value.of(1).toByteString())));
        OperationGenerator generator = random -> OperationGenerator.Request.command("add", Int64Value.of(1));
        WorkloadCheck check = new StateMachineWorkload(Throwing.class, generator, Duration.ofSeconds(10))
                .check(new History(ops), dir);

        HarnessResult result = resultOf(check, null, dir);

        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.explanation())
                .hasValueSatisfying(e -> assertThat(e)
                        .contains("not checked: state machine " + Throwing.class.getName() + " threw")
                        .contains("IllegalStateException: the bug"));
        assertThatThrownBy(result::assertLinearizable).hasMessageContaining("why: not checked:");
    }

    /** A state machine whose apply throws what no replica may throw: only CommandRejected is a refusal. */
    public static class Throwing extends EchoStateMachine {
        @Override
        public ByteString apply(ByteString command) {
            throw new IllegalStateException("the bug");
        }
    }

    @Test
    void aRetryAppliedTwiceIsNotLinearizableAndTheCounterexampleSaysWhere(@TempDir Path dir) throws Exception {
        // What PlantedBugsTest's exactly-once run would record had the group applied a retried append twice.
        Map<Keyword, Object> append1 =
                StateMachineModel.command(Int64Value.of(1).toByteString());
        Map<Keyword, Object> append2 =
                StateMachineModel.command(Int64Value.of(2).toByteString());
        Map<Keyword, Object> list = StateMachineModel.query(ByteString.copyFromUtf8("list"));
        List<Op> ops = List.of(
                Op.of(0, OpType.INVOKE, 0L, "append", append1),
                Op.of(1, OpType.INVOKE, 1L, "append", append2),
                Op.of(
                        2,
                        OpType.OK,
                        0L,
                        "append",
                        StateMachineModel.replied(append1, Int64Value.of(1).toByteString())),
                Op.of(3, OpType.INFO, 1L, "append", append2),
                Op.of(4, OpType.INVOKE, 2L, "list", list),
                Op.of(5, OpType.OK, 2L, "list", StateMachineModel.replied(list, ByteString.copyFromUtf8("1 2 2"))));
        WorkloadCheck check = check(new History(ops), Duration.ofSeconds(10), dir);

        HarnessResult result = resultOf(check, HarnessResult.counterexampleOf(check.details(), Object::toString), dir);

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        Counterexample c = result.counterexample().orElseThrow();
        assertThat(c.f()).isEqualTo("list");
        assertThat(c.index()).isEqualTo(5);
        assertThat(c.stateBefore()).as("a snapshot, without a describer").startsWith("#ratis-sm/snapshot");
        assertThatThrownBy(result::assertLinearizable)
                .hasMessageContaining("AppendLog: not linearizable")
                .hasMessageContaining("first op that cannot be linearized: :ok by process 2 :list")
                .hasMessageContaining("previous ok: :ok by process 0 :append")
                .hasMessageContaining("(history.edn :index 5)")
                .hasMessageContaining("store: " + dir.toAbsolutePath());
    }

    @Test
    void replicasThatDisagreeFailALinearizableRunAndOnesThatCouldNotBeComparedDoNot(@TempDir Path dir) {
        ReplicaAgreement disagree = new ReplicaAgreement(
                ReplicaAgreement.Outcome.DISAGREE,
                "the replicas hold different states: to list n1 answered ...",
                List.of());
        ReplicaAgreement unknown =
                new ReplicaAgreement(ReplicaAgreement.Outcome.UNKNOWN, "n3 did not report", List.of());
        Map<Keyword, Object> valid = Map.of(Keyword.of("valid?"), true);

        HarnessResult split =
                new HarnessResult("AppendLog", "ACTIVE", Verdict.LINEARIZABLE, valid, null, disagree, COUNTS, 0, dir);
        HarnessResult partly =
                new HarnessResult("AppendLog", "ACTIVE", Verdict.LINEARIZABLE, valid, null, unknown, COUNTS, 0, dir);

        assertThat(split.passed()).isFalse();
        assertThatThrownBy(split::assertLinearizable)
                .hasMessageContaining("AppendLog: the history is linearizable, but the replicas hold different states")
                .hasMessageContaining("replicas: DISAGREE, the replicas hold different states: to list n1 answered");
        assertThat(partly.assertLinearizable()).isSameAs(partly);
        assertThat(partly.summary()).contains("replicas: UNKNOWN, n3 did not report");
        assertThat(partly.passLine())
                .startsWith("AppendLog: linearizable; ACTIVE; ")
                .endsWith("store: " + dir.toAbsolutePath());
    }

    @Test
    void anInvariantCheckersFindingIsShownWhenThereIsNoOpToName(@TempDir Path dir) {
        Map<Keyword, Object> found = new LinkedHashMap<>();
        found.put(Keyword.of("valid?"), false);
        found.put(Keyword.of("lost"), List.of(128L, 129L));

        HarnessResult lost = new HarnessResult(
                "WriteBehindSet", "ACTIVE", Verdict.NOT_LINEARIZABLE, found, null, null, COUNTS, 0, dir);

        assertThatThrownBy(lost::assertLinearizable)
                .hasMessageContaining("WriteBehindSet: not linearizable")
                .hasMessageContaining("checker: {:valid? false, :lost [128 129]}");
    }

    private static WorkloadCheck check(History history, Duration limit, Path dir) throws Exception {
        OperationGenerator generator = random -> OperationGenerator.Request.query("list", StringValue.of("list"));
        return new StateMachineWorkload(AppendLog.class, generator, limit).check(history, dir);
    }

    private static HarnessResult resultOf(WorkloadCheck check, Counterexample c, Path dir) {
        return new HarnessResult(
                "AppendLog", "ACTIVE, 3 replicas", check.verdict(), check.details(), c, null, COUNTS, 0, dir);
    }
}
