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
import io.ratissm.internal.proto.LogEntry;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.PassiveEntry;
import io.ratissm.internal.proto.SessionTick;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
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
 * its entry is appended ({@link #appending}, called by Ratis under its log lock) or dropped ({@link #cancelled}):
 * execution order is log order.
 *
 * <p><b>Fencing.</b> Three checks keep an effect from ever being applied on a state other than the one it was
 * computed on, whatever happens to leadership while a batch executes:
 * <ul>
 *   <li>every change of leadership or of speculation bumps an <em>epoch</em>; a batch executed in one epoch is
 *       refused at {@link #appending} in any other (it never reaches the log);</li>
 *   <li>an entry records the term of the leadership it was executed in, and applies only if Ratis logged it in that
 *       same term;</li>
 *   <li>an entry records its <em>base</em>: the (term, index) of the last passive entry of the state it was executed
 *       on. By Raft's log matching, a (term, index) names the same entry in every log, so an entry applies only if
 *       the last passive entry the replica applied is exactly its base. A count of entries would not do: two leaders
 *       can each append a first entry on the same committed state.</li>
 * </ul>
 * An entry that fails a check is answered "retry" on every replica and changes nothing, deterministically.
 *
 * <p><b>Rollback.</b> When this replica stops being leader, or an executed entry fails to reach the log, the
 * speculative state is discarded (counted as a rollback if it held uncommitted effects). The committed state never
 * needs undoing: it only ever receives committed entries. Before executing again, a leader waits until it has
 * applied everything in its log, then copies the committed state, its session table and its chain head together.
 * A new leader executes nothing before it has applied every entry of earlier terms.
 */
final class PassiveReplication implements ReplicationProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(PassiveReplication.class);

    /** Where the replica's log stands, to know when the committed state has caught up with it. */
    interface LogPosition {
        long appliedIndex();

        long lastIndex();
    }

    /** A log entry, named by its term and index, which name the same entry in every replica's log. */
    record Position(long term, long index) {
        /** Before the first passive entry. */
        static final Position NONE = new Position(0, -1);

        static Position of(io.ratissm.internal.proto.LogPosition p) {
            return new Position(p.getTerm(), p.getIndex());
        }

        io.ratissm.internal.proto.LogPosition toProto() {
            return io.ratissm.internal.proto.LogPosition.newBuilder()
                    .setTerm(term)
                    .setIndex(index)
                    .build();
        }

        @Override
        public String toString() {
            return this.equals(NONE) ? "(none)" : "(term " + term + ", index " + index + ")";
        }
    }

    /** A leadership as this replica knows it: the epoch and the term it leads in, if it is a ready leader. */
    private record Leadership(long epoch, long term, boolean ready) {}

    /** The executor permit's holder: a batch executed in {@code epoch} and {@code term} on the chain up to base. */
    private record Ticket(long epoch, long term, Position base) {}

    private final String replicaId;
    private final StateMachineHost host;
    private final SessionTable sessions;
    private final LogPosition log;
    private final long maxEntryBytes;
    private final LongConsumer shippedStateBytes;
    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicLong executions = new AtomicLong();

    /** Guards the committed state, its session table and its head together: apply against a leader's copy. */
    private final Object committed = new Object();
    /** The last passive entry applied; written under {@link #committed} by the apply thread. */
    private volatile Position committedHead = Position.NONE;

    /** Guarded by this. */
    private Leadership leadership = new Leadership(0, 0, false);

    private final Semaphore executor = new Semaphore(1);
    /** Indexes of entries this leader appended and has not applied yet, oldest first. */
    private final ConcurrentLinkedDeque<Long> uncommitted = new ConcurrentLinkedDeque<>();
    // Guarded by the executor permit (holder is also read by Ratis threads appending or cancelling it).
    private long speculationEpoch = -1;
    private StateMachine speculative;
    private SessionTable speculativeSessions;
    private Position speculativeHead;
    private volatile Ticket holder;

    /**
     * @param shippedStateBytes told the size of every whole state the leader ships in an entry (a state machine
     *                          without {@link EffectStateMachine})
     */
    PassiveReplication(
            String replicaId,
            StateMachineHost host,
            SessionTable sessions,
            LogPosition log,
            long maxEntryBytes,
            LongConsumer shippedStateBytes) {
        this.replicaId = replicaId;
        this.host = host;
        this.sessions = sessions;
        this.log = log;
        this.maxEntryBytes = maxEntryBytes;
        this.shippedStateBytes = shippedStateBytes;
    }

    long rollbacks() {
        return rollbacks.get();
    }

    /** How many batches of commands this replica has executed as leader. */
    long executions() {
        return executions.get();
    }

    /** Entries this leader appended that have not been applied yet (0 when not leader). */
    long speculativePending() {
        return uncommitted.size();
    }

    private synchronized Leadership leadership() {
        return leadership;
    }

    @Override
    public Prepared prepare(CommandBatch batch, SessionTick tick) throws CommandRejected, NotReadyException {
        Leadership now = leadership();
        if (!now.ready()) {
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
            if (speculationEpoch != now.epoch()) {
                resync(now);
            }
            Prepared prepared = execute(batch, tick, now);
            handedOver = true;
            return prepared;
        } finally {
            if (!handedOver) {
                executor.release();
            }
        }
    }

    /** Starts speculation afresh from the committed state; the executor permit is held. */
    private void resync(Leadership now) throws NotReadyException {
        synchronized (committed) {
            if (log.appliedIndex() < log.lastIndex()) {
                throw new NotReadyException(replicaId + " is applying its log before it executes again");
            }
            try {
                speculative = host.copy();
            } catch (IOException e) {
                throw new NotReadyException(replicaId + ": could not copy the committed state: " + e);
            }
            speculativeSessions = sessions.copy();
            speculativeHead = committedHead;
        }
        speculationEpoch = now.epoch();
        holder = null;
    }

    private Prepared execute(CommandBatch batch, SessionTick tick, Leadership now) throws CommandRejected {
        int count = batch.getCommandsCount();
        ByteString[] updates = new ByteString[count];
        Arrays.fill(updates, ByteString.EMPTY);
        boolean[] changed = new boolean[1];
        BatchReply outcomes;
        try {
            outcomes = speculativeSessions.apply(batch, count, tick, i -> {
                Outcome o = executeOne(batch.getCommands(i), i, updates);
                changed[0] |= o.hasOk();
                return o;
            });
        } catch (RuntimeException | Error | ReplicaFailedException e) {
            // A poison command: the speculative state may be half changed, so it is discarded; nothing is logged.
            discardSpeculation("the state machine failed executing a command");
            LOG.warn("{}: the state machine threw executing a command; it is refused and not logged", replicaId, e);
            throw new CommandRejected("the state machine failed executing the command, which was not applied: " + e);
        }
        PassiveEntry.Builder entry = PassiveEntry.newBuilder()
                .setBatch(batch.toBuilder().clearCommands())
                .setTerm(now.term())
                .setTick(tick)
                .addAllOutcomes(outcomes.getOutcomesList());
        if (!speculativeHead.equals(Position.NONE)) {
            entry.setBase(speculativeHead.toProto());
        }
        int stateBytes = -1;
        if (speculative instanceof EffectStateMachine) {
            entry.addAllUpdates(Arrays.asList(updates));
        } else if (changed[0]) {
            ByteString state = wholeState();
            stateBytes = state.size();
            entry.setShipsState(true).setFullState(state);
        }
        ByteString data = LogEntry.newBuilder().setPassive(entry).build().toByteString();
        if (data.size() > maxEntryBytes) {
            discardSpeculation("an effect was too large to log");
            throw new CommandTooLarge(
                    stateBytes >= 0
                            ? "the command was not applied: PASSIVE replication ships the whole state of a state machine "
                                    + "that does not implement EffectStateMachine after every command, and the state is now "
                                    + stateBytes + " bytes, more than the " + maxEntryBytes
                                    + " bytes a log entry may hold. Implement "
                                    + "EffectStateMachine (execute and applyUpdate) so that only the change is shipped, or raise "
                                    + "maxCommandBytes (a log entry holds max(4 MiB, 2 x maxCommandBytes + 64 KiB)), or use ACTIVE "
                                    + "replication"
                            : "the command was not applied: its effect (the updates of its batch) has " + data.size()
                                    + " bytes, more than the " + maxEntryBytes
                                    + " bytes a log entry may hold; raise maxCommandBytes "
                                    + "(a log entry holds max(4 MiB, 2 x maxCommandBytes + 64 KiB)) or make the updates smaller");
        }
        if (stateBytes >= 0) {
            shippedStateBytes.accept(stateBytes);
        }
        if (count > 0) {
            executions.incrementAndGet();
        }
        Ticket ticket = new Ticket(now.epoch(), now.term(), speculativeHead);
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
    public void appending(Object ticket, long term, long index) throws IOException {
        if (!(ticket instanceof Ticket t) || holder != t) {
            return; // not an executed batch, or already dropped (a ticket is appended or cancelled once)
        }
        holder = null;
        try {
            Leadership now = leadership();
            if (t.epoch() != now.epoch() || t.term() != term || !t.base().equals(speculativeHead)) {
                // Leadership or speculation changed while the batch executed: its effect belongs to a state that is
                // gone, so it must not reach the log.
                discardSpeculation("leadership changed while a batch executed");
                throw new StateMachineException(
                        replicaId + ": a batch executed in term " + t.term() + " on the chain"
                                + " up to " + t.base() + " cannot be logged at index " + index + " in term " + term
                                + " (leadership changed meanwhile); it had no effect, retry",
                        false);
            }
            speculativeHead = new Position(term, index);
            uncommitted.add(index);
        } finally {
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
    public BatchReply apply(LogEntry logEntry, long term, long index) throws ReplicaFailedException {
        PassiveEntry entry = logEntry.getPassive();
        Position base = entry.hasBase() ? Position.of(entry.getBase()) : Position.NONE;
        BatchReply reply;
        synchronized (committed) {
            if (entry.getTerm() != term || !base.equals(committedHead)) {
                reply = fenced(entry, base, term, index);
            } else {
                reply = sessions.apply(entry.getBatch(), entry.getOutcomesCount(), entry.getTick(), i -> {
                    Outcome leaders = entry.getOutcomes(i);
                    if (leaders.hasOk() && !entry.getShipsState() && host.describesEffects()) {
                        host.applyUpdate(entry.getUpdates(i), index);
                    }
                    return leaders;
                });
                if (entry.getShipsState()) {
                    host.installState(entry.getFullState(), index);
                }
                committedHead = new Position(term, index);
            }
        }
        while (uncommitted.peekFirst() != null && uncommitted.peekFirst() <= index) {
            uncommitted.pollFirst();
        }
        return reply;
    }

    /** An entry executed on a state that did not become the committed one: it has no effect anywhere. */
    private BatchReply fenced(PassiveEntry entry, Position base, long term, long index) {
        String why = entry.getTerm() != term
                ? "it was executed in term " + entry.getTerm() + " but logged in term " + term
                : "it was executed on the chain up to " + base + ", but the last passive entry applied is "
                        + committedHead;
        LOG.info("{}: the passive entry at index {} has no effect: {}", replicaId, index, why);
        if (leadership().ready()) {
            discardSpeculation("an entry was computed on a discarded state");
        }
        Outcome again = Outcome.newBuilder()
                .setRetry(
                        "the command was executed on a state that was discarded " + "(leader change); it had no effect")
                .build();
        BatchReply.Builder retry = BatchReply.newBuilder();
        for (int i = 0; i < Math.max(1, entry.getOutcomesCount()); i++) {
            retry.addOutcomes(again);
        }
        return retry.build();
    }

    @Override
    public synchronized void leaderReady(long term) {
        leadership = new Leadership(leadership.epoch() + 1, term, true);
    }

    @Override
    public synchronized void notLeader() {
        leadership = new Leadership(leadership.epoch() + 1, 0, false);
        rollBack("leadership was lost");
    }

    /** Drops the speculative state; it is rebuilt from the committed state before the next execution. */
    private synchronized void discardSpeculation(String why) {
        leadership = new Leadership(leadership.epoch() + 1, leadership.term(), leadership.ready());
        rollBack(why);
    }

    private void rollBack(String why) {
        int pending = uncommitted.size();
        uncommitted.clear();
        if (pending > 0) {
            rollbacks.incrementAndGet();
            LOG.info("{}: rollback of {} speculative entries: {}", replicaId, pending, why);
        }
    }

    @Override
    public Optional<Position> passiveHead() {
        Position head = committedHead;
        return head.equals(Position.NONE) ? Optional.empty() : Optional.of(head);
    }

    @Override
    public void loadPassiveHead(Optional<Position> head) {
        synchronized (committed) {
            committedHead = head.orElse(Position.NONE);
        }
        discardSpeculation("the committed state was replaced by a snapshot");
    }
}
