package io.ratissm.jepsen.checker;

import static io.ratissm.jepsen.TestData.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.MalformedHistoryException;
import io.ratissm.jepsen.history.Operation;
import org.junit.jupiter.api.Test;

class WglCheckerTest {
    private final WglChecker checker = new WglChecker(CheckOptions.defaults());

    private Verdict check(String model, Object init, String history) {
        return checker.check(parse(history), Models.create(model, true, init)).verdict();
    }

    @Test
    void anEmptyHistoryIsLinearizable() {
        CheckResult r = checker.check(parse(""), Models.create("cas-register", true, 0L));

        assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(r.partitioned()).isFalse();
    }

    @Test
    void aHistoryOfOnlyFailuresIsLinearizableBecauseFailuresNeverHappened() {
        assertThat(check("cas-register", 0L, """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :fail, :f :write, :value 1}
        {:process 1, :type :invoke, :f :cas, :value [5 6]}
        {:process 1, :type :fail, :f :cas, :value [5 6]}
        """)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aFailedWriteMustNotBeObserved() {
        assertThat(check("cas-register", 0L, """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :fail, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        """)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void crashedWritesOfOneValueAreTriedInOneOrderOnly() {
        // Every subset of the 14 crashed writes would be 16384 linearized sets; one per count of them is 15.
        assertThat(exploredRefuting(":type :invoke, :f :write, :value 1", ":type :info, :f :write, :value 1"))
                .isLessThan(100);
    }

    @Test
    void concurrentReadsAreNotTriedInEveryOrder() {
        // Backtracking over the 14 concurrent reads would visit every subset of them: 16384 linearized sets.
        assertThat(exploredRefuting(":type :invoke, :f :read, :value nil", ":type :ok, :f :read, :value 0"))
                .isLessThan(100);
    }

    /**
     * The configurations explored to refute a history of 14 concurrent ops (each process's {@code invoke}, then
     * each one's {@code completion}) followed by a read of a value nobody wrote.
     */
    private long exploredRefuting(String invoke, String completion) {
        StringBuilder history = new StringBuilder();
        for (String half : new String[] {invoke, completion}) {
            for (int p = 0; p < 14; p++) {
                history.append("{:process ").append(p).append(", ").append(half).append("}\n");
            }
        }
        history.append("{:process 20, :type :invoke, :f :read, :value nil}\n");
        history.append("{:process 20, :type :ok, :f :read, :value 2}\n");

        CheckResult r = checker.check(parse(history.toString()), Models.create("cas-register", true, 0L));

        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        return r.keys().get(0).configurationsExplored();
    }

    @Test
    void aCrashedWriteMayTakeEffectLongAfterItsClientGaveUp() {
        assertThat(check("cas-register", 0L, """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :info, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        """)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aCrashedWriteMayNeverTakeEffect() {
        assertThat(check("cas-register", 0L, """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 0}
        """)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aCrashedWriteCannotTakeEffectBeforeItWasInvoked() {
        assertThat(check("cas-register", 0L, """
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :info, :f :write, :value 1}
        """)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aCrashedWriteTakesEffectAtMostOnce() {
        assertThat(check("cas-register", 0L, """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :info, :f :write, :value 1}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        {:process 1, :type :invoke, :f :write, :value 2}
        {:process 1, :type :ok, :f :write, :value 2}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value 1}
        """)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void nilReadsAreAlwaysLegal() {
        assertThat(check("cas-register", 0L, """
        {:process 0, :type :invoke, :f :write, :value 3}
        {:process 0, :type :ok, :f :write, :value 3}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value nil}
        """)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void concurrentOperationsMayTakeEffectInEitherOrder() {
        assertThat(check("register", 0L, """
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 1, :type :invoke, :f :write, :value 2}
        {:process 2, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :write, :value 1}
        {:process 1, :type :ok, :f :write, :value 2}
        {:process 2, :type :ok, :f :read, :value 1}
        """)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aFailureNamesTheReadThatCannotBeLinearizedAndTheLongestPrefix() {
        CheckResult r = checker.check(parse("""
        {:process 0, :type :invoke, :f :write, :value 0}
        {:process 0, :type :ok, :f :write, :value 0}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 2, :type :invoke, :f :write, :value 4}
        {:process 1, :type :ok, :f :read, :value 3}
        {:process 2, :type :ok, :f :write, :value 4}
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value 4}
        """), Models.create("cas-register", true, 0L));

        KeyResult failure = r.firstFailure();
        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(failure.failedOp())
                .extracting(Operation::process, Operation::f, Operation::value)
                .containsExactly(1L, Keyword.of("read"), 3L);
        assertThat(failure.previousOk().value()).isEqualTo(0L);
        assertThat(failure.longestPrefix())
                .extracting(s -> s.op().value(), LinearizationStep::stateAfter)
                .startsWith(org.assertj.core.groups.Tuple.tuple(0L, 0L));
    }

    @Test
    void splitsIndependentTuplesByKeyAndNamesTheFailingKey() {
        CheckResult r = checker.check(parse("""
        {:process 0, :type :invoke, :f :write, :value [:a 1]}
        {:process 0, :type :ok, :f :write, :value [:a 1]}
        {:process 1, :type :invoke, :f :read, :value [:b nil]}
        {:process 1, :type :ok, :f :read, :value [:b 1]}
        {:process 2, :type :invoke, :f :read, :value [:a nil]}
        {:process 2, :type :ok, :f :read, :value [:a 1]}
        """), Models.create("cas-register", true, 0L));

        assertThat(r.partitioned()).isTrue();
        assertThat(r.keys())
                .extracting(KeyResult::key, KeyResult::verdict)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Keyword.of("a"), Verdict.LINEARIZABLE),
                        org.assertj.core.groups.Tuple.tuple(Keyword.of("b"), Verdict.NOT_LINEARIZABLE));
        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void plainCasValuesAreNotMistakenForIndependentTuples() {
        CheckResult r = checker.check(parse("""
        {:process 0, :type :invoke, :f :cas, :value [0 1]}
        {:process 0, :type :ok, :f :cas, :value [0 1]}
        """), Models.create("cas-register", true, 0L));

        assertThat(r.partitioned()).isFalse();
        assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void kvSplitsByKeySoAnAppendOnOneKeyIsInvisibleOnAnother() {
        CheckResult r = checker.check(parse("""
        {:process 0, :type :invoke, :f :append, :key "1", :value "x"}
        {:process 0, :type :ok, :f :append, :key "1", :value "x"}
        {:process 1, :type :invoke, :f :get, :key "2", :value nil}
        {:process 1, :type :ok, :f :get, :key "2", :value "x"}
        """), Models.create("kv", false, null));

        assertThat(r.keys()).extracting(KeyResult::key).containsExactly("1", "2");
        assertThat(r.firstFailure().key()).isEqualTo("2");
    }

    @Test
    void aMalformedHistoryIsReportedNotCrashedOn() {
        assertThatThrownBy(() -> check("cas-register", 0L, """
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :invoke, :f :read, :value nil}
        """))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("has not completed");
    }

    @Test
    void anOperationTheModelLacksIsAModelMismatch() {
        assertThatThrownBy(() -> check("mutex", false, """
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value 1}
        """))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining(":acquire and :release");
    }

    @Test
    void aMutexCannotBeHeldByTwoClientsAtOnce() {
        assertThat(check("mutex", false, """
        {:process 0, :type :invoke, :f :acquire, :value nil}
        {:process 0, :type :ok, :f :acquire, :value nil}
        {:process 1, :type :invoke, :f :acquire, :value nil}
        {:process 1, :type :ok, :f :acquire, :value nil}
        """)).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void aMutexReleasedConcurrentlyWithAnAcquireMayBeHandedOver() {
        assertThat(check("mutex", false, """
        {:process 0, :type :invoke, :f :acquire, :value nil}
        {:process 0, :type :ok, :f :acquire, :value nil}
        {:process 1, :type :invoke, :f :acquire, :value nil}
        {:process 0, :type :invoke, :f :release, :value nil}
        {:process 1, :type :ok, :f :acquire, :value nil}
        {:process 0, :type :ok, :f :release, :value nil}
        """)).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void independenceCanBeTurnedOffSoTuplesAreCheckedAsPlainValues() {
        History h = parse("""
        {:process 0, :type :invoke, :f :write, :value [:a 1]}
        {:process 0, :type :ok, :f :write, :value [:a 1]}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value [:a 1]}
        """);
        WglChecker plain = new WglChecker(CheckOptions.defaults().withIndependence(CheckOptions.Independence.NO));

        CheckResult r = plain.check(h, Models.create("register", false, null));

        assertThat(r.partitioned()).isFalse();
        assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void forcedIndependenceRejectsAValueThatIsNotATuple() {
        WglChecker forced = new WglChecker(CheckOptions.defaults().withIndependence(CheckOptions.Independence.YES));

        assertThatThrownBy(() -> forced.check(parse("""
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :ok, :f :write, :value 1}
        """), Models.create("register", false, null)))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("not an independent [key value] tuple");
    }
}
