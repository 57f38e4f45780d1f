package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.NonNegativeCounter;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.LogEntry;
import io.ratissm.internal.proto.SessionTick;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An execution on the leader that spans a lost and regained leadership must never be applied on the state that
 * the group committed in between (issue 11, item 1), replayed step by step on two replicas.
 */
class PassiveFencingTest {
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void anExecutionThatSpansALostAndRegainedLeadershipIsNeverAppliedOnTheNewState() throws Exception {
        Replica l1 = new Replica("n1");
        Replica l2 = new Replica("n2");

        // 1. L1 leads in term 1 and appends A = +1 at index 1, which never reaches the others.
        l1.passive.leaderReady(1);
        ReplicationProtocol.Prepared a = l1.passive.prepare(batch("client-a", 1, 1), TICK);
        l1.passive.appending(a.ticket(), 1, 1);
        l1.log.last = 1;

        // 2. C = +100 takes the executor and runs on L1's speculative state 0 + A, and stalls there.
        Future<ReplicationProtocol.Prepared> c = executor.submit(() -> l1.passive.prepare(batch("client-c", 1, 100),
                TICK));
        assertThat(GatedCounter.entered.await(10, TimeUnit.SECONDS)).isTrue();

        // 3. L1 is cut off; L2 leads in term 2 and commits X = +10 at index 1.
        l1.passive.notLeader();
        l2.passive.leaderReady(2);
        ReplicationProtocol.Prepared x = l2.passive.prepare(batch("client-x", 1, 10), TICK);
        l2.passive.appending(x.ticket(), 2, 1);
        l2.apply(x.logData(), 2, 1);

        // 4. L1 rejoins: A is truncated and X takes index 1; L1 applies X, wins term 3 and is ready again.
        l1.apply(x.logData(), 2, 1);
        l1.passive.leaderReady(3);

        // 5. C's execution returns: L1 is a ready leader again, and Ratis appends C in term 3 at index 2.
        GatedCounter.release.countDown();
        ReplicationProtocol.Prepared cPrepared = c.get(10, TimeUnit.SECONDS);
        boolean appended;
        try {
            l1.passive.appending(cPrepared.ticket(), 3, 2);
            appended = true;
        } catch (IOException refused) {
            appended = false;
        }

        // 6. If C reached the log, every replica applies it at index 2, term 3.
        if (appended) {
            BatchReply onL1 = l1.apply(cPrepared.logData(), 3, 2);
            BatchReply onL2 = l2.apply(cPrepared.logData(), 3, 2);
            assertThat(onL1.getOutcomes(0).hasRetry()).as("C, computed on a discarded state, has no effect on n1")
                    .isTrue();
            assertThat(onL2.getOutcomes(0).hasRetry()).as("C has no effect on n2").isTrue();
        }
        assertThat(l1.value()).as("X's acknowledged +10 survives on n1").isEqualTo(10);
        assertThat(l2.value()).as("X's acknowledged +10 survives on n2").isEqualTo(10);
    }

    @Test
    void anEntryLoggedInAnotherTermThanItWasExecutedInHasNoEffect() throws Exception {
        Replica leader = new Replica("n1");
        Replica follower = new Replica("n2");
        leader.passive.leaderReady(2);
        ReplicationProtocol.Prepared x = leader.passive.prepare(batch("client-x", 1, 10), TICK);

        BatchReply reply = follower.apply(x.logData(), 3, 1);

        assertThat(reply.getOutcomes(0).hasRetry()).isTrue();
        assertThat(follower.value()).isZero();
    }

    @Test
    void anEntryWhoseBaseIsNotTheLastPassiveEntryAppliedHasNoEffectEvenIfTheChainsAreEquallyLong() throws Exception {
        Replica l1 = new Replica("n1");
        Replica l2 = new Replica("n2");
        // L1 appends A and then Y on top of it in term 1; neither is replicated.
        l1.passive.leaderReady(1);
        ReplicationProtocol.Prepared a = l1.passive.prepare(batch("client-a", 1, 1), TICK);
        l1.passive.appending(a.ticket(), 1, 1);
        ReplicationProtocol.Prepared y = l1.passive.prepare(batch("client-c", 1, 5), TICK);
        l1.passive.appending(y.ticket(), 1, 2);
        // L2 commits X at index 1 in term 2: a chain of one entry, as long as the one Y was computed on.
        l2.passive.leaderReady(2);
        ReplicationProtocol.Prepared x = l2.passive.prepare(batch("client-x", 1, 10), TICK);
        l2.passive.appending(x.ticket(), 2, 1);
        l2.apply(x.logData(), 2, 1);

        BatchReply reply = l2.apply(y.logData(), 1, 2);

        assertThat(reply.getOutcomes(0).hasRetry()).isTrue();
        assertThat(l2.value()).isEqualTo(10);
    }

