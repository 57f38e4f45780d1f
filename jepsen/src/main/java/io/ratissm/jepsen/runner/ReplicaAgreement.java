package io.ratissm.jepsen.runner;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import io.ratissm.CommandRejected;
import io.ratissm.ReplicaClient;
import io.ratissm.StateMachineSchema;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.nodes.Cluster;
import io.ratissm.jepsen.nodes.NodeProcess;
import io.ratissm.jepsen.nodes.NodeStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The final check that the replicas hold the same state, beside the history's check: a history can be linearizable
 * while the replicas behind the leader hold something else (an {@code apply} that reads the clock, in ACTIVE mode,
 * answers every client alike from the leader and leaves each follower with its own state).
 *
 * <p>After the run's final reads, with every fault healed and the clients done, it waits (up to a bound) until every
 * healthy replica has applied as far as the furthest one did when the check began, then reads each replica's own
 * state with the same queries ({@code ReplicaClient.queryStale}, which never goes through the leader) and its
 * {@code /status}. The outcome:
 * <ul>
 *   <li>{@link Outcome#DISAGREE} if two replicas answered one query differently, or a replica says its state
 *       diverged (its divergence detector's {@code "diverged: ..."} reason, which also makes it refuse every
 *       read);</li>
 *   <li>{@link Outcome#UNKNOWN} if neither, but some replica could not be compared: down, not reporting, behind,
 *       refusing a query, unhealthy for another reason, or no queries were given and its health alone was seen;</li>
 *   <li>{@link Outcome#AGREE} otherwise: every replica healthy, caught up, and answering every query alike.</li>
 * </ul>
 * Each replica's entry also counts the divergence lines in its log ({@value #DIVERGENCE_LINE}), which a replica
 * writes each time its detector finds another replica with a different state, so a detection before a restart
 * still shows.
 *
 * @param outcome  agree, disagree or unknown
 * @param summary  one sentence: what differs, or what could not be compared
 * @param replicas what each replica said, in id order
 */
public record ReplicaAgreement(Outcome outcome, String summary, List<Replica> replicas) {
    /** The line a replica's divergence detector logs for each comparison that found another state. */
    public static final String DIVERGENCE_LINE = "DIVERGENCE at log index";

    private static final String DIVERGED = "diverged";
    private static final TextFormat.Printer TEXT_FORMAT = TextFormat.printer();

    public ReplicaAgreement {
        Objects.requireNonNull(outcome, "outcome");
        replicas = List.copyOf(replicas);
    }

    /** The check's answer. */
    public enum Outcome {
        AGREE,
        DISAGREE,
        UNKNOWN
    }

    /** A query every replica is asked, named for reports. */
    public record Query(String name, ByteString bytes) {
        public Query {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * What one replica said.
     *
     * @param id                 its id
     * @param reporting          whether it answered {@code /status} (false: down, paused or silent)
     * @param appliedIndex       its applied index, -1 if it did not report
     * @param healthy            its own word on its health
     * @param reason             why it is unhealthy; empty if healthy or not reporting
     * @param answers            per query name, its answer rendered for reading (Protobuf text format when the group
     *                           declares the reply type, a quoted string for printable UTF-8, else {@code
     *                           #ratis-sm/bytes "BASE64"}), or {@code refused: message}
     * @param divergenceLogLines how many divergences its log records ({@link #DIVERGENCE_LINE})
     */
    public record Replica(
            String id,
            boolean reporting,
            long appliedIndex,
            boolean healthy,
            String reason,
            Map<String, String> answers,
            long divergenceLogLines) {
        public Replica {
            answers = Collections.unmodifiableMap(new LinkedHashMap<>(answers));
        }

        /** Whether its divergence detector judged its state untrustworthy. */
        public boolean saysDiverged() {
            return reason != null && reason.startsWith(DIVERGED);
        }
    }

    /** Whether any replica's divergence detector found a different state, now or before a restart. */
    public boolean divergenceDetected() {
        return replicas.stream().anyMatch(r -> r.saysDiverged() || r.divergenceLogLines() > 0);
    }

    /**
     * Runs the check on a cluster whose faults are healed.
     *
     * @param client  a client of the group, for the stale reads
     * @param queries asked of every replica; empty to compare health and applied indexes only
     * @param catchUp how long replicas get to apply as far as the furthest one
     */
    static ReplicaAgreement check(Cluster cluster, ReplicaClient client, List<Query> queries, Duration catchUp) {
        awaitCaughtUp(cluster, catchUp);
        Function<ByteString, String> render = renderer(client);
        List<Replica> replicas = new ArrayList<>();
        for (NodeProcess node : cluster.nodes()) {
            Optional<NodeStatus> status = node.status();
            Map<String, String> answers = new LinkedHashMap<>();
            if (status.isPresent()) { // one that is down would only make each read wait out the client's timeout
                for (Query q : queries) {
                    answers.put(q.name(), answer(client, node.id(), q, render));
                }
            }
            replicas.add(new Replica(
                    node.id(),
                    status.isPresent(),
                    status.map(NodeStatus::appliedIndex).orElse(-1L),
                    status.map(NodeStatus::healthy).orElse(false),
                    status.map(NodeStatus::reason).orElse(""),
                    answers,
                    divergenceLines(node.logFile())));
        }
        return judge(replicas, queries.stream().map(Query::name).toList());
    }

    /** The outcome of what the replicas said (see the class comment). */
    static ReplicaAgreement judge(List<Replica> replicas, List<String> queries) {
        List<String> disagreements = new ArrayList<>();
        for (String q : queries) {
            Map<String, List<String>> byAnswer = new LinkedHashMap<>();
            for (Replica r : replicas) {
                String a = r.answers().get(q);
                if (a != null && !a.startsWith("refused: ")) {
                    byAnswer.computeIfAbsent(a, x -> new ArrayList<>()).add(r.id());
                }
            }
            if (byAnswer.size() > 1) {
                disagreements.add("to " + q + " "
                        + byAnswer.entrySet().stream()
                                .map(e -> String.join(" and ", e.getValue()) + " answered " + e.getKey())
                                .collect(Collectors.joining(", ")));
            }
        }
        Map<String, List<String>> diverged = new LinkedHashMap<>();
        for (Replica r : replicas) {
            if (r.saysDiverged()) {
                diverged.computeIfAbsent(r.reason(), x -> new ArrayList<>()).add(r.id());
            }
        }
        diverged.forEach((reason, ids) ->
                disagreements.add(String.join(" and ", ids) + (ids.size() == 1 ? " says " : " say ") + reason));
        if (!disagreements.isEmpty()) {
            return new ReplicaAgreement(
                    Outcome.DISAGREE,
                    "the replicas hold different states: " + String.join("; ", disagreements),
                    replicas);
        }
        Set<String> unsure = new LinkedHashSet<>();
        long furthest = replicas.stream().mapToLong(Replica::appliedIndex).max().orElse(-1);
        for (Replica r : replicas) {
            if (!r.reporting()) {
                unsure.add(r.id() + " did not report (down or silent)");
            } else if (!r.healthy()) {
                unsure.add(r.id() + " is unhealthy: " + r.reason());
            } else if (r.appliedIndex() < furthest) {
                unsure.add(r.id() + " applied " + r.appliedIndex() + " of " + furthest);
            }
            r.answers().forEach((q, a) -> {
                if (a.startsWith("refused: ")) {
                    unsure.add(r.id() + " " + a + " (" + q + ")");
                }
            });
        }
        if (!unsure.isEmpty()) {
            return new ReplicaAgreement(
                    Outcome.UNKNOWN, "not every replica could be compared: " + String.join("; ", unsure), replicas);
        }
        if (queries.isEmpty()) {
            return new ReplicaAgreement(
                    Outcome.UNKNOWN,
                    "no queries to read the replicas with; all are healthy at applied index " + furthest,
                    replicas);
        }
        return new ReplicaAgreement(
                Outcome.AGREE,
                "every replica answered " + queries.size() + (queries.size() == 1 ? " query" : " queries")
                        + " alike at applied index " + furthest,
                replicas);
    }

    /** The check as {@code results.edn} holds it under {@code :replicas}. */
    public Map<Keyword, Object> toEdn() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("outcome"), Keyword.of(outcome.name().toLowerCase(Locale.ROOT)));
        m.put(Keyword.of("summary"), summary);
        Map<Object, Object> each = new LinkedHashMap<>();
        for (Replica r : replicas) {
            Map<Keyword, Object> e = new LinkedHashMap<>();
            e.put(Keyword.of("reporting"), r.reporting());
            e.put(Keyword.of("applied-index"), r.appliedIndex());
            e.put(Keyword.of("healthy"), r.healthy());
            if (!r.reason().isEmpty()) {
                e.put(Keyword.of("reason"), r.reason());
            }
            e.put(Keyword.of("answers"), new LinkedHashMap<Object, Object>(r.answers()));
            e.put(Keyword.of("divergence-log-lines"), r.divergenceLogLines());
            each.put(r.id(), e);
        }
        m.put(Keyword.of("each"), each);
        return m;
    }

    /**
     * Waits until every replica process that is alive reports and, if healthy, has applied as far as the furthest
     * one; a replica restarted by the last heal may take a while to serve again.
     */
    private static void awaitCaughtUp(Cluster cluster, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !caughtUp(cluster)) {
            try {
                Thread.sleep(200); // polling the replicas' /status with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean caughtUp(Cluster cluster) {
        List<Optional<NodeStatus>> statuses = cluster.nodes().stream()
                .filter(NodeProcess::isAlive)
                .map(NodeProcess::status)
                .toList();
        long furthest = statuses.stream()
                .flatMap(Optional::stream)
                .mapToLong(NodeStatus::appliedIndex)
                .max()
                .orElse(-1);
        return statuses.stream()
                .allMatch(s -> s.isPresent() && (!s.get().healthy() || s.get().appliedIndex() >= furthest));
    }

    private static String answer(ReplicaClient client, String id, Query q, Function<ByteString, String> render) {
        try {
            return render.apply(client.queryStale(q.bytes(), id));
        } catch (CommandRejected | RuntimeException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** Renders replies as the class comment of {@link Replica#answers} says. */
    private static Function<ByteString, String> renderer(ReplicaClient client) {
        Optional<Descriptor> type;
        try {
            type = client.describe().schema().flatMap(StateMachineSchema::queryReplyType);
        } catch (RuntimeException e) {
            type = Optional.empty(); // no replica describes the group: bytes are shown as text or base64
        }
        Optional<Descriptor> replyType = type;
        return bytes -> {
            if (replyType.isPresent()) {
                try {
                    return "{" + TEXT_FORMAT.shortDebugString(DynamicMessage.parseFrom(replyType.get(), bytes)) + "}";
                } catch (InvalidProtocolBufferException e) {
                    // not of its declared type: shown as bytes below
                }
            }
            try {
                if (bytes.isEmpty()) {
                    return "#ratis-sm/bytes \"\"";
                }
                String text = StandardCharsets.UTF_8
                        .newDecoder()
                        .decode(bytes.asReadOnlyByteBuffer())
                        .toString();
                if (text.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
                    return "\"" + text + "\"";
                }
            } catch (CharacterCodingException e) {
                // not text
            }
            return "#ratis-sm/bytes \"" + Base64.getEncoder().encodeToString(bytes.toByteArray()) + "\"";
        };
    }

    private static long divergenceLines(Path log) {
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(DIVERGENCE_LINE)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a log that cannot be read tells nothing either way
        }
    }
}
