package io.ratissm.jepsen.history;

/**
 * Thrown when a history cannot be checked because it is not well formed: bad EDN, an element that is not an
 * operation map, a missing {@code :type}, or a process that completes an operation it never invoked. The
 * message says which operation is at fault and what a well-formed history needs instead.
 */
public class MalformedHistoryException extends RuntimeException {
    public MalformedHistoryException(String message) {
        super(message);
    }
}
