package io.ratissm.internal.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The table of {@link Settings} written for readers: as Markdown (the README), as HTML in javadoc
 * ({@code ReplicaConfig}) and as plain lines ({@code ratis-sm server --help}). A test compares the copies written in
 * the README and in {@code ReplicaConfig.java} with {@link #markdown()} and {@link #javadoc()}; when a setting changes,
 * paste the new rendering there.
 */
public final class SettingsDoc {
    private SettingsDoc() {}

    /** The Markdown table: key, default, allowed values, meaning; one row per setting, and the Ratis pass-through. */
    public static String markdown() {
        StringBuilder out = new StringBuilder("| key | default | allowed | meaning |\n| --- | --- | --- | --- |\n");
        for (Setting<?> s : Settings.ALL) {
            out.append("| `")
                    .append(s.key())
                    .append("` | ")
                    .append(code(s.defaultText(), s))
                    .append(" | ")
                    .append(s.allowedText().replace("|", "\\|"))
                    .append(" | ")
                    .append(s.doc().replace("|", "\\|"))
                    .append(" |\n");
        }
        out.append("| `")
                .append(Settings.RATIS_KEYS)
                .append("` | | text | ")
                .append(Settings.RATIS_DOC)
                .append(" |\n");
        return out.toString();
    }

    /** The HTML table for a javadoc comment (without the leading {@code " * "} of each line). */
    public static String javadoc() {
        StringBuilder out = new StringBuilder("<table>\n<caption>Keys</caption>\n"
                + "<tr><th>key</th><th>default</th><th>allowed</th><th>meaning</th></tr>\n");
        for (Setting<?> s : Settings.ALL) {
            out.append("<tr><td>{@code ")
                    .append(s.key())
                    .append("}</td><td>")
                    .append(javadocText(code(s.defaultText(), s)))
                    .append("</td><td>")
                    .append(javadocText(s.allowedText()))
                    .append("</td><td>")
                    .append(javadocText(s.doc()))
                    .append("</td></tr>\n");
        }
        out.append("<tr><td>{@code ")
                .append(Settings.RATIS_KEYS)
                .append("}</td><td></td><td>text</td><td>")
                .append(javadocText(Settings.RATIS_DOC))
                .append("</td></tr>\n</table>\n");
        return out.toString();
    }

    /** Plain lines for a command's help: {@code key (default): meaning; allowed values}. */
    public static List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        for (Setting<?> s : Settings.ALL) {
            lines.add(plain("  " + s.key() + " (" + s.defaultText() + "; " + s.allowedText() + "): " + s.doc()));
        }
        lines.add(plain("  " + Settings.RATIS_KEYS + ": " + Settings.RATIS_DOC));
        return lines;
    }

    /** A default that is a value is code; "required" and "none" are words. */
    private static String code(String defaultText, Setting<?> s) {
        return s.isRequired() || s.defaultValue().isEmpty() ? defaultText : "`" + defaultText + "`";
    }

    /** Backquoted spans become {@code {@code ...}}; outside them, characters HTML would read are escaped. */
    private static String javadocText(String text) {
        String[] parts = text.split("`", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            boolean code = i % 2 == 1;
            out.append(
                    code
                            ? "{@code " + parts[i] + "}"
                            : parts[i].replace("&", "&amp;")
                                    .replace("<", "&lt;")
                                    .replace(">", "&gt;")
                                    .replace("@", "&#64;"));
        }
        return out.toString();
    }

    private static String plain(String text) {
        return text.replace("`", "");
    }
}
