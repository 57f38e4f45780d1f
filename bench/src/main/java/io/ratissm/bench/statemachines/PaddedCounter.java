package io.ratissm.bench.statemachines;

import com.google.protobuf.ByteString;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The benchmarks' counter: a command is an 8-byte big-endian delta followed by padding up to the command
 * size under test (16 B, 1 KiB), so a "16-byte command" is exactly 16 bytes handed to the client. The reply
 * is the new value (8 bytes); any query reads the value. The snapshot is the value as 8 bytes.
 *
 * <p>The bare-Ratis baseline applies the same commands with {@link #delta}, so both sides do the same work
 * per command and differ only in what the framework adds.
 */
public final class PaddedCounter implements StateMachine {
    private long value;

    /** A command that adds {@code delta}, padded with zeros to {@code size} bytes (at least 8). */
    public static byte[] command(long delta, int size) {
        if (size < Long.BYTES) {
            throw new IllegalArgumentException("a counter command needs at least 8 bytes, asked for " + size);
        }
        return ByteBuffer.allocate(size).putLong(0, delta).array();
    }

    /**
     * The delta a command adds: its first 8 bytes.
     *
     * @throws IllegalArgumentException if the command is shorter than 8 bytes
     */
    public static long delta(ByteBuffer command) {
        if (command.remaining() < Long.BYTES) {
            throw new IllegalArgumentException(
                    "a counter command has at least 8 bytes, this one " + command.remaining());
        }
        return command.getLong(command.position());
    }

    @Override
    public void validate(ByteString command) throws MalformedCommand {
        if (command.size() < Long.BYTES) {
            throw new MalformedCommand("a counter command has at least 8 bytes, this one " + command.size());
        }
    }

    @Override
    public ByteString apply(ByteString command) {
        value += delta(command.asReadOnlyByteBuffer());
        return value();
    }

    @Override
    public ByteString query(ByteString query) {
        return value();
    }

    @Override
    public boolean queriesAreThreadSafe() {
        return true; // a read of one long; apply never runs concurrently with it
    }

    private ByteString value() {
        return ByteString.copyFrom(
                ByteBuffer.allocate(Long.BYTES).putLong(0, value).array());
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
