package io.ratissm;

/**
 * A call found its {@link ReplicaClient} holding as many pending requests (or bytes) as it may
 * ({@link ReplicaClient.Builder#maxPending}), or, with {@link ReplicaClient.Builder#blockWhenFull}, found no room
 * within its timeout. The request was <em>definitely not sent</em> and not applied; retry it later, when the
 * client has caught up (for example after the group is reachable again).
 */
public class QueueFullException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    public QueueFullException(String message) {
        super(message);
    }

    public QueueFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
