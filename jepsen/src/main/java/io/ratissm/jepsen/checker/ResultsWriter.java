package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link CheckResult} as Jepsen's {@code results.edn}: Knossos-shaped maps with {@code :valid?}
 * ({@code true}, {@code false} or {@code :unknown}), {@code :analyzer}, and for a failure {@code :op} (the
 * operation that cannot be linearized), {@code :previous-ok} and {@code :longest-linearizable-prefix} (each
 * step {@code {:op ... :model state}}). A split history is shaped like Jepsen's {@code independent} checker:
 * {@code :results} per key and {@code :failures}, the keys that failed. Pretty-printed, one top-level key
 * per line.
 */
public final class ResultsWriter {
    private static final Keyword VALID = Keyword.of("valid?");
    private static final Keyword PROCESS = Keyword.of("process");
    private static final int LINE_WIDTH = 100;

    private ResultsWriter() {}

    /** The {@code results.edn} text. */
    public static String toEdn(CheckResult result) {
        Map<Keyword, Object> top = new LinkedHashMap<>();
        top.put(VALID, result.verdict().ednValue());
        top.put(Keyword.of("analyzer"), Keyword.of("wgl"));
        top.put(Keyword.of("model"), Keyword.of(result.modelName()));
        if (result.cause() != null) {
            top.put(Keyword.of("cause"), cause(result.cause()));
        }
        if (result.partitioned()) {
            Map<Object, Object> perKey = new LinkedHashMap<>();
            List<Object> failures = new ArrayList<>();
            for (KeyResult k : result.keys()) {
                perKey.put(k.key(), keyMap(k));
                if (k.verdict() == Verdict.NOT_LINEARIZABLE) {
                    failures.add(k.key());
                }
            }
            top.put(Keyword.of("failures"), failures);
            top.put(Keyword.of("results"), perKey);
        } else {
            Map<Keyword, Object> only = keyMap(result.keys().get(0));
            only.remove(VALID);
            top.putAll(only);
        }
        top.put(Keyword.of("time-ms"), Math.round(result.elapsedNanos() / 1e4) / 100.0);
        StringBuilder sb = new StringBuilder();
        pretty(sb, top, 0);
        return sb.append('\n').toString();
    }

    /**
     * Prints like Clojure's {@code pprint}, simplified: a collection that does not fit in the line width is
     * broken one entry per line, aligned under its opening bracket, so long prefixes stay readable. Op maps
     * always stay on one line, like the lines of {@code history.edn}.
     */
    private static void pretty(StringBuilder sb, Object value, int indent) {
        String flat = EdnWriter.write(value);
        boolean op = value instanceof Map<?, ?> m && m.containsKey(PROCESS);
        if (op || indent + flat.length() <= LINE_WIDTH || !(value instanceof Map<?, ?> || value instanceof List<?>)) {
            sb.append(flat);
            return;
        }
        String pad = "\n" + " ".repeat(indent + 1);
        if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(first ? "" : "," + pad);
                first = false;
                String key = EdnWriter.write(e.getKey());
                sb.append(key).append(' ');
                pretty(sb, e.getValue(), indent + 1 + key.length() + 1);
            }
            sb.append('}');
        } else {
            sb.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                sb.append(first ? "" : pad);
                first = false;
                pretty(sb, item, indent + 1);
            }
            sb.append(']');
        }
    }

    private static Map<Keyword, Object> keyMap(KeyResult k) {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(VALID, k.verdict().ednValue());
        if (k.cause() != null) {
            m.put(Keyword.of("cause"), cause(k.cause()));
        }
        if (k.verdict() == Verdict.NOT_LINEARIZABLE) {
            m.put(Keyword.of("op"), opMap(k.failedOp()));
            m.put(Keyword.of("previous-ok"), k.previousOk() == null ? null : opMap(k.previousOk()));
            List<Object> steps = new ArrayList<>();
            for (LinearizationStep step : k.longestPrefix()) {
                Map<Keyword, Object> s = new LinkedHashMap<>();
                s.put(Keyword.of("op"), opMap(step.op()));
                s.put(Keyword.of("model"), step.stateAfter());
                steps.add(s);
            }
            m.put(Keyword.of("longest-linearizable-prefix"), steps);
        }
        m.put(Keyword.of("op-count"), (long) k.operationCount());
        m.put(Keyword.of("configs-explored"), k.configurationsExplored());
        return m;
    }

    /** The history line that shows the operation's outcome: its completion, or its invocation if pending. */
    private static Map<Keyword, Object> opMap(Operation op) {
        Op shown = op.completion() != null ? op.completion() : op.invoke();
        return shown.toEdnMap();
    }

    private static Keyword cause(String cause) {
        return Keyword.of(cause.startsWith(":") ? cause.substring(1) : cause);
    }
}
