package io.ratissm.internal.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How a client queues one kind of request (commands, or queries of one target): how batches form (see
 * {@link Coalescer}), the limit on what the client holds (shared by all queues of one kind), and the timeout that
 * runs from each call.
 *
 * @param timer       runs each call's timeout
 * @param unanswered  the failure of a call that got no answer
 */
public record QueuePolicy(
        int maxBatchItems,
        long maxBatchBytes,
        int maxBatchesInFlight,
        PendingLimit limit,
        Duration timeout,
        ScheduledExecutorService timer,
        Unanswered unanswered) {}
