package io.ratissm.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.TestData;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The time limit and memory budget end a search with an unknown verdict rather than a hang or an OOM. */
class CheckLimitsTest {
    private static final Model ETCD_MODEL = Models.create("cas-register", true, null);

    private static History hardHistory() throws IOException {
        // etcd_007 is one of the two hardest etcd histories (Porcupine needs ~0.3 s on it).
        return HistoryReader.read(TestData.history("etcd/etcd_007.edn"));
    }

    @Test
    void aTinyTimeLimitOnAHardHistoryGivesUnknownWithCauseTimeout() throws IOException {
        CheckOptions options = CheckOptions.defaults().withTimeLimit(Duration.ofNanos(1));

        CheckResult r = new WglChecker(options).check(hardHistory(), ETCD_MODEL);

        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.cause()).isEqualTo(":timeout");
    }

    @Test
    void aTinyMemoryBudgetOnAHardHistoryGivesUnknownWithCauseMemory() throws IOException {
        CheckOptions options = CheckOptions.defaults().withMemoryBudget(256 * 1024);

        CheckResult r = new WglChecker(options).check(hardHistory(), ETCD_MODEL);

        assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(r.cause()).isEqualTo(":memory");
    }

    @Test
    void theSameHardHistoryIsDecidedWithinDefaultLimits() throws IOException {
        CheckResult r = new WglChecker(CheckOptions.defaults()).check(hardHistory(), ETCD_MODEL);

        assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        // Still hard after the search's reductions (read-only ops, twins): 7,549 configurations, 37,154 before them.
        assertThat(r.keys().get(0).configurationsExplored()).isGreaterThan(5_000);
    }
}
