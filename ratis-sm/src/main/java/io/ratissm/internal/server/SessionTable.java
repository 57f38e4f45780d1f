package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CachedReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.SessionEntry;
import io.ratissm.internal.proto.SessionTableSnapshot;
import io.ratissm.internal.proto.SessionTick;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exactly-once for client commands, as part of the replicated state: the client sessions the group knows and, for
 * each, the replies of the commands its client has not yet acknowledged. A retried command (same session and
 * sequence number) gets its recorded reply instead of being applied again, on any replica, across leader changes and
 * restarts (the table is in every snapshot).
 *
 * <p><b>Sessions are opened.</b> A client opens its session (a batch with {@code open_session}) before its first
 * command, and commands of a session the table does not know are answered {@code unknown_session} without being
 * applied. So a session the table has forgotten (idle too long, or evicted at the session limit) can never have a
 * retried command applied a second time: its client is told instead.
 *
 * <p><b>Session time</b> is not any replica's wall clock. Every entry carries a {@link SessionTick}: the leader's
 * monotonic time since its previous entry, which advances session time by at most {@link #MAX_STEP_MILLIS}. A
 * leader whose wall clock is wrong has no effect at all, and a jump of its monotonic clock moves session time by one
 * step at most; idle periods without entries count one step each, so sessions live longer, never shorter. (A
 * leader's clock that runs k times too fast does shorten idle time by k while it leads.) The eviction policy comes
 * from the entry too, so every replica evicts alike whatever its own configuration.
 *
 * <p>Not thread-safe: used only from the apply thread, and copied under the lock of the replica's committed state.
 */
final class SessionTable {
    /** The most an entry advances session time, however long its leader says it has been. */
    static final long MAX_STEP_MILLIS = 1000;

    /** Applies the command at position {@code i} of a batch, which the table has not seen. */
    interface Applier {
        Outcome apply(int i) throws ReplicaFailedException;
    }

    private static final class Session {
        long ackedBelow;
        long lastActiveMillis;
        final TreeMap<Long, Outcome> replies = new TreeMap<>();
    }

    private static final BatchReply OPENED = BatchReply.getDefaultInstance();

    /** Least recently active first: eviction walks from the head. */
    private final LinkedHashMap<ByteString, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    private long clockMillis;
    /** Read by metrics on other threads. */
    private volatile int size;

    private volatile long evicted;

    /**
     * Applies one entry's batch: opens its session, or applies each of its {@code count} commands once (their bytes
     * may have been left out, as in PASSIVE mode, where {@code applier} returns the leader's outcome).
     */
    BatchReply apply(CommandBatch batch, int count, SessionTick tick, Applier applier) throws ReplicaFailedException {
        clockMillis += Math.min(tick.getElapsedMillis(), MAX_STEP_MILLIS);
        try {
            if (batch.getOpenSession()) {
                touch(sessions.computeIfAbsent(batch.getSession(), k -> new Session()));
                return OPENED;
            }
            Session s = sessions.get(batch.getSession());
            if (s == null) {
                return unknownSession(count);
            }
            touch(s);
            if (batch.getAckedBelow() > s.ackedBelow) {
                s.ackedBelow = batch.getAckedBelow();
                s.replies.headMap(s.ackedBelow).clear();
            }
            BatchReply.Builder reply = BatchReply.newBuilder();
            long seq = batch.getFirstSeq();
            for (int i = 0; i < count; i++) {
                reply.addOutcomes(applyOnce(s, seq++, i, applier));
            }
            return reply.build();
        } finally {
            evict(tick);
        }
    }

    /** Whether a batch of this session would be answered {@code unknown_session} now. */
    boolean knows(ByteString session) {
        return sessions.containsKey(session);
    }

    private void touch(Session s) {
        s.lastActiveMillis = clockMillis;
    }

    private static BatchReply unknownSession(int count) {
        Outcome unknown = Outcome.newBuilder()
                .setUnknownSession("the group does not know this client session: it "
                        + "was never opened, or the group forgot it (idle longer than the session idle timeout, or evicted "
                        + "when the group reached its session limit); this command was not applied now")
                .build();
        BatchReply.Builder reply = BatchReply.newBuilder();
        for (int i = 0; i < count; i++) {
            reply.addOutcomes(unknown);
        }
        return reply.build();
    }

    private static Outcome applyOnce(Session s, long seq, int i, Applier applier) throws ReplicaFailedException {
        if (seq < s.ackedBelow) {
            return Outcome.newBuilder()
                    .setExpired("command " + seq + " was already acknowledged by its client")
                    .build();
        }
        Outcome cached = s.replies.get(seq);
        if (cached != null) {
            return cached;
        }
        Outcome outcome = applier.apply(i);
        s.replies.put(seq, outcome);
        return outcome;
    }

    /** Forgets the sessions idle longer than the policy allows, then the least recently active beyond its limit. */
    private void evict(SessionTick policy) {
        long idleTimeout = policy.getIdleTimeoutMillis();
        long max = policy.getMaxSessions();
        Iterator<Map.Entry<ByteString, Session>> it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            Session oldest = it.next().getValue();
            boolean idle = idleTimeout > 0 && clockMillis - oldest.lastActiveMillis > idleTimeout;
            if (!idle && (max <= 0 || sessions.size() <= max)) {
                break;
            }
            it.remove();
            evicted++;
        }
        size = sessions.size();
    }

    /** The sessions held now; safe to call from any thread. */
    int size() {
        return size;
    }

    /** Sessions forgotten since this table was created (idle or at the limit); safe to call from any thread. */
    long evicted() {
        return evicted;
    }

    SessionTableSnapshot toSnapshot() {
        SessionTableSnapshot.Builder b = SessionTableSnapshot.newBuilder().setClockMillis(clockMillis);
        sessions.forEach((id, s) -> {
            SessionEntry.Builder e = SessionEntry.newBuilder()
                    .setSession(id)
                    .setAckedBelow(s.ackedBelow)
                    .setLastActiveMillis(s.lastActiveMillis);
            s.replies.forEach((seq, o) ->
                    e.addReplies(CachedReply.newBuilder().setSeq(seq).setOutcome(o)));
            b.addSessions(e);
        });
        return b.build();
    }

    void load(SessionTableSnapshot snapshot) {
        sessions.clear();
        clockMillis = snapshot.getClockMillis();
        for (SessionEntry e : snapshot.getSessionsList()) {
            Session s = new Session();
            s.ackedBelow = e.getAckedBelow();
            s.lastActiveMillis = e.getLastActiveMillis();
            for (CachedReply r : e.getRepliesList()) {
                s.replies.put(r.getSeq(), r.getOutcome());
            }
            sessions.put(e.getSession(), s);
        }
        size = sessions.size();
    }

    /** An independent copy, for a leader's speculative execution. */
    SessionTable copy() {
        SessionTable c = new SessionTable();
        c.load(toSnapshot());
        return c;
    }

    void clear() {
        sessions.clear();
        clockMillis = 0;
        size = 0;
    }
}
