package io.ratissm;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.LongPredicate;

/**
 * The framework tests' state machine: a counter that refuses to go below zero. Commands and replies are
 * 8-byte big-endian longs; a command of any other length is malformed. It can be told to crash (throw an
 * unexpected exception) when it reaches chosen values, to test fail-stop. Public, with its commands, for the tests of
 * internal packages.
 */
public final class NonNegativeCounter implements StateMachine {
    private final LongPredicate crashWhenReaching;
    private long value;

    /** Public, so that a replica's configuration file can name this class (ReplicaConfigTest). */
    public NonNegativeCounter() {
        this(v -> false);
    }

    NonNegativeCounter(LongPredicate crashWhenReaching) {
        this.crashWhenReaching = crashWhenReaching;
    }

    public static ByteString add(long delta) {
        return encode(delta);
    }

    public static ByteString get() {
        return ByteString.EMPTY;
    }

    /** A long as 8 bytes, big-endian: this counter's commands and replies (public for tests in other packages). */
    public static ByteString encode(long v) {
        return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(v).flip());
    }

    public static long decode(ByteString b) {
        return b.asReadOnlyByteBuffer().getLong();
    }

    @Override
    public void validate(ByteString command) throws CommandRejected {
        if (command.size() != 8) {
            throw new MalformedCommand("a command is 8 bytes, this one has " + command.size());
        }
    }

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        long next = value + decode(command);
        if (next < 0) {
            throw new CommandRejected("the counter would go negative (" + value + " + " + decode(command) + ")");
        }
        if (crashWhenReaching.test(next)) {
            throw new IllegalStateException("simulated bug at value " + next);
        }
        value = next;
        return encode(value);
    }

    @Override
    public ByteString query(ByteString query) {
        return encode(value);
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
