package io.ratissm.internal.config;

import io.ratissm.Replication;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kind of value a {@link Setting} holds: how its text is read (the one parser of durations and sizes, used by the
 * configuration file, the command line and the harness flags) and how a value is written back in the same syntax.
 * Reading throws {@link IllegalArgumentException} with a message that quotes the text and says what was expected.
 *
 * @param <T> the Java type of the value
 */
public final class SettingType<T> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB)");

    /** Text, taken as written. */
    public static final SettingType<String> TEXT = new SettingType<>("text", s -> s, s -> s);
    /** A file or directory; a relative one is relative to where the setting is given. */
    public static final SettingType<String> PATH = new SettingType<>("a path", s -> s, s -> s);
    /** Jars and directories, as {@link ClassPath} reads them; relative ones are relative to where they are given. */
    public static final SettingType<String> CLASS_PATH =
            new SettingType<>("paths of jars or directories, comma separated", s -> s, s -> s);
    /** {@code true} or {@code false}, in any case. */
    public static final SettingType<Boolean> BOOLEAN =
            new SettingType<>("`true` or `false`", SettingType::parseBoolean, String::valueOf);
    /** A whole number. */
    public static final SettingType<Long> COUNT =
            new SettingType<>("a whole number", SettingType::parseCount, String::valueOf);
    /** A whole number that fits a Java {@code int}. */
    public static final SettingType<Integer> INT_COUNT =
            new SettingType<>("a whole number", v -> toInt(v, parseCount(v)), String::valueOf);
    /** A number of bytes, optionally with {@code KiB}, {@code MiB} or {@code GiB}. */
    public static final SettingType<Long> SIZE_BYTES =
            new SettingType<>("a size", SettingType::parseSize, SettingType::formatSize);
    /** A size that fits a Java {@code int}. */
    public static final SettingType<Integer> INT_SIZE_BYTES =
            new SettingType<>("a size", v -> toInt(v, parseSize(v)), n -> formatSize((long) n));
    /** A number with {@code ms}, {@code s}, {@code m} or {@code h}. */
    public static final SettingType<Duration> DURATION_TEXT =
            new SettingType<>("a duration", SettingType::parseDuration, SettingType::formatDuration);
    /** {@code ACTIVE} or {@code PASSIVE}, in any case. */
    public static final SettingType<Replication> REPLICATION =
            new SettingType<>("`ACTIVE` or `PASSIVE`", SettingType::parseReplication, Replication::name);

    private final String description;
    private final Function<String, T> parse;
    private final Function<T, String> format;

    private SettingType(String description, Function<String, T> parse, Function<T, String> format) {
        this.description = description;
        this.parse = parse;
        this.format = format;
    }

    /** What a value looks like, for documentation ({@code `code`} in backquotes). */
    public String description() {
        return description;
    }

    /**
     * Reads {@code text} (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException quoting the text and saying what is expected
     */
    public T parse(String text) {
        return parse.apply(text.strip());
    }

    /** Writes {@code value} the way {@link #parse} reads it, in the largest exact unit: {@code 1MiB}, {@code 2s}. */
    public String format(T value) {
        return format.apply(value);
    }

    private static boolean parseBoolean(String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException("'" + v + "' is not true or false");
    }

    private static Replication parseReplication(String v) {
        try {
            return Replication.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + v + "' is not ACTIVE or PASSIVE");
        }
    }

    private static long parseCount(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
    }

    private static int toInt(String v, long n) {
        if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("'" + v + "' is too large (at most " + Integer.MAX_VALUE + ")");
        }
        return (int) n;
    }

    private static long parseSize(String v) {
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + v + "' is not a size (bytes, or a number with KiB, MiB or GiB)");
        }
        long unit = switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is too large");
        }
    }

    private static Duration parseDuration(String v) {
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + v + "' is not a duration (a number with ms, s, m or h, e.g. 2s)");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is too large");
        }
    }

    private static String formatSize(Long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return String.valueOf(bytes);
    }

    private static String formatDuration(Duration d) {
        if (d.isNegative() || d.toNanosPart() % 1_000_000 != 0) {
            return d.toString(); // no unit of the syntax writes it exactly
        }
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
