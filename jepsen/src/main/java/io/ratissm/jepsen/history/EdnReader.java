package io.ratissm.jepsen.history;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the EDN subset that Jepsen and Knossos histories use, one top-level form at a time.
 *
 * <p>Supported: {@code nil}, booleans, integers (as {@link Long}, or {@link BigInteger} when they do not fit or
 * carry an {@code N}), floating point numbers (as {@link Double}, or {@link BigDecimal} with {@code M}),
 * strings, characters, keywords ({@link Keyword}), symbols ({@link Symbol}), lists and vectors (both as
 * {@link List}), maps (as insertion-ordered {@link Map}), sets, tagged elements ({@link Tagged}), comments
 * and {@code #_} discards. Commas are whitespace. Collections are returned unmodifiable, so values can be
 * used as map keys and model states safely.
 *
 * <p>A hand-written reader rather than a library because histories are large, the subset is small, and this
 * reader interns keywords, which the checker relies on. Invalid input raises {@link EdnParseException} with
 * the line and column.
 */
public final class EdnReader {
    private final String text;
    private int pos;

    public EdnReader(String text) {
        this.text = text;
    }

    /** Reads every top-level form in {@code text}. */
    public static List<Object> readAll(String text) {
        EdnReader reader = new EdnReader(text);
        List<Object> forms = new ArrayList<>();
        while (reader.hasNext()) {
            forms.add(reader.next());
        }
        return forms;
    }

    /** Reads exactly one form, e.g. a command-line {@code --init} value; anything after it is an error. */
    public static Object readOne(String text) {
        EdnReader reader = new EdnReader(text);
        if (!reader.hasNext()) {
            throw reader.error("expected an EDN value but the text is empty");
        }
        Object value = reader.next();
        if (reader.hasNext()) {
            throw reader.error("unexpected text after the EDN value");
        }
        return value;
    }

    /** Skips whitespace and comments; true if another form follows. */
    public boolean hasNext() {
        skipIgnorable();
        return pos < text.length();
    }

    /** Reads the next form. Call {@link #hasNext()} first. */
    public Object next() {
        skipIgnorable();
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                pos++;
                return readMap();
            case '[':
                pos++;
                return readSequence(']');
            case '(':
                pos++;
                return readSequence(')');
            case '"':
                pos++;
                return readString();
            case ':':
                pos++;
                return Keyword.of(readToken());
            case '\\':
                pos++;
                return readCharacter();
            case '#':
                pos++;
                return readDispatch();
            case ']':
            case ')':
            case '}':
                throw error("unmatched '" + c + "'");
            default:
                return readAtom();
        }
    }

    private void skipIgnorable() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ';') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == ',' || Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#' && pos + 1 < text.length() && text.charAt(pos + 1) == '_') {
                pos += 2;
                next();
            } else {
                return;
            }
        }
    }

    private Map<Object, Object> readMap() {
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
            skipIgnorable();
            if (pos >= text.length()) {
                throw error("map is not closed with '}'");
            }
            if (text.charAt(pos) == '}') {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            Object key = next();
            skipIgnorable();
            if (pos >= text.length() || text.charAt(pos) == '}') {
                throw error("map key " + EdnWriter.write(key) + " has no value");
            }
            map.put(key, next());
        }
    }

    private List<Object> readSequence(char close) {
        List<Object> items = new ArrayList<>();
        while (true) {
            skipIgnorable();
            if (pos >= text.length()) {
                throw error("collection is not closed with '" + close + "'");
            }
            char c = text.charAt(pos);
            if (c == close) {
                pos++;
                return Collections.unmodifiableList(items);
            }
            if (c == ']' || c == ')' || c == '}') {
                throw error("expected '" + close + "' but found '" + c + "'");
            }
            items.add(next());
        }
    }

    private Object readDispatch() {
        if (pos >= text.length()) {
            throw error("'#' at end of input");
        }
        if (text.charAt(pos) == '{') {
            pos++;
            Set<Object> set = new LinkedHashSet<>(readSequence('}'));
            return Collections.unmodifiableSet(set);
        }
        String tag = readToken();
        if (tag.isEmpty()) {
            throw error("unsupported dispatch '#" + text.charAt(pos) + "'");
        }
        return new Tagged(tag, next());
    }

    private String readString() {
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case '"', '\\', '/' -> sb.append(e);
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape in string");
                    }
                    sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> throw error("unknown string escape '\\" + e + "'");
            }
        }
        throw error("string is not closed with '\"'");
    }

    private Character readCharacter() {
        String token = readToken();
        if (token.isEmpty() && pos < text.length()) {
            return text.charAt(pos++);
        }
        return switch (token) {
            case "newline" -> '\n';
            case "space" -> ' ';
            case "tab" -> '\t';
            case "return" -> '\r';
            default -> {
                if (token.length() == 1) {
                    yield token.charAt(0);
                }
                if (token.startsWith("u") && token.length() == 5) {
                    yield (char) Integer.parseInt(token.substring(1), 16);
                }
                throw error("unknown character literal '\\" + token + "'");
            }
        };
    }

    private Object readAtom() {
        int start = pos;
        String token = readToken();
        if (token.isEmpty()) {
            throw error("unexpected character '" + text.charAt(start) + "'");
        }
        char first = token.charAt(0);
        boolean numeric = Character.isDigit(first)
                || ((first == '-' || first == '+') && token.length() > 1 && Character.isDigit(token.charAt(1)));
        if (numeric) {
            return parseNumber(token);
        }
        return switch (token) {
            case "nil" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> new Symbol(token);
        };
    }

    private Object parseNumber(String token) {
        try {
            if (token.endsWith("N")) {
                return new BigInteger(stripPlus(token.substring(0, token.length() - 1)));
            }
            if (token.endsWith("M")) {
                return new BigDecimal(stripPlus(token.substring(0, token.length() - 1)));
            }
            if (token.indexOf('.') >= 0 || token.indexOf('e') >= 0 || token.indexOf('E') >= 0) {
                return Double.parseDouble(token);
            }
            String digits = stripPlus(token);
            if (digits.length() < 19) {
                return Long.parseLong(digits);
            }
            BigInteger big = new BigInteger(digits);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        } catch (NumberFormatException e) {
            throw error("'" + token + "' is not a number");
        }
    }

    private static String stripPlus(String s) {
        return s.startsWith("+") ? s.substring(1) : s;
    }

    private String readToken() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)
                    || c == ','
                    || c == '('
                    || c == ')'
                    || c == '['
                    || c == ']'
                    || c == '{'
                    || c == '}'
                    || c == '"'
                    || c == ';') {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    private EdnParseException error(String message) {
        int line = 1;
        int column = 1;
        int end = Math.min(pos, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new EdnParseException(message, line, column);
    }
}
