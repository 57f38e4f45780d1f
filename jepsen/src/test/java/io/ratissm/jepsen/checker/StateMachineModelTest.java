package io.ratissm.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.QueueHistories.Mutation;
import io.ratissm.jepsen.checker.QueueHistories.Spec;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user's state machine checks histories as its own model: verdicts, counterexamples, rejections and limits. */
class StateMachineModelTest {
    private static final StateMachineModel QUEUE = StateMachineModel.of(FifoQueueStateMachine::new)
            .withStateDescriber(sm -> ((FifoQueueStateMachine) sm).describe());
    private static final WglChecker CHECKER = new WglChecker(CheckOptions.defaults());

    /** 4 clients, 400 ops, a queue of about 10, crashed commands that took effect or not. */
    private static Spec smallQueue(long seed) {
        return Spec.target(seed).withOps(400, 10);
    }

    @Test
    void aSimulatedLinearizableQueueHistoryWithCrashedCommandsIsLinearizable() {
        for (long seed = 1; seed <= 3; seed++) {
            QueueHistories.Generated g = QueueHistories.generate(smallQueue(seed));

            CheckResult r = CHECKER.check(g.history(), QUEUE);

            assertThat(g.crashed()).as("seed %d crashes", seed).isPositive();
            assertThat(r.verdict()).as("seed %d", seed).isEqualTo(Verdict.LINEARIZABLE);
            assertThat(r.keys().get(0).longestPrefix()).isNotEmpty();
        }
    }

    @Test
    void queriesReadOnlyAndCommandsDoNot() {
        ByteString bytes = ByteString.copyFromUtf8("x");

        assertThat(QUEUE.readsOnly(Keyword.of("peek"), StateMachineModel.query(bytes)))
                .isTrue();
        assertThat(QUEUE.readsOnly(Keyword.of("enqueue"), StateMachineModel.command(bytes)))
                .isFalse();
        assertThat(QUEUE.readsOnly(Keyword.of("peek"), "not a request")).isFalse();
    }

    @Test
    void aLostEnqueueIsNotLinearizable() {
        CheckResult r = CHECKER.check(
                QueueHistories.generate(smallQueue(1).withCrashRate(0).with(Mutation.LOST_ENQUEUE))
                        .history(),
                QUEUE);

        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(r.firstFailure().failedOp()).isNotNull();
        assertThat(r.firstFailure().longestPrefix()).isNotEmpty();
    }

    @Test
    void aDuplicatedDequeueIsNotLinearizableAndTheDequeueIsBlamed() {
        CheckResult r = CHECKER.check(
                QueueHistories.generate(smallQueue(2).withCrashRate(0).with(Mutation.DUPLICATED_DEQUEUE))
                        .history(),
                QUEUE);

        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(r.firstFailure().failedOp().f()).isEqualTo(Keyword.of("dequeue"));
    }

    @Test
    void aStalePeekIsNotLinearizableAndThePeekIsBlamed() {
        CheckResult r = CHECKER.check(
                QueueHistories.generate(smallQueue(3).withCrashRate(0).with(Mutation.STALE_PEEK))
                        .history(),
                QUEUE);

        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(r.firstFailure().failedOp().f()).isEqualTo(Keyword.of("peek"));
        // The counterexample shows the queue as the state machine holds it, not as bytes.
        assertThat(r.firstFailure().longestPrefix().get(0).stateAfter().toString())
                .startsWith("\"[");
    }

