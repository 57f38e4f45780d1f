package io.ratissm.internal.http;

import java.util.Map;

/** Writes the flat JSON objects of the operations endpoints; no library needed for strings, numbers and flags. */
final class Json {
    private Json() {}

    /** A JSON object of the entries, in their order; values are strings, numbers, booleans, null or such objects. */
    static String object(Map<String, ?> entries) {
        StringBuilder b = new StringBuilder("{");
        entries.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            string(b, k);
            b.append(':');
            if (v == null) {
                b.append("null");
            } else if (v instanceof Number || v instanceof Boolean) {
                b.append(v);
            } else if (v instanceof Map<?, ?> inner) {
                @SuppressWarnings("unchecked")
                Map<String, ?> object = (Map<String, ?>) inner;
                b.append(object(object));
            } else {
                string(b, v.toString());
            }
        });
        return b.append('}').toString();
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
