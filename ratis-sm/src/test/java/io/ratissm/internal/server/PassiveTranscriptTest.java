package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.NonNegativeCounter;
import io.ratissm.internal.NotReadyException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.CommandBatch;
import io.ratissm.internal.proto.LogEntry;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.SessionTick;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The PASSIVE chain as a specification: each file under {@code src/test/resources/passive/} is a scenario of inputs
 * (leadership changes, executions, appends, applies on several replicas) and the outputs they must give, replayed
 * step by step against {@link PassiveReplication} with the log position in the scenario's hands. A line
 * {@code > command args} is an input; the lines after it, up to the next input or blank line, are its expected
 * output; {@code #} starts a comment. Inputs:
 * <ul>
 *   <li>{@code replica ID} creates a replica (a counter whose updates are the new value; {@code add=-1000} is
 *       refused with {@link CommandRejected}, and {@code add=-2000} is a poison command: the state machine throws);
 *       {@code sessions ID S...} opens client sessions in its committed state, as earlier entries would have;</li>
 *   <li>{@code leader-ready ID term=T}, {@code not-leader ID};</li>
 *   <li>{@code prepare ID ENTRY session=S (seq=N add=K | open) [hold]}: the replica, as leader, executes a batch of
 *       one command (or opens session S) and names the entry; with {@code hold} the execution stops inside the
 *       state machine until {@code release ENTRY};</li>
 *   <li>{@code append ID ENTRY term=T index=I}: Ratis appends the entry (the prepare's ticket) at that position;
 *       {@code cancel ID ENTRY}: Ratis drops it;</li>
 *   <li>{@code apply ID ENTRY term=T index=I}: the committed entry is applied by that replica;
 *       {@code truncate ID index=I}: its log loses the entries from I on;</li>
 *   <li>{@code snapshot FROM to=ID}: replica ID installs FROM's committed state, session table and chain head, as
 *       from a snapshot taken at FROM's last applied index;</li>
 *   <li>{@code value ID}: the committed counter; {@code head ID}: the last passive entry applied; {@code stats ID}:
 *       speculative entries pending, rollbacks and executions.</li>
 * </ul>
 */
class PassiveTranscriptTest {
    private static final SessionTick TICK = SessionTick.newBuilder()
            .setIdleTimeoutMillis(600_000)
            .setMaxSessions(100)
            .build();

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException, URISyntaxException {
        Path dir = Path.of(PassiveTranscriptTest.class.getResource("/passive").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> scenarios =
                    files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
            assertThat(scenarios).as("scenario files in " + dir).isNotEmpty();
            return scenarios.stream()
                    .map(file ->
                            DynamicTest.dynamicTest(file.getFileName().toString(), () -> new Scenario(file).run()));
        }
    }

    /** One input line of a scenario, with the output it must give. */
    private record Step(int line, String input, List<String> expected) {}

    private static List<Step> parse(Path file) throws IOException {
        List<Step> steps = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("> ")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ": output without an input: " + l);
                }
                continue;
            }
            List<String> expected = new ArrayList<>();
            while (i + 1 < lines.size()
                    && !lines.get(i + 1).isBlank()
                    && !lines.get(i + 1).startsWith("> ")
                    && !lines.get(i + 1).startsWith("#")) {
                expected.add(lines.get(++i));
            }
            steps.add(new Step(i + 1 - expected.size(), l.substring(2).trim(), expected));
        }
        return steps;
    }

    /** The replicas and entries of one scenario. */
    private static final class Scenario {
        private final Path file;
        private final Map<String, Replica> replicas = new HashMap<>();
        private final Map<String, ReplicationProtocol.Prepared> entries = new HashMap<>();
        private final Map<String, CompletableFuture<String>> held = new HashMap<>();

        Scenario(Path file) {
            this.file = file;
        }

        void run() throws Exception {
            for (Step step : parse(file)) {
                String actual = execute(step.input());
                assertThat(actual)
                        .as("%s line %d: > %s", file.getFileName(), step.line(), step.input())
                        .isEqualTo(String.join("\n", step.expected()));
            }
        }

        private String execute(String input) throws Exception {
            String[] words = input.split("\\s+");
            Map<String, String> args = new LinkedHashMap<>();
            for (String w : words) {
                int eq = w.indexOf('=');
                if (eq > 0) {
                    args.put(w.substring(0, eq), w.substring(eq + 1));
                }
            }
            String command = words[0];
            if (command.equals("replica")) {
                replicas.put(words[1], new Replica(words[1]));
                return "";
            }
            if (command.equals("release")) {
                GatedCounter.release(words[1]);
                return held.remove(words[1]).get(10, TimeUnit.SECONDS);
            }
            Replica r = replicas.get(words[1]);
            switch (command) {
                case "sessions":
                    for (int i = 2; i < words.length; i++) {
                        r.sessions.apply(
                                CommandBatch.newBuilder()
                                        .setSession(ByteString.copyFromUtf8(words[i]))
                                        .setOpenSession(true)
                                        .build(),
                                0,
                                TICK,
                                x -> {
                                    throw new AssertionError("opening a session applies nothing");
                                });
                    }
                    return "";
                case "leader-ready":
                    r.passive.leaderReady(number(args, "term"));
                    return "";
                case "not-leader":
                    r.passive.notLeader();
                    return "";
                case "prepare":
                    return prepare(r, words[2], args, input.endsWith(" hold"));
                case "append":
                    try {
                        r.passive.appending(
                                entries.get(words[2]).ticket(), number(args, "term"), number(args, "index"));
                        r.log.last = Math.max(r.log.last, number(args, "index"));
                        return "ok";
                    } catch (IOException e) {
                        return "refused: " + e.getMessage();
                    }
                case "cancel":
                    r.passive.cancelled(entries.get(words[2]).ticket());
                    return "";
                case "apply":
                    return apply(r, words[2], number(args, "term"), number(args, "index"));
                case "truncate":
                    r.log.last = number(args, "index") - 1;
                    return "";
                case "snapshot":
                    return installSnapshot(r, replicas.get(args.get("to")));
                case "head":
                    return r.passive.passiveHead().map(Object::toString).orElse("(none)");
                case "value":
                    return Long.toString(NonNegativeCounter.decode(
                            r.host.query(ByteString.EMPTY).getOk()));
                case "stats":
                    return "pending=" + r.passive.speculativePending() + " rollbacks=" + r.passive.rollbacks()
                            + " executions=" + r.passive.executions();
                default:
                    throw new IllegalArgumentException("unknown input: " + input);
            }
        }

        private String prepare(Replica r, String name, Map<String, String> args, boolean hold) {
            CommandBatch.Builder batch =
                    CommandBatch.newBuilder().setSession(ByteString.copyFromUtf8(args.get("session")));
            if (args.containsKey("add")) {
                long seq = number(args, "seq");
                batch.setFirstSeq(seq).setAckedBelow(seq).addCommands(NonNegativeCounter.encode(number(args, "add")));
            } else {
                batch.setOpenSession(true);
            }
            if (hold) {
                GatedCounter.holdNext(r.id, name);
                CompletableFuture<String> result =
                        CompletableFuture.supplyAsync(() -> prepared(r, name, batch.build()));
                held.put(name, result);
                GatedCounter.awaitHeld(name);
                return "held";
            }
            return prepared(r, name, batch.build());
        }

        private String prepared(Replica r, String name, CommandBatch batch) {
            try {
                ReplicationProtocol.Prepared p = r.passive.prepare(batch, TICK);
                entries.put(name, p);
                var entry = LogEntry.parseFrom(p.logData()).getPassive();
                String base = entry.hasBase()
                        ? PassiveReplication.Position.of(entry.getBase()).toString()
                        : "(none)";
                return "executed in term " + entry.getTerm() + " on " + base + ": " + outcomes(entry.getOutcomesList());
            } catch (NotReadyException e) {
                return "not ready: " + e.getMessage();
            } catch (CommandRejected e) {
                return "refused: " + e.getMessage();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String installSnapshot(Replica from, Replica to) throws IOException {
            ByteString.Output state = ByteString.newOutput();
            from.host.writeSnapshot(state);
            try (InputStream in = state.toByteString().newInput()) {
                to.host.restore(in);
            }
            to.sessions.load(from.sessions.toSnapshot());
            to.passive.loadPassiveHead(from.passive.passiveHead());
            to.log.applied = from.log.applied;
            to.log.last = Math.max(to.log.last, from.log.applied);
            return "";
        }

        private String apply(Replica r, String name, long term, long index) throws Exception {
            BatchReply reply =
                    r.passive.apply(LogEntry.parseFrom(entries.get(name).logData()), term, index);
            r.log.applied = index;
            r.log.last = Math.max(r.log.last, index);
            return reply.getOutcomesCount() == 0 ? "opened" : outcomes(reply.getOutcomesList());
        }

        private static String outcomes(List<Outcome> outcomes) {
            if (outcomes.isEmpty()) {
                return "(none)";
            }
            return outcomes.stream()
                    .map(o -> switch (o.getResultCase()) {
                        case OK -> "ok " + NonNegativeCounter.decode(o.getOk());
                        case REJECTED -> "rejected";
                        case RETRY -> "retry";
                        case UNKNOWN_SESSION -> "unknown session";
                        case EXPIRED -> "expired";
                        default -> o.getResultCase().toString();
                    })
                    .collect(Collectors.joining(", "));
        }

        private static long number(Map<String, String> args, String key) {
            return Long.parseLong(args.get(key));
        }
    }

    /** Where a replica's log stands, moved by the scenario's appends, applies and truncations. */
    private static final class StubLog implements PassiveReplication.LogPosition {
        long applied;
        long last;

        @Override
        public long appliedIndex() {
            return applied;
        }

        @Override
        public long lastIndex() {
            return last;
        }
    }

    private static final class Replica {
        final String id;
        final StateMachineHost host;
        final SessionTable sessions = new SessionTable();
        final StubLog log = new StubLog();
        final PassiveReplication passive;

        Replica(String id) {
            this.id = id;
            this.host = new StateMachineHost(id, () -> new GatedCounter(id), () -> {});
            this.passive = new PassiveReplication(id, host, sessions, log, 4 << 20, bytes -> {});
        }
    }

    /** A counter whose updates are the new value; an execution can be held inside it until the scenario says. */
    static final class GatedCounter implements EffectStateMachine {
        private static final Map<String, String> HOLD_NEXT = new HashMap<>();
        private static final Map<String, CountDownLatch> ENTERED = new HashMap<>();
        private static final Map<String, CountDownLatch> RELEASED = new HashMap<>();

        private final String replica;
        private long value;

        GatedCounter(String replica) {
            this.replica = replica;
        }

        static synchronized void holdNext(String replica, String entry) {
            HOLD_NEXT.put(replica, entry);
            ENTERED.put(entry, new CountDownLatch(1));
            RELEASED.put(entry, new CountDownLatch(1));
        }

        static void awaitHeld(String entry) {
            CountDownLatch entered;
            synchronized (GatedCounter.class) {
                entered = ENTERED.get(entry);
            }
            await(entered);
        }

        static synchronized void release(String entry) {
            RELEASED.get(entry).countDown();
        }

        private static void await(CountDownLatch latch) {
            try {
                assertThat(latch.await(10, TimeUnit.SECONDS))
                        .as("the held execution got there")
                        .isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public Execution execute(ByteString command) throws CommandRejected {
            String entry;
            CountDownLatch release = null;
            synchronized (GatedCounter.class) {
                entry = HOLD_NEXT.remove(replica);
                if (entry != null) {
                    ENTERED.get(entry).countDown();
                    release = RELEASED.get(entry);
                }
            }
            if (release != null) {
                await(release);
            }
            long delta = NonNegativeCounter.decode(command);
            if (delta == -1000) {
                throw new CommandRejected("refused");
            }
            if (delta == -2000) {
                value = -1; // a poison command may leave the state half changed
                throw new IllegalStateException("poison");
            }
            value += delta;
            return new Execution(NonNegativeCounter.encode(value), NonNegativeCounter.encode(value));
        }

        @Override
        public void applyUpdate(ByteString update) {
            value = NonNegativeCounter.decode(update);
        }

        @Override
        public ByteString apply(ByteString command) throws CommandRejected {
            return execute(command).reply();
        }

        @Override
        public ByteString query(ByteString query) {
            return NonNegativeCounter.encode(value);
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            new DataOutputStream(out).writeLong(value);
        }

        @Override
        public void readSnapshot(InputStream in) throws IOException {
            value = new DataInputStream(in).readLong();
        }
    }
}
