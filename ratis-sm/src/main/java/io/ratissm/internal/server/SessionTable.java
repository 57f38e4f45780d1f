package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CachedReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.SessionEntry;
import io.ratissm.internal.proto.SessionTableSnapshot;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exactly-once for client commands, as part of the replicated state: for every client session, the replies of
 * the commands it has not yet acknowledged. A retried command (same session and sequence number) gets its
 * recorded reply instead of being applied again, on any replica, across leader changes and restarts (the table
 * is in every snapshot).
 *
 * <p>Time is the leader's clock as written in the log, so eviction of idle sessions is the same on every
 * replica. Not thread-safe: used only from the apply thread and the snapshot it takes.
 */
final class SessionTable {
    /** Applies the command at position {@code i} of a batch, which the table has not seen. */
    interface Applier {
        Outcome apply(int i) throws ReplicaFailedException;
    }

    private static final class Session {
        long ackedBelow;
        long lastActiveMillis;
        final TreeMap<Long, Outcome> replies = new TreeMap<>();
    }

    private final long idleTimeoutMillis;
    /** In order of last activity, oldest first: eviction walks from the head. */
    private final LinkedHashMap<ByteString, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private long clockMillis;

    SessionTable(long idleTimeoutMillis) {
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /**
     * Applies the {@code count} commands of {@code batch} (whose command bytes may have been left out, as in
     * PASSIVE mode), each once.
     */
    BatchReply apply(CommandBatch batch, int count, long leaderTimeMillis, Applier applier)
            throws ReplicaFailedException {
        clockMillis = Math.max(clockMillis, leaderTimeMillis);
        Session s = sessions.get(batch.getSession());
        if (s == null) {
            s = new Session();
            sessions.put(batch.getSession(), s);
        }
        s.lastActiveMillis = clockMillis;
        if (batch.getAckedBelow() > s.ackedBelow) {
            s.ackedBelow = batch.getAckedBelow();
            s.replies.headMap(s.ackedBelow).clear();
        }
        BatchReply.Builder reply = BatchReply.newBuilder();
        long seq = batch.getFirstSeq();
        for (int i = 0; i < count; i++) {
            reply.addOutcomes(applyOnce(s, seq++, i, applier));
        }
        evictIdle();
        return reply.build();
    }

    private static Outcome applyOnce(Session s, long seq, int i, Applier applier)
            throws ReplicaFailedException {
        if (seq < s.ackedBelow) {
            return Outcome.newBuilder().setExpired("command " + seq + " was already acknowledged by its client")
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

    private void evictIdle() {
        Iterator<Map.Entry<ByteString, Session>> it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            if (clockMillis - it.next().getValue().lastActiveMillis <= idleTimeoutMillis) {
                return;
            }
            it.remove();
        }
    }

    int size() {
        return sessions.size();
    }

    SessionTableSnapshot toSnapshot() {
        SessionTableSnapshot.Builder b = SessionTableSnapshot.newBuilder().setClockMillis(clockMillis);
        sessions.forEach((id, s) -> {
            SessionEntry.Builder e = SessionEntry.newBuilder().setSession(id).setAckedBelow(s.ackedBelow)
                    .setLastActiveMillis(s.lastActiveMillis);
            s.replies.forEach((seq, o) -> e.addReplies(CachedReply.newBuilder().setSeq(seq).setOutcome(o)));
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
    }

    /** An independent copy, for a leader's speculative execution. */
    SessionTable copy() {
        SessionTable c = new SessionTable(idleTimeoutMillis);
        c.load(toSnapshot());
        return c;
    }

    void clear() {
        sessions.clear();
        clockMillis = 0;
    }
}
