package io.ratissm.jepsen.history;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints values in the EDN form Clojure's {@code prn} gives them, e.g. {@code {:f :read, :value nil}}, so that
 * files written here read back unchanged in Jepsen, Knossos and {@link EdnReader}.
 *
 * <p>Accepts the types {@link EdnReader} produces, plus any {@link Integer} or {@link Enum} (as a keyword).
 */
public final class EdnWriter {
    private EdnWriter() {}

    /** The EDN text of {@code value}. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    /** Appends the EDN text of {@code value} to {@code sb}. */
    public static void write(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("nil");
        } else if (value instanceof String s) {
            writeString(sb, s);
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                write(sb, e.getKey());
                sb.append(' ');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof Set<?> set) {
            sb.append("#{");
            writeItems(sb, set);
            sb.append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            writeItems(sb, list);
            sb.append(']');
        } else if (value instanceof Character c) {
            sb.append(
                    switch (c) {
                        case '\n' -> "\\newline";
                        case ' ' -> "\\space";
                        case '\t' -> "\\tab";
                        case '\r' -> "\\return";
                        default -> "\\" + c;
                    });
        } else if (value instanceof Enum<?> e) {
            sb.append(':').append(e.name().toLowerCase().replace('_', '-'));
        } else if (value instanceof java.math.BigInteger) {
            sb.append(value).append('N');
        } else if (value instanceof java.math.BigDecimal) {
            sb.append(value).append('M');
        } else {
            sb.append(value);
        }
    }

    private static void writeItems(StringBuilder sb, Collection<?> items) {
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                sb.append(' ');
            }
            first = false;
            write(sb, item);
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        sb.append('"');
    }
}
