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
 * A state of a chosen size, for the snapshot benchmarks: a byte array filled with deterministic
 * pseudo-random bytes (so it neither compresses nor dedups) plus a count of small "touch" commands.
 *
 * <p>{@link #fill} is one small command that makes every replica generate the same {@code size} bytes from a
 * seed, so a 100 MB state costs one log entry instead of 100 MB of commands; {@link #touch} is a tiny command
 * that advances the log (and the applied index) so that there is something new to snapshot. The snapshot is
 * the touch count, the length and the bytes, streamed. A query answers the touch count and the length.
 */
public final class BlobState implements StateMachine {
    private static final byte FILL = 1;
    private static final byte TOUCH = 2;

    private byte[] blob = new byte[0];
    private long touches;

    /** The command that replaces the state by {@code size} pseudo-random bytes derived from {@code seed}. */
    public static ByteString fill(int size, long seed) {
        return ByteString.copyFrom(
                ByteBuffer.allocate(13).put(FILL).putInt(size).putLong(seed).array());
    }

    /** The command that counts one touch. */
    public static ByteString touch() {
        return ByteString.copyFrom(new byte[] {TOUCH});
    }

    @Override
    public void validate(ByteString command) throws MalformedCommand {
        boolean fill = command.size() == 13
                && command.byteAt(0) == FILL
                && command.asReadOnlyByteBuffer().getInt(1) >= 0;
        boolean touch = command.size() == 1 && command.byteAt(0) == TOUCH;
        if (!fill && !touch) {
            throw new MalformedCommand("a blob-state command is fill(size, seed) or touch()");
        }
    }

    @Override
    public ByteString apply(ByteString command) {
        ByteBuffer c = command.asReadOnlyByteBuffer();
        if (c.get(0) == FILL) {
            blob = generate(c.getInt(1), c.getLong(5));
        } else {
            touches++;
        }
        return describe();
    }

    @Override
    public ByteString query(ByteString query) {
        return describe();
    }

    private ByteString describe() {
        return ByteString.copyFrom(
                ByteBuffer.allocate(12).putLong(touches).putInt(blob.length).array());
    }

    /** SplitMix64: fast, and fully specified here, so every replica and JVM generates the same bytes. */
    private static byte[] generate(int size, long seed) {
        ByteBuffer b = ByteBuffer.allocate(size);
        long x = seed;
        while (b.remaining() >= Long.BYTES) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            b.putLong(z ^ (z >>> 31));
        }
        return b.array();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(touches);
        data.writeInt(blob.length);
        data.write(blob);
        data.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        touches = data.readLong();
        int length = data.readInt();
        if (length < 0) {
            throw new IOException("not a blob-state snapshot: negative length " + length);
        }
        blob = new byte[length];
        data.readFully(blob);
    }
}
