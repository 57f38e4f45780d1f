package io.ratissm.jepsen.nodes;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a replica last said about itself on its {@code GET /status} endpoint: whether it leads, in which term, how
 * far it applied, whether it called itself healthy, and if not why ({@code reason}, e.g. {@code "diverged: at log
 * index 200 ..."} from its divergence detector; empty while healthy).
 */
public record NodeStatus(boolean leader, long term, long appliedIndex, boolean healthy, String reason) {

    /** The status in the fields of a {@code /status} answer ({@link #fields}); empty if one is missing. */
    static Optional<NodeStatus> of(Map<String, String> fields) {
        try {
            return Optional.of(new NodeStatus(
                    "LEADER".equals(fields.get("role")),
                    Long.parseLong(fields.get("term")),
                    Long.parseLong(fields.get("appliedIndex")),
                    Boolean.parseBoolean(fields.get("healthy")),
                    fields.get("reason")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The fields of the JSON object {@code /status} answers with, each value as its text: strings unescaped,
     * numbers and {@code true}/{@code false} as written, {@code null} as a null value, and an object (the replica's
     * {@code groups}) as its JSON text, unread.
     *
     * @throws IllegalArgumentException if {@code json} is not such a JSON object
     */
    static Map<String, String> fields(String json) {
        Map<String, String> fields = new HashMap<>();
        Cursor c = new Cursor(json.strip());
        c.expect('{');
        if (c.peek() == '}') {
            return fields;
        }
        do {
            String key = c.string();
            c.expect(':');
            char first = c.peek();
            fields.put(key, first == '"' ? c.string() : first == '{' ? c.object() : c.literal());
        } while (c.next() == ',');
        if (c.at(-1) != '}' || !c.atEnd()) {
            throw new IllegalArgumentException("not a flat JSON object: " + json);
        }
        return fields;
    }

    /** Reads one JSON object left to right: its values are strings, literals or objects of those. */
    private static final class Cursor {
        private final String text;
        private int pos;

        Cursor(String text) {
            this.text = text;
        }

        char peek() {
            skipSpace();
            if (pos >= text.length()) {
                throw new IllegalArgumentException("JSON ends early: " + text);
            }
            return text.charAt(pos);
        }

        char next() {
            char c = peek();
            pos++;
            return c;
        }

        char at(int offset) {
            return text.charAt(pos + offset);
        }

        boolean atEnd() {
            skipSpace();
            return pos == text.length();
        }

        void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + (pos - 1) + " of " + text);
            }
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> b.append(e); // \" \\ \/
                }
            }
            throw new IllegalArgumentException("unterminated string in " + text);
        }

        /** An object, as its text: up to its matching closing brace, braces inside strings not counted. */
        String object() {
            skipSpace();
            int start = pos;
            int depth = 0;
            boolean inString = false;
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (inString) {
                    if (c == '\\') {
                        pos++;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return text.substring(start, pos);
                }
            }
            throw new IllegalArgumentException("unterminated object in " + text);
        }

        /** A number, {@code true}, {@code false} or {@code null} (as null). */
        String literal() {
            skipSpace();
            int start = pos;
            while (pos < text.length()
                    && ",}".indexOf(text.charAt(pos)) < 0
                    && !Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            String value = text.substring(start, pos);
            if (value.isEmpty()) {
                throw new IllegalArgumentException("a value is missing at " + start + " of " + text);
            }
            return value.equals("null") ? null : value;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }
}
