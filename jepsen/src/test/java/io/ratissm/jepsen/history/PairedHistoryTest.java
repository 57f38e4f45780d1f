package io.ratissm.jepsen.history;

import static io.ratissm.jepsen.TestData.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.jepsen.history.Operation.Outcome;
import org.junit.jupiter.api.Test;

class PairedHistoryTest {
    @Test
    void pairsEachInvocationWithItsProcessCompletionAndTakesTheReadValueFromTheOk() {
        PairedHistory p = PairedHistory.of(parse("""
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 1, :type :invoke, :f :write, :value 2}
        {:process 1, :type :ok, :f :write, :value 2}
        {:process 0, :type :ok, :f :read, :value 2}
        """));

        assertThat(p.operations())
                .extracting(
                        Operation::f,
                        Operation::value,
                        Operation::outcome,
                        Operation::invokePosition,
                        Operation::completePosition)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Keyword.of("read"), 2L, Outcome.OK, 0, 3),
                        org.assertj.core.groups.Tuple.tuple(Keyword.of("write"), 2L, Outcome.OK, 1, 2));
    }

    @Test
    void marksInfoAsCrashedAndUnmatchedInvocationsAsPendingWithTheInvokeValue() {
        PairedHistory p = PairedHistory.of(parse("""
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :info, :f :write, :value nil}
        {:process 1, :type :invoke, :f :cas, :value [1 2]}
        {:process 2, :type :invoke, :f :write, :value 3}
        {:process 2, :type :fail, :f :write, :value 3}
        """));

        assertThat(p.operations())
                .extracting(Operation::outcome)
                .containsExactly(Outcome.INFO, Outcome.PENDING, Outcome.FAIL);
        assertThat(p.operations().get(0).value()).isEqualTo(1L);
        assertThat(p.operations().get(1).completePosition()).isEqualTo(-1);
    }

    @Test
    void ignoresNemesisOpsAndInfosWithoutAnInvocation() {
        PairedHistory p = PairedHistory.of(parse("""
        {:process :nemesis, :type :info, :f :start, :value nil}
        {:process 4, :type :info, :f :read, :value nil}
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process :nemesis, :type :info, :f :start, :value [:isolated {}]}
        {:process 0, :type :ok, :f :read, :value 0}
        """));

        assertThat(p.operations())
                .singleElement()
                .extracting(Operation::process)
                .isEqualTo(0L);
    }

    @Test
    void rejectsAProcessThatInvokesTwiceWithoutCompleting() {
        assertThatThrownBy(() -> PairedHistory.of(parse("""
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :invoke, :f :write, :value 1}
        """)))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("process 0 invokes :write (op 1) while its :read (op 0) has not completed");
    }

    @Test
    void rejectsAnOkWithoutAnInvocation() {
        assertThatThrownBy(() -> PairedHistory.of(parse("{:process 5, :type :ok, :f :read, :value 1}")))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("process 5 completes :read with :ok (op 0) without invoking it first");
    }

    @Test
    void rejectsACompletionOfAnotherFunction() {
        assertThatThrownBy(() -> PairedHistory.of(parse("""
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :write, :value 1}
        """)))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("a completion must have its invocation's :f");
    }

    @Test
    void aCrashedOpStaysOpenEvenIfItsProcessInvokesAgain() {
        PairedHistory p = PairedHistory.of(parse("""
        {:process 0, :type :invoke, :f :write, :value 1}
        {:process 0, :type :info, :f :write, :value 1}
        {:process 0, :type :invoke, :f :read, :value nil}
        {:process 0, :type :ok, :f :read, :value 1}
        """));

        assertThat(p.operations()).extracting(Operation::outcome).containsExactly(Outcome.INFO, Outcome.OK);
        assertThat(p.operations().get(0).isIndeterminate()).isTrue();
    }
}
