package io.ratissm.jepsen.runner;

import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the history of a run as it happens, from every client and the nemesis: each op gets the next
 * {@code :index} and its {@code :time} in nanoseconds since the run started, and is logged to {@code jepsen.log}
 * as {@code process TAB :type TAB :f TAB value [TAB error]}. It also keeps the live counts for the progress line.
 */
public final class HistoryRecorder {
    private final long startNanos = System.nanoTime();
    private final List<Op> ops = new ArrayList<>();
    private final RunLog log;
    private long ok;
    private long fail;
    private long info;

    public HistoryRecorder(RunLog log) {
        this.log = log;
    }

    /** Nanoseconds since the run started. */
    public long now() {
        return System.nanoTime() - startNanos;
    }

    /** Records one op; {@code error} may be null. Returns the op as stored. */
    public Op record(OpType type, Object process, String f, Object value, Object error) {
        Map<Keyword, Object> extras = new LinkedHashMap<>();
        if (error != null) {
            extras.put(Op.ERROR, error);
        }
        Op op;
        synchronized (this) {
            op = new Op(ops.size(), now(), type, process, Keyword.of(f), value, extras);
            ops.add(op);
            if (op.isClient()) {
                switch (type) {
                    case OK -> ok++;
                    case FAIL -> fail++;
                    case INFO -> info++;
                    default -> {}
                }
            }
        }
        log.info(
                "jepsen.util",
                EdnWriter.write(process) + "\t" + type.keyword() + "\t" + EdnWriter.write(op.f()) + "\t"
                        + EdnWriter.write(value) + (error == null ? "" : "\t" + EdnWriter.write(error)));
        return op;
    }

    /** The history so far, in order. */
    public synchronized History history() {
        return new History(List.copyOf(ops));
    }

    /** Live counts of client completions. */
    public synchronized Counts counts() {
        return new Counts(ok, fail, info);
    }

    /** Client completions by type. */
    public record Counts(long ok, long fail, long info) {
        public long total() {
            return ok + fail + info;
        }
    }
}
