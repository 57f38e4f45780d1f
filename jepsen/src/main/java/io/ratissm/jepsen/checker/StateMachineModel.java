package io.ratissm.jepsen.checker;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Operation;
import io.ratissm.jepsen.history.Tagged;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link Model} that is the user's own {@link StateMachine}: a deterministic state machine is already the
 * sequential specification of itself, so no hand-written model is needed.
 *
 * <p><b>States.</b> A model state is a {@link Snapshot}: the bytes {@link StateMachine#writeSnapshot} wrote,
 * compared by value with a cached hash, so the checker's memo of (linearized set, state) and its memo of
 * steps work on them. {@link StateMachine#digest()} is not used for equality, because equal digests need not
 * mean equal states. Two equal states whose snapshots differ in bytes (say, a hash map written in a
 * different order) are only searched twice, which costs time but never a wrong verdict.
 *
 * <p><b>Steps.</b> A step loads the state into a fresh instance from the factory ({@link
 * StateMachine#readSnapshot}), runs the operation and compares its reply with the reply the history
 * recorded. A command runs {@link StateMachine#validate} then {@link StateMachine#apply}, as a replica does,
 * and a {@link CommandRejected} from either is the reply "rejected" (the state stays as it was); the new state
 * is the instance's snapshot. A query runs {@link StateMachine#query} and never changes the state. The checker
 * memoises each (state, operation) step, so it runs the state machine at most once per pair.
 *
 * <p><b>Operations.</b> The {@code :f} of an operation is free (name it for readers: {@code :enqueue},
 * {@code :transfer}); what the model reads is the value, a map built with the static methods here:
 *
 * <table>
 *   <caption>Operation values</caption>
 *   <tr><th>history entry</th><th>{@code :value}</th><th>built with</th></tr>
 *   <tr><td>invoke of a command</td><td>{@code {:command #ratis-sm/bytes "BASE64"}}</td>
 *       <td>{@link #command}</td></tr>
 *   <tr><td>invoke of a query</td><td>{@code {:query #ratis-sm/bytes "BASE64"}}</td><td>{@link #query}</td></tr>
 *   <tr><td>{@code :ok} with a reply</td><td>the invoke's map plus {@code :reply #ratis-sm/bytes "BASE64"}</td>
 *       <td>{@link #replied}</td></tr>
 *   <tr><td>{@code :ok} refused with {@link CommandRejected}</td>
 *       <td>the invoke's map plus {@code :rejected "message"}</td><td>{@link #rejected}</td></tr>
 *   <tr><td>{@code :info}, {@code :fail}</td><td>the invoke's map</td><td></td></tr>
 * </table>
 *
 * <p>A rejection recorded as {@code :ok ... :rejected} is an operation that took effect as a "no": the model
 * checks that the state machine refuses it at its linearization point (the messages must match too, as
 * rejections are deterministic). A rejection recorded as {@code :fail}, as the bundled harness workloads do,
 * is an operation that never happened; that is sound, but it checks less. An {@code :info} or pending
 * operation has no reply, so it may take effect with whatever reply the state machine gives, or never.
 *
 * <p><b>Keys.</b> {@link #withKeyExtractor} names the key each command or query touches; the checker then
 * splits the history and checks each key alone, from the initial state, against its own operations. That is
 * sound only when operations on different keys commute and a reply depends on its key's state alone, as for a
 * map of independent registers; it turns one exponential search into many small ones.
 *
 * <p>The state machine must be deterministic and {@code readSnapshot} must restore exactly what
 * {@code writeSnapshot} wrote; an exception other than {@link CommandRejected} is reported as a broken state
 * machine ({@link BrokenStateMachineException}), never as a verdict. Thread-safe when the factory is: every
 * step uses its own instance.
 */
public final class StateMachineModel implements Model {
    /** The EDN tag of bytes in an operation's value: {@code #ratis-sm/bytes "BASE64"}. */
    public static final String BYTES_TAG = "ratis-sm/bytes";

    /** The value key of a command's bytes. */
    public static final Keyword COMMAND = Keyword.of("command");
    /** The value key of a query's bytes. */
    public static final Keyword QUERY = Keyword.of("query");
    /** The value key of the reply's bytes on an {@code :ok}. */
    public static final Keyword REPLY = Keyword.of("reply");
    /** The value key of a {@link CommandRejected}'s message on an {@code :ok} that was refused. */
    public static final Keyword REJECTED = Keyword.of("rejected");
    /**
     * The value key of the request in Protobuf text format, kept beside the bytes for readers (the harness's
     * {@code state-machine} workload writes it); the model ignores it, as it ignores any key not named here.
     */
    public static final Keyword TEXT = Keyword.of("text");
    /** The value key of the reply in Protobuf text format, beside {@link #REPLY}, for readers; ignored by the model. */
    public static final Keyword REPLY_TEXT = Keyword.of("reply-text");

    /** Rough bytes held per interned state besides its snapshot: the object, its array header, the map entry. */
    private static final long STATE_OVERHEAD_BYTES = 64;

    private final Supplier<? extends StateMachine> factory;
    private final String name;
    private final Function<ByteString, Object> keyExtractor;
    private final Function<StateMachine, String> describer;
    private final Snapshot initial;

    private StateMachineModel(
            Supplier<? extends StateMachine> factory,
            Function<ByteString, Object> keyExtractor,
            Function<StateMachine, String> describer) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.keyExtractor = keyExtractor;
        this.describer = describer;
        StateMachine fresh = create();
        this.name = "state-machine:" + fresh.getClass().getName();
        this.initial = snapshotOf(fresh);
    }

    /**
     * A model whose initial state is a fresh instance from {@code factory}, checked as one history.
     *
     * @throws BrokenStateMachineException if the factory fails or the fresh instance cannot write a snapshot
     */
    public static StateMachineModel of(Supplier<? extends StateMachine> factory) {
        return new StateMachineModel(factory, null, null);
    }

    /**
     * This model, splitting the history by the key that {@code keyOf} finds in each command's or query's bytes
     * (see the class comment for when that is sound). {@code keyOf} must not return null.
     */
    public StateMachineModel withKeyExtractor(Function<ByteString, Object> keyOf) {
        return new StateMachineModel(factory, Objects.requireNonNull(keyOf, "keyOf"), describer);
    }

    /**
     * This model, showing each state in reports (the counterexample's linearization, {@code timeline.html}) as
     * {@code describe} renders the instance holding it, e.g. a queue's elements, rather than as snapshot bytes.
     */
    public StateMachineModel withStateDescriber(Function<StateMachine, String> describe) {
        return new StateMachineModel(factory, keyExtractor, Objects.requireNonNull(describe, "describe"));
    }

    /** The invocation value of a command. */
    public static Map<Keyword, Object> command(ByteString command) {
        return Map.of(COMMAND, bytes(command));
    }

    /** The invocation value of a query. */
    public static Map<Keyword, Object> query(ByteString query) {
        return Map.of(QUERY, bytes(query));
    }

    /** The {@code :ok} value of a command or query ({@code invocation} from {@link #command}/{@link #query}). */
    public static Map<Keyword, Object> replied(Map<Keyword, Object> invocation, ByteString reply) {
        return completed(invocation, REPLY, bytes(reply));
    }

    /** The {@code :ok} value of a command or query refused with a {@link CommandRejected} saying {@code message}. */
    public static Map<Keyword, Object> rejected(Map<Keyword, Object> invocation, String message) {
        return completed(invocation, REJECTED, message == null ? "" : message);
    }

    /** Bytes as they appear in an operation's value, {@code #ratis-sm/bytes "BASE64"}. */
    public static Tagged bytes(ByteString bytes) {
        return new Tagged(BYTES_TAG, Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }

    private static Map<Keyword, Object> completed(Map<Keyword, Object> invocation, Keyword key, Object outcome) {
        Map<Keyword, Object> m = new LinkedHashMap<>(invocation);
        m.put(key, outcome);
        return m;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object initialState() {
        return initial;
    }

    @Override
    public Object step(Object state, Object f, Object value) {
        Request request = Request.of(f, value);
        Snapshot before = (Snapshot) state;
        StateMachine sm = restore(before);
        Object reply;
        Snapshot after;
        try {
            if (request.isQuery()) {
                reply = sm.query(request.bytes());
                after = before;
            } else {
                sm.validate(request.bytes());
                reply = sm.apply(request.bytes());
                after = snapshotOf(sm);
            }
        } catch (CommandRejected e) {
            reply = new Rejection(e.getMessage() == null ? "" : e.getMessage());
            after = before;
        } catch (RuntimeException e) {
            throw new BrokenStateMachineException(
                    "state machine " + sm.getClass().getName() + " threw " + e + " on " + EdnWriter.write(value)
                            + "; only CommandRejected is a legitimate refusal",
                    e);
        }
        if (request.recorded() != null && !request.recorded().equals(reply)) {
            return INCONSISTENT;
        }
        return after.equals(before) ? before : after;
    }

    /** A query: it runs {@link StateMachine#query}, which leaves the state as it is. */
    @Override
    public boolean readsOnly(Object f, Object value) {
        return value instanceof Map<?, ?> m && m.containsKey(QUERY) && !m.containsKey(COMMAND);
    }

    @Override
    public long stateSizeBytes(Object state) {
        return STATE_OVERHEAD_BYTES + ((Snapshot) state).size();
    }

    /** True: a state machine's crashed commands (an enqueue, a job submitted) often stay unobserved for long. */
    @Override
    public boolean defersCrashedOperations() {
        return true;
    }

    @Override
    public Object keyOf(Operation op) {
        if (keyExtractor == null) {
            return null;
        }
        Object key = keyExtractor.apply(Request.of(op.f(), op.invoke().value()).bytes());
        if (key == null) {
            throw new ModelMismatchException("the key extractor found no key in " + op.describe()
                    + "; every command and query needs a key when the history is split by key");
        }
        return key;
    }

    private StateMachine create() {
        StateMachine sm;
        try {
            sm = factory.get();
        } catch (RuntimeException e) {
            throw new BrokenStateMachineException("the state machine factory failed: " + e, e);
        }
        if (sm == null) {
            throw new BrokenStateMachineException("the state machine factory returned null");
        }
        return sm;
    }

    private StateMachine restore(Snapshot state) {
        StateMachine sm = create();
        try {
            sm.readSnapshot(state.stream());
        } catch (IOException | RuntimeException e) {
            throw new BrokenStateMachineException(
                    "state machine " + sm.getClass().getName() + " cannot read back a snapshot it wrote ("
                            + state.size() + " bytes): " + e,
                    e);
        }
        return sm;
    }

    private Snapshot snapshotOf(StateMachine sm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            sm.writeSnapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a snapshot to memory failed", e);
        } catch (RuntimeException e) {
            throw new BrokenStateMachineException(
                    "state machine " + sm.getClass().getName() + " cannot write a snapshot: " + e, e);
        }
        return new Snapshot(out.toByteArray(), describer == null ? null : describer.apply(sm));
    }

    /** A command or query decoded from an operation's value, with the reply the history recorded, if any. */
    private record Request(boolean isQuery, ByteString bytes, Object recorded) {
        static Request of(Object f, Object value) {
            if (!(value instanceof Map<?, ?> m) || m.containsKey(COMMAND) == m.containsKey(QUERY)) {
                throw new ModelMismatchException("the state-machine model needs values like {:command "
                        + "#ratis-sm/bytes \"...\"} or {:query ...} (see StateMachineModel), but "
                        + EdnWriter.write(f) + " has " + EdnWriter.write(value));
            }
            boolean isQuery = m.containsKey(QUERY);
            ByteString bytes = decode(m.get(isQuery ? QUERY : COMMAND), value);
            Object recorded = null;
            if (m.containsKey(REPLY)) {
                recorded = decode(m.get(REPLY), value);
            } else if (m.get(REJECTED) instanceof String message) {
                recorded = new Rejection(message);
            }
            return new Request(isQuery, bytes, recorded);
        }

        private static ByteString decode(Object tagged, Object value) {
            if (tagged instanceof Tagged t && BYTES_TAG.equals(t.tag()) && t.value() instanceof String s) {
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(s));
                } catch (IllegalArgumentException e) {
                    throw new ModelMismatchException("not base64 in " + EdnWriter.write(value) + ": " + e.getMessage());
                }
            }
            throw new ModelMismatchException("expected #" + BYTES_TAG + " \"BASE64\" but found "
                    + EdnWriter.write(tagged) + " in " + EdnWriter.write(value));
        }
    }

    /** The reply "refused with this message", compared by value with the recorded one. */
    private record Rejection(String message) {}

    /**
     * A model state: a state machine's snapshot bytes, equal by value, with the hash computed once. Shown in
     * reports as the model's state describer renders it, or else as {@code #ratis-sm/snapshot} with its size and
     * hash.
     */
    public static final class Snapshot {
        private final byte[] bytes;
        private final int hash;
        private final String description;

        Snapshot(byte[] bytes, String description) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
            this.description = description;
        }

        /** The snapshot's length in bytes. */
        public int size() {
            return bytes.length;
        }

        /** The snapshot bytes, as {@link StateMachine#writeSnapshot} wrote them. */
        public ByteString bytes() {
            return ByteString.copyFrom(bytes);
        }

        InputStream stream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && s.hash == hash && Arrays.equals(s.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            if (description != null) {
                return EdnWriter.write(description);
            }
            return "#ratis-sm/snapshot {:size " + bytes.length + ", :hash \"" + Integer.toHexString(hash) + "\"}";
        }
    }
}
