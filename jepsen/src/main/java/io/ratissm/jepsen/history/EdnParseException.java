package io.ratissm.jepsen.history;

/**
 * Thrown when text is not valid EDN. The message names the line and column so that the user can open the
 * history file at the offending spot.
 */
public final class EdnParseException extends MalformedHistoryException {
    public EdnParseException(String message, int line, int column) {
        super(message + " at line " + line + ", column " + column);
    }
}
