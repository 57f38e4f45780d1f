package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.SessionTick;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTableTest {
    private static final ByteString SESSION_A = ByteString.copyFromUtf8("session-a-16byte");
    private static final ByteString SESSION_B = ByteString.copyFromUtf8("session-b-16byte");
    private static final ByteString SESSION_C = ByteString.copyFromUtf8("session-c-16byte");
    private static final long HOUR = 3_600_000;

    private final List<ByteString> applied = new ArrayList<>();
    private final SessionTable table = new SessionTable();
    private long idleTimeout = 600_000;
    private long maxSessions = 1000;

    private Outcome applyCommand(ByteString command) {
        applied.add(command);
        return Outcome.newBuilder()
                .setOk(ByteString.copyFromUtf8("reply-" + applied.size()))
                .build();
    }

    /** Applies an entry whose leader says {@code elapsed} ms passed since its previous entry. */
    private BatchReply run(SessionTable t, CommandBatch b, long elapsed) throws Exception {
        SessionTick tick = SessionTick.newBuilder()
                .setElapsedMillis(elapsed)
                .setIdleTimeoutMillis(idleTimeout)
                .setMaxSessions(maxSessions)
                .build();
        return t.apply(b, b.getCommandsCount(), tick, i -> applyCommand(b.getCommands(i)));
    }

    private BatchReply run(CommandBatch b, long elapsed) throws Exception {
        return run(table, b, elapsed);
    }

    private void open(ByteString session) throws Exception {
        assertThat(run(
                                CommandBatch.newBuilder()
                                        .setSession(session)
                                        .setOpenSession(true)
                                        .build(),
                                0)
                        .getOutcomesCount())
                .isZero();
    }

    private static CommandBatch batch(ByteString session, long seq, long ackedBelow, String... commands) {
        CommandBatch.Builder b =
                CommandBatch.newBuilder().setSession(session).setFirstSeq(seq).setAckedBelow(ackedBelow);
        for (String c : commands) {
            b.addCommands(ByteString.copyFromUtf8(c));
        }
        return b.build();
    }

    @Test
    void aRepeatedSequenceNumberReturnsTheRecordedReplyWithoutApplyingAgain() throws Exception {
        open(SESSION_A);
        BatchReply first = run(batch(SESSION_A, 1, 1, "x"), 10);
        BatchReply retry = run(batch(SESSION_A, 1, 1, "x"), 10);

        assertThat(retry).isEqualTo(first);
        assertThat(applied).hasSize(1);
    }

    @Test
    void sessionsAreIndependent() throws Exception {
        open(SESSION_A);
        open(SESSION_B);
        run(batch(SESSION_A, 1, 1, "x"), 10);
        run(batch(SESSION_B, 1, 1, "x"), 10);

        assertThat(applied).hasSize(2);
    }

    @Test
    void aBatchAppliesEachCommandWithItsOwnSequenceNumber() throws Exception {
        open(SESSION_A);
        run(batch(SESSION_A, 1, 1, "a"), 10);
        BatchReply reply = run(batch(SESSION_A, 1, 1, "a", "b", "c"), 10);

        assertThat(applied).extracting(ByteString::toStringUtf8).containsExactly("a", "b", "c");
        assertThat(reply.getOutcomesList())
                .extracting(o -> o.getOk().toStringUtf8())
                .containsExactly("reply-1", "reply-2", "reply-3");
    }

    @Test
    void acknowledgedRepliesAreForgottenAndTheirRetriesExpire() throws Exception {
        open(SESSION_A);
        run(batch(SESSION_A, 1, 1, "a"), 10);
        run(batch(SESSION_A, 2, 2, "b"), 10);

        BatchReply late = run(batch(SESSION_A, 1, 1, "a"), 10);

        assertThat(late.getOutcomes(0).hasExpired()).isTrue();
        assertThat(applied).hasSize(2);
    }

    @Test
    void aCommandOfASessionThatWasNeverOpenedIsNotApplied() throws Exception {
        BatchReply reply = run(batch(SESSION_A, 1, 1, "a", "b"), 10);

        assertThat(reply.getOutcomesList()).allMatch(Outcome::hasUnknownSession).hasSize(2);
        assertThat(applied).isEmpty();
    }

    @Test
    void openingASessionAgainKeepsItsReplies() throws Exception {
        open(SESSION_A);
        BatchReply first = run(batch(SESSION_A, 1, 1, "x"), 10);
        open(SESSION_A); // a retried open

        assertThat(run(batch(SESSION_A, 1, 1, "x"), 10)).isEqualTo(first);
        assertThat(applied).hasSize(1);
    }

    @Test
    void anIdleSessionIsForgottenInSessionTimeAndItsRetryIsNeverAppliedAgain() throws Exception {
        idleTimeout = 60_000;
        open(SESSION_A);
        open(SESSION_B);
        run(batch(SESSION_A, 1, 1, "a"), 0);
        for (int i = 0; i < 61; i++) {
            run(batch(SESSION_B, 1 + i, 1 + i, "b"), 1000);
        }

        assertThat(table.size()).isEqualTo(1);
        assertThat(table.evicted()).isEqualTo(1);
        BatchReply retry = run(batch(SESSION_A, 1, 1, "a"), 10);
        assertThat(retry.getOutcomes(0).hasUnknownSession()).isTrue();
        assertThat(applied).extracting(ByteString::toStringUtf8).containsOnlyOnce("a");
    }

    @Test
    void aLeaderClockFarAheadOrJumpingDoesNotEvictALiveSessionAndItsRetryGetsTheCachedReply() throws Exception {
        open(SESSION_A);
        open(SESSION_B);
        BatchReply first = run(batch(SESSION_A, 1, 1, "a"), 10);
        // A new leader says two hours passed since its previous entry (its clock jumped, or runs far ahead).
        run(batch(SESSION_B, 1, 1, "b"), 2 * HOUR);
        run(batch(SESSION_B, 2, 2, "b"), 2 * HOUR);

        BatchReply retry = run(batch(SESSION_A, 1, 1, "a"), 10);
        assertThat(retry).as("the retry gets the cached reply").isEqualTo(first);
        assertThat(applied).extracting(ByteString::toStringUtf8).containsExactly("a", "b", "b");
        assertThat(table.toSnapshot().getClockMillis())
                .as("each entry advanced session time by one step at most")
                .isEqualTo(10 + 2 * SessionTable.MAX_STEP_MILLIS + 10);
    }

    @Test
    void atTheSessionLimitTheLeastRecentlyActiveSessionIsForgottenAndCounted() throws Exception {
        maxSessions = 2;
        open(SESSION_A);
        open(SESSION_B);
        run(batch(SESSION_A, 1, 1, "a"), 10); // A is now more recently active than B
        open(SESSION_C);

        assertThat(table.size()).isEqualTo(2);
        assertThat(table.evicted()).isEqualTo(1);
        assertThat(run(batch(SESSION_B, 1, 1, "b"), 10).getOutcomes(0).hasUnknownSession())
                .isTrue();
        assertThat(run(batch(SESSION_A, 2, 2, "a2"), 10).getOutcomes(0).hasOk()).isTrue();
        assertThat(run(batch(SESSION_C, 1, 1, "c"), 10).getOutcomes(0).hasOk()).isTrue();
    }

    @Test
    void aSnapshotRestoresTheSameDeduplicationAndTheSameOrderOfActivity() throws Exception {
        maxSessions = 2;
        open(SESSION_B);
        open(SESSION_A);
        BatchReply first = run(batch(SESSION_A, 7, 7, "x"), 10);

        SessionTable restored = new SessionTable();
        restored.load(table.toSnapshot());
        BatchReply retry = run(restored, batch(SESSION_A, 7, 7, "x"), 10);

        assertThat(retry).isEqualTo(first);
        assertThat(applied).hasSize(1);
        run(
                restored,
                CommandBatch.newBuilder()
                        .setSession(SESSION_C)
                        .setOpenSession(true)
                        .build(),
                10);
        assertThat(run(restored, batch(SESSION_B, 1, 1, "b"), 10).getOutcomes(0).hasUnknownSession())
                .as("B was the least recently active before the snapshot too")
                .isTrue();
    }
}
