package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.checker.CheckOptions;
import io.ratissm.jepsen.checker.CheckResult;
import io.ratissm.jepsen.checker.KeyResult;
import io.ratissm.jepsen.checker.Models;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.checker.WglChecker;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.Keyword;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A history the harness recorded (one key of a {@code register --read stale --nemesis partition-one} run, as the
 * store writes it under {@code independent/0/}): stale reads from the isolated replica. It must stay
 * non-linearizable, and the store's per-key file must stay readable as a plain cas-register history with the
 * nemesis ops interleaved.
 */
class RecordedStaleReadTest {

    @Test
    void aRecordedStaleReadFromAnIsolatedReplicaIsNotLinearizable() throws Exception {
        Path file = Path.of(RecordedStaleReadTest.class
                .getResource("/harness/stale-read-partition-one-key0.edn")
                .toURI());
        History history = HistoryReader.read(file);

        CheckResult result = new WglChecker(CheckOptions.defaults().withIndependence(CheckOptions.Independence.NO))
                .check(history, Models.create("cas-register", true, null));

        assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        KeyResult failure = result.firstFailure();
        assertThat(failure.failedOp().f()).isEqualTo(Keyword.of("read"));
        assertThat(history.ops()).anyMatch(op -> op.f().equals(Keyword.of("start-partition-one")));
    }
}
