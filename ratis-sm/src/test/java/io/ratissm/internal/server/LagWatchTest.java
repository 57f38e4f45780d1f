package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.internal.server.LagWatch.Position;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The lag a replica reports, from readings of its position taken once a second. */
class LagWatchTest {
    private static final long SECOND = 1_000_000_000L;

    private final LagWatch watch = new LagWatch(Duration.ofSeconds(10));

    private static Position follower(long applied, long commit, long leaderCommit) {
        return new Position(applied, commit, "n1", leaderCommit, 3, 3, Math.max(commit, leaderCommit));
    }

    @Test
    void aReplicaThatKeepsApplyingUnderLoadIsNeverLaggingThoughItTrailsEveryCommit() {
        // Each second 100 more entries commit; the replica has applied all but the newest few.
        for (int t = 0; t <= 60; t++) {
            long committed = 100L * t + 100;
            watch.record(follower(committed - 5, committed - 2, committed), t * SECOND);
            assertThat(watch.problem()).isNull();
        }
        assertThat(watch.entries()).isEqualTo(5);
        assertThat(watch.seconds()).isZero();
    }

    @Test
    void anApplyLoopStuckBelowItsOwnCommitIndexIsLaggingOnceTheLimitPassesWithTheNumbers() {
        for (int t = 0; t <= 10; t++) {
            watch.record(follower(1452, 1585, -1), t * SECOND);
        }
        assertThat(watch.problem()).as("at the limit").isNull();
        assertThat(watch.seconds()).isEqualTo(10);

        watch.record(follower(1452, 1585, -1), 11 * SECOND);

        assertThat(watch.problem())
                .isEqualTo("lagging: applied index 1452 has stayed below commit index 1585 (its"
                        + " own) for 11.0 s, more than the limit of 10.0 s; 133 committed entries are not applied (commit"
                        + " index 1585)");
        assertThat(watch.entries()).isEqualTo(133);
    }

    @Test
    void aFollowerFrozenBelowTheLeadersCommitIndexCountsFromWhenItFirstKnewOfIt() {
        watch.record(follower(889, 889, 900), 0);
        for (int t = 1; t <= 12; t++) {
            // The leader keeps committing; the follower's log cannot take its entries.
            watch.record(follower(889, 889, 900 + 10L * t), t * SECOND);
        }

        assertThat(watch.problem())
                .startsWith(
                        "lagging: applied index 889 has stayed below commit index 900 (leader" + " n1's) for 12.0 s")
                .endsWith("; 131 committed entries are not applied (commit index 1020)");
        assertThat(watch.seconds()).isEqualTo(12);
    }

    @Test
    void catchingUpEndsTheLag() {
        for (int t = 0; t <= 20; t++) {
            watch.record(follower(10, 50, -1), t * SECOND);
        }
        assertThat(watch.problem()).isNotNull();

        watch.record(follower(50, 50, 50), 21 * SECOND);

        assertThat(watch.problem()).isNull();
        assertThat(watch.entries()).isZero();
        assertThat(watch.seconds()).isZero();
    }

    @Test
    void aFollowerWhoseLogHoldsNothingOfItsLeadersTermIsLaggingThoughItKnowsNoCommitIndex() {
        // A log the leader cannot continue: the follower answers "inconsistent" and learns no commit index.
        for (int t = 0; t <= 11; t++) {
            watch.record(new Position(-1, -1, "n2", -1, 2, -1, -1), t * SECOND);
        }

        assertThat(watch.problem())
                .startsWith(
                        "lagging: it follows leader n2 in term 2 but its log holds no entry of"
                                + " that term (it ends at nothing: the log is empty) after 11.0 s, more than the limit of 10.0 s");
        assertThat(watch.seconds()).isEqualTo(11);
    }

    @Test
    void aNewLeadersFirstEntryArrivingInTimeIsNoLag() {
        watch.record(new Position(700, 700, "n2", -1, 4, 3, 700), 0);
        watch.record(new Position(700, 700, "n2", 701, 4, 4, 701), SECOND);
        watch.record(new Position(701, 701, "n2", 701, 4, 4, 701), 20 * SECOND);

        assertThat(watch.problem()).isNull();
    }

    @Test
    void aLeaderOrAReplicaWithoutLeaderIsJudgedOnlyOnItsOwnCommitIndex() {
        for (int t = 0; t <= 30; t++) {
            watch.record(new Position(5, 5, null, -1, 7, 6, 5), t * SECOND);
        }

        assertThat(watch.problem()).isNull();
    }
}
