package io.ratissm.jepsen.checker;

/**
 * Thrown when a history contains an operation the chosen model does not have (e.g. {@code :cas} checked
 * against {@code register}) or a value of the wrong shape. It means the wrong {@code --model} was chosen, or
 * the history is not the kind the model describes; the message names the op and what the model accepts.
 */
public final class ModelMismatchException extends IllegalArgumentException {
    public ModelMismatchException(String message) {
        super(message);
    }
}
