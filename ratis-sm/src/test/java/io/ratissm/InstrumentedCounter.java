package io.ratissm;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * A counter that describes its effects (the new value) and counts, per replica, how often user logic ran, so
 * tests can see who executed what. Commands are 8-byte deltas (see {@link NonNegativeCounter#add}); the delta
 * {@link #POISON} makes it throw. It can also be told to crash applying an update (to test fail-stop in PASSIVE mode).
 */
final class InstrumentedCounter implements EffectStateMachine {
    static final long POISON = Long.MIN_VALUE;

    /** Calls of user logic (apply or execute) by replica id. */
    static final class Calls {
        private final Map<String, AtomicLong> logic = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> updates = new ConcurrentHashMap<>();

        long logic(String id) {
            return logic.computeIfAbsent(id, k -> new AtomicLong()).get();
        }

        long updates(String id) {
            return updates.computeIfAbsent(id, k -> new AtomicLong()).get();
        }
    }

    private final String replica;
    private final Calls calls;
    private final BiPredicate<String, Long> crashOnUpdate;
    private long value;

    InstrumentedCounter(String replica, Calls calls) {
        this(replica, calls, (id, v) -> false);
    }

    /** @param crashOnUpdate (replica id, new value): whether applying the update throws an unexpected exception */
    InstrumentedCounter(String replica, Calls calls, BiPredicate<String, Long> crashOnUpdate) {
        this.replica = replica;
        this.calls = calls;
        this.crashOnUpdate = crashOnUpdate;
    }

    private long step(ByteString command) {
        calls.logic.computeIfAbsent(replica, k -> new AtomicLong()).incrementAndGet();
        long delta = NonNegativeCounter.decode(command);
        if (delta == POISON) {
            throw new IllegalStateException("poison command");
        }
        value += delta;
        return value;
    }

    @Override
    public void validate(ByteString command) throws CommandRejected {
        if (command.size() != 8) {
            throw new MalformedCommand("a command is 8 bytes");
        }
    }

    @Override
    public Execution execute(ByteString command) {
        ByteString v = NonNegativeCounter.encode(step(command));
        return new Execution(v, v);
    }

    @Override
    public void applyUpdate(ByteString update) {
        calls.updates.computeIfAbsent(replica, k -> new AtomicLong()).incrementAndGet();
        long next = NonNegativeCounter.decode(update);
        if (crashOnUpdate.test(replica, next)) {
            throw new IllegalStateException("simulated bug applying the update to " + next);
        }
        value = next;
    }

    @Override
    public ByteString apply(ByteString command) {
        return NonNegativeCounter.encode(step(command));
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