    @Test
    void aRejectedCommandLeavesEveryReplicasStateAlone() throws Exception {
        Replica leader = new Replica("n1");
        Replica follower = new Replica("n2");
        leader.passive.leaderReady(1);
        ReplicationProtocol.Prepared add = leader.passive.prepare(batch("client-a", 1, 5), TICK);
        leader.passive.appending(add.ticket(), 1, 1);
        ReplicationProtocol.Prepared rejected = leader.passive.prepare(batch("client-a", 2, GatedCounter.REJECTED),
                TICK);
        leader.passive.appending(rejected.ticket(), 1, 2);

        for (Replica r : List.of(leader, follower)) {
            r.apply(add.logData(), 1, 1);
            assertThat(r.apply(rejected.logData(), 1, 2).getOutcomes(0).hasRejected()).isTrue();
            assertThat(r.value()).isEqualTo(5);
        }
    }

    private static final SessionTick TICK = SessionTick.newBuilder().setIdleTimeoutMillis(600_000)
            .setMaxSessions(100).build();

    private static CommandBatch batch(String session, long seq, long delta) {
        return CommandBatch.newBuilder().setSession(ByteString.copyFromUtf8(session)).setFirstSeq(seq)
                .setAckedBelow(seq).addCommands(GatedCounter.encode(delta)).build();
    }

    /** Where a replica's log stands, set by the test. */
    private static final class StubLog implements PassiveReplication.LogPosition {
        long applied;
        long last;

        @Override
        public long appliedIndex() {
            return applied;
        }

        @Override
        public long lastIndex() {
            return last;
        }
    }

    /** One replica's PASSIVE protocol over a counter, with its log position in the test's hands. */
    private static final class Replica {
        final StateMachineHost host;
        final SessionTable sessions;
        final StubLog log = new StubLog();
        final PassiveReplication passive;

        Replica(String id) throws Exception {
            host = new StateMachineHost(id, GatedCounter::new, () -> {
            });
            sessions = new SessionTable();
            passive = new PassiveReplication(id, host, sessions, log, 4 << 20, bytes -> {
            });
            for (String client : List.of("client-a", "client-c", "client-x")) {
                sessions.apply(CommandBatch.newBuilder().setSession(ByteString.copyFromUtf8(client))
                        .setOpenSession(true).build(), 0, TICK, i -> {
                            throw new AssertionError("opening a session applies no command");
                        });
            }
        }

        BatchReply apply(ByteString logData, long term, long index) throws Exception {
            BatchReply reply = passive.apply(LogEntry.parseFrom(logData), term, index);
            log.applied = index;
            log.last = Math.max(log.last, index);
            return reply;
        }

        long value() throws Exception {
            return GatedCounter.decode(host.query(ByteString.EMPTY).getOk());
        }
    }

    /**
     * A counter whose updates are absolute values (as the bundled Counter's are); executing +100 waits until the
     * test lets it go.
     */
    static final class GatedCounter implements EffectStateMachine {
        static final CountDownLatch entered = new CountDownLatch(1);
        static final CountDownLatch release = new CountDownLatch(1);
        /** A delta the counter refuses. */
        static final long REJECTED = -1000;
        private long value;

        static ByteString encode(long v) {
            return NonNegativeCounter.encode(v);
        }

        static long decode(ByteString b) {
            return NonNegativeCounter.decode(b);
        }

        @Override
        public Execution execute(ByteString command) throws CommandRejected {
            long delta = decode(command);
            if (delta == REJECTED) {
                throw new CommandRejected("refused");
            }
            if (delta == 100) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            value += delta;
            return new Execution(encode(value), encode(value));
        }

        @Override
        public void applyUpdate(ByteString update) {
            value = decode(update);
        }

        @Override
        public ByteString apply(ByteString command) throws CommandRejected {
            return execute(command).reply();
        }

        @Override
        public ByteString query(ByteString query) {
            return encode(value);
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            new DataOutputStream(out).writeLong(value);
        }

        @Override
        public void readSnapshot(InputStream in) throws IOException {
            value = new DataInputStream(in).readLong();
        }
    }
}
