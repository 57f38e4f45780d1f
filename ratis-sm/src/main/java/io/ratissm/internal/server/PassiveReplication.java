package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.CommandTooLarge;
import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import io.ratissm.internal.NotReadyException;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.PassiveEntry;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PASSIVE replication: only the leader runs user logic; the log carries effects.
 *
 * <p><b>Speculation.</b> The leader keeps a second instance of the state machine, its <em>speculative</em> state:
 * the committed state plus the effects of every entry it has executed but not yet seen committed. It executes
 * each new batch on that state, so batches pipeline instead of waiting a commit round each. Replies are
 * computed at execution, recorded in the entry, and released only when the entry commits (Ratis answers the
 * client from {@link #apply}). Reads never see speculative state: they are answered from the committed instance.
 *
 * <p><b>Order.</b> Ratis runs {@code startTransaction} concurrently and assigns log indexes later, so execution
 * order could differ from log order. The executor permit is taken when a batch is executed and handed over until
 * its entry is appended ({@link #appending}, called by Ratis in the same thread) or dropped
 * ({@link #cancelled}): execution order is log order.
 *
 * <p><b>The chain.</b> Every passive entry carries the position in the chain of passive entries it was computed
 * on ({@code base_seq}); every replica applies an entry only if its committed chain ends exactly there, and
 * otherwise answers "retry" and changes nothing. So an effect computed on state that was later discarded can
 * never be applied, whatever happens to leadership.
 *
 * <p><b>Rollback.</b> When this replica stops being leader, or an executed entry fails to reach the log, the
 * speculative state is discarded (counted as a rollback if it held uncommitted effects). The committed state never
 * needs undoing: it only ever receives committed entries. Before executing again, a leader waits until it has
 * applied everything in its log, then copies the committed state. A new leader executes nothing before it has
 * applied every entry of earlier terms.
 */
final class PassiveReplication implements ReplicationProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(PassiveReplication.class);

    /** Where the replica's log stands, to know when the committed state has caught up with it. */
    interface LogPosition {
        long appliedIndex();

        long lastIndex();
    }

    /** The executor permit's holder: an executed batch on its way into the log. */
    private record Ticket(long baseSeq, long seq) {
    }

    private final String replicaId;
    private final StateMachineHost host;
    private final SessionTable sessions;
    private final LogPosition log;
    private final long maxEntryBytes;
    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicLong executions = new AtomicLong();

    /** Committed chain length: written by the apply thread only. */
    private volatile long committedSeq;

    private final Semaphore executor = new Semaphore(1);
    private volatile boolean leaderReady;
    private volatile boolean speculationValid;
    // Guarded by the executor permit.
    private StateMachine speculative;
    private SessionTable speculativeSessions;
    private long specSeq;
    private long appendedSeq;
    private Ticket holder;

    PassiveReplication(String replicaId, StateMachineHost host, SessionTable sessions, LogPosition log,
                       long maxEntryBytes) {
        this.replicaId = replicaId;
        this.host = host;
        this.sessions = sessions;
        this.log = log;
        this.maxEntryBytes = maxEntryBytes;
    }

    long rollbacks() {
        return rollbacks.get();
    }

    /** How many batches this replica has executed as leader. */
    long executions() {
        return executions.get();
    }

    /** Executed entries not yet committed (0 when not leader). */
    long speculativePending() {
        return speculationValid ? Math.max(0, specSeq - committedSeq) : 0;
    }

    @Override
    public Prepared prepare(CommandBatch batch, long term) throws CommandRejected, NotReadyException {
        if (!leaderReady) {
            throw new NotReadyException(replicaId + " is not a ready leader");
        }
        try {
            if (!executor.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new NotReadyException(replicaId + ": the leader's executor is busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReadyException(replicaId + ": interrupted");
        }
        boolean handedOver = false;
        try {
            if (!speculationValid) {
                resync();
            }
            Prepared prepared = execute(batch, term);
            handedOver = true;
            return prepared;
        } finally {
            if (!handedOver) {
                executor.release();
            }
        }
    }

    /** Starts speculation afresh from the committed state; the executor permit is held. */
    private void resync() throws NotReadyException {
        if (!leaderReady) {
            throw new NotReadyException(replicaId + " is not a ready leader");
        }
        if (log.appliedIndex() < log.lastIndex()) {
            throw new NotReadyException(replicaId + " is applying its log before it executes again");
        }
        try {
            speculative = host.copy();
        } catch (IOException e) {
            throw new NotReadyException(replicaId + ": could not copy the committed state: " + e);
        }
        speculativeSessions = sessions.copy();
        specSeq = committedSeq;
        appendedSeq = committedSeq;
        holder = null;
        speculationValid = true;
    }

    private Prepared execute(CommandBatch batch, long term) throws CommandRejected {
        int count = batch.getCommandsCount();
        ByteString[] updates = new ByteString[count];
        Arrays.fill(updates, ByteString.EMPTY);
        long now = System.currentTimeMillis();
        BatchReply outcomes;
        try {
            outcomes = speculativeSessions.apply(batch, count, now,
                    i -> executeOne(batch.getCommands(i), i, updates));
        } catch (RuntimeException | Error | ReplicaFailedException e) {
            // A poison command: the speculative state may be half changed, so it is discarded; nothing is logged.
            discardSpeculation("the state machine failed executing a command");
            LOG.warn("{}: the state machine threw executing a command; it is refused and not logged", replicaId, e);
            throw new CommandRejected("the state machine failed executing the command, which was not applied: " + e);
        }
        PassiveEntry.Builder entry = PassiveEntry.newBuilder()
                .setBatch(batch.toBuilder().clearCommands())
                .setLeaderTimeMillis(now)
                .setTerm(term)
                .setBaseSeq(specSeq)
                .addAllOutcomes(outcomes.getOutcomesList());
        if (speculative instanceof EffectStateMachine) {
            entry.addAllUpdates(Arrays.asList(updates));
        } else {
            entry.setShipsState(true).setFullState(wholeState());
        }
        ByteString data = entry.build().toByteString();
        if (data.size() > maxEntryBytes) {
            discardSpeculation("an effect was too large to log");
            throw new CommandTooLarge("the effect of the command has " + data.size() + " bytes, more than the "
                    + maxEntryBytes + " bytes a log entry may hold; it was not applied");
        }
        executions.incrementAndGet();
        Ticket ticket = new Ticket(specSeq, specSeq + 1);
        specSeq = ticket.seq();
        holder = ticket;
        return new Prepared(data, ticket);
    }

    private Outcome executeOne(ByteString command, int i, ByteString[] updates) {
        try {
            if (speculative instanceof EffectStateMachine effects) {
                EffectStateMachine.Execution ex = effects.execute(command);
                updates[i] = ex.update();
                return Outcome.newBuilder().setOk(ex.reply()).build();
            }
            return Outcome.newBuilder().setOk(speculative.apply(command)).build();
        } catch (CommandRejected e) {
            return Outcomes.rejected(e);
        }
    }

    private ByteString wholeState() {
        ByteString.Output out = ByteString.newOutput();
        try {
            speculative.writeSnapshot(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing the speculative state failed", e);
        }
        return out.toByteString();
    }

    @Override
    public void appending(Object ticket) throws IOException {
        if (!(ticket instanceof Ticket t)) {
            return;
        }
        try {
            if (holder != t || t.baseSeq() != appendedSeq) {
                // Cannot happen while the permit is handed over; refuse rather than log a broken chain.
                discardSpeculation("an entry reached the log out of order");
                throw new StateMachineException(replicaId + ": passive entry out of order, retry", false);
            }
            appendedSeq = t.seq();
        } finally {
            if (holder == t) {
                holder = null;
            }
            executor.release();
        }
    }

    @Override
    public void cancelled(Object ticket) {
        if (ticket instanceof Ticket t && holder == t) {
            holder = null;
            discardSpeculation("an executed entry did not reach the log");
            executor.release();
        }
    }

    @Override
    public BatchReply apply(ByteString logData, long index) throws ReplicaFailedException, IOException {
        PassiveEntry entry = PassiveEntry.parseFrom(logData);
        if (entry.getBaseSeq() != committedSeq) {
            // Computed on a state that did not become the committed one: no effect anywhere.
            if (leaderReady) {
                discardSpeculation("an entry was computed on a discarded state");
            }
            BatchReply.Builder retry = BatchReply.newBuilder();
            Outcome again = Outcome.newBuilder().setRetry("the command was executed on a state that was "
                    + "discarded (leader change); it had no effect").build();
            for (int i = 0; i < entry.getOutcomesCount(); i++) {
                retry.addOutcomes(again);
            }
            return retry.build();
        }
        BatchReply reply = sessions.apply(entry.getBatch(), entry.getOutcomesCount(), entry.getLeaderTimeMillis(),
                i -> {
                    if (!entry.getShipsState()) {
                        host.applyUpdate(entry.getUpdates(i), index);
                    }
                    return entry.getOutcomes(i);
                });
        if (entry.getShipsState()) {
            host.installState(entry.getFullState(), index);
        }
        committedSeq = entry.getBaseSeq() + 1;
        return reply;
    }

    @Override
    public void leaderReady() {
        speculationValid = false;
        leaderReady = true;
    }

    @Override
    public void notLeader() {
        leaderReady = false;
        discardSpeculation("leadership was lost");
    }

    /** Drops the speculative state; it is rebuilt from the committed state before the next execution. */
    private void discardSpeculation(String why) {
        if (!speculationValid) {
            return;
        }
        speculationValid = false;
        long pending = specSeq - committedSeq;
        if (pending > 0) {
            rollbacks.incrementAndGet();
            LOG.info("{}: rollback of {} speculative entries: {}", replicaId, pending, why);
        }
    }

    @Override
    public long chainLength() {
        return committedSeq;
    }

    @Override
    public void loadChainLength(long length) {
        committedSeq = length;
        speculationValid = false;
    }
}
