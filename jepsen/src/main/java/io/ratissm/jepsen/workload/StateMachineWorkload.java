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
import io.ratissm.jepsen.checker.BrokenStateMachineException;
import io.ratissm.jepsen.checker.StateMachineModel;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.history.Tagged;
import io.ratissm.jepsen.nodes.NodeStateMachine;
import io.ratissm.jepsen.nodes.UserClasses;
import java.io.IOException;
import java.lang.reflect.Constructor;
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
 * and {@code :reply-text} the reply, parsed with the reply type the state machine declares ({@link
 * StateMachine#schema()}, which the group advertises) when it declares one.
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
    private static final Keyword MODEL = Keyword.of("model");

    private final Class<? extends StateMachine> stateMachine;
    private final Supplier<StateMachine> factory;
    private final OperationGenerator generator;
    private final Duration checkTimeLimit;
    private final StateMachineSchema types;

    /**
     * @param stateMachine   the replicas' state machine, which is also the model
     * @param generator      the user's operations; called by one thread at a time
     * @param checkTimeLimit time budget of the linearizability check; past it the verdict is unknown
     * @throws UserClasses.UnusableClassException if {@code stateMachine} has no public constructor without arguments
     *                                            or it throws
     */
    public StateMachineWorkload(
            Class<? extends StateMachine> stateMachine, OperationGenerator generator, Duration checkTimeLimit) {
        this.stateMachine = stateMachine;
        Constructor<? extends StateMachine> constructor =
                UserClasses.constructor("--state-machine", stateMachine, StateMachine.class);
        this.factory = () -> UserClasses.instance("--state-machine", constructor, StateMachine.class);
        this.generator = generator;
        this.checkTimeLimit = checkTimeLimit;
        // The types the group advertises are its state machine's (ReplicaClient.describe() reads them from a
        // replica): this instance says the same without asking the group.
        StateMachineSchema schema;
        try {
            schema = factory.get().schema().orElse(null);
        } catch (RuntimeException e) {
            schema = null; // no readable rendering: the history shows bytes only
        }
        this.types = schema;
    }

    /**
     * The workload of {@code --state-machine stateMachine --generator generator}, both loaded from the harness's
     * classpath and then {@code classpath}, as the replicas load the state machine.
     *
     * @throws IllegalArgumentException with what to do, if either is not given
     * @throws UserClasses.UnusableClassException with what to do, if either does not load, is not the right kind of
     *                                            class, has no public constructor without arguments or its
     *                                            constructor throws
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
        ClassLoader loader = UserClasses.loader(classpath);
        Constructor<? extends StateMachine> smConstructor = UserClasses.constructor(
                "--state-machine",
                NodeStateMachine.named(stateMachine, classpath).className(),
                StateMachine.class,
                loader,
                classpath);
        Constructor<? extends OperationGenerator> generatorConstructor =
                UserClasses.constructor("--generator", generator, OperationGenerator.class, loader, classpath);
        return new StateMachineWorkload(
                smConstructor.getDeclaringClass(),
                UserClasses.instance("--generator", generatorConstructor, OperationGenerator.class),
                checkTimeLimit);
    }

    /**
     * Instances of the state machine {@code stateMachine} (a bundled short name or a class name), loaded from the
     * harness's classpath and then {@code classpath}, for {@link StateMachineModel}; one is made here, so that a
     * class the model cannot use fails now.
     *
     * @throws UserClasses.UnusableClassException with what to do, as {@link #load} does
     */
    public static Supplier<StateMachine> stateMachineFactory(String stateMachine, List<Path> classpath) {
        return NodeStateMachine.named(stateMachine, classpath).instances();
    }

    @Override
    public String name() {
        return "state-machine";
    }

    @Override
    public Class<? extends StateMachine> stateMachine() {
        return stateMachine;
    }

    /** The first query the generator gives (drawn with seed 0), if any: a read that shows the group serves. */
    @Override
    public List<Invocation> setUp() {
        Random draws = new Random(0);
        for (int i = 0; i < SETUP_DRAWS; i++) {
            Invocation op = next(draws);
            if (op.readOnly()) {
                return List.of(op);
            }
        }
        return List.of();
    }

    @Override
    public Invocation next(Random random) {
        OperationGenerator.Request r = generator.next(random);
        if (r == null) {
            throw new IllegalStateException(generator.getClass().getName() + ".next returned null; it must return "
                    + "a command or a query (OperationGenerator.Request.command/query)");
        }
        ByteString bytes = r.message().toByteString();
        Map<Keyword, Object> value =
                new LinkedHashMap<>(r.query() ? StateMachineModel.query(bytes) : StateMachineModel.command(bytes));
        value.put(StateMachineModel.TEXT, TEXT_FORMAT.shortDebugString(r.message()));
        return new Invocation(r.f(), value, r.query());
    }

    @Override
    public ByteString request(Invocation op) {
        return bytesOf(invocation(op).get(op.readOnly() ? StateMachineModel.QUERY : StateMachineModel.COMMAND));
    }

    @Override
    public Completion completion(Invocation op, ByteString reply) {
        Map<Keyword, Object> value = StateMachineModel.replied(invocation(op), reply);
        String text = replyText(reply, op.readOnly());
        if (text != null) {
            value.put(StateMachineModel.REPLY_TEXT, text);
        }
        return Completion.ok(value);
    }

    /**
     * The state machine's refusal is an answer the model must reproduce ({@code :ok} with {@code :rejected}); {@link
     * CommandTooLarge} is the framework's, never seen by the state machine: an op that never happened ({@code :fail}).
     */
    @Override
    public Completion rejected(Invocation op, CommandRejected refusal) {
        if (refusal instanceof CommandTooLarge) {
            return Workload.super.rejected(op, refusal);
        }
        return Completion.ok(StateMachineModel.rejected(invocation(op), refusal.getMessage()));
    }

    @SuppressWarnings("unchecked")
    private static Map<Keyword, Object> invocation(Invocation op) {
        return (Map<Keyword, Object>) op.value();
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
        Rejections rejections = Rejections.of(LinearizabilityCheck.clientOps(history));
        List<String> warnings = rejections.warnings();
        warnings.forEach(w -> System.err.println("warning: " + w));
        WorkloadCheck linearizable;
        try {
            linearizable = LinearizabilityCheck.check(
                    history, StateMachineModel.of(factory), storeDir, "state-machine", checkTimeLimit);
        } catch (BrokenStateMachineException e) { // the model's first instance cannot be made
            linearizable = LinearizabilityCheck.notChecked("state-machine:" + stateMachine.getName(), e);
        }
        Map<Keyword, Object> details = new LinkedHashMap<>();
        details.put(LinearizabilityCheck.VALID, linearizable.details().get(LinearizabilityCheck.VALID));
        details.put(MODEL, linearizable.details().get(MODEL));
        details.put(Keyword.of("rejections"), rejections.toEdn());
        details.putAll(linearizable.details());
        if (details.get(LinearizabilityCheck.WARNINGS) instanceof List<?> notChecked) {
            notChecked.forEach(w -> warnings.add(String.valueOf(w)));
        }
        if (!warnings.isEmpty()) {
            details.put(LinearizabilityCheck.WARNINGS, warnings);
        }
        return new WorkloadCheck(linearizable.verdict(), details);
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
