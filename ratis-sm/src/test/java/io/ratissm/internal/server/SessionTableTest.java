package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTableTest {
    private static final ByteString SESSION_A = ByteString.copyFromUtf8("session-a-16byte");
    private static final ByteString SESSION_B = ByteString.copyFromUtf8("session-b-16byte");

    private final List<ByteString> applied = new ArrayList<>();

    private Outcome applyCommand(ByteString command) {
        applied.add(command);
        return Outcome.newBuilder().setOk(ByteString.copyFromUtf8("reply-" + applied.size())).build();
    }

    private BatchReply run(SessionTable table, CommandBatch b, long time) throws Exception {
        return table.apply(b, b.getCommandsCount(), time, i -> applyCommand(b.getCommands(i)));
    }

    private static CommandBatch batch(ByteString session, long seq, long ackedBelow, String... commands) {
        CommandBatch.Builder b = CommandBatch.newBuilder().setSession(session).setFirstSeq(seq).setAckedBelow(ackedBelow);
        for (String c : commands) {
            b.addCommands(ByteString.copyFromUtf8(c));
        }
        return b.build();
    }

    @Test
    void aRepeatedSequenceNumberReturnsTheRecordedReplyWithoutApplyingAgain() throws Exception {
        SessionTable table = new SessionTable(60_000);
        BatchReply first = run(table, batch(SESSION_A, 1, 1, "x"), 1000);
        BatchReply retry = run(table, batch(SESSION_A, 1, 1, "x"), 2000);

        assertThat(retry).isEqualTo(first);
        assertThat(applied).hasSize(1);
    }

    @Test
    void sessionsAreIndependent() throws Exception {
        SessionTable table = new SessionTable(60_000);
        run(table, batch(SESSION_A, 1, 1, "x"), 1000);
        run(table, batch(SESSION_B, 1, 1, "x"), 1000);

        assertThat(applied).hasSize(2);
    }

    @Test
    void aBatchAppliesEachCommandWithItsOwnSequenceNumber() throws Exception {
        SessionTable table = new SessionTable(60_000);
        run(table, batch(SESSION_A, 1, 1, "a"), 1000);
        BatchReply reply = run(table, batch(SESSION_A, 1, 1, "a", "b", "c"), 1000);

        assertThat(applied).extracting(ByteString::toStringUtf8).containsExactly("a", "b", "c");
        assertThat(reply.getOutcomesList()).extracting(o -> o.getOk().toStringUtf8())
                .containsExactly("reply-1", "reply-2", "reply-3");
    }

    @Test
    void acknowledgedRepliesAreForgottenAndTheirRetriesExpire() throws Exception {
        SessionTable table = new SessionTable(60_000);
        run(table, batch(SESSION_A, 1, 1, "a"), 1000);
        run(table, batch(SESSION_A, 2, 2, "b"), 1000);

        BatchReply late = run(table, batch(SESSION_A, 1, 1, "a"), 1000);

        assertThat(late.getOutcomes(0).hasExpired()).isTrue();
        assertThat(applied).hasSize(2);
    }

    @Test
    void idleSessionsAreEvictedByLogTime() throws Exception {
        SessionTable table = new SessionTable(10_000);
        run(table, batch(SESSION_A, 1, 1, "a"), 1_000);
        run(table, batch(SESSION_B, 1, 1, "b"), 5_000);
        run(table, batch(SESSION_B, 2, 2, "b"), 11_001);

        assertThat(table.size()).isEqualTo(1);
        // A clock going backwards (a new leader with a slower clock) never un-expires anything.
        run(table, batch(SESSION_B, 3, 3, "b"), 2_000);
        assertThat(table.toSnapshot().getClockMillis()).isEqualTo(11_001);
    }

    @Test
    void aSnapshotRestoresTheSameDeduplication() throws Exception {
        SessionTable table = new SessionTable(60_000);
        BatchReply first = run(table, batch(SESSION_A, 7, 7, "x"), 1000);

        SessionTable restored = new SessionTable(60_000);
        restored.load(table.toSnapshot());
        BatchReply retry = run(restored, batch(SESSION_A, 7, 7, "x"), 1000);

        assertThat(retry).isEqualTo(first);
        assertThat(applied).hasSize(1);
        assertThat(restored.toSnapshot()).isEqualTo(table.toSnapshot());
    }
}
