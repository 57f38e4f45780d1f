package io.ratissm.internal.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Renders a Dropwizard registry in the Prometheus text exposition format, version 0.0.4.
 *
 * <p>Mapping (as in Prometheus's own Dropwizard bridge, plus seconds for durations):
 * <ul>
 *   <li>a name's dots become underscores, any other character outside {@code [a-zA-Z0-9_:]} too (runs of them
 *       collapse into one), and a leading digit gets a {@code _} in front;</li>
 *   <li>name segments listed in {@code droppedSegments} are removed, so that a replica's Ratis metrics
 *       ({@code ratis.server.n1@group-...clientWriteRequest}) get the same family name on every replica
 *       ({@code ratis_server_clientWriteRequest}); the constant labels (e.g. {@code replica="n1"}) say whose;</li>
 *   <li>gauge (numbers; booleans as 0/1; other values are skipped) and counter (Dropwizard counters can go
 *       down) become {@code gauge}; meter becomes {@code counter} {@code <name>_total};</li>
 *   <li>histogram becomes {@code summary} with quantiles 0.5 0.75 0.95 0.98 0.99 0.999 and {@code _count};
 *       timer the same as {@code <name>_seconds}, in seconds. Dropwizard keeps no exact sum, so there is no
 *       {@code _sum} sample.</li>
 * </ul>
 * If two metrics map to one family name, the first in name order is kept. Thread-safe.
 */
public final class PrometheusText {
    /** The Content-Type of the text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
    private static final Pattern INVALID_NAME_CHARS = Pattern.compile("[^a-zA-Z0-9_:]+");
    private static final Pattern INVALID_LABEL_CHARS = Pattern.compile("[^a-zA-Z0-9_]+");
    private static final double NANOS_PER_SECOND = 1e9;

    private final String constantLabels;
    private final Set<String> droppedSegments;
    /** Names that start with this are left out (rendered from another registry, with other labels); null: none. */
    private final String skippedPrefix;

    /**
     * @param labels          added to every sample, in this order
     * @param droppedSegments dot-separated name segments to remove before sanitizing
     */
    public PrometheusText(Map<String, String> labels, Set<String> droppedSegments) {
        this(labels, droppedSegments, null);
    }

    /** As {@link #PrometheusText(Map, Set)}, leaving out the metrics whose names start with {@code skippedPrefix}. */
    public PrometheusText(Map<String, String> labels, Set<String> droppedSegments, String skippedPrefix) {
        StringBuilder b = new StringBuilder();
        labels.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",")
                .append(labelName(k))
                .append("=\"")
                .append(escapeLabelValue(v))
                .append('"'));
        this.constantLabels = b.toString();
        this.droppedSegments = Set.copyOf(droppedSegments);
        this.skippedPrefix = skippedPrefix;
    }

    /** The whole registry as one exposition. */
    public String render(MetricRegistry registry) {
        return renderAll(List.of(Map.entry(this, registry)));
    }

    /**
     * Several registries as one exposition, each with its own labels: a family that several hold is written once,
     * with one header and the samples of each (the Prometheus text format wants a family's samples together).
     */
    public static String renderAll(List<Map.Entry<PrometheusText, MetricRegistry>> parts) {
        Map<String, String> headers = new TreeMap<>();
        Map<String, StringBuilder> samples = new TreeMap<>();
        for (Map.Entry<PrometheusText, MetricRegistry> part : parts) {
            PrometheusText text = part.getKey();
            Set<String> seen = new HashSet<>();
            new TreeMap<>(part.getValue().getMetrics()).forEach((name, metric) -> {
                if (text.skippedPrefix != null && name.startsWith(text.skippedPrefix)) {
                    return;
                }
                String family = text.familyName(name, metric);
                if (family == null || !seen.add(family)) {
                    return;
                }
                StringBuilder header = new StringBuilder();
                StringBuilder body = new StringBuilder();
                if (!text.family(header, body, family, name, metric)) {
                    return;
                }
                String known = headers.putIfAbsent(family, header.toString());
                if (known == null || known.endsWith(typeLine(header))) {
                    samples.computeIfAbsent(family, f -> new StringBuilder()).append(body);
                }
            });
        }
        StringBuilder out = new StringBuilder();
        headers.forEach((family, header) -> out.append(header).append(samples.get(family)));
        return out.toString();
    }

    /** The {@code # TYPE} line that ends a header. */
    private static String typeLine(CharSequence header) {
        String h = header.toString();
        return h.substring(h.lastIndexOf("# TYPE "));
    }

    /** A Dropwizard name as a valid Prometheus metric name. */
    static String sanitize(String name) {
        String s = INVALID_NAME_CHARS
                .matcher(name.replace('.', '_'))
                .replaceAll("_")
                .replaceAll("_{2,}", "_");
        if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
            s = "_" + s;
        }
        return s;
    }

    private String familyName(String name, Metric metric) {
        StringBuilder kept = new StringBuilder();
        for (String segment : name.split("\\.")) {
            if (!droppedSegments.contains(segment)) {
                kept.append(kept.length() == 0 ? "" : ".").append(segment);
            }
        }
        String base = sanitize(kept.toString());
        if (metric instanceof Timer) {
            return base.endsWith("_seconds") ? base : base + "_seconds";
        }
        if (metric instanceof Meter) {
            return base.endsWith("_total") ? base : base + "_total";
        }
        return base;
    }

    /** Writes one metric's header and samples; false if it is of a kind not exposed. */
    private boolean family(StringBuilder h, StringBuilder b, String family, String source, Metric metric) {
        if (metric instanceof Gauge<?> g) {
            Object v = g.getValue();
            double value;
            if (v instanceof Number n) {
                value = n.doubleValue();
            } else if (v instanceof Boolean flag) {
                value = flag ? 1 : 0;
            } else {
                return false;
            }
            header(h, family, source, "gauge");
            sample(b, family, null, value);
        } else if (metric instanceof Counter c) {
            header(h, family, source, "gauge");
            sample(b, family, null, c.getCount());
        } else if (metric instanceof Meter m) {
            header(h, family, source, "counter");
            sample(b, family, null, m.getCount());
        } else if (metric instanceof Timer t) {
            summary(h, b, family, source, t.getSnapshot(), t.getCount(), 1 / NANOS_PER_SECOND);
        } else if (metric instanceof Histogram hist) {
            summary(h, b, family, source, hist.getSnapshot(), hist.getCount(), 1);
        } else {
            return false;
        }
        return true;
    }

    private void summary(
            StringBuilder h, StringBuilder b, String family, String source, Snapshot s, long count, double scale) {
        header(h, family, source, "summary");
        for (double q : QUANTILES) {
            sample(b, family, "quantile=\"" + q + "\"", s.getValue(q) * scale);
        }
        sample(b, family + "_count", null, count);
    }

    private static void header(StringBuilder b, String family, String source, String type) {
        b.append("# HELP ")
                .append(family)
                .append(' ')
                .append(escapeHelp("Dropwizard " + source))
                .append('\n');
        b.append("# TYPE ").append(family).append(' ').append(type).append('\n');
    }

    private void sample(StringBuilder b, String name, String label, double value) {
        b.append(name);
        if (!constantLabels.isEmpty() || label != null) {
            b.append('{').append(constantLabels);
            if (label != null) {
                b.append(constantLabels.isEmpty() ? "" : ",").append(label);
            }
            b.append('}');
        }
        b.append(' ').append(number(value)).append('\n');
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String labelName(String name) {
        String s = INVALID_LABEL_CHARS.matcher(name).replaceAll("_");
        return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    static String escapeLabelValue(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
