package io.ratissm.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Replication;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.workload.ReadMode;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The set and bank workloads end to end under process faults (no root needed): valid, with their evidence. */
class WorkloadRunsTest {

    @Test
    void setLosesNoAcknowledgedAddWhenTheLeaderIsKilledAndSnapshotsAreForced() throws Exception {
        TestResult result = HarnessRuns.run(
                HarnessRuns.shortRun("set", "kill-leader,snapshot", Replication.ACTIVE, ReadMode.LINEARIZABLE, 21));

        assertThat(result.verdict()).as("verdict of %s", result.storeDir()).isEqualTo(Verdict.LINEARIZABLE);
        Map<Keyword, Object> details = result.check().details();
        assertThat(details.get(Keyword.of("final-read?"))).isEqualTo(true);
        assertThat((Long) details.get(Keyword.of("acknowledged-count"))).isGreaterThan(20);
        String history = Files.readString(result.storeDir().resolve("history.txt"));
        assertThat(history).contains(":start-kill-leader", ":start-snapshot");
        // each forced snapshot is recorded with the log index it covers, as 'admin snapshot' reports it
        assertThat(history).containsPattern(":start-snapshot\t\\[:snapshot \\{[^}]*\"n\\d\" \\d+");
    }

    @Test
    void bankKeepsItsTotalWhileReplicasArePaused() throws Exception {
        TestResult result = HarnessRuns.run(
                HarnessRuns.shortRun("bank", "pause-leader", Replication.ACTIVE, ReadMode.LINEARIZABLE, 22));

        assertThat(result.verdict()).as("verdict of %s", result.storeDir()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat((Long) result.check().details().get(Keyword.of("read-count")))
                .isGreaterThan(5);
        assertThat(Files.readString(result.storeDir().resolve("history.txt"))).contains(":start-pause-leader");
    }
}
