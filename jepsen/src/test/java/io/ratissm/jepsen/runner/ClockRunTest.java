package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ratissm.Replication;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.nemesis.ClockFaults;
import io.ratissm.jepsen.nodes.Faketime;
import io.ratissm.jepsen.workload.ReadMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The clock faults end to end (needs libfaketime, which CI installs): a register run in which one replica's
 * clocks step ahead of or behind the others' and then one replica's clocks run fast or slow. The run must stay
 * linearizable, and the replicas' own reports, recorded in the nemesis ops, must show that their
 * {@code currentTimeMillis} and {@code nanoTime} really jumped and really ran at the rate asked for.
 */
class ClockRunTest {

    @Test
    void registerStaysLinearizableWhileReplicaClocksStepAndDrift() throws Exception {
        assumeTrue(Faketime.whyUnavailable() == null, Faketime.whyUnavailable());
        // Steps below Ratis's 10 s step-down threshold, and a rate far enough from 1 to tell it from no fault.
        TestResult result = HarnessRuns.run(
                HarnessRuns.shortRun("register", "clock-skew,clock-rate", Replication.ACTIVE, ReadMode.LINEARIZABLE, 41)
                        .with(Duration.ZERO, false, new ClockFaults(Duration.ofSeconds(8), 0.5, 0.5)));

        assertThat(result.verdict()).as("verdict of %s", result.storeDir()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.counts().ok()).as("acknowledged ops").isGreaterThan(20);
        History history = HistoryReader.read(result.storeDir().resolve("history.edn"));

        Map<?, ?> skew = (Map<?, ?>) completion(history, "start-clock-skew").get(1);
        Map<?, ?> stepped = (Map<?, ?>) skew.get(Keyword.of("stepped"));
        assertThat(stepped).as("replicas whose clocks were stepped: %s", skew).isNotEmpty();
        for (Object seen : stepped.values()) {
            Map<?, ?> jump = (Map<?, ?>) seen;
            long step = (Long) jump.get(Keyword.of("step-ms"));
            assertThat(step).isBetween(1_000L, 8_000L);
            assertThat((Long) jump.get(Keyword.of("wall-jump-ms")))
                    .as("currentTimeMillis jump")
                    .isCloseTo(step, within(500L));
            assertThat((Long) jump.get(Keyword.of("nano-jump-ms")))
                    .as("nanoTime jump")
                    .isCloseTo(step, within(500L));
        }

        Map<?, ?> rate = (Map<?, ?>) completion(history, "stop-clock-rate").get(1);
        double asked = (Double) rate.get(Keyword.of("rate"));
        assertThat(asked).isEqualTo(0.5);
        assertThat((Double) rate.get(Keyword.of("observed-wall-rate")))
                .as("currentTimeMillis rate, %s", rate)
                .isCloseTo(asked, within(0.05));
        assertThat((Double) rate.get(Keyword.of("observed-nano-rate")))
                .as("nanoTime rate, %s", rate)
                .isCloseTo(asked, within(0.05));
    }

    /** The value of the first nemesis completion of {@code f}: {@code [:keyword {...}]}. */
    private static List<?> completion(History history, String f) {
        return history.ops().stream()
                .filter(o -> !o.isClient() && o.f().equals(Keyword.of(f)) && o.value() != null)
                .map(Op::value)
                .map(List.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no completed :" + f + " in the history"));
    }
}
