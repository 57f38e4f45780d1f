package io.ratissm.jepsen.junit;

import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.runner.HistoryRecorder;
import io.ratissm.jepsen.runner.ReplicaAgreement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one {@link LinearizabilityTest} run found: the verdict on the history, the counterexample when it is not
 * linearizable, why the checker gave up when it could not decide, whether the replicas hold the same state at the
 * end, the op counts and the store directory with every file of the run.
 *
 * <p>A run <em>passes</em> ({@link #passed()}) when the history is linearizable and the replicas were not found to
 * disagree. An {@link Verdict#UNKNOWN} verdict never passes: the checker gave up (time or memory budget, or a state
 * machine that could not serve as its own model) and {@link #explanation()} says why and what to change.
 */
public final class HarnessResult {
    private static final Keyword COUNTEREXAMPLE = Keyword.of("counterexample");
    /** How much of an invariant checker's result map the summary shows. */
    private static final int FOUND_CHARS = 400;

    private final String stateMachine;
    private final String setting;
    private final Verdict verdict;
    private final Map<Keyword, Object> details;
    private final Counterexample counterexample;
    private final ReplicaAgreement replicas;
    private final long ok;
    private final long fail;
    private final long info;
    private final long clientRetries;
    private final Path storeDir;

    HarnessResult(
            String stateMachine,
            String setting,
            Verdict verdict,
            Map<Keyword, Object> details,
            Counterexample counterexample,
            ReplicaAgreement replicas,
            HistoryRecorder.Counts counts,
            long clientRetries,
            Path storeDir) {
        this.stateMachine = stateMachine;
        this.setting = setting;
        this.verdict = verdict;
        this.details = details;
        this.counterexample = counterexample;
        this.replicas = replicas;
        this.ok = counts.ok();
        this.fail = counts.fail();
        this.info = counts.info();
        this.clientRetries = clientRetries;
        this.storeDir = storeDir;
    }

    /** The verdict on the history: linearizable, not linearizable, or unknown (the checker gave up). */
    public Verdict verdict() {
        return verdict;
    }

    /**
     * The run's directory in the store: {@code history.edn}, {@code results.edn}, {@code timeline.html} (the failing
     * op in red), {@code jepsen.log}, each replica's {@code n1/node.log}, the latency and rate charts.
     */
    public Path storeDir() {
        return storeDir;
    }

    /** Where the history stopped being linearizable; empty unless the verdict is {@link Verdict#NOT_LINEARIZABLE}. */
    public Optional<Counterexample> counterexample() {
        return Optional.ofNullable(counterexample);
    }

    /**
     * For an {@link Verdict#UNKNOWN} verdict, why the checker could not decide and what to change (fewer clients,
     * shorter runs, a key extractor), or why the state machine could not serve as its own model; empty otherwise.
     */
    public Optional<String> explanation() {
        if (verdict != Verdict.UNKNOWN) {
            return Optional.empty();
        }
        Object explanation = details.get(Keyword.of("explanation"));
        if (explanation != null) {
            return Optional.of(explanation.toString());
        }
        Object warnings = details.get(Keyword.of("warnings"));
        Object cause = details.get(Keyword.of("cause"));
        String text = (cause == null ? "" : "the check stopped (" + cause + ")")
                + (warnings instanceof List<?> w && !w.isEmpty()
                        ? (cause == null ? "" : "; ")
                                + String.join(
                                        "; ", w.stream().map(String::valueOf).toList())
                        : "");
        return Optional.of(text.isEmpty() ? "the checker gave no reason; see results.edn" : text);
    }

    /**
     * Whether every replica held the same state at the end ({@link ReplicaAgreement}: read one by one with the same
     * queries, and their divergence detectors' word); empty if the run did not compare them.
     */
    public Optional<ReplicaAgreement> replicas() {
        return Optional.ofNullable(replicas);
    }

    /** Operations that completed {@code :ok}. */
    public long okCount() {
        return ok;
    }

    /** Operations that definitely did not happen ({@code :fail}). */
    public long failCount() {
        return fail;
    }

    /** Operations whose outcome is unknown ({@code :info}, e.g. a timeout while the leader was killed). */
    public long infoCount() {
        return info;
    }

    /**
     * Requests the clients sent again after a failed or unanswered attempt. Each retry of a command reuses its
     * session and call number, so a linearizable history with retries shows that none was applied twice.
     */
    public long clientRetries() {
        return clientRetries;
    }

    /** The workload checker's result map, as {@code results.edn} holds it under {@code :workload}. */
    public Map<Keyword, Object> details() {
        return details;
    }

    /** True if the history is linearizable and the replicas were not found to disagree. */
    public boolean passed() {
        return verdict == Verdict.LINEARIZABLE
                && (replicas == null || replicas.outcome() != ReplicaAgreement.Outcome.DISAGREE);
    }

    /**
     * Returns this result if it {@linkplain #passed() passed}, after printing one line to standard output (the
     * verdict, the ops and the store directory, {@link #passLine()}), so that a test's output says where its run is;
     * otherwise throws an {@link AssertionError} whose message is {@link #summary()}: the verdict, the first op that
     * cannot be linearized with the model state before it, or why the check could not decide, what the replicas
     * said, and the store directory.
     */
    public HarnessResult assertLinearizable() {
        if (!passed()) {
            throw new AssertionError(summary());
        }
        System.out.println(passLine());
        return this;
    }

    /** One line for a run that passed: the verdict, the ops, the store directory. */
    public String passLine() {
        return String.format(
                "%s: %s; %s; %d ops (%d ok, %d fail, %d info); store: %s",
                stateMachine, headline(), setting, ok + fail + info, ok, fail, info, storeDir.toAbsolutePath());
    }

    /** What the run found, in a few lines for a test report. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(stateMachine).append(": ").append(headline()).append('\n');
        sb.append(String.format(
                "  run: %s; %d ops (%d ok, %d fail, %d info), %d client retries%n",
                setting, ok + fail + info, ok, fail, info, clientRetries));
        if (counterexample != null) {
            sb.append("  first op that cannot be linearized: ");
            if (counterexample.key() != null) {
                sb.append("key ").append(EdnWriter.write(counterexample.key())).append(", ");
            }
            sb.append(Counterexample.describe(counterexample.op())).append('\n');
            sb.append("  previous ok: ")
                    .append(Counterexample.describe(counterexample.previousOk()))
                    .append('\n');
            if (counterexample.stateBefore() != null) {
                sb.append("  model state before it (after the longest linearizable prefix): ")
                        .append(counterexample.stateBefore())
                        .append('\n');
            }
        }
        if (verdict == Verdict.NOT_LINEARIZABLE && counterexample == null) {
            // An invariant checker (set, counter, bank) names what it found in its map, not an op.
            String found = EdnWriter.write(details);
            sb.append("  checker: ")
                    .append(found.length() > FOUND_CHARS ? found.substring(0, FOUND_CHARS) + " ..." : found)
                    .append('\n');
        }
        explanation().ifPresent(e -> sb.append("  why: ").append(e).append('\n'));
        if (replicas != null) {
            sb.append("  replicas: ")
                    .append(replicas.outcome())
                    .append(", ")
                    .append(replicas.summary())
                    .append('\n');
        }
        sb.append("  store: ")
                .append(storeDir.toAbsolutePath())
                .append(" (history.edn, results.edn, timeline.html, jepsen.log, n1/node.log, ...")
                .append(counterexample == null ? "" : "; the search: " + counterexample.details())
                .append(')');
        return sb.toString();
    }

    private String headline() {
        String replicasDisagree = replicas != null && replicas.outcome() == ReplicaAgreement.Outcome.DISAGREE
                ? "the replicas hold different states"
                        + (replicas.divergenceDetected() ? " (their divergence detector found it too)" : "")
                : null;
        return switch (verdict) {
            case LINEARIZABLE ->
                replicasDisagree == null ? "linearizable" : "the history is linearizable, but " + replicasDisagree;
            case NOT_LINEARIZABLE -> "not linearizable" + (replicasDisagree == null ? "" : ", and " + replicasDisagree);
            case UNKNOWN ->
                "unknown: the checker could not decide, which is no pass"
                        + (replicasDisagree == null ? "" : "; " + replicasDisagree);
        };
    }

    @Override
    public String toString() {
        return summary();
    }

    /** The counterexample in a workload checker's {@code :counterexample} map, if it has one. */
    static Counterexample counterexampleOf(Map<Keyword, Object> details, Function<Object, String> states) {
        if (!(details.get(COUNTEREXAMPLE) instanceof Map<?, ?> c)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<Keyword, Object> op = (Map<Keyword, Object>) c.get(Keyword.of("op"));
        if (op == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<Keyword, Object> previous = (Map<Keyword, Object>) c.get(Keyword.of("previous-ok"));
        Object state = c.get(Keyword.of("state-before"));
        return new Counterexample(
                c.get(Keyword.of("key")),
                op,
                previous,
                state == null ? null : states.apply(state),
                String.valueOf(c.get(Keyword.of("details"))));
    }
}
