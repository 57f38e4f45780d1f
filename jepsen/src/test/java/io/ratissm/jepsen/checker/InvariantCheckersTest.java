package io.ratissm.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The set, counter and bank checkers on small hand-made histories, valid and broken. */
class InvariantCheckersTest {
    private final List<Op> ops = new ArrayList<>();

    private void op(OpType type, long process, String f, Object value) {
        ops.add(Op.of(ops.size(), type, process, f, value));
    }

    private History history() {
        return new History(ops);
    }

    @Test
    void setIsValidWhenEveryAcknowledgedAddIsReadAndCrashedAddsGoEitherWay() {
        op(OpType.INVOKE, 0, "add", 0L);
        op(OpType.OK, 0, "add", 0L);
        op(OpType.INVOKE, 1, "add", 1L);
        op(OpType.INFO, 1, "add", 1L);
        op(OpType.INVOKE, 6, "add", 2L);
        op(OpType.INFO, 6, "add", 2L);
        op(OpType.INVOKE, 0, "read", null);
        op(OpType.OK, 0, "read", List.of(0L, 2L));

        SetChecker.Result r = SetChecker.check(history());

        assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(r.recovered()).containsExactly(2L);
    }

    @Test
    void setReportsALostAcknowledgedAddAndAnUnexpectedElement() {
        op(OpType.INVOKE, 0, "add", 0L);
        op(OpType.OK, 0, "add", 0L);
        op(OpType.INVOKE, 0, "read", null);
        op(OpType.OK, 0, "read", List.of(7L));

        SetChecker.Result r = SetChecker.check(history());

        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(r.lost()).containsExactly(0L);
        assertThat(r.unexpected()).containsExactly(7L);
    }

    @Test
    void setWithoutAFinalReadIsUnknown() {
        op(OpType.INVOKE, 0, "add", 0L);
        op(OpType.OK, 0, "add", 0L);

        assertThat(SetChecker.check(history()).verdict()).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void counterReadMayIncludeConcurrentAndCrashedAddsButNotFailedOnes() {
        op(OpType.INVOKE, 0, "add", 2L);
        op(OpType.OK, 0, "add", 2L);
        op(OpType.INVOKE, 1, "add", 3L); // crashed: may count
        op(OpType.INFO, 1, "add", 3L);
        op(OpType.INVOKE, 2, "add", 10L); // failed: never counts
        op(OpType.FAIL, 2, "add", 10L);
        op(OpType.INVOKE, 0, "read", null);
        op(OpType.OK, 0, "read", 5L);

        assertThat(CounterChecker.check(history()).verdict()).isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void counterReadBelowTheAcknowledgedAddsIsAnError() {
        op(OpType.INVOKE, 0, "add", 2L);
        op(OpType.OK, 0, "add", 2L);
        op(OpType.INVOKE, 1, "read", null);
        op(OpType.OK, 1, "read", 1L);

        CounterChecker.Result r = CounterChecker.check(history());

        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.lower()).isEqualTo(2);
            assertThat(e.upper()).isEqualTo(2);
        });
    }

    @Test
    void counterReadAboveEveryAttemptedAddIsAnError() {
        op(OpType.INVOKE, 0, "add", 2L);
        op(OpType.OK, 0, "add", 2L);
        op(OpType.INVOKE, 1, "read", null);
        op(OpType.OK, 1, "read", 4L);

        assertThat(CounterChecker.check(history()).verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    }

    @Test
    void bankReadsMustKeepTheTotalAndNoNegativeBalance() {
        Map<String, Long> good = new TreeMap<>(Map.of("a0", 7L, "a1", 3L));
        Map<String, Long> created = new TreeMap<>(Map.of("a0", 8L, "a1", 3L));
        Map<String, Long> negative = new TreeMap<>(Map.of("a0", 11L, "a1", -1L));
        op(OpType.INVOKE, 0, "read", null);
        op(OpType.OK, 0, "read", good);

        assertThat(BankChecker.check(history(), Set.of("a0", "a1"), 10).verdict())
                .isEqualTo(Verdict.LINEARIZABLE);

        op(OpType.INVOKE, 0, "read", null);
        op(OpType.OK, 0, "read", created);
        op(OpType.INVOKE, 0, "read", null);
        op(OpType.OK, 0, "read", negative);
        BankChecker.Result r = BankChecker.check(history(), Set.of("a0", "a1"), 10);

        assertThat(r.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(r.errors())
                .extracting(BankChecker.BadRead::problem)
                .containsExactly("total 11 but expected 10", "negative balances [a1=-1]");
        assertThat(r.toEdn().get(Keyword.of("error-count"))).isEqualTo(2L);
    }
}
