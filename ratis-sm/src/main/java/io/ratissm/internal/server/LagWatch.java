package io.ratissm.internal.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Tells whether a replica stays behind its group, from readings of its position taken at regular intervals: the
 * lag that {@code /health} and the metrics {@code ratissm.lag} and {@code ratissm.lag.seconds} report.
 *
 * <p>A replica is behind in two ways, each judged against the same limit:
 * <ul>
 *   <li>Its applied index is below a commit index it knows of: its own, or the leader's as the leader last told it
 *       (Ratis's commit information, which travels with the leader's entries). Under load the applied index always
 *       trails the newest commit by a few entries, so what counts is not the distance but its age: how long ago the
 *       replica first knew of a commit index that it has still not applied. A stuck apply loop, or a log that can
 *       no longer be written while the leader keeps committing, makes that age grow.</li>
 *   <li>It follows a leader but its log holds no entry of the leader's term. A leader appends an entry as soon as
 *       it is elected, and a follower that receives the leader's log holds it within a round trip; one that does
 *       not, for long, is not receiving the leader's log at all: its log cannot be continued by the leader (it lost
 *       entries the leader believes it holds), or it is still receiving a snapshot. Ratis then passes on no commit
 *       information either, so the first check alone would not see it.</li>
 * </ul>
 * Thread-safe: readings come from one thread, health and metrics are read from others.
 */
public final class LagWatch {
    /**
     * One reading of a replica's position.
     *
     * @param appliedIndex      the last index applied to its state machine
     * @param commitIndex       its own commit index
     * @param leaderId          the leader it follows; null if it knows none or leads itself
     * @param leaderCommitIndex the leader's commit index as the leader last told it; -1 if unknown
     * @param term              its current term (the leader's, once it follows one)
     * @param lastEntryTerm     the term of the last entry of its log; -1 if the log is empty
     * @param lastEntryIndex    the index of the last entry of its log; -1 if the log is empty
     */
    public record Position(
            long appliedIndex,
            long commitIndex,
            String leaderId,
            long leaderCommitIndex,
            long term,
            long lastEntryTerm,
            long lastEntryIndex) {
        /** A replica that is not running: nothing to judge. */
        public static final Position NONE = new Position(-1, -1, null, -1, 0, -1, -1);
    }

    /** A commit index and when this replica first knew of it. */
    private record Known(long index, long sinceNanos, String whose) {}

    private final long limitNanos;
    /** Commit indexes known and not yet applied, oldest first, each higher than the one before. */
    private final Deque<Known> unapplied = new ArrayDeque<>();

    private Position last = Position.NONE;
    private long lastNanos;
    /**
     * When it was first seen following a leader without holding an entry of the leader's term; -1 once its log holds
     * an entry of its current term. The clock keeps running while it loses sight of the leader for a moment.
     */
    private long outOfTermSinceNanos = -1;

    private String followed;

    public LagWatch(Duration limit) {
        this.limitNanos = limit.toNanos();
    }

    /** Records a reading taken at {@code nowNanos} (a monotonic clock). */
    public synchronized void record(Position p, long nowNanos) {
        last = p;
        lastNanos = nowNanos;
        while (!unapplied.isEmpty() && unapplied.peekFirst().index() <= p.appliedIndex()) {
            unapplied.pollFirst();
        }
        boolean leaders = p.leaderCommitIndex() > p.commitIndex();
        long known = leaders ? p.leaderCommitIndex() : p.commitIndex();
        if (known > p.appliedIndex()
                && (unapplied.isEmpty() || known > unapplied.peekLast().index())) {
            unapplied.addLast(new Known(known, nowNanos, leaders ? "leader " + p.leaderId() + "'s" : "its own"));
        }
        if (p.lastEntryTerm() >= p.term() || p.term() <= 0) {
            outOfTermSinceNanos = -1;
        } else if (p.leaderId() != null) {
            followed = p.leaderId();
            if (outOfTermSinceNanos < 0) {
                outOfTermSinceNanos = nowNanos;
            }
        }
    }

    /** How many known committed entries this replica has not applied, as of the last reading. */
    public synchronized long entries() {
        return unapplied.isEmpty() ? 0 : unapplied.peekLast().index() - last.appliedIndex();
    }

    /** How long this replica has been behind, in whole seconds, as of the last reading (0 if it is not). */
    public synchronized long seconds() {
        return behindNanos() / 1_000_000_000L;
    }

    private long behindNanos() {
        long applying =
                unapplied.isEmpty() ? 0 : lastNanos - unapplied.peekFirst().sinceNanos();
        long outOfTerm = outOfTermSinceNanos < 0 ? 0 : lastNanos - outOfTermSinceNanos;
        return Math.max(applying, outOfTerm);
    }

    /** Null while this replica keeps up; otherwise why it is behind, with the numbers. */
    public synchronized String problem() {
        Position p = last;
        if (!unapplied.isEmpty() && lastNanos - unapplied.peekFirst().sinceNanos() > limitNanos) {
            Known oldest = unapplied.peekFirst();
            Known newest = unapplied.peekLast();
            return "lagging: applied index " + p.appliedIndex() + " has stayed below commit index " + oldest.index()
                    + " (" + oldest.whose() + ") for " + seconds(lastNanos - oldest.sinceNanos()) + ", more than the "
                    + "limit of " + seconds(limitNanos) + "; " + (newest.index() - p.appliedIndex())
                    + " committed entries are not applied (commit index " + newest.index() + ")";
        }
        if (outOfTermSinceNanos >= 0 && lastNanos - outOfTermSinceNanos > limitNanos) {
            return "lagging: it follows leader " + followed + " in term " + p.term() + " but its log holds no"
                    + " entry of that term (it ends at "
                    + (p.lastEntryIndex() < 0
                            ? "nothing: the log is empty"
                            : "index " + p.lastEntryIndex() + " of term " + p.lastEntryTerm())
                    + ") after "
                    + seconds(lastNanos - outOfTermSinceNanos) + ", more than the limit of " + seconds(limitNanos)
                    + ": the leader is not sending it its log (receiving a large snapshot, or a log the leader cannot"
                    + " continue, such as one wiped while the leader ran)";
        }
        return null;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
