package io.ratissm;

/** Base of the unchecked exceptions of ratis-sm: the group, not the command, is the problem. */
public class RatisSmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RatisSmException(String message) {
        super(message);
    }

    public RatisSmException(String message, Throwable cause) {
        super(message, cause);
    }
}
