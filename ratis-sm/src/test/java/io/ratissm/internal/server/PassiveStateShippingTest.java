package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.CommandTooLarge;
import io.ratissm.StateMachine;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.LogEntry;
import io.ratissm.internal.proto.SessionTick;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PASSIVE replication of a state machine without effects ships its whole state in the log: the wall that puts on the
 * state's size, said clearly, and never in the way of a reply the group already holds.
 */
class PassiveStateShippingTest {
    private static final SessionTick TICK = SessionTick.newBuilder()
            .setIdleTimeoutMillis(600_000)
            .setMaxSessions(100)
            .build();
    private static final ByteString SESSION = ByteString.copyFromUtf8("client-1");

    private final StateMachineHost host = new StateMachineHost("n1", Blob::new, () -> {});
    private final SessionTable sessions = new SessionTable();
    private final List<Long> shipped = new ArrayList<>();
    private long index;

    private PassiveReplication leader(long maxEntryBytes) {
        PassiveReplication p = new PassiveReplication(
                "n1",
                host,
                sessions,
                new PassiveReplication.LogPosition() {
                    @Override
                    public long appliedIndex() {
                        return index;
                    }

                    @Override
                    public long lastIndex() {
                        return index;
                    }
                },
                maxEntryBytes,
                shipped::add);
        p.leaderReady(1);
        return p;
    }

    /** Executes, appends and applies one batch on this one-replica group; returns the reply. */
    private BatchReply commit(PassiveReplication p, CommandBatch batch) throws Exception {
        ReplicationProtocol.Prepared prepared = p.prepare(batch, TICK);
        p.appending(prepared.ticket(), 1, index + 1);
        BatchReply reply = p.apply(LogEntry.parseFrom(prepared.logData()), 1, index + 1);
        index++;
        return reply;
    }

    private static CommandBatch grow(long seq, int bytes) {
        return CommandBatch.newBuilder()
                .setSession(SESSION)
                .setFirstSeq(seq)
                .setAckedBelow(seq)
                .addCommands(ByteString.copyFromUtf8(Integer.toString(bytes)))
                .build();
    }

    @Test
    void aStateTooLargeToShipIsRefusedWithWhatToDoAndTheSizeIsMeasured() throws Exception {
        PassiveReplication p = leader(10_000);
        commit(
                p,
                CommandBatch.newBuilder()
                        .setSession(SESSION)
                        .setOpenSession(true)
                        .build());
        commit(p, grow(1, 6_000));

        assertThatThrownBy(() -> commit(p, grow(2, 6_000)))
                .isInstanceOf(CommandTooLarge.class)
                .hasMessageContaining("was not applied")
                .hasMessageContaining("implement EffectStateMachine")
                .hasMessageContaining("12000 bytes");
        assertThat(shipped).containsExactly(6000L);
        assertThat(host.query(ByteString.EMPTY).getOk().toStringUtf8()).isEqualTo("6000");
    }

    @Test
    void aRetryOfAnAppliedCommandGetsItsReplyEvenWhenTheStateNoLongerFitsAnEntry() throws Exception {
        PassiveReplication before = leader(10_000);
        commit(
                before,
                CommandBatch.newBuilder()
                        .setSession(SESSION)
                        .setOpenSession(true)
                        .build());
        BatchReply first = commit(before, grow(1, 6_000));

        // The group restarts with a smaller entry limit, and the client retries the command it had no reply for.
        PassiveReplication after = leader(4_000);
        BatchReply retry = commit(after, grow(1, 6_000));

        assertThat(retry).isEqualTo(first);
        assertThat(retry.getOutcomes(0).getOk().toStringUtf8()).isEqualTo("6000");
    }

    /** A state of n bytes; the command "k" appends k bytes; the reply and the query answer are the size. */
    static final class Blob implements StateMachine {
        private byte[] state = new byte[0];

        @Override
        public ByteString apply(ByteString command) {
            state = new byte[state.length + Integer.parseInt(command.toStringUtf8())];
            return ByteString.copyFromUtf8(Integer.toString(state.length));
        }

        @Override
        public ByteString query(ByteString query) {
            return ByteString.copyFromUtf8(Integer.toString(state.length));
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            out.write(state);
        }

        @Override
        public void readSnapshot(InputStream in) throws IOException {
            state = in.readAllBytes();
        }
    }
}
