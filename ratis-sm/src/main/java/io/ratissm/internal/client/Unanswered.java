package io.ratissm.internal.client;

/**
 * The failure of a call that got no answer: its timeout passed, or the client closed. What it means depends on
 * whether the request was sent: a request still queued is dropped and never sent; a command that was sent may
 * have been applied.
 */
@FunctionalInterface
public interface Unanswered {
    /**
     * @param calledNanos when the call was made ({@link System#nanoTime()})
     * @param sent        whether the request had left the queue (else it was dropped from it)
     * @param closed      whether the client closed (else the call's timeout passed)
     */
    RuntimeException failure(long calledNanos, boolean sent, boolean closed);
}
