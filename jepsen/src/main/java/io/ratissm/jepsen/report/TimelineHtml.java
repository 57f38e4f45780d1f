package io.ratissm.jepsen.report;

import io.ratissm.jepsen.checker.CheckResult;
import io.ratissm.jepsen.checker.KeyHistory;
import io.ratissm.jepsen.checker.KeyResult;
import io.ratissm.jepsen.checker.LinearizationStep;
import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders a checked history as a self-contained {@code timeline.html}, in the layout of Jepsen's timeline:
 * one column per process, time flowing down, each operation a box from its invocation to its completion
 * (crashed and pending ones run to the end), coloured by outcome (ok blue, info orange, fail pink).
 *
 * <p>On top of that it draws the checker's answer: each operation in the (longest partial) linearization is
 * numbered in linearization order with the model state after it, and a table beside the timeline lists the
 * same steps, left of the timeline. For a failure, the operation that cannot be linearized is outlined in red. Only one key is
 * drawn: the first that failed, or the first key when all passed. At most {@value #MAX_OPS} operations are
 * drawn, as in Jepsen.
 */
public final class TimelineHtml {
    static final int MAX_OPS = 10_000;
    private static final int ROW_PX = 18;
    private static final int COLUMN_PX = 124;
    private static final int HEADER_PX = 24;

    private TimelineHtml() {}

    /** The HTML page for {@code result}, which was computed from {@code history}. */
    public static String render(String title, History history, CheckResult result) {
        KeyResult shown = result.firstFailure() != null
                ? result.firstFailure()
                : result.keys().get(0);
        KeyHistory keyHistory = result.historyOf(shown);
        List<Operation> ops = keyHistory.operations();
        boolean truncated = ops.size() > MAX_OPS;
        if (truncated) {
            ops = ops.subList(0, MAX_OPS);
        }

        Map<Integer, Integer> stepOf = new HashMap<>();
        List<LinearizationStep> steps = shown.longestPrefix();
        for (int i = 0; i < steps.size(); i++) {
            stepOf.put(steps.get(i).op().id(), i);
        }
        int culprit = shown.failedOp() != null ? shown.failedOp().id() : -1;

        int[] positions = ops.stream()
                .flatMapToInt(o -> o.completePosition() >= 0
                        ? java.util.stream.IntStream.of(o.invokePosition(), o.completePosition())
                        : java.util.stream.IntStream.of(o.invokePosition()))
                .sorted()
                .distinct()
                .toArray();
        int endRow = positions.length;
        TreeSet<Long> processSet = new TreeSet<>();
        for (Operation o : ops) {
            processSet.add((Long) o.process());
        }
        List<Long> processes = new ArrayList<>(processSet);

        StringBuilder sb = new StringBuilder(4096 + ops.size() * 300);
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append(" timeline</title>\n<style>\n")
                .append(STYLE)
                .append("</style></head>\n<body>\n");
        header(sb, title, result, shown, truncated, ops.size());
        sb.append("<div class=\"panes\">\n");
        linearizationTable(sb, shown, steps);
        sb.append("<div class=\"timeline\" style=\"width:")
                .append(processes.size() * COLUMN_PX)
                .append("px;height:")
                .append(HEADER_PX + (endRow + 1) * ROW_PX)
                .append("px\">\n");
        for (int c = 0; c < processes.size(); c++) {
            sb.append("<div class=\"process\" style=\"left:")
                    .append(c * COLUMN_PX)
                    .append("px\">process ")
                    .append(processes.get(c))
                    .append("</div>\n");
        }
        for (Operation o : ops) {
            int top = Arrays.binarySearch(positions, o.invokePosition());
            // Crashed ops may take effect until the end of the history, so, as in Jepsen, their boxes run there.
            int bottom = o.outcome() == Operation.Outcome.OK || o.outcome() == Operation.Outcome.FAIL
                    ? Arrays.binarySearch(positions, o.completePosition())
                    : endRow;
            Integer step = stepOf.get(o.id());
            String css = switch (o.outcome()) {
                case OK -> "ok";
                case FAIL -> "fail";
                case INFO -> "info";
                case PENDING -> "info pending";
            };
            if (o.id() == culprit) {
                css += " culprit";
            }
            sb.append("<div class=\"op ")
                    .append(css)
                    .append(o.id() == culprit ? "\" id=\"culprit" : "")
                    .append("\" style=\"left:")
                    .append(processes.indexOf((Long) o.process()) * COLUMN_PX + 2)
                    .append("px;top:")
                    .append(HEADER_PX + top * ROW_PX)
                    .append("px;height:")
                    .append(Math.max(1, bottom - top) * ROW_PX - 2)
                    .append("px\" title=\"")
                    .append(esc(tooltip(o, step, steps)))
                    .append("\">");
            sb.append("<b>").append(esc(label(o.f()))).append("</b> ").append(esc(shown(o.value())));
            if (step != null) {
                sb.append(" <span class=\"step\">#")
                        .append(step + 1)
                        .append("&rarr;")
                        .append(esc(EdnWriter.write(steps.get(step).stateAfter())))
                        .append("</span>");
            }
            if (o.id() == culprit) {
                sb.append(" <span class=\"bad\">&#10007; cannot linearize</span>");
            }
            sb.append("</div>\n");
        }
        sb.append("</div>\n</div>\n</body></html>\n");
        return sb.toString();
    }

    private static void header(
            StringBuilder sb, String title, CheckResult result, KeyResult shown, boolean truncated, int drawn) {
        sb.append("<h1>")
                .append(esc(title))
                .append(" &mdash; valid? <span class=\"verdict ")
                .append(result.verdict().text())
                .append("\">")
                .append(result.verdict().text())
                .append("</span></h1>\n<p>")
                .append("model <code>")
                .append(esc(result.modelName()))
                .append("</code>");
        if (result.partitioned()) {
            sb.append(", key <code>")
                    .append(esc(EdnWriter.write(shown.key())))
                    .append("</code> of ")
                    .append(result.keys().size())
                    .append(" independent keys");
        }
        sb.append(", ")
                .append(drawn)
                .append(" operations drawn")
                .append(truncated ? " (truncated)" : "")
                .append(".</p>\n<p class=\"explain\">");
        if (shown.verdict() == Verdict.NOT_LINEARIZABLE) {
            sb.append("The operation outlined in red, <a href=\"#culprit\"><code>")
                    .append(esc(shown.failedOp().describe()))
                    .append(
                            "</code></a>, cannot be linearized. Numbered boxes show the longest linearizable prefix the ")
                    .append("checker found (")
                    .append(shown.longestPrefix().size())
                    .append(" steps), with the model state after each step.");
        } else if (shown.verdict() == Verdict.LINEARIZABLE) {
            sb.append("Numbered boxes show a linearization, with the model state after each step.");
        } else {
            sb.append("The checker gave up (")
                    .append(esc(String.valueOf(shown.cause())))
                    .append("); nothing is known about this history.");
        }
        sb.append(" Colours: <span class=\"key ok\">ok</span> <span class=\"key info\">info / pending</span> ")
                .append("<span class=\"key fail\">fail</span>.</p>\n");
    }

    private static void linearizationTable(StringBuilder sb, KeyResult shown, List<LinearizationStep> steps) {
        sb.append("<div class=\"steps\"><h2>")
                .append(shown.verdict() == Verdict.NOT_LINEARIZABLE ? "Longest linearizable prefix" : "Linearization")
                .append("</h2>\n<table><tr><th>#</th><th>process</th>")
                .append("<th>op</th><th>state after</th></tr>\n");
        for (int i = 0; i < steps.size(); i++) {
            Operation o = steps.get(i).op();
            sb.append("<tr><td>")
                    .append(i + 1)
                    .append("</td><td>")
                    .append(o.process())
                    .append("</td><td>")
                    .append(esc(label(o.f()) + " " + shown(o.value())))
                    .append("</td><td>")
                    .append(esc(EdnWriter.write(steps.get(i).stateAfter())))
                    .append("</td></tr>\n");
        }
        if (shown.failedOp() != null) {
            Operation o = shown.failedOp();
            sb.append("<tr class=\"bad\"><td>&times;</td><td>")
                    .append(o.process())
                    .append("</td><td>")
                    .append(esc(label(o.f()) + " " + shown(o.value())))
                    .append("</td><td>cannot be linearized</td></tr>\n");
        }
        sb.append("</table></div>\n");
    }

    private static String tooltip(Operation o, Integer step, List<LinearizationStep> steps) {
        String text = o.describe();
        if (o.completion() != null && o.completion().extras().containsKey(io.ratissm.jepsen.history.Op.ERROR)) {
            text += "\nerror: " + EdnWriter.write(o.completion().extra(io.ratissm.jepsen.history.Op.ERROR));
        }
        if (step != null) {
            text += "\nlinearized as step " + (step + 1) + ", state after: "
                    + EdnWriter.write(steps.get(step).stateAfter());
        }
        return text;
    }

    /**
     * An op's value as drawn: an op of the state-machine workload, which keeps its request in Protobuf text format
     * ({@code :text}) beside the bytes, as that text and the reply's ({@code :reply-text}), a refusal or the reply
     * bytes; any other value as EDN. The tooltip keeps the whole value.
     */
    private static String shown(Object value) {
        if (!(value instanceof Map<?, ?> m) || !(m.get(StateMachineModel.TEXT) instanceof String text)) {
            return EdnWriter.write(value);
        }
        StringBuilder s = new StringBuilder("{").append(text).append('}');
        if (m.get(StateMachineModel.REPLY_TEXT) instanceof String reply) {
            s.append(" -> {").append(reply).append('}');
        } else if (m.containsKey(StateMachineModel.REPLY)) {
            s.append(" -> ").append(EdnWriter.write(m.get(StateMachineModel.REPLY)));
        } else if (m.containsKey(StateMachineModel.REJECTED)) {
            s.append(" -> rejected ").append(EdnWriter.write(m.get(StateMachineModel.REJECTED)));
        }
        return s.toString();
    }

    private static String label(Object f) {
        String s = EdnWriter.write(f);
        return s.startsWith(":") ? s.substring(1) : s;
    }

    private static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String STYLE = """
      body { font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; }
      h1 { font-size: 20px; margin: 0 0 6px 0; }
      h2 { font-size: 15px; margin: 0 0 6px 0; }
      p { margin: 4px 0; font-size: 13px; }
      code { font-size: 12px; }
      .verdict.true { color: #1a7f37; } .verdict.false { color: #d00; } .verdict.unknown { color: #b26b00; }
      .panes { display: flex; gap: 24px; align-items: flex-start; margin-top: 10px; }
      .timeline { position: relative; flex: none; }
      .process { position: absolute; top: 0; width: 120px; font-size: 12px; font-weight: bold;
                 text-align: center; }
      .op { position: absolute; width: 116px; box-sizing: border-box; border: 1px solid #777;
            border-radius: 3px; font-size: 11px; line-height: 14px; padding: 1px 3px; overflow: hidden; }
      .ok { background: #6DB6FE; } .info { background: #FFAA26; opacity: 0.85; } .fail { background: #FEB5DA; }
      .pending { background: repeating-linear-gradient(45deg, #FFAA26, #FFAA26 6px, #FFC870 6px, #FFC870 12px); }
      #culprit { scroll-margin-top: 200px; }
      .culprit { border: 2px solid #E00000; z-index: 2; box-shadow: 0 0 6px #E00000; overflow: visible;
                 white-space: nowrap; }
      .step { color: #123; font-weight: bold; }
      .bad { color: #C00000; font-weight: bold; }
      .key { padding: 0 4px; border: 1px solid #777; border-radius: 3px; }
      .steps { flex: none; position: sticky; top: 8px; font-size: 12px; max-height: 95vh; overflow-y: auto; }
      .steps table { border-collapse: collapse; }
      .steps td, .steps th { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; }
      tr.bad td { color: #C00000; font-weight: bold; }
      """;
}
