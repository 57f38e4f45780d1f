package io.ratissm.jepsen.workload;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import io.ratissm.CommandRejected;
import io.ratissm.CommandTooLarge;
import io.ratissm.StateMachine;
import io.ratissm.StateMachineSchema;
import io.ratissm.UnavailableException;
import io.ratissm.jepsen.checker.BrokenStateMachineException;
import io.ratissm.jepsen.checker.CheckOptions;
import io.ratissm.jepsen.checker.CheckResult;
import io.ratissm.jepsen.checker.KeyResult;
import io.ratissm.jepsen.checker.ModelMismatchException;
import io.ratissm.jepsen.checker.ResultsWriter;
import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.checker.WglChecker;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.history.Operation;
import io.ratissm.jepsen.history.Tagged;
import io.ratissm.jepsen.nodes.NodeStateMachine;
import io.ratissm.jepsen.nodes.StateMachineKind;
import io.ratissm.jepsen.nodes.UserClasses;
import io.ratissm.jepsen.report.TimelineHtml;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The zero-boilerplate workload: a user's {@link OperationGenerator} drives a group of the user's
 * {@link StateMachine} with raw command and query bytes, and the history is checked with that state machine as its
 * own model ({@link StateMachineModel}). Values follow {@link StateMachineModel}'s format, with a readable
 * rendering beside the bytes: {@code :text} ({@link StateMachineModel#TEXT}) is the request in Protobuf text format
 * and {@code :reply-text} the reply, parsed with the reply type the group advertises ({@code
 * ReplicaClient.describe()}) when it declares one.
 *
 * <p>A {@link CommandRejected} from the state machine is a definite "no" the model must reproduce, so it is
 * recorded as {@code :ok} with {@code :rejected}; {@link CommandTooLarge} is the framework's refusal, never seen by
 * the state machine, and stays a {@code :fail}. Every acknowledged command's refusal rate is reported per
 * {@code :f}, with a warning when a kind of command was refused every time.
 */
public final class StateMachineWorkload implements Workload {
    /** How many acknowledged commands of one kind, all refused, make the warning worth giving. */
    private static final int WARN_AFTER_REJECTIONS = 10;

    private static final int SETUP_DRAWS = 1000;
    private static final TextFormat.Printer TEXT_FORMAT = TextFormat.printer();

    private final String stateMachineClass;
    private final Supplier<StateMachine> factory;
    private final OperationGenerator generator;
    private final Duration checkTimeLimit;
    private volatile StateMachineSchema types;

    /**
     * @param factory        makes instances of the replicas' state machine for the model
     * @param generator      the user's operations; called by one thread at a time
     * @param checkTimeLimit time budget of the linearizability check; past it the verdict is unknown
     */
    public StateMachineWorkload(
            String stateMachineClass,
            Supplier<StateMachine> factory,
            OperationGenerator generator,
            Duration checkTimeLimit) {
        this.stateMachineClass = stateMachineClass;
        this.factory = factory;
        this.generator = generator;
        this.checkTimeLimit = checkTimeLimit;
    }

    /**
     * The workload of {@code --state-machine stateMachine --generator generator}, both loaded from the harness's
     * classpath and then {@code classpath}, as the replicas load the state machine.
     *
     * @throws IllegalArgumentException with what to do, if either is missing, does not load, is not the right
     *                                  kind of class or has no public constructor without arguments
     */
    public static StateMachineWorkload load(
            String stateMachine, String generator, List<Path> classpath, Duration checkTimeLimit) {
        if (stateMachine == null) {
            throw new IllegalArgumentException("--workload state-machine needs --state-machine CLASS: your"
                    + " StateMachine, which the replicas run and the checker uses as the model");
        }
        if (generator == null) {
            throw new IllegalArgumentException("--workload state-machine needs --generator CLASS: your "
                    + OperationGenerator.class.getName() + ", which says which commands and queries to send");
        }
        String smClass = NodeStateMachine.named(stateMachine, classpath).className();
        ClassLoader loader = UserClasses.loader(classpath);
        Constructor<? extends OperationGenerator> generatorConstructor =
                UserClasses.constructor("--generator", generator, OperationGenerator.class, loader, classpath);
        OperationGenerator instance = newInstance("--generator", generatorConstructor);
        return new StateMachineWorkload(
                smClass, stateMachineFactory(smClass, loader, classpath), instance, checkTimeLimit);
    }

    /**
     * Instances of the state machine {@code stateMachine} (a bundled short name or a class name), loaded from the
     * harness's classpath and then {@code classpath}, for {@link StateMachineModel}; one is made here, so that a
     * class the model cannot use fails now.
     *
     * @throws IllegalArgumentException with what to do, as {@link #load} does
     */
    public static Supplier<StateMachine> stateMachineFactory(String stateMachine, List<Path> classpath) {
        String smClass = NodeStateMachine.named(stateMachine, classpath).className();
        return stateMachineFactory(smClass, UserClasses.loader(classpath), classpath);
    }

    private static Supplier<StateMachine> stateMachineFactory(
            String smClass, ClassLoader loader, List<Path> classpath) {
        Constructor<? extends StateMachine> smConstructor =
                UserClasses.constructor("--state-machine", smClass, StateMachine.class, loader, classpath);
        newInstance("--state-machine", smConstructor); // fails here, not in the checker, if it cannot be made
        return () -> newInstance("--state-machine", smConstructor);
    }

    private static <T> T newInstance(String flag, Constructor<? extends T> constructor) {
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(
                    flag + ": new " + constructor.getDeclaringClass().getName() + "() threw " + e.getCause(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                    flag + ": cannot make a " + constructor.getDeclaringClass().getName() + ": " + e, e);
        }
    }

    @Override
    public String name() {
        return "state-machine";
    }

    /** Null: the replicas run the user's class, named by {@code --state-machine}. */
    @Override
    public StateMachineKind stateMachine() {
        return null;
    }

    /**
     * Learns the group's advertised types (for the readable rendering) and, if the generator gives queries, proves
     * that the group serves with a linearizable one. Nothing here enters the history.
     */
    @Override
    public void setUp(Reader reader) throws CommandRejected {
        try {
            types = reader.client().describe().schema().orElse(null);
        } catch (UnavailableException e) {
            throw e; // not ready yet: the harness retries
        } catch (RuntimeException e) {
            types = null; // types that cannot be rebuilt here: the history shows bytes only
        }
        Random draws = new Random(0);
        for (int i = 0; i < SETUP_DRAWS; i++) {
            OperationGenerator.Request r = draw(draws);
            if (r.query()) {
                reader.client().query(r.message().toByteString());
                return;
            }
        }
    }

    @Override
    public Invocation next(Random random) {
        OperationGenerator.Request r = draw(random);
        ByteString bytes = r.message().toByteString();
        Map<Keyword, Object> value =
                new LinkedHashMap<>(r.query() ? StateMachineModel.query(bytes) : StateMachineModel.command(bytes));
        value.put(StateMachineModel.TEXT, TEXT_FORMAT.shortDebugString(r.message()));
        return new Invocation(r.f(), value, r.query());
    }

    private OperationGenerator.Request draw(Random random) {
        OperationGenerator.Request r;
        synchronized (generator) {
            r = generator.next(random);
        }
        if (r == null) {
            throw new IllegalStateException(generator.getClass().getName() + ".next returned null; it must return "
                    + "a command or a query (OperationGenerator.Request.command/query)");
        }
        return r;
    }

    @Override
    public Completion invoke(Invocation op, Reader reader) throws CommandRejected {
        @SuppressWarnings("unchecked")
        Map<Keyword, Object> invocation = (Map<Keyword, Object>) op.value();
        ByteString request =
                bytesOf(invocation.get(op.readOnly() ? StateMachineModel.QUERY : StateMachineModel.COMMAND));
        ByteString reply;
        try {
            reply = op.readOnly() ? reader.read(request) : reader.client().submit(request);
        } catch (CommandTooLarge e) {
            throw e; // refused before the state machine saw it: an op that never happened (:fail)
        } catch (CommandRejected e) {
            return Completion.ok(StateMachineModel.rejected(invocation, e.getMessage()));
        }
        Map<Keyword, Object> value = StateMachineModel.replied(invocation, reply);
        String text = replyText(reply, op.readOnly());
        if (text != null) {
            value.put(StateMachineModel.REPLY_TEXT, text);
        }
        return Completion.ok(value);
    }

    private static ByteString bytesOf(Object tagged) {
        return ByteString.copyFrom(Base64.getDecoder().decode((String) ((Tagged) tagged).value()));
    }

    /** The reply in Protobuf text format, if the group declares its type and the bytes parse as one. */
    private String replyText(ByteString reply, boolean query) {
        StateMachineSchema schema = types;
        if (schema == null) {
            return null;
        }
        Optional<Descriptor> type = query ? schema.queryReplyType() : schema.commandReplyType();
        if (type.isEmpty()) {
            return null;
        }
        try {
            return TEXT_FORMAT.shortDebugString(DynamicMessage.parseFrom(type.get(), reply));
        } catch (InvalidProtocolBufferException e) {
            return null; // not of its declared type: the bytes alone say what came back
        }
    }

    @Override
    public WorkloadCheck check(History history, Path storeDir) throws IOException {
        History clientOps =
                new History(history.ops().stream().filter(Op::isClient).toList());
        Map<Keyword, Object> details = new LinkedHashMap<>();
        details.put(Keyword.of("model"), "state-machine:" + stateMachineClass);
        Rejections rejections = Rejections.of(clientOps);
        details.put(Keyword.of("rejections"), rejections.toEdn());
        List<String> warnings = rejections.warnings();
        warnings.forEach(w -> System.err.println("warning: " + w));
        CheckResult result;
        StateMachineModel model;
        try {
            model = StateMachineModel.of(factory);
            result = new WglChecker(CheckOptions.defaults()
                            .withTimeLimit(checkTimeLimit)
                            .withIndependence(CheckOptions.Independence.NO))
                    .check(clientOps, model);
        } catch (BrokenStateMachineException | ModelMismatchException e) {
            warnings.add("not checked: " + e.getMessage());
            details.put(Keyword.of("valid?"), Verdict.UNKNOWN.ednValue());
            details.put(Keyword.of("warnings"), warnings);
            return new WorkloadCheck(Verdict.UNKNOWN, withValidFirst(details));
        }
        Files.writeString(
                storeDir.resolve("timeline.html"),
                TimelineHtml.render("state-machine " + storeDir.getFileName(), clientOps, result));
        Files.writeString(storeDir.resolve("linearizability.edn"), ResultsWriter.toEdn(result));
        details.put(Keyword.of("valid?"), result.verdict().ednValue());
        details.put(Keyword.of("op-count"), (long) clientOps.ops().size());
        if (result.cause() != null) {
            details.put(Keyword.of("cause"), result.cause());
        }
        if (result.explanation() != null) {
            details.put(Keyword.of("explanation"), result.explanation());
        }
        KeyResult first = result.firstFailure();
        if (first != null) {
            Map<Keyword, Object> counterexample = new LinkedHashMap<>();
            counterexample.put(Keyword.of("op"), shown(first.failedOp()));
            counterexample.put(
                    Keyword.of("previous-ok"), first.previousOk() == null ? null : shown(first.previousOk()));
            // The state the longest linearization reached, from which the op above gives another reply.
            counterexample.put(
                    Keyword.of("state-before"),
                    first.longestPrefix().isEmpty()
                            ? model.initialState()
                            : first.longestPrefix()
                                    .get(first.longestPrefix().size() - 1)
                                    .stateAfter());
            counterexample.put(
                    Keyword.of("prefix-length"), (long) first.longestPrefix().size());
            counterexample.put(Keyword.of("details"), "linearizability.edn, timeline.html");
            details.put(Keyword.of("counterexample"), counterexample);
        }
        if (!warnings.isEmpty()) {
            details.put(Keyword.of("warnings"), warnings);
        }
        return new WorkloadCheck(result.verdict(), withValidFirst(details));
    }

    private static Map<Keyword, Object> withValidFirst(Map<Keyword, Object> details) {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("valid?"), details.get(Keyword.of("valid?")));
        m.putAll(details);
        return m;
    }

    private static Map<Keyword, Object> shown(Operation op) {
        return (op.completion() != null ? op.completion() : op.invoke()).toEdnMap();
    }

    /** Per kind of command ({@code :f}): how many the group answered, and how many of those it refused. */
    private record Rejections(Map<Object, long[]> byF, Map<Object, String> firstMessage) {
        static Rejections of(History clientOps) {
            Map<Object, long[]> byF = new LinkedHashMap<>();
            Map<Object, String> firstMessage = new LinkedHashMap<>();
            for (Op op : clientOps.ops()) {
                if (op.type() != OpType.OK
                        || !(op.value() instanceof Map<?, ?> m)
                        || !m.containsKey(StateMachineModel.COMMAND)) {
                    continue;
                }
                Object f = op.f();
                long[] counts = byF.computeIfAbsent(f, k -> new long[2]);
                counts[0]++;
                if (m.get(StateMachineModel.REJECTED) instanceof String message) {
                    counts[1]++;
                    firstMessage.putIfAbsent(f, message);
                }
            }
            return new Rejections(byF, firstMessage);
        }

        Map<Object, Object> toEdn() {
            Map<Object, Object> m = new LinkedHashMap<>();
            byF.forEach((f, c) -> {
                Map<Keyword, Object> counts = new LinkedHashMap<>();
                counts.put(Keyword.of("answered"), c[0]);
                counts.put(Keyword.of("rejected"), c[1]);
                counts.put(Keyword.of("rate"), c[0] == 0 ? 0.0 : (double) c[1] / c[0]);
                m.put(f, counts);
            });
            return m;
        }

        List<String> warnings() {
            List<String> warnings = new ArrayList<>();
            byF.forEach((f, c) -> {
                if (c[0] >= WARN_AFTER_REJECTIONS && c[1] == c[0]) {
                    warnings.add("the state machine rejected every one of the " + c[0] + " " + EdnWriter.write(f)
                            + " commands it answered (first: \"" + firstMessage.get(f) + "\"), so they never took"
                            + " effect and the run tests little of it: change the generator to send commands it"
                            + " accepts");
                }
            });
            return warnings;
        }
    }
}
