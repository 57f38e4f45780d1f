package io.ratissm.bench.kit.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The format of the line {@link io.ratissm.bench.kit.LoadReport} prints at the end of a trial (its javadoc shows
 * it), in one place for the code that writes it and the code that reads it back: {@link
 * io.ratissm.bench.kit.BenchmarkMain} and {@code ratis-sm bench}; {@code bench/summarize.py} reads it as JSON. The
 * fields are {@link LoadSummary}'s and {@code perSecond}. Values never contain quotes or braces.
 */
public final class LatencyLine {
    public static final String PREFIX = "LATENCY ";
    private static final Pattern LINE = Pattern.compile("LATENCY \\{\"benchmark\":\"([^\"]*)\",\"params\":\\{([^}]*)}");
    private static final Pattern PARAM = Pattern.compile("\"([^\"]*)\":\"([^\"]*)\"");

    /** A line read back. */
    public record Parsed(String benchmark, Map<String, String> params, LoadSummary summary) {}

    private LatencyLine() {}

    public static String format(String benchmark, Map<String, String> params, LoadSummary s, long[] perSecond) {
        StringJoiner p = new StringJoiner(",", "{", "}");
        params.forEach((key, value) -> p.add('"' + key + "\":\"" + value + '"'));
        String seconds = Arrays.stream(perSecond).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
        return String.format(
                Locale.ROOT,
                PREFIX + "{\"benchmark\":\"%s\",\"params\":%s,\"requests\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
                        + "\"p999Ms\":%.3f,\"maxMs\":%.3f,\"cpuUsPerOp\":%.2f,\"cpuCores\":%.3f,\"answered\":%d,"
                        + "\"rejected\":%d,\"opsPerS\":%.1f,\"measuredFromS\":%.1f,\"measuredUntilS\":%.1f,"
                        + "\"perSecond\":%s}",
                benchmark,
                p,
                s.requests(),
                s.p50Ms(),
                s.p99Ms(),
                s.p999Ms(),
                s.maxMs(),
                s.cpuUsPerOp(),
                s.cpuCores(),
                s.answered(),
                s.rejected(),
                s.opsPerSecond(),
                s.measuredFromS(),
                s.measuredUntilS(),
                seconds);
    }

    /** The line's content if {@code line} holds one (anywhere: JMH may print it after other output). */
    public static Optional<Parsed> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher param = PARAM.matcher(m.group(2));
        while (param.find()) {
            params.put(param.group(1), param.group(2));
        }
        String rest = line.substring(m.end());
        return Optional.of(new Parsed(
                m.group(1),
                params,
                new LoadSummary(
                        (long) number(rest, "requests"),
                        (long) number(rest, "answered"),
                        (long) number(rest, "rejected"),
                        number(rest, "opsPerS"),
                        number(rest, "p50Ms"),
                        number(rest, "p99Ms"),
                        number(rest, "p999Ms"),
                        number(rest, "maxMs"),
                        number(rest, "cpuUsPerOp"),
                        number(rest, "cpuCores"),
                        number(rest, "measuredFromS"),
                        number(rest, "measuredUntilS"))));
    }

    /** The value of {@code "key":}, NaN if the line has none (a line of an older version). */
    private static double number(String text, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(NaN|-?Infinity|-?[0-9.]+(?:[eE][-+]?[0-9]+)?)")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
