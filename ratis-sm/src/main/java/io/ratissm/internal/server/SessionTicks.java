package io.ratissm.internal.server;

import io.ratissm.internal.proto.SessionTick;

/**
 * On the leader: the {@link SessionTick} each entry it writes carries, from its monotonic clock and its configured
 * session policy (see {@link SessionTable} for what replicas make of it). A new leader's first entry advances session
 * time by nothing: the time since the previous leader's last entry is not counted, so sessions live longer, never
 * shorter.
 */
final class SessionTicks {
    private final long idleTimeoutMillis;
    private final long maxSessions;
    private long lastNanos;
    private boolean started;

    SessionTicks(long idleTimeoutMillis, long maxSessions) {
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxSessions = maxSessions;
    }

    /** The tick for the next entry this leader writes. */
    synchronized SessionTick next() {
        long now = System.nanoTime();
        long elapsedMillis = started ? Math.max(0, (now - lastNanos) / 1_000_000) : 0;
        if (!started || elapsedMillis > 0) {
            // Keep the remainder below a millisecond for the next entry instead of losing it.
            lastNanos = started ? lastNanos + elapsedMillis * 1_000_000 : now;
            started = true;
        }
        return SessionTick.newBuilder()
                .setElapsedMillis(elapsedMillis)
                .setIdleTimeoutMillis(idleTimeoutMillis)
                .setMaxSessions(maxSessions)
                .build();
    }

    /** This replica became leader: its next entry starts counting afresh. */
    synchronized void restart() {
        started = false;
    }
}