    @Test
    void aRejectionIsAReplyTheStateMachineMustGiveAtThatPoint() {
        Map<Keyword, Object> dequeue = StateMachineModel.command(FifoQueueStateMachine.dequeue());
        Map<Keyword, Object> enqueue = StateMachineModel.command(FifoQueueStateMachine.enqueue(7));
        Map<Keyword, Object> enqueued = StateMachineModel.replied(enqueue, FifoQueueStateMachine.element(1));
        Map<Keyword, Object> refused = StateMachineModel.rejected(dequeue, "empty");

        History onEmpty = sequential(List.of("dequeue", dequeue, refused));
        History afterEnqueue = sequential(List.of("enqueue", enqueue, enqueued), List.of("dequeue", dequeue, refused));

        assertThat(CHECKER.check(onEmpty, QUEUE).verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(CHECKER.check(afterEnqueue, QUEUE).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aHistoryOutOfReachIsUnknownWithTheReasonAndWhatToChangeNotAnOutOfMemoryError() {
        // Silent enqueues leave every order of concurrent enqueues open until they are dequeued, 50 elements later.
        History huge =
                QueueHistories.generate(Spec.target(1).withSilentEnqueues()).history();
        StateMachineModel silentQueue = StateMachineModel.of(() -> new FifoQueueStateMachine(false));

        CheckResult r = new WglChecker(CheckOptions.defaults().withMemoryBudget(4L << 20)).check(huge, silentQueue);

        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.cause()).isEqualTo(":memory");
        assertThat(r.explanation())
                .contains("memory budget")
                .contains("fewer clients, shorter runs")
                .contains("key extractor");
    }

    @Test
    void aKeyExtractorSplitsTheHistoryAndEachKeyStartsFromTheInitialState() {
        // Two independent queues in one history: the key is the command's value modulo 2 for enqueues. Each key's
        // sub-history is checked alone, so each enqueue's ticket counts only its own key's enqueues.
        Map<Keyword, Object> even = StateMachineModel.command(FifoQueueStateMachine.enqueue(2));
        Map<Keyword, Object> odd = StateMachineModel.command(FifoQueueStateMachine.enqueue(3));
        History h = sequential(
                List.of("enqueue", even, StateMachineModel.replied(even, FifoQueueStateMachine.element(1))),
                List.of("enqueue", odd, StateMachineModel.replied(odd, FifoQueueStateMachine.element(1))));
        StateMachineModel byParity = QUEUE.withKeyExtractor(
                bytes -> bytes.substring(1).asReadOnlyByteBuffer().getLong() % 2);

        CheckResult split = CHECKER.check(h, byParity);
        CheckResult whole = CHECKER.check(h, QUEUE);

        assertThat(split.partitioned()).isTrue();
        assertThat(split.keys()).extracting(KeyResult::key).containsExactly(0L, 1L);
        assertThat(split.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(whole.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aValueThatIsNoCommandOrQueryIsAModelMismatch() {
        History h =
                new History(List.of(Op.of(0, OpType.INVOKE, 0L, "write", 3L), Op.of(1, OpType.OK, 0L, "write", 3L)));

        assertThatThrownBy(() -> CHECKER.check(h, QUEUE))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("{:command");
    }

    @Test
    void aStateMachineThatThrowsIsReportedAsBrokenNotAsAVerdict() {
        StateMachineModel broken = StateMachineModel.of(ThrowingStateMachine::new);
        Map<Keyword, Object> command = StateMachineModel.command(ByteString.copyFromUtf8("x"));

        assertThatThrownBy(() -> CHECKER.check(sequential(List.of("boom", command, command)), broken))
                .isInstanceOf(BrokenStateMachineException.class)
                .hasMessageContaining("ThrowingStateMachine threw java.lang.IllegalStateException: bug")
                .hasMessageContaining("only CommandRejected is a legitimate refusal");
    }

    /** Ops of one process, one after the other: each entry is {f, invoke value, ok value}. */
    @SafeVarargs
    private static History sequential(List<Object>... ops) {
        List<Op> history = new ArrayList<>();
        for (List<Object> op : ops) {
            String f = (String) op.get(0);
            history.add(Op.of(history.size(), OpType.INVOKE, 0L, f, op.get(1)));
            history.add(Op.of(history.size(), OpType.OK, 0L, f, op.get(2)));
        }
        return new History(history);
    }

    private static final class ThrowingStateMachine implements StateMachine {
        @Override
        public ByteString apply(ByteString command) throws CommandRejected {
            throw new IllegalStateException("bug");
        }

        @Override
        public ByteString query(ByteString query) {
            return ByteString.EMPTY;
        }

        @Override
        public void writeSnapshot(OutputStream out) {}

        @Override
        public void readSnapshot(InputStream in) {}
    }
}
