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
        BatchReply first = table.apply(batch(SESSION_A, 1, 1, "x"), 1000, this::applyCommand);
        BatchReply retry = table.apply(batch(SESSION_A, 1, 1, "x"), 2000, this::applyCommand);

        assertThat(retry).isEqualTo(first);
        assertThat(applied).hasSize(1);
    }

    @Test
    void sessionsAreIndependent() throws Exception {
        SessionTable table = new SessionTable(60_000);
        table.apply(batch(SESSION_A, 1, 1, "x"), 1000, this::applyCommand);
        table.apply(batch(SESSION_B, 1, 1, "x"), 1000, this::applyCommand);

        assertThat(applied).hasSize(2);
    }

    @Test
    void aBatchAppliesEachCommandWithItsOwnSequenceNumber() throws Exception {
        SessionTable table = new SessionTable(60_000);
        table.apply(batch(SESSION_A, 1, 1, "a"), 1000, this::applyCommand);
        BatchReply reply = table.apply(batch(SESSION_A, 1, 1, "a", "b", "c"), 1000, this::applyCommand);

        assertThat(applied).extracting(ByteString::toStringUtf8).containsExactly("a", "b", "c");
        assertThat(reply.getOutcomesList()).extracting(o -> o.getOk().toStringUtf8())
                .containsExactly("reply-1", "reply-2", "reply-3");
    }

    @Test
    void acknowledgedRepliesAreForgottenAndTheirRetriesExpire() throws Exception {
        SessionTable table = new SessionTable(60_000);
        table.apply(batch(SESSION_A, 1, 1, "a"), 1000, this::applyCommand);
        table.apply(batch(SESSION_A, 2, 2, "b"), 1000, this::applyCommand);

        BatchReply late = table.apply(batch(SESSION_A, 1, 1, "a"), 1000, this::applyCommand);

        assertThat(late.getOutcomes(0).hasExpired()).isTrue();
        assertThat(applied).hasSize(2);
    }

    @Test
    void idleSessionsAreEvictedByLogTime() throws Exception {
        SessionTable table = new SessionTable(10_000);
        table.apply(batch(SESSION_A, 1, 1, "a"), 1_000, this::applyCommand);
        table.apply(batch(SESSION_B, 1, 1, "b"), 5_000, this::applyCommand);
        table.apply(batch(SESSION_B, 2, 2, "b"), 11_001, this::applyCommand);

        assertThat(table.size()).isEqualTo(1);
        // A clock going backwards (a new leader with a slower clock) never un-expires anything.
        table.apply(batch(SESSION_B, 3, 3, "b"), 2_000, this::applyCommand);
        assertThat(table.toSnapshot().getClockMillis()).isEqualTo(11_001);
    }

    @Test
    void aSnapshotRestoresTheSameDeduplication() throws Exception {
        SessionTable table = new SessionTable(60_000);
        BatchReply first = table.apply(batch(SESSION_A, 7, 7, "x"), 1000, this::applyCommand);

        SessionTable restored = new SessionTable(60_000);
        restored.load(table.toSnapshot());
        BatchReply retry = restored.apply(batch(SESSION_A, 7, 7, "x"), 1000, this::applyCommand);

        assertThat(retry).isEqualTo(first);
        assertThat(applied).hasSize(1);
        assertThat(restored.toSnapshot()).isEqualTo(table.toSnapshot());
    }
}
