package io.ratissm.bench.kit;

/**
 * A {@link CommandGenerator} threw or returned no command; the cause is what it threw. The benchmark stops: every
 * command after it would be a guess.
 */
public class CommandGeneratorException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public CommandGeneratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
