package io.ratissm.internal.client;

import io.ratissm.QueueFullException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many requests of one kind (commands, or queries) a client may hold, and how many bytes: from the call until
 * the request leaves the client (answered, or dropped at its timeout or at close). Without it a client whose group
 * is unreachable queues without limit. A request larger than the byte limit is let in when nothing else is
 * pending, so that every request that fits the group's own limits can be sent.
 *
 * <p>Past the limit a call fails at once with {@link QueueFullException}, or, if the client blocks when full,
 * waits for room until its deadline or until the client closes.
 */
public final class PendingLimit {
    private final String kind;
    private final int maxRequests;
    private final long maxBytes;
    private final boolean block;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private int requests;
    private long bytes;
    private boolean closed;

    /**
     * @param kind  what is counted, plural ("commands"), for messages
     * @param block whether a call waits for room instead of failing at once
     */
    public PendingLimit(String kind, int maxRequests, long maxBytes, boolean block) {
        this.kind = kind;
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
        this.block = block;
    }

    /**
     * Takes room for one request.
     *
     * @throws QueueFullException    if there is no room (at once, or at the deadline if the client blocks when full)
     * @throws IllegalStateException if the client is closed, also while waiting
     */
    void acquire(long requestBytes, long deadlineNanos) {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw Coalescer.closedClient();
                }
                if (requests == 0 || (requests < maxRequests && bytes + requestBytes <= maxBytes)) {
                    requests++;
                    bytes += requestBytes;
                    return;
                }
                long left = deadlineNanos - System.nanoTime();
                if (!block || left <= 0) {
                    throw new QueueFullException("this client holds " + requests + " pending " + kind + " (" + bytes
                            + " bytes), its limit is " + maxRequests + " " + kind + " or " + maxBytes + " bytes"
                            + (block ? " and no room was freed within the call's timeout" : "")
                            + " (ReplicaClient.Builder.maxPending): this one was not sent; retry later");
                }
                try {
                    room.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QueueFullException(
                            "interrupted while waiting for room among this client's pending " + kind
                                    + ": this one was not sent",
                            e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the room of requests that left the client. */
    void release(int count, long countBytes) {
        if (count == 0) {
            return;
        }
        lock.lock();
        try {
            requests -= count;
            bytes -= countBytes;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting for room fail; later ones fail at once. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Requests held now. */
    public int requests() {
        lock.lock();
        try {
            return requests;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a call waits for room now (tests wait for that before they free some). */
    boolean hasWaiters() {
        lock.lock();
        try {
            return lock.hasWaiters(room);
        } finally {
            lock.unlock();
        }
    }
}
