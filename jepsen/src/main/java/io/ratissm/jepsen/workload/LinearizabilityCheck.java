package io.ratissm.jepsen.workload;

import io.ratissm.jepsen.checker.BrokenStateMachineException;
import io.ratissm.jepsen.checker.CheckOptions;
import io.ratissm.jepsen.checker.CheckResult;
import io.ratissm.jepsen.checker.KeyResult;
import io.ratissm.jepsen.checker.Model;
import io.ratissm.jepsen.checker.ModelMismatchException;
import io.ratissm.jepsen.checker.ResultsWriter;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.checker.WglChecker;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.Operation;
import io.ratissm.jepsen.report.TimelineHtml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The check of a workload with a {@link Workload#model() model}: the client ops of the history, linearizable against
 * the model ({@link WglChecker}, split by key when the model names keys), with {@code linearizability.edn} and
 * {@code timeline.html} written into the store. The result map under {@code :workload} in {@code results.edn} has
 * {@code :valid?}, {@code :model}, {@code :op-count}, {@code :key-count} when split, {@code :cause} and {@code
 * :explanation} when the check gave up, and a {@code :counterexample} naming the op that cannot be linearized and the
 * {@code :ok} op before it. A model that does not understand an op ({@link ModelMismatchException}) or a state machine
 * that throws in the model ({@link BrokenStateMachineException}) gives {@code :valid? :unknown} with the reason under
 * {@code :warnings}, never a verdict.
 */
public final class LinearizabilityCheck {
    /** The time budget of the default {@link Workload#check}; past it the verdict is unknown. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(5);

    static final Keyword VALID = Keyword.of("valid?");
    static final Keyword WARNINGS = Keyword.of("warnings");

    private LinearizabilityCheck() {}

    /**
     * Checks {@code history}'s client ops against {@code model} within {@code timeLimit}; {@code title} heads the
     * timeline.
     */
    public static WorkloadCheck check(History history, Model model, Path storeDir, String title, Duration timeLimit)
            throws IOException {
        History clientOps = clientOps(history);
        Map<Keyword, Object> details = new LinkedHashMap<>();
        details.put(VALID, null);
        details.put(Keyword.of("model"), model.name());
        CheckResult result;
        try {
            result = search(clientOps, model, timeLimit);
        } catch (BrokenStateMachineException | ModelMismatchException e) {
            return notChecked(model.name(), e);
        }
        Files.writeString(
                storeDir.resolve("timeline.html"),
                TimelineHtml.render(title + " " + storeDir.getFileName(), clientOps, result));
        Files.writeString(storeDir.resolve("linearizability.edn"), ResultsWriter.toEdn(result));
        details.put(VALID, result.verdict().ednValue());
        details.put(Keyword.of("op-count"), (long) clientOps.ops().size());
        if (result.partitioned()) {
            details.put(Keyword.of("key-count"), (long) result.keys().size());
        }
        if (result.cause() != null) {
            details.put(Keyword.of("cause"), result.cause());
        }
        if (result.explanation() != null) {
            details.put(Keyword.of("explanation"), result.explanation());
        }
        KeyResult first = result.firstFailure();
        if (first != null) {
            details.put(
                    Keyword.of("counterexample"), counterexample(first, model, "linearizability.edn, timeline.html"));
        }
        return new WorkloadCheck(result.verdict(), details);
    }

    /** The answer when {@code model} could not check the history: unknown, with why under {@code :warnings}. */
    static WorkloadCheck notChecked(String model, RuntimeException why) {
        Map<Keyword, Object> details = new LinkedHashMap<>();
        details.put(VALID, Verdict.UNKNOWN.ednValue());
        details.put(Keyword.of("model"), model);
        details.put(WARNINGS, List.of("not checked: " + why.getMessage()));
        return new WorkloadCheck(Verdict.UNKNOWN, details);
    }

    /** The client ops of {@code history}, without the nemesis's. */
    static History clientOps(History history) {
        return new History(history.ops().stream().filter(Op::isClient).toList());
    }

    /** The linearizability search, split by key only where the model names keys. */
    static CheckResult search(History clientOps, Model model, Duration timeLimit) {
        return new WglChecker(
                        CheckOptions.defaults().withTimeLimit(timeLimit).withIndependence(CheckOptions.Independence.NO))
                .check(clientOps, model);
    }

    /**
     * A failing key's counterexample for {@code results.edn}: its {@code :key} (if split), the {@code :op} that cannot
     * be linearized, the {@code :previous-ok} op, the {@code :state-before} it (the model state the longest
     * linearization reached, from which that op would have answered otherwise) with that linearization's
     * {@code :prefix-length}, and where the {@code :details} are.
     */
    static Map<Keyword, Object> counterexample(KeyResult first, Model model, String detailsAt) {
        Map<Keyword, Object> counterexample = new LinkedHashMap<>();
        if (first.key() != null) {
            counterexample.put(Keyword.of("key"), first.key());
        }
        counterexample.put(Keyword.of("op"), shown(first.failedOp()));
        counterexample.put(Keyword.of("previous-ok"), first.previousOk() == null ? null : shown(first.previousOk()));
        counterexample.put(
                Keyword.of("state-before"),
                first.longestPrefix().isEmpty()
                        ? model.initialState()
                        : first.longestPrefix()
                                .get(first.longestPrefix().size() - 1)
                                .stateAfter());
        counterexample.put(
                Keyword.of("prefix-length"), (long) first.longestPrefix().size());
        counterexample.put(Keyword.of("details"), detailsAt);
        return counterexample;
    }

    private static Map<Keyword, Object> shown(Operation op) {
        return (op.completion() != null ? op.completion() : op.invoke()).toEdnMap();
    }
}
