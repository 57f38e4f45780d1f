package io.ratissm.jepsen.history;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@link List}), maps (as insertion-ordered {@link Map}s, equal to any other map with the same entries), sets,
 * tagged elements ({@link Tagged}), comments and {@code #_} discards. Commas are whitespace, and so is every character {@link Character#isWhitespace} accepts.
 * Collections are returned unmodifiable, so values can be used as map keys and model states safely.
 *
 * <p>A hand-written reader rather than a library because histories are large, the subset is small, and this
 * reader interns keywords, which the checker relies on. Invalid input, UTF-8 that does not decode included, raises
 * {@link EdnParseException} with the line and column.
 *
 * <p>It works on the UTF-8 bytes: a history is read once per check, mostly before the JIT has compiled anything, and
 * a loop over a {@code byte[]} with a table of delimiters runs a fraction of the interpreted calls that
 * {@code String.charAt} and {@code Character.isWhitespace} per character cost. Text is decoded only where a string,
 * symbol or keyword needs it.
 */
public final class EdnReader {
    /** ASCII whitespace as {@link Character#isWhitespace} has it; commas are tested apart. */
    private static final boolean[] WHITESPACE = new boolean[128];
    /** ASCII characters that end a token. */
    private static final boolean[] DELIMITER = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            WHITESPACE[c] = Character.isWhitespace(c);
            DELIMITER[c] = WHITESPACE[c] || ",()[]{}\";".indexOf(c) >= 0;
        }
    }

    private final byte[] in;
    private int pos;
    /** Whether the last token scanned had a byte outside ASCII. */
    private boolean tokenNonAscii;
    /** Keywords this reader has seen, by a hash of their bytes: most lines of a history repeat the same few. */
    private final Keyword[] keywords = new Keyword[64];
    /** The ASCII names of {@link #keywords}, slot by slot. */
    private final byte[][] keywordNames = new byte[64][];

    public EdnReader(String text) {
        this(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads UTF-8 {@code text}, e.g. a file's bytes; the array is not copied, so do not change it while reading. */
    EdnReader(byte[] text) {
        this.in = text;
    }

    /** Reads every top-level form in {@code text}. */
    public static List<Object> readAll(String text) {
        return new EdnReader(text).readAll();
    }

    /** Reads every remaining top-level form. */
    List<Object> readAll() {
        List<Object> forms = new ArrayList<>();
        while (hasNext()) {
            forms.add(next());
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
        return pos < in.length;
    }

    /** Reads the next form. Call {@link #hasNext()} first. */
    public Object next() {
        skipIgnorable();
        if (pos >= in.length) {
            throw error("unexpected end of input");
        }
        byte c = in[pos];
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
                return readKeyword();
            case '\\':
                pos++;
                return readCharacter();
            case '#':
                pos++;
                return readDispatch();
            case ']':
            case ')':
            case '}':
                throw error("unmatched '" + (char) c + "'");
            default:
                return readAtom();
        }
    }

    private void skipIgnorable() {
        while (pos < in.length) {
            byte c = in[pos];
            if (c == ';') {
                while (pos < in.length && in[pos] != '\n') {
                    pos++;
                }
            } else if (c == ',' || (c >= 0 && WHITESPACE[c])) {
                pos++;
            } else if (c < 0 && unicodeWhitespaceLength(pos) > 0) {
                pos += unicodeWhitespaceLength(pos);
            } else if (c == '#' && pos + 1 < in.length && in[pos + 1] == '_') {
                pos += 2;
                next();
            } else {
                return;
            }
        }
    }

    private Map<Object, Object> readMap() {
        ArrayMap.Builder small = new ArrayMap.Builder();
        Map<Object, Object> big = null;
        while (true) {
            skipIgnorable();
            if (pos >= in.length) {
                throw error("map is not closed with '}'");
            }
            if (in[pos] == '}') {
                pos++;
                return big == null ? small.build() : Collections.unmodifiableMap(big);
            }
            Object key = next();
            skipIgnorable();
            if (pos >= in.length || in[pos] == '}') {
                throw error("map key " + EdnWriter.write(key) + " has no value");
            }
            Object value = next();
            if (big == null && !small.put(key, value)) {
                big = new LinkedHashMap<>();
                small.copyTo(big);
            }
            if (big != null) {
                big.put(key, value);
            }
        }
    }

    private List<Object> readSequence(char close) {
        List<Object> items = new ArrayList<>();
        while (true) {
            skipIgnorable();
            if (pos >= in.length) {
                throw error("collection is not closed with '" + close + "'");
            }
            byte c = in[pos];
            if (c == close) {
                pos++;
                return Collections.unmodifiableList(items);
            }
            if (c == ']' || c == ')' || c == '}') {
                throw error("expected '" + close + "' but found '" + (char) c + "'");
            }
            items.add(next());
        }
    }

    private Object readDispatch() {
        if (pos >= in.length) {
            throw error("'#' at end of input");
        }
        if (in[pos] == '{') {
            pos++;
            Set<Object> set = new LinkedHashSet<>(readSequence('}'));
            return Collections.unmodifiableSet(set);
        }
        int start = scanToken();
        if (start == pos) {
            throw error("unsupported dispatch '#" + characterAt(pos) + "'");
        }
        return new Tagged(token(start), next());
    }

    private String readString() {
        StringBuilder escaped = null;
        int run = pos;
        boolean nonAscii = false;
        while (pos < in.length) {
            byte c = in[pos];
            if (c == '"') {
                String last = decode(run, pos, nonAscii);
                pos++;
                return escaped == null ? last : escaped.append(last).toString();
            }
            if (c != '\\') {
                nonAscii |= c < 0;
                pos++;
                continue;
            }
            if (escaped == null) {
                escaped = new StringBuilder();
            }
            escaped.append(decode(run, pos, nonAscii));
            nonAscii = false;
            pos++;
            if (pos >= in.length) {
                break;
            }
            byte e = in[pos];
            switch (e) {
                case 'n' -> escaped.append('\n');
                case 't' -> escaped.append('\t');
                case 'r' -> escaped.append('\r');
                case 'b' -> escaped.append('\b');
                case 'f' -> escaped.append('\f');
                case '"', '\\', '/' -> escaped.append((char) e);
                case 'u' -> {
                    if (pos + 5 > in.length) {
                        throw error("truncated \\u escape in string");
                    }
                    escaped.append(hexChar(pos + 1));
                    pos += 4;
                }
                default -> throw error("unknown string escape '\\" + characterAt(pos) + "'");
            }
            pos++;
            run = pos;
        }
        throw error("string is not closed with '\"'");
    }

    /** The character of the four hex digits at {@code at}, as in {@code \u0041}. */
    private char hexChar(int at) {
        int value = 0;
        for (int i = at; i < at + 4; i++) {
            int digit = Character.digit(in[i], 16);
            if (digit < 0) {
                pos = i;
                throw error("'\\u" + new String(in, at, 4, StandardCharsets.ISO_8859_1) + "' is not a \\u escape");
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private Character readCharacter() {
        int start = scanToken();
        if (start == pos && pos < in.length) {
            String c = characterAt(pos);
            pos += Math.max(1, utf8Length(in[pos]));
            return c.charAt(0);
        }
        String token = token(start);
        return switch (token) {
            case "newline" -> '\n';
            case "space" -> ' ';
            case "tab" -> '\t';
            case "return" -> '\r';
            default -> {
                if (token.length() == 1) {
                    yield token.charAt(0);
                }
                if (token.startsWith("u") && token.length() == 5 && !tokenNonAscii) {
                    yield hexChar(start + 1);
                }
                throw error("unknown character literal '\\" + token + "'");
            }
        };
    }

    private Keyword readKeyword() {
        int start = pos;
        int hash = 0;
        while (pos < in.length) {
            byte c = in[pos];
            if (c < 0) {
                scanToken();
                return Keyword.of(token(start));
            }
            if (DELIMITER[c]) {
                break;
            }
            hash = 31 * hash + c;
            pos++;
        }
        int slot = (hash ^ (hash >>> 7)) & (keywords.length - 1);
        byte[] name = keywordNames[slot];
        if (name != null && sameBytes(name, start, pos)) {
            return keywords[slot];
        }
        Keyword k = Keyword.of(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
        keywords[slot] = k;
        keywordNames[slot] = Arrays.copyOfRange(in, start, pos);
        return k;
    }

    private boolean sameBytes(byte[] name, int from, int to) {
        if (name.length != to - from) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (name[i] != in[from + i]) {
                return false;
            }
        }
        return true;
    }

    private Object readAtom() {
        int start = scanToken();
        if (start == pos) {
            throw error("unexpected character '" + characterAt(start) + "'");
        }
        if (!tokenNonAscii) {
            Object atom = asciiAtom(start);
            if (atom != NOT_SIMPLE) {
                return atom;
            }
        }
        String token = token(start);
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

    private static final Object NOT_SIMPLE = new Object();

    /**
     * The common atoms without building a string: {@code nil}, {@code true}, {@code false} and integers of up to 18
     * digits; {@link #NOT_SIMPLE} for anything else, which the general path reads.
     */
    private Object asciiAtom(int start) {
        int length = pos - start;
        if (length == 3 && in[start] == 'n' && in[start + 1] == 'i' && in[start + 2] == 'l') {
            return null;
        }
        int i = start;
        boolean negative = in[i] == '-';
        if (negative || in[i] == '+') {
            i++;
        }
        if (i == pos || pos - i > 18) {
            return NOT_SIMPLE;
        }
        long value = 0;
        for (; i < pos; i++) {
            int digit = in[i] - '0';
            if (digit < 0 || digit > 9) {
                return NOT_SIMPLE;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
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

    /** Moves past a token (up to a delimiter); returns where it started and notes whether it is all ASCII. */
    private int scanToken() {
        int start = pos;
        tokenNonAscii = false;
        while (pos < in.length) {
            byte c = in[pos];
            if (c >= 0) {
                if (DELIMITER[c]) {
                    break;
                }
                pos++;
            } else {
                if (unicodeWhitespaceLength(pos) > 0) {
                    break;
                }
                tokenNonAscii = true;
                pos += Math.max(1, Math.min(utf8Length(c), in.length - pos));
            }
        }
        return start;
    }

    /** The token scanned from {@code start} to the current position. */
    private String token(int start) {
        return decode(start, pos, tokenNonAscii);
    }

    private String decode(int from, int to, boolean nonAscii) {
        if (!nonAscii) {
            return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
        }
        ByteBuffer bytes = ByteBuffer.wrap(in, from, to - from);
        CharBuffer chars = CharBuffer.allocate(to - from);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input rather than replacing it
        if (utf8.decode(bytes, chars, true).isError() || utf8.flush(chars).isError()) {
            pos = bytes.position();
            throw error("the text is not valid UTF-8");
        }
        return chars.flip().toString();
    }

    /** How many bytes the UTF-8 sequence that {@code lead} starts has; 0 for a byte that cannot start one. */
    private static int utf8Length(byte lead) {
        int b = lead & 0xFF;
        if (b < 0x80) {
            return 1;
        }
        if (b >= 0xF0 && b < 0xF8) {
            return 4;
        }
        if (b >= 0xE0) {
            return b < 0xF0 ? 3 : 0;
        }
        return b >= 0xC0 ? 2 : 0;
    }

    /** The code point whose UTF-8 encoding starts at {@code at}, or -1 if none does. */
    private int codePointAt(int at) {
        int length = utf8Length(in[at]);
        if (length == 0 || at + length > in.length) {
            return -1;
        }
        if (length == 1) {
            return in[at];
        }
        int cp = in[at] & (0x7F >> length);
        for (int i = at + 1; i < at + length; i++) {
            if ((in[i] & 0xC0) != 0x80) {
                return -1;
            }
            cp = (cp << 6) | (in[i] & 0x3F);
        }
        return cp;
    }

    /** The length in bytes of a non-ASCII whitespace character at {@code at}, or 0. */
    private int unicodeWhitespaceLength(int at) {
        int cp = codePointAt(at);
        return cp > 0x7F && Character.isWhitespace(cp) ? utf8Length(in[at]) : 0;
    }

    /** The character at {@code at} for a message; U+FFFD if the bytes there are not UTF-8. */
    private String characterAt(int at) {
        int cp = codePointAt(at);
        return cp < 0 ? "\uFFFD" : new String(Character.toChars(cp));
    }

    private EdnParseException error(String message) {
        int line = 1;
        int column = 1;
        int end = Math.min(pos, in.length);
        for (int i = 0; i < end; i++) {
            byte c = in[i];
            if (c == '\n') {
                line++;
                column = 1;
            } else if ((c & 0xC0) != 0x80) {
                column += (c & 0xF8) == 0xF0 ? 2 : 1; // a UTF-16 column count: a 4-byte sequence is two chars
            }
        }
        return new EdnParseException(message, line, column);
    }
}
